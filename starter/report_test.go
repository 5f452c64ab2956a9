package main

import (
	"strings"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 1, d, 9, 0, 0, 0, time.UTC) }

// visRun is a visibility run for the report tests.
func visRun(id, status string, start, close time.Time, outcome, reason, scope, rep, segment string) campaignRow {
	return campaignRow{CustomerID: id, WorkflowID: "winback:" + id, Status: status, Start: start, Close: close,
		Outcome: outcome, Reason: reason, Scope: scope, Assignee: rep, Segment: segment}
}

func TestJoinRunsFollowsContinueAsNew(t *testing.T) {
	runs := []campaignRow{
		// C-1: three runs joined by continue-as-new, listed out of order.
		visRun("C-1", statusContinued, day(5), day(9), "", "let_down", "specific", "alice", "smb"),
		visRun("C-1", "completed", day(12), day(20), "won_back", "let_down", "specific", "alice", "smb"),
		visRun("C-1", statusContinued, day(2), day(5), "", "", "", "alice", "smb"),
		// C-2: closed, then relaunched: two campaigns.
		visRun("C-2", "completed", day(1), day(3), "declined", "", "", "bob", "smb"),
		visRun("C-2", statusRunning, day(4), time.Time{}, "", "", "", "bob", "smb"),
		// C-3: the last run listed continued as new; its next run is not in the list.
		visRun("C-3", statusContinued, day(6), day(8), "", "", "", "bob", "smb"),
	}
	got := joinRuns(runs)
	if len(got) != 4 {
		t.Fatalf("got %d campaigns, want 4: %+v", len(got), got)
	}
	c1 := got[0]
	if c1.CustomerID != "C-1" || !c1.Start.Equal(day(2)) || !c1.Close.Equal(day(20)) || c1.Outcome != "won_back" {
		t.Errorf("C-1 = %+v: want start of the first run, close and outcome of the last", c1)
	}
	if got[1].Outcome != "declined" || got[2].Status != statusRunning || !got[2].Start.Equal(day(4)) {
		t.Errorf("C-2 = %+v, %+v: want the closed campaign and the relaunch apart", got[1], got[2])
	}
	if got[3].CustomerID != "C-3" || !got[3].Start.Equal(day(6)) {
		t.Errorf("C-3 = %+v", got[3])
	}
}

func TestBuildReport(t *testing.T) {
	campaigns := []campaignRow{
		visRun("A", "completed", day(2), day(4), "won_back", "competitor_price", "specific", "alice", "smb"), // 2 days
		visRun("B", "completed", day(3), day(9), "won_back", "let_down", "systemic", "alice", "enterprise"),  // 6 days
		visRun("C", "completed", day(3), day(13), "won_back", "competitor_price", "specific", "bob", "smb"),  // 10 days
		visRun("D", "completed", day(4), day(30), "won_back", "competitor_price", "specific", "bob", "smb"),  // 26 days
		visRun("E", "completed", day(5), day(6), "walked_away", "bad_fit", "specific", "maria", "smb"),       // not won
		visRun("F", "completed", day(5), day(25), "declined", "let_down", "systemic", "alice", "enterprise"), // not won
		visRun("G", "terminated", day(6), day(7), "", "", "", "alice", "smb"),                                // no outcome
		visRun("H", statusRunning, day(7), time.Time{}, "", "let_down", "", "bob", ""),                       // open
		visRun("I", "completed", day(1), day(2), "won_back", "let_down", "specific", "alice", "smb"),         // before from
		visRun("J", "completed", day(20), day(21), "won_back", "let_down", "specific", "alice", "smb"),       // after to
	}
	r := buildReport(campaigns, day(2).Add(-time.Hour), day(19))
	if r.Campaigns != 8 || r.Open != 1 || r.Closed != 7 || r.WonBack != 4 {
		t.Fatalf("counts = %d campaigns, %d open, %d closed, %d won back; want 8, 1, 7, 4", r.Campaigns, r.Open, r.Closed, r.WonBack)
	}
	if want := 4.0 / 7; r.WinBackRate != want {
		t.Errorf("win-back rate = %v, want %v", r.WinBackRate, want)
	}
	wantOutcomes := map[string]int{"won_back": 4, "walked_away": 1, "declined": 1, "terminated": 1}
	if len(r.ByOutcome) != len(wantOutcomes) {
		t.Errorf("by outcome = %v, want %v", r.ByOutcome, wantOutcomes)
	}
	for k, v := range wantOutcomes {
		if r.ByOutcome[k] != v {
			t.Errorf("by outcome = %v, want %v", r.ByOutcome, wantOutcomes)
		}
	}
	// Median of 2, 6, 10 and 26 days: 8 days.
	if r.MedianTimeToWinBack != 8*24*time.Hour || r.MedianDaysToWinBack != 8 {
		t.Errorf("median = %v (%v days), want 192h (8 days)", r.MedianTimeToWinBack, r.MedianDaysToWinBack)
	}
	if got, want := r.ByReason, []groupStats{
		{Key: "competitor_price", Campaigns: 3, Closed: 3, WonBack: 3, WinBackRate: 1},
		{Key: "let_down", Campaigns: 3, Closed: 2, WonBack: 1, WinBackRate: 0.5},
		{Key: noValue, Campaigns: 1, Closed: 1},
		{Key: "bad_fit", Campaigns: 1, Closed: 1},
	}; !equalGroups(got, want) {
		t.Errorf("by reason:\n got %+v\nwant %+v", got, want)
	}
	if got, want := r.ByRep, []groupStats{
		{Key: "alice", Campaigns: 4, Closed: 4, WonBack: 2, WinBackRate: 0.5},
		{Key: "bob", Campaigns: 3, Closed: 2, WonBack: 2, WinBackRate: 1},
		{Key: "maria", Campaigns: 1, Closed: 1},
	}; !equalGroups(got, want) {
		t.Errorf("by rep:\n got %+v\nwant %+v", got, want)
	}
	if r.BySegment[0].Key != "smb" || r.BySegment[0].Campaigns != 5 || len(r.ByScope) != 3 {
		t.Errorf("by segment %+v, by scope %+v", r.BySegment, r.ByScope)
	}

	var b strings.Builder
	printReport(&b, r)
	for _, want := range []string{"Campaigns:      8 (open 1, closed 7)", "Win-back rate:  57.1% (4 won back of 7 closed)",
		"Median time to win back: 8.0 days", "competitor_price", "100.0%", "terminated"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
}

func equalGroups(a, b []groupStats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBuildReportWithNothingClosed(t *testing.T) {
	r := buildReport([]campaignRow{visRun("A", statusRunning, day(2), time.Time{}, "", "", "", "alice", "")}, time.Time{}, day(30))
	if r.WinBackRate != 0 || r.MedianTimeToWinBack != 0 || r.Open != 1 {
		t.Errorf("report = %+v", r)
	}
}

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
	if q := reportQuery(from, to); q != want {
		t.Errorf("query:\n got %s\nwant %s", q, want)
	}
	from, to, _ = reportRange("", "", now)
	if !from.IsZero() || !to.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults = %v .. %v: want since ever, through today", from, to)
	}
	if q := reportQuery(from, to); strings.Contains(q, "CloseTime") {
		t.Errorf("query without --from filters on CloseTime: %s", q)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-02-01", "2026-01-01"}} {
		if _, _, err := reportRange(bad[0], bad[1], now); exitCode(err) != exitBadInput {
			t.Errorf("reportRange(%q, %q) = %v, want bad input", bad[0], bad[1], err)
		}
	}
}
