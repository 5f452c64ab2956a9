package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/store"
)

// Billing, on both backends: the problems ops must look at, and the revenue billing saw come
// back with the campaigns.

// problemIDs lists a page's problems by event ID.
func problemIDs(p store.BillingProblemPage) string {
	var out []string
	for _, x := range p.Problems {
		out = append(out, x.EventID)
	}
	return strings.Join(out, " ")
}

func TestBillingProblemsStayListedNewestFirstUntilResolved(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		now := day0
		s := open(t, b.url(t), withClock(&now))
		for n := 1; n <= 5; n++ {
			p := store.BillingProblem{EventID: fmt.Sprintf("evt_%d", n), EventType: "customer.subscription.deleted",
				BillingCustomer: fmt.Sprintf("cus_%d", n), CustomerID: fmt.Sprintf("C-%d", n), Problem: fmt.Sprintf("problem %d", n),
				At: day0.Add(time.Duration(n) * time.Hour)}
			if err := s.RecordBillingProblem(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		page, err := s.BillingProblems(ctx, store.BillingProblemQuery{Limit: 2})
		if err != nil || page.Total != 5 || problemIDs(page) != "evt_5 evt_4" {
			t.Fatalf("first page: %q of %d, %v; want the two newest of 5", problemIDs(page), page.Total, err)
		}
		if got := page.Problems[0]; got.EventType != "customer.subscription.deleted" || got.BillingCustomer != "cus_5" ||
			got.CustomerID != "C-5" || got.Problem != "problem 5" || !got.At.Equal(day0.Add(5*time.Hour)) {
			t.Errorf("a problem read back: %+v", got)
		}
		if page, _ := s.BillingProblems(ctx, store.BillingProblemQuery{Offset: 4, Limit: 2}); problemIDs(page) != "evt_1" {
			t.Errorf("last page: %q", problemIDs(page))
		}

		now = day0.AddDate(0, 0, 1)
		if ok, err := s.ResolveBillingProblem(ctx, "evt_4", "maria"); err != nil || !ok {
			t.Fatalf("resolve evt_4: %v %v", ok, err)
		}
		if ok, err := s.ResolveBillingProblem(ctx, "evt_4", "nina"); err != nil || ok {
			t.Errorf("resolving it again: %v %v; want false, it was resolved already", ok, err)
		}
		if ok, err := s.ResolveBillingProblem(ctx, "evt_404", "maria"); err != nil || ok {
			t.Errorf("resolving an unknown event: %v %v", ok, err)
		}
		if page, _ := s.BillingProblems(ctx, store.BillingProblemQuery{}); page.Total != 4 || problemIDs(page) != "evt_5 evt_3 evt_2 evt_1" {
			t.Errorf("after resolving evt_4: %q of %d", problemIDs(page), page.Total)
		}
		// Billing sent the event again (its answer was lost): the newer record replaces the
		// first and is open again.
		again := store.BillingProblem{EventID: "evt_4", EventType: "customer.subscription.deleted", Problem: "still no email",
			At: day0.AddDate(0, 0, 2)}
		if err := s.RecordBillingProblem(ctx, again); err != nil {
			t.Fatal(err)
		}
		if page, _ := s.BillingProblems(ctx, store.BillingProblemQuery{Limit: 1}); problemIDs(page) != "evt_4" ||
			page.Problems[0].Problem != "still no email" || page.Total != 5 {
			t.Errorf("the event recorded again: %+v", page)
		}

		for _, bad := range []store.BillingProblem{{EventType: "x", Problem: "x"}, {EventID: "evt_9", Problem: "x"}, {EventID: "evt_9", EventType: "x"}} {
			if err := s.RecordBillingProblem(ctx, bad); !errors.Is(err, store.ErrInvalidBillingProblem) {
				t.Errorf("%+v: %v, want ErrInvalidBillingProblem", bad, err)
			}
		}
		if _, err := s.ResolveBillingProblem(ctx, "evt_5", " "); !errors.Is(err, store.ErrInvalidBillingProblem) {
			t.Errorf("a resolution by nobody: %v", err)
		}
		if _, err := s.BillingProblems(ctx, store.BillingProblemQuery{Limit: store.MaxTaskLimit + 1}); err == nil {
			t.Error("a page larger than the largest was read")
		}
	})
}

// The report sums what billing saw come back per currency, never across currencies, and keeps
// the customers held out apart; a late record does not undo a newer one's revenue.
func TestTheRevenueBillingSawIsSummedPerCurrency(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		won := func(customer string, revenue float64, currency string, holdout bool) store.CampaignRecord {
			rec := record(customer, 5)
			rec.Stage, rec.Outcome, rec.Closed = "closed", "won_back", day0.AddDate(0, 1, 0)
			rec.Revenue, rec.RevenueCurrency, rec.Holdout = revenue, currency, holdout
			return rec
		}
		for _, rec := range []store.CampaignRecord{
			won("acme", 1200, "eur", false), won("beta", 800.5, "eur", false), won("globex", 5000, "usd", false),
			won("initech", 300, "eur", true),
			won("umbrella", 0, "", false), // won back by hand: billing did not see it
		} {
			sync1(t, s, rec)
		}
		late := won("globex", 99, "gbp", false)
		late.Seq = 4
		if applied, err := s.SyncCampaign(ctx, late); err != nil || applied {
			t.Fatalf("a late record: %v %v", applied, err)
		}
		f, err := s.ReportFacts(ctx, store.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		want := []store.RevenueGroup{
			{Currency: "eur", Campaigns: 2, Amount: 2000.5}, {Currency: "usd", Campaigns: 1, Amount: 5000},
			{Currency: "eur", Holdout: true, Campaigns: 1, Amount: 300},
		}
		if fmt.Sprint(f.Revenue) != fmt.Sprint(want) {
			t.Errorf("revenue %+v\nwant    %+v", f.Revenue, want)
		}
		// The report's range applies: launched after day0, none.
		if f, _ := s.ReportFacts(ctx, store.ReportQuery{From: day0.Add(time.Hour)}); len(f.Revenue) != 0 {
			t.Errorf("revenue of campaigns launched later: %+v", f.Revenue)
		}
	})
}
