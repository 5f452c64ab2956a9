package report_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

// launchWithHoldout files, through store.SyncCampaign as the campaigns would, a launch of 200
// customers with a 20% holdout: 40 held out (no message, no task), 160 worked. Of the worked,
// 48 came back (30%: three in every ten), one took a smaller project (foot in the door, worth
// 5,000) and the rest declined; of the held out, 4 came back on their own (10%) and 36 closed
// as holdout at the horizon. Reasons alternate by blocks of ten customers; the decision offered
// an incentive to every other worked customer and an apology to the rest.
func launchWithHoldout(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	launched := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	reasons := []string{"competitor_price", "let_down"}
	worked, held := 0, 0
	for i := range 200 {
		id := fmt.Sprintf("C-%03d", i)
		rec := store.CampaignRecord{WorkflowID: "winback:" + id, CampaignID: "run-" + id, Seq: 7, CustomerID: id, Segment: "smb",
			AccountValue: 10000, Launched: launched, Stage: "closed", Rep: "alice", Manager: "maria", LostBy: "alice"}
		if i%5 == 0 { // the launch's hash held this one out
			k := held
			held++
			rec.Holdout, rec.Reason = true, reasons[(k/10)%2]
			rec.Outcome, rec.Closed = "holdout", launched.AddDate(0, 0, 400)
			if k%10 == 0 {
				rec.Outcome, rec.Closed = "won_back", launched.AddDate(0, 2, 0) // back on their own
			}
		} else {
			j := worked
			worked++
			yes := true
			offer := []string{"incentive", "apology"}[j%2]
			rec.Reason, rec.Scope, rec.Pursue, rec.DecidedBy, rec.Offer = reasons[(j/10)%2], "specific", &yes, "maria", offer
			made := store.OfferRecord{ID: "offer-1", Kind: offer, Status: "declined", Made: launched.AddDate(0, 0, 7)}
			rec.Outcome, rec.Closed = "declined", launched.AddDate(0, 1, 0)
			switch {
			case j%10 < 3:
				made.Status, rec.Outcome, rec.Closed = "fulfilled", "won_back", launched.AddDate(0, 0, 20)
			case j == 3:
				rec.Outcome, rec.FootInDoorValue = "foot_in_door", 5000
				rec.Offers = append(rec.Offers, store.OfferRecord{ID: "offer-2", Kind: "foot_in_door", Status: "fulfilled", Value: 5000,
					Made: launched.AddDate(0, 0, 14)})
			}
			rec.Offers = append([]store.OfferRecord{made}, rec.Offers...)
		}
		if applied, err := st.SyncCampaign(ctx, rec); err != nil || !applied {
			t.Fatalf("%s: applied %v, %v", id, applied, err)
		}
	}
	return st
}

