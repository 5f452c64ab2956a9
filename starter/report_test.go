package main

import (
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
)

func TestReportRangeAndQuery(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	from, to, err := reportRange("2026-01-01", "2026-01-31", now)
	if err != nil {
		t.Fatal(err)
	}
	if !from.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range = %v .. %v: want --to's whole day included", from, to)
	}
	want := "WorkflowType = 'WinBackCampaign' AND StartTime < '2026-02-01T00:00:00Z' AND (ExecutionStatus = 'Running' OR CloseTime >= '2026-01-01T00:00:00Z')"
	if q := reportFilter(from, to).Query(); q != want {
		t.Errorf("query:\n got %s\nwant %s", q, want)
	}
	from, to, _ = reportRange("", "", now)
	if !from.IsZero() || !to.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults = %v .. %v: want since ever, through today", from, to)
	}
	if q := reportFilter(from, to).Query(); strings.Contains(q, "CloseTime") {
		t.Errorf("query without --from filters on CloseTime: %s", q)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-02-01", "2026-01-01"}} {
		if _, _, err := reportRange(bad[0], bad[1], now); exitCode(err) != exitBadInput {
			t.Errorf("reportRange(%q, %q) = %v, want bad input", bad[0], bad[1], err)
		}
	}
}

func TestPrintReport(t *testing.T) {
	start := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	r := report.Build([]campaigns.Campaign{
		{CustomerID: "A", Status: "completed", Start: start, Close: start.AddDate(0, 0, 2), Outcome: "won_back", Reason: "competitor_price"},
		{CustomerID: "B", Status: "terminated", Start: start, Close: start.AddDate(0, 0, 1)},
		{CustomerID: "C", Status: campaigns.StatusRunning, Start: start},
	}, time.Time{}, start.AddDate(0, 1, 0))
	var b strings.Builder
	printReport(&b, r)
	for _, want := range []string{"Campaigns:      3 (open 1, closed 2)", "Win-back rate:  50.0% (1 won back of 2 closed)",
		"Median time to win back: 2.0 days", "competitor_price", "100.0%", "terminated"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
}
