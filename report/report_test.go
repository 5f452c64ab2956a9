package report_test

import (
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
)

func day(d int) time.Time { return time.Date(2026, 1, d, 9, 0, 0, 0, time.UTC) }

// visRun is a visibility run for the report tests.
func visRun(id, status string, start, close time.Time, outcome, reason, scope, rep, segment string) campaigns.Campaign {
	return campaigns.Campaign{CustomerID: id, WorkflowID: "winback:" + id, Status: status, Start: start, Close: close,
		Outcome: outcome, Reason: reason, Scope: scope, Assignee: rep, Segment: segment}
}

func TestJoinRunsFollowsContinueAsNew(t *testing.T) {
	runs := []campaigns.Campaign{
		// C-1: three runs joined by continue-as-new, listed out of order.
		visRun("C-1", campaigns.StatusContinuedAsNew, day(5), day(9), "", "let_down", "specific", "alice", "smb"),
		visRun("C-1", "completed", day(12), day(20), "won_back", "let_down", "specific", "alice", "smb"),
		visRun("C-1", campaigns.StatusContinuedAsNew, day(2), day(5), "", "", "", "alice", "smb"),
		// C-2: closed, then relaunched: two campaigns.
		visRun("C-2", "completed", day(1), day(3), "declined", "", "", "bob", "smb"),
		visRun("C-2", campaigns.StatusRunning, day(4), time.Time{}, "", "", "", "bob", "smb"),
		// C-3: the last run listed continued as new; its next run is not in the list.
		visRun("C-3", campaigns.StatusContinuedAsNew, day(6), day(8), "", "", "", "bob", "smb"),
	}
	got := report.JoinRuns(runs)
	if len(got) != 4 {
		t.Fatalf("got %d campaigns, want 4: %+v", len(got), got)
	}
	c1 := got[0]
	if c1.CustomerID != "C-1" || !c1.Start.Equal(day(2)) || !c1.Close.Equal(day(20)) || c1.Outcome != "won_back" {
		t.Errorf("C-1 = %+v: want start of the first run, close and outcome of the last", c1)
	}
	if got[1].Outcome != "declined" || got[2].Status != campaigns.StatusRunning || !got[2].Start.Equal(day(4)) {
		t.Errorf("C-2 = %+v, %+v: want the closed campaign and the relaunch apart", got[1], got[2])
	}
	if got[3].CustomerID != "C-3" || !got[3].Start.Equal(day(6)) {
		t.Errorf("C-3 = %+v", got[3])
	}
}

func TestBuildReport(t *testing.T) {
	runs := []campaigns.Campaign{
		visRun("A", "completed", day(2), day(4), "won_back", "competitor_price", "specific", "alice", "smb"), // 2 days
		visRun("B", "completed", day(3), day(9), "won_back", "let_down", "systemic", "alice", "enterprise"),  // 6 days
		visRun("C", "completed", day(3), day(13), "won_back", "competitor_price", "specific", "bob", "smb"),  // 10 days
		visRun("D", "completed", day(4), day(30), "won_back", "competitor_price", "specific", "bob", "smb"),  // 26 days
		visRun("E", "completed", day(5), day(6), "walked_away", "bad_fit", "specific", "maria", "smb"),       // not won
		visRun("F", "completed", day(5), day(25), "declined", "let_down", "systemic", "alice", "enterprise"), // not won
		visRun("G", "terminated", day(6), day(7), "", "", "", "alice", "smb"),                                // no outcome
		visRun("H", campaigns.StatusRunning, day(7), time.Time{}, "", "let_down", "", "bob", ""),             // open
		visRun("I", "completed", day(1), day(2), "won_back", "let_down", "specific", "alice", "smb"),         // before from
		visRun("J", "completed", day(20), day(21), "won_back", "let_down", "specific", "alice", "smb"),       // after to
	}
	r := report.Build(runs, day(2).Add(-time.Hour), day(19))
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
	if got, want := r.ByReason, []report.Group{
		{Key: "competitor_price", Campaigns: 3, Closed: 3, WonBack: 3, WinBackRate: 1},
		{Key: "let_down", Campaigns: 3, Closed: 2, WonBack: 1, WinBackRate: 0.5},
		{Key: report.NoValue, Campaigns: 1, Closed: 1},
		{Key: "bad_fit", Campaigns: 1, Closed: 1},
	}; !equalGroups(got, want) {
		t.Errorf("by reason:\n got %+v\nwant %+v", got, want)
	}
	if got, want := r.ByRep, []report.Group{
		{Key: "alice", Campaigns: 4, Closed: 4, WonBack: 2, WinBackRate: 0.5},
		{Key: "bob", Campaigns: 3, Closed: 2, WonBack: 2, WinBackRate: 1},
		{Key: "maria", Campaigns: 1, Closed: 1},
	}; !equalGroups(got, want) {
		t.Errorf("by rep:\n got %+v\nwant %+v", got, want)
	}
	if r.BySegment[0].Key != "smb" || r.BySegment[0].Campaigns != 5 || len(r.ByScope) != 3 {
		t.Errorf("by segment %+v, by scope %+v", r.BySegment, r.ByScope)
	}
}

func equalGroups(a, b []report.Group) bool {
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
	r := report.Build([]campaigns.Campaign{visRun("A", campaigns.StatusRunning, day(2), time.Time{}, "", "", "", "alice", "")}, time.Time{}, day(30))
	if r.WinBackRate != 0 || r.MedianTimeToWinBack != 0 || r.Open != 1 {
		t.Errorf("report = %+v", r)
	}
}