// The check: a report over a launch with a 20% holdout where the worked customers
// return more often shows the lift and its interval, per reason and per offer too, with what
// each offer did and the outcomes holdout and foot_in_door in the breakdown.
func TestTheReportShowsTheLiftOfALaunchWithAHoldout(t *testing.T) {
	st := launchWithHoldout(t)
	f, err := st.ReportFacts(context.Background(), store.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(f, time.Time{}, time.Time{})

	if r.Totals.Campaigns != 160 || r.Totals.WonBack != 48 || r.Totals.ValueWonBack != 48*10000+5000 {
		t.Errorf("the customers worked: %+v; want 160, 48 won back, 485,000 back with the foot in the door's 5,000", r.Totals)
	}
	if r.HeldOut.Campaigns != 40 || r.HeldOut.WonBack != 4 || r.HeldOut.Closed != 40 {
		t.Errorf("the customers held out: %+v", r.HeldOut)
	}
	all := r.Lift.All
	if all.Worked != (report.Arm{Campaigns: 160, Returns: 48, Rate: 0.3}) || all.HeldOut != (report.Arm{Campaigns: 40, Returns: 4, Rate: 0.1}) ||
		math.Abs(all.Lift-0.2) > 1e-9 || math.Abs(all.Low-0.0539) > 0.0001 || math.Abs(all.High-0.2963) > 0.0001 || !all.Clear {
		t.Fatalf("the lift: %+v", all)
	}
	if !strings.Contains(all.Says, "a lift of +20.0 points (95% confidence interval +5.4 points to +29.6 points)") {
		t.Errorf("the lift says %q", all.Says)
	}

	if len(r.Lift.ByReason) != 2 {
		t.Fatalf("by reason: %+v", r.Lift.ByReason)
	}
	for _, l := range r.Lift.ByReason {
		if l.Worked.Campaigns != 80 || l.Worked.Returns != 24 || l.HeldOut.Campaigns != 20 || l.HeldOut.Returns != 2 || !l.Enough ||
			math.Abs(l.Lift-0.2) > 1e-9 || l.Low >= l.Lift || l.High <= l.Lift {
			t.Errorf("reason %s: %+v", l.Key, l)
		}
	}
	offers := map[string]report.Lift{}
	for _, l := range r.Lift.ByOffer {
		offers[l.Key] = l
	}
	if inc := offers["incentive"]; inc.Worked.Campaigns != 80 || inc.Worked.Returns != 32 || inc.HeldOut.Campaigns != 40 || !inc.Clear {
		t.Errorf("the incentive against every customer held out: %+v", inc)
	}
	if _, ok := offers[report.NoValue]; ok || len(offers) != 2 {
		t.Errorf("offers compared: %v; want the incentive and the apology, not the customers without an offer", r.Lift.ByOffer)
	}
	if apo := offers["apology"]; apo.Worked.Campaigns != 80 || apo.Worked.Returns != 16 || apo.HeldOut.Returns != 4 {
		t.Errorf("the apology: %+v", apo)
	}

	want := []report.OfferFigures{
		{Kind: "apology", Offered: 80, Accepted: 16, Fulfilled: 16, WonBack: 16, ValueWonBack: 160000, AcceptRate: 0.2},
		{Kind: "incentive", Offered: 80, Accepted: 32, Fulfilled: 32, WonBack: 32, ValueWonBack: 320000, AcceptRate: 0.4},
		{Kind: "foot_in_door", Offered: 1, Accepted: 1, Fulfilled: 1, WonBack: 1, ValueWonBack: 5000, AcceptRate: 1},
	}
	if fmt.Sprint(r.Offers) != fmt.Sprint(want) {
		t.Errorf("offers:\n got %+v\nwant %+v", r.Offers, want)
	}
	if r.ByOutcome["won_back"] != 52 || r.ByOutcomeHeldOut["won_back"] != 4 || r.ByOutcome["holdout"] != 36 ||
		r.ByOutcomeHeldOut["holdout"] != 36 || r.ByOutcome["foot_in_door"] != 1 || r.ByOutcome["declined"] != 111 {
		t.Errorf("by outcome %v, held out %v", r.ByOutcome, r.ByOutcomeHeldOut)
	}
	// The campaigns' own figures leave the held-out customers out: the funnel starts with the
	// 160 worked, and the median time to win back is the campaigns' (20 days), not the 2
	// months the held-out customers took on their own.
	if r.Funnel[0].Campaigns != 160 || r.Totals.MedianDaysToWinBack != 20 || r.HeldOut.MedianDaysToWinBack < 59 {
		t.Errorf("funnel %+v, medians %v and %v", r.Funnel[0], r.Totals.MedianDaysToWinBack, r.HeldOut.MedianDaysToWinBack)
	}
}

// Without a holdout the report says how to get one, and no table of lifts.
func TestWithoutAHoldoutTheReportSaysHowToMeasureTheLift(t *testing.T) {
	r := report.Build(facts(), time.Time{}, time.Time{})
	if r.HeldOut.Campaigns != 0 || len(r.Lift.ByReason) != 0 || len(r.Lift.ByOffer) != 0 || !strings.Contains(r.Lift.All.Says, "--holdout") {
		t.Errorf("lift without a holdout: %+v", r.Lift)
	}
}
