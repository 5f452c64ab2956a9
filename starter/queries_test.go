package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/store"
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
	open := func(customer, id string, kind workflows.TaskKind, assignee string, due time.Duration) workflows.Task {
		return workflows.Task{ID: id, Kind: kind, Title: string(kind), Assignee: assignee, Status: workflows.TaskOpen, Due: testNow.Add(due)}
	}
	c.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: "C-1", Rep: "alice", Manager: "maria",
		Tasks: []workflows.Task{open("C-1", "thank-you-call", workflows.TaskThankYouCall, "alice", -time.Hour)}}})
	// C-2 would not answer a query: the list never asks it.
	c.fake.Put(campaignstest.Campaign{Running: true, Silent: true, Status: workflows.CampaignStatus{CustomerID: "C-2", Rep: "alice", Manager: "maria",
		Tasks: []workflows.Task{open("C-2", "backstory", workflows.TaskBackstory, "alice", time.Hour),
			open("C-2", "decision", workflows.TaskDecision, "maria", 2*time.Hour)}}})
	for i := range 60 { // bob's: more than a page
		c.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: fmt.Sprintf("B-%02d", i), Rep: "bob", Manager: "maria",
			Tasks: []workflows.Task{open("", "backstory", workflows.TaskBackstory, "bob", time.Duration(i)*time.Minute)}}})
	}
	code, out, errOut := c.run("", "tasks", "--rep", "alice")
	if f := c.fake.TaskFilters(); len(f) != 1 || !slices.Equal(f[0].Assignees, []string{"alice"}) || f[0].Manager != "" || !f[0].Now.Equal(testNow) {
		t.Errorf("task filters %+v", f)
	}
	if code != exitOK || errOut != "" || !strings.Contains(out, "1 overdue of 2 tasks") || !strings.Contains(out, "lag") ||
		!strings.Contains(out, "OVERDUE") || strings.Index(out, "thank-you-call") > strings.Index(out, "backstory") || strings.Contains(out, "decision") {
		t.Errorf("alice: exit %d\n%s%s", code, out, errOut)
	}

	// Pages of 50, the counts of every page, the way to the next.
	code, out, _ = c.run("", "tasks", "--rep", "bob")
	if code != exitOK || strings.Count(out, "B-") != 50 || !strings.Contains(out, "0 overdue of 60 tasks") ||
		!strings.Contains(out, "Page 1 of 2, 50 tasks a page. Next: --page 2") {
		t.Errorf("bob, page 1: exit %d\n%s", code, out)
	}
	var l taskListJSON
	code, out, _ = c.run("", "tasks", "--rep", "bob", "--page", "2", "-o", "json")
	if err := json.Unmarshal([]byte(out), &l); err != nil || code != exitOK || len(l.Tasks) != 10 || l.Total != 60 || l.Page != 2 ||
		l.Pages != 2 || l.Tasks[0].CustomerID != "B-50" || l.Tasks[0].WorkflowID != "winback:B-50" {
		t.Errorf("bob, page 2 as JSON: exit %d, %v %+v", code, err, l)
	}
	code, out, _ = c.run("", "tasks", "--rep", "bob", "--page", "all", "-o", "json")
	if err := json.Unmarshal([]byte(out), &l); err != nil || code != exitOK || len(l.Tasks) != 60 {
		t.Errorf("bob, every page: exit %d, %v, %d tasks", code, err, len(l.Tasks))
	}
	if code, out, _ := c.run("", "tasks", "--rep", "bob", "--page", "3"); code != exitOK || !strings.Contains(out, "No tasks on page 3: the list has 2 pages.") {
		t.Errorf("past the last page: exit %d\n%s", code, out)
	}

	// The manager's team view, and the filters.
	code, out, _ = c.run("", "tasks", "--team", "maria", "--kind", "decision", "--overdue=false")
	f := c.fake.TaskFilters()
	if last := f[len(f)-1]; code != exitOK || last.Manager != "maria" || !slices.Equal(last.Assignees, []string{"maria", "alice", "bob"}) ||
		last.Kind != workflows.TaskDecision || !strings.Contains(out, "C-2") || strings.Contains(out, "B-") {
		t.Errorf("maria's team, decisions: exit %d, filter %+v\n%s", code, last, out)
	}
	c.run("", "tasks", "--customer", "C-2", "--due-today", "--overdue", "--status", "closed")
	if last := c.fake.TaskFilters()[len(c.fake.TaskFilters())-1]; last.CustomerID != "C-2" || !last.Overdue || last.Status != campaigns.TaskStatusClosed ||
		!last.DueFrom.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, testNow.Location())) || last.DueBefore.Sub(last.DueFrom) != 24*time.Hour {
		t.Errorf("filters: %+v", last)
	}
	for _, args := range [][]string{
		{"--page", "0"}, {"--page", "two"}, {"--kind", "lunch"}, {"--status", "lost"}, {"--rep", "alice", "--team", "maria"},
		{"--rep", "zed"}, {"--team", "alice"}, {"--customer", " C-1"},
	} {
		code, _, errOut := c.run("", append([]string{"tasks"}, args...)...)
		if code != exitBadInput || !strings.Contains(errOut, args[0]) {
			t.Errorf("tasks %s: exit %d, %q; want 2 naming %s", strings.Join(args, " "), code, errOut, args[0])
		}
	}
}

