package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/workflows"
)

func TestListFilter(t *testing.T) {
	for _, tc := range []struct {
		f    listFilters
		want string
	}{
		{listFilters{}, "WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew'"},
		{listFilters{stage: "decision", rep: "bob", open: true},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew' AND ExecutionStatus = 'Running' AND WinBackStage = 'decision' AND WinBackAssignee = 'bob'"},
		{listFilters{outcome: "won_back", reason: "let_down", segment: "mid-market", closed: true},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew' AND ExecutionStatus != 'Running' AND WinBackOutcome = 'won_back' AND WinBackReason = 'let_down' AND WinBackSegment = 'mid-market'"},
	} {
		f, err := tc.f.filter()
		if got := f.Query(); err != nil || got != tc.want {
			t.Errorf("%+v:\n got %s (%v)\nwant %s", tc.f, got, err, tc.want)
		}
	}
	for _, f := range []listFilters{{stage: "Decision"}, {outcome: "lost"}, {reason: "price"}, {segment: `a"b`}, {rep: " bob"}, {open: true, closed: true}} {
		if _, err := f.filter(); exitCode(err) != exitBadInput {
			t.Errorf("%+v: err %v, want bad input", f, err)
		}
	}
}

func TestListCommand(t *testing.T) {
	c := newCLI()
	due := testNow.Add(2 * time.Hour)
	c.fake.Listed = []campaigns.Campaign{
		{CustomerID: "C-1", WorkflowID: "winback:C-1", Status: "running", Stage: "decision", Assignee: "maria", TaskDue: due, Start: testNow.Add(-48 * time.Hour)},
		{CustomerID: "C-2", WorkflowID: "winback:C-2", Status: "completed", Stage: "closed", Outcome: "won_back", Start: testNow.Add(-48 * time.Hour)},
	}
	code, out, errOut := c.run("", "list", "--stage", "decision")
	if f := c.fake.Filters(); code != exitOK || len(f) != 1 || f[0].Stage != workflows.StageDecision || !f[0].LatestRuns {
		t.Fatalf("exit %d, filters %+v: %s", code, f, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "CUSTOMER") || !strings.Contains(lines[1], "C-1") ||
		!strings.Contains(lines[1], "maria") || !strings.Contains(lines[1], when(due)) || !strings.Contains(lines[2], "won_back") {
		t.Errorf("list:\n%s", out)
	}
	code, out, _ = c.run("", "list", "-o", "json")
	var rows []campaigns.Campaign
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 || len(rows) != 2 || rows[0].Stage != "decision" ||
		!rows[0].TaskDue.Equal(due) || rows[1].Status != "completed" || rows[1].Outcome != "won_back" {
		t.Errorf("json: %v %+v", err, rows)
	}
}

func TestTasksCommand(t *testing.T) {
	c := newCLI()
	c.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: "C-1", Rep: "alice", Tasks: []workflows.Task{
		{ID: "thank-you-call", Kind: workflows.TaskThankYouCall, Assignee: "alice", Status: workflows.TaskOpen, Due: testNow.Add(-time.Hour), Title: "Call"},
	}}})
	c.fake.Put(campaignstest.Campaign{Running: true, Silent: true, Status: workflows.CampaignStatus{CustomerID: "C-2", Rep: "alice"}})
	// C-2 does not answer: the others are still listed, and the exit code says the list is partial.
	code, out, errOut := c.run("", "tasks", "--rep", "alice")
	if f := c.fake.TaskFilters(); len(f) != 1 || !slices.Equal(f[0].People, []string{"alice"}) || !slices.Equal(f[0].Assignees, []string{"alice"}) {
		t.Errorf("task filters %+v", f)
	}
	if code != exitFailed || !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "thank-you-call") ||
		!strings.Contains(errOut, "C-2") || !strings.Contains(errOut, "1 campaign of 2 did not answer") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	c.fake.Edit("C-2", func(cp *campaignstest.Campaign) { cp.Silent = false })
	if code, _, _ := c.run("", "tasks", "--rep", "alice", "--all"); code != exitOK || len(c.fake.TaskFilters()[1].People) != 0 {
		t.Errorf("--all: exit %d, filter %+v", code, c.fake.TaskFilters()[1])
	}
}

func TestReportCommand(t *testing.T) {
	c := newCLI()
	c.fake.Listed = []campaigns.Campaign{
		{CustomerID: "C-1", WorkflowID: "winback:C-1", Status: "completed", Outcome: "won_back", Reason: "let_down",
			Start: testNow.Add(-48 * time.Hour), Close: testNow},
		{CustomerID: "C-2", WorkflowID: "winback:C-2", Status: "running", Start: testNow.Add(-48 * time.Hour)},
	}
	code, out, errOut := c.run("", "report", "--from", "2026-03-01", "-o", "json")
	var r struct {
		Campaigns, WonBack  int
		WinBackRate         float64
		MedianDaysToWinBack float64
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if r.Campaigns != 2 || r.WonBack != 1 || r.WinBackRate != 1 || r.MedianDaysToWinBack != 2 {
		t.Errorf("report %+v", r)
	}
	if q := c.fake.Filters()[0].Query(); !strings.Contains(q, "CloseTime >= '2026-03-01T00:00:00Z'") {
		t.Errorf("query %q", q)
	}
}

func TestSetupCommand(t *testing.T) {
	c := newCLI()
	c.fake.Attributes = map[string]enums.IndexedValueType{"WinBackStage": enums.INDEXED_VALUE_TYPE_KEYWORD}
	code, out, errOut := c.run("", "setup")
	if added := c.fake.Added(); code != exitOK || len(added) != len(workflows.SearchAttributeTypes)-1 || !strings.Contains(out, "present  WinBackStage") ||
		!strings.Contains(out, "added    WinBackTaskDue (Datetime)") {
		t.Errorf("exit %d, added %v\n%s%s", code, added, out, errOut)
	}
	// Twice: nothing to add.
	c = newCLI()
	c.fake.Attributes = workflows.SearchAttributeTypes
	if code, _, _ := c.run("", "setup"); code != exitOK || c.fake.Added() != nil {
		t.Errorf("second setup: exit %d, added %v", code, c.fake.Added())
	}
	// A name taken with another type: nothing added, exit 1.
	c = newCLI()
	c.fake.Attributes = map[string]enums.IndexedValueType{"WinBackAccountValue": enums.INDEXED_VALUE_TYPE_INT}
	code, _, errOut = c.run("", "setup")
	if code != exitFailed || c.fake.Added() != nil || !strings.Contains(errOut, "WinBackAccountValue is Int, but winback needs Double") {
		t.Errorf("conflict: exit %d, added %v: %s", code, c.fake.Added(), errOut)
	}
}
