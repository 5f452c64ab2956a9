package main

import (
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

func TestReportRange(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	from, to, err := reportRange("2026-01-01", "2026-01-31", now)
	if err != nil {
		t.Fatal(err)
	}
	if !from.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range = %v .. %v: want --to's whole day included", from, to)
	}
	from, to, _ = reportRange("", "", now)
	if !from.IsZero() || !to.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults = %v .. %v: want since ever, through today", from, to)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-02-01", "2026-01-01"}} {
		if _, _, err := reportRange(bad[0], bad[1], now); exitCode(err) != exitBadInput {
			t.Errorf("reportRange(%q, %q) = %v, want bad input", bad[0], bad[1], err)
		}
	}
}

func TestPrintReport(t *testing.T) {
	start := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	r := report.Build(store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 3, Closed: 2, WonBack: 1, WalkedAway: 1, ValueLost: 50000, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 1, Closed: 1, WonBack: 1},
			{Dimension: store.DimOutcome, Key: "walked_away", Campaigns: 1, Closed: 1, WalkedAway: 1},
			{Dimension: store.DimReason, Key: "competitor_price", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
		},
		WonBack:    []store.WonBackCampaign{{Reason: "competitor_price", Launched: start, Closed: start.AddDate(0, 0, 2), AccountValue: 48000}},
		Rationales: []store.Rationale{{Text: "not a fit for what we build", DecidedBy: "maria", Campaigns: 1}},
	}, time.Time{}, start.AddDate(0, 1, 0))
	var b strings.Builder
	printReport(&b, r)
	for _, want := range []string{"Campaigns:      3 (open 1, closed 2)", "Win-back rate:  50.0% (1 won back of 2 closed)",
		"Median time to win back: 2.0 days", "competitor_price", "100.0%", "walked_away", "48,000",
		"not a fit for what we build", "MONTH WON BACK"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "SCOPE") {
		t.Errorf("a table without a row is printed:\n%s", b.String())
	}
}