func TestReportCommand(t *testing.T) {
	c := newCLI()
	c.fake.Facts = store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 2, Closed: 1, WonBack: 1, ValueLost: 60000, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimLostBy, Key: "alice", Campaigns: 2, Closed: 1, WonBack: 1, ValueLost: 60000, ValueWonBack: 48000},
			{Dimension: store.DimReason, Key: "let_down", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
		},
		WonBack: []store.WonBackCampaign{{Reason: "let_down", LostBy: "alice", Launched: testNow.Add(-48 * time.Hour), Closed: testNow, AccountValue: 48000}},
	}
	code, out, errOut := c.run("", "report", "--from", "2026-03-01", "-o", "json")
	var r struct {
		Totals struct {
			Campaigns, WonBack  int
			WinBackRate         float64
			ValueWonBack        float64
			MedianDaysToWinBack float64
		}
		ByLostBy []struct{ Key string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if r.Totals.Campaigns != 2 || r.Totals.WonBack != 1 || r.Totals.WinBackRate != 1 || r.Totals.MedianDaysToWinBack != 2 ||
		r.Totals.ValueWonBack != 48000 || len(r.ByLostBy) != 1 || r.ByLostBy[0].Key != "alice" {
		t.Errorf("report %+v", r)
	}
	if f := c.fake.ReportFilters(); len(f) != 1 || !f[0].From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, testNow.Location())) {
		t.Errorf("report filters %+v", f)
	}
	code, out, _ = c.run("", "report", "-o", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	alice := slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "lost_by,alice,2,1,1,1,1.0000,60000.00,48000.00,2.00,0,0,")
	})
	if code != exitOK || len(lines) < 4 || !strings.HasPrefix(lines[0], "dimension,key,campaigns") ||
		!strings.HasPrefix(lines[1], "all,,2,1,1,1,1.0000,60000.00,48000.00,2.00") || !alice {
		t.Errorf("csv: exit %d\n%s", code, out)
	}
	code, out, _ = c.run("", "report")
	for _, want := range []string{"Account value:  60,000 lost, 48,000 won back", "Median time to win back: 2.0 days", "LOST BY", "FUNNEL"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := c.run("", "status", "C-1", "-o", "csv"); code != exitBadInput || !strings.Contains(errOut, "use text or json") {
		t.Errorf("csv where it is not offered: exit %d %q", code, errOut)
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

func TestIndexRebuildCommand(t *testing.T) {
	c := newCLI()
	c.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: "C-1"}})
	c.fake.Put(campaignstest.Campaign{Running: true, Silent: true, Status: workflows.CampaignStatus{CustomerID: "C-2"}})
	c.fake.Put(campaignstest.Campaign{Status: workflows.CampaignStatus{CustomerID: "C-3", Stage: workflows.StageClosed}})
	code, out, errOut := c.run("", "index", "rebuild")
	if code != exitFailed || !strings.Contains(out, "Read 2 campaigns") || !strings.Contains(out, "1 filed") ||
		!strings.Contains(errOut, "C-2") || !strings.Contains(errOut, "1 campaign did not answer and was not filed: run it again") {
		t.Errorf("rebuild: exit %d\n%s%s", code, out, errOut)
	}
	c.fake.Edit("C-2", func(cp *campaignstest.Campaign) { cp.Silent = false })
	var r struct{ Campaigns, Filed, Failed int }
	code, out, _ = c.run("", "index", "rebuild", "--closed", "-o", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK || r.Campaigns != 3 || r.Filed != 3 || r.Failed != 0 {
		t.Errorf("rebuild --closed: exit %d, %v %+v", code, err, r)
	}
}
