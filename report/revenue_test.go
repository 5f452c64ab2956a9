package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

// The revenue billing saw come back is summed per currency, from the campaign records the
// campaigns file: euros with euros, dollars with dollars, never one with the other; the
// customers held out who came back on their own are apart; a return billing did not see adds
// nothing.
func TestTheRevenueWonBackIsSummedPerCurrencyNeverAcross(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	launched := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		revenue  float64
		currency string
		holdout  bool
	}{{1200, "eur", false}, {800.5, "eur", false}, {5000, "usd", false}, {300, "eur", true}, {0, "", false}} {
		id := fmt.Sprintf("C-%d", i)
		rec := store.CampaignRecord{WorkflowID: "winback:" + id, CampaignID: "run-" + id, Seq: 3, CustomerID: id, AccountValue: 1000,
			Launched: launched, Stage: "closed", Outcome: "won_back", Closed: launched.AddDate(0, 1, 0), Holdout: c.holdout,
			Revenue: c.revenue, RevenueCurrency: c.currency}
		if _, err := st.SyncCampaign(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	f, err := st.ReportFacts(ctx, store.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(f, time.Time{}, launched.AddDate(1, 0, 0))
	if fmt.Sprint(r.Revenue) != fmt.Sprint([]report.Revenue{{Currency: "eur", Campaigns: 2, Amount: 2000.5}, {Currency: "usd", Campaigns: 1, Amount: 5000}}) {
		t.Errorf("revenue won back: %+v", r.Revenue)
	}
	if fmt.Sprint(r.RevenueHeldOut) != fmt.Sprint([]report.Revenue{{Currency: "eur", Campaigns: 1, Amount: 300}}) {
		t.Errorf("revenue of the customers held out: %+v", r.RevenueHeldOut)
	}
	b, _ := json.Marshal(r)
	if !strings.Contains(string(b), `"revenueWonBack":[{"currency":"eur","campaigns":2,"amount":2000.5},{"currency":"usd","campaigns":1,"amount":5000}]`) {
		t.Errorf("json: %s", b)
	}
	if got := report.MoneyIn(2000.5, "eur"); got != "2,001 EUR" {
		t.Errorf("MoneyIn = %q", got)
	}
}

// Without billing the report has no revenue, and says none.
func TestWithoutBillingTheReportHasNoRevenue(t *testing.T) {
	r := report.Build(store.ReportFacts{Groups: []store.ReportGroup{{Dimension: store.DimAll}}}, time.Time{}, time.Now())
	if len(r.Revenue) != 0 || len(r.RevenueHeldOut) != 0 {
		t.Errorf("revenue %+v %+v", r.Revenue, r.RevenueHeldOut)
	}
}
