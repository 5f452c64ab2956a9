package store_test

import (
	"testing"
	"time"

	"github.com/winback/winback/store"
)

// Offers, the holdout and a customer's history, on both backends: what a manager deciding on
// a customer and a report reading the campaigns would notice.

// closedWith is customer's campaign n (run-<customer>-<n>), launched n weeks after day0 and
// closed with outcome after closedAfter, with its offers.
func closedWith(customer string, n int, outcome string, closedAfter time.Duration, offers ...store.OfferRecord) store.CampaignRecord {
	rec := record(customer, 2)
	rec.CampaignID = "run-" + customer + "-" + string(rune('0'+n))
	rec.Launched = day0.AddDate(0, 0, 7*n)
	rec.Stage, rec.Outcome, rec.Closed = "closed", outcome, rec.Launched.Add(closedAfter)
	rec.Offers = offers
	return rec
}

func offer(id, kind, status string) store.OfferRecord {
	return store.OfferRecord{ID: id, Kind: kind, Status: status, Made: day0, Answered: day0.Add(time.Hour)}
}

func TestACustomersHistoryCountsOnlyTheirWinsBoughtWithAnIncentive(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		now := day0.AddDate(2, 0, 0)
		year := now.AddDate(-1, 0, 0)
		day := 24 * time.Hour
		for _, rec := range []store.CampaignRecord{
			// Counted: won back, an incentive accepted (then fulfilled), closed within the year.
			closedWith("acme", 1, "won_back", 400*day, offer("offer-1", "incentive", "fulfilled")),
			closedWith("acme", 2, "won_back", 500*day, offer("offer-1", "apology", "declined"), offer("offer-2", "incentive", "accepted")),
			// Not counted: an incentive declined; one accepted but the customer did not come back,
			// or only took a smaller project; won back with an incentive too long ago; won back
			// with another offer.
			closedWith("acme", 3, "won_back", 500*day, offer("offer-1", "incentive", "declined")),
			closedWith("acme", 4, "declined", 500*day, offer("offer-1", "incentive", "accepted")),
			closedWith("acme", 5, "foot_in_door", 500*day, offer("offer-1", "incentive", "fulfilled")),
			closedWith("acme", 6, "won_back", 10*day, offer("offer-1", "incentive", "fulfilled")),
			closedWith("acme", 7, "won_back", 400*day, offer("offer-1", "foot_in_door", "fulfilled")),
			// Another customer's, and the campaign asking.
			closedWith("beta", 1, "won_back", 400*day, offer("offer-1", "incentive", "fulfilled")),
		} {
			sync1(t, s, rec)
		}
		asking := record("acme", 1)
		asking.CampaignID, asking.Launched = "run-acme-now", now
		asking.Offers = []store.OfferRecord{offer("offer-1", "incentive", "accepted")}
		asking.Outcome, asking.Closed = "won_back", now // (it is deciding; were it closed, it still would not count)
		sync1(t, s, asking)

		h, err := s.CustomerHistory(ctx, "acme", "run-acme-now", year)
		if err != nil {
			t.Fatal(err)
		}
		if h != (store.CustomerHistory{Campaigns: 7, WonBackWithIncentive: 2}) {
			t.Errorf("acme's history in the last year: %+v, want 7 campaigns, 2 bought back with an incentive", h)
		}
		if h, _ := s.CustomerHistory(ctx, "acme", "run-acme-now", time.Time{}); h.WonBackWithIncentive != 3 {
			t.Errorf("since ever: %+v, want the old win back too", h)
		}
		if h, _ := s.CustomerHistory(ctx, "globex", "run-globex", year); h != (store.CustomerHistory{}) {
			t.Errorf("a new customer's history: %+v", h)
		}
	})
}

// A campaign's offers are replaced by each newer record, never by a late one; the report counts
// them by kind, status and outcome, keeps the held-out customers apart, and counts a foot in
// the door's value as won back.
func TestOffersAndTheHoldoutAreFiledForTheReport(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		acme := record("acme", 1)
		acme.Offers = []store.OfferRecord{offer("offer-1", "incentive", "open")}
		sync1(t, s, acme)
		acme.Seq, acme.Offers = 3, []store.OfferRecord{offer("offer-1", "incentive", "withdrawn"), offer("offer-2", "foot_in_door", "fulfilled")}
		acme.Stage, acme.Outcome, acme.Closed, acme.FootInDoorValue = "closed", "foot_in_door", day0.AddDate(0, 0, 9), 6000
		sync1(t, s, acme)
		late := record("acme", 2)
		late.Offers = []store.OfferRecord{offer("offer-1", "incentive", "accepted")}
		if applied, err := s.SyncCampaign(ctx, late); err != nil || applied {
			t.Fatalf("a late record: applied %v, %v", applied, err)
		}
		// Two customers held out: one came back on their own, one is still out.
		held := record("beta", 1)
		held.Holdout, held.Stage, held.AccountValue = true, "check_ins", 1000
		sync1(t, s, held)
		back := record("globex", 1)
		back.Holdout, back.Stage, back.Outcome, back.Closed, back.AccountValue = true, "closed", "won_back", day0.AddDate(0, 0, 20), 2000
		sync1(t, s, back)

		f, err := s.ReportFacts(ctx, store.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Offers) != 2 || f.Offers[0] != (store.OfferGroup{Kind: "foot_in_door", Status: "fulfilled", Outcome: "foot_in_door", Offers: 1,
			AccountValue: 48000, FootInDoorValue: 6000}) || f.Offers[1].Kind != "incentive" || f.Offers[1].Status != "withdrawn" {
			t.Errorf("offers: %+v", f.Offers)
		}
		if g := group(f, store.DimAll, ""); g.Holdout || g.Campaigns != 1 || g.Closed != 1 || g.WonBack != 0 || g.ValueWonBack != 6000 {
			t.Errorf("the campaigns worked: %+v; want acme, its foot in the door's 6,000 won back", g)
		}
		if g := group(f, store.DimOutcome, "foot_in_door"); g.Campaigns != 1 || g.ValueWonBack != 6000 {
			t.Errorf("outcome foot_in_door: %+v", g)
		}
		heldOut := heldOutGroup(f, store.DimAll, "")
		if !heldOut.Holdout || heldOut.Campaigns != 2 || heldOut.Closed != 1 || heldOut.WonBack != 1 || heldOut.ValueWonBack != 2000 {
			t.Errorf("the customers held out: %+v", heldOut)
		}
		if len(f.WonBack) != 1 || !f.WonBack[0].Holdout {
			t.Errorf("won back: %+v; want globex, held out", f.WonBack)
		}
		for _, p := range f.Paths {
			if p.Campaigns != 1 {
				t.Errorf("paths %+v: a held-out customer counts in the stages seen", f.Paths)
			}
		}
	})
}

func heldOutGroup(f store.ReportFacts, dim, key string) store.ReportGroup {
	for _, g := range f.Groups {
		if g.Dimension == dim && g.Key == key && g.Holdout {
			return g
		}
	}
	return store.ReportGroup{Dimension: dim, Key: key}
}

func TestARecordWithTheSameOfferTwiceIsRefused(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		rec := record("acme", 1)
		rec.Offers = []store.OfferRecord{offer("offer-1", "incentive", "open"), offer("offer-1", "apology", "open")}
		if _, err := s.SyncCampaign(ctx, rec); err == nil {
			t.Error("an offer listed twice was filed")
		}
	})
}
