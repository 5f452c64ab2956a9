package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflow/v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/winback/winback/workflows"
)

func TestListQuery(t *testing.T) {
	for _, tc := range []struct {
		f    listFilters
		want string
	}{
		{listFilters{}, "WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew'"},
		{listFilters{stage: "decision", rep: "bob", open: true},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew' AND WinBackStage = 'decision' AND WinBackAssignee = 'bob' AND ExecutionStatus = 'Running'"},
		{listFilters{outcome: "won_back", reason: "let_down", segment: "mid-market", closed: true},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew' AND WinBackOutcome = 'won_back' AND WinBackReason = 'let_down' AND WinBackSegment = 'mid-market' AND ExecutionStatus != 'Running'"},
	} {
		got, err := tc.f.query()
		if err != nil || got != tc.want {
			t.Errorf("%+v:\n got %s (%v)\nwant %s", tc.f, got, err, tc.want)
		}
	}
	for _, f := range []listFilters{{stage: "Decision"}, {outcome: "lost"}, {reason: "price"}, {segment: `a"b`}, {rep: " bob"}, {open: true, closed: true}} {
		if _, err := f.query(); exitCode(err) != exitBadInput {
			t.Errorf("%+v: err %v, want bad input", f, err)
		}
	}
}

// execution is a visibility record of a campaign run.
func execution(customer string, status enums.WorkflowExecutionStatus, attrs map[string]any) *workflow.WorkflowExecutionInfo {
	attrs["WinBackCustomerID"] = customer
	return &workflow.WorkflowExecutionInfo{
		Execution:        &common.WorkflowExecution{WorkflowId: workflows.WorkflowID(customer), RunId: "r-" + customer},
		Status:           status,
		StartTime:        timestamppb.New(testNow.Add(-48 * time.Hour)),
		SearchAttributes: searchAttrs(attrs),
	}
}

func TestListCommand(t *testing.T) {
	c := newCLI()
	due := testNow.Add(2 * time.Hour)
	c.fake.listed = []*workflow.WorkflowExecutionInfo{
		execution("C-1", enums.WORKFLOW_EXECUTION_STATUS_RUNNING, map[string]any{"WinBackStage": "decision", "WinBackAssignee": "maria", "WinBackTaskDue": due}),
		execution("C-2", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, map[string]any{"WinBackStage": "closed", "WinBackOutcome": "won_back"}),
	}
	code, out, errOut := c.run("", "list", "--stage", "decision")
	if code != exitOK || !strings.Contains(c.fake.queries[0], "WinBackStage = 'decision'") {
		t.Fatalf("exit %d, queries %q: %s", code, c.fake.queries, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "CUSTOMER") || !strings.Contains(lines[1], "C-1") ||
		!strings.Contains(lines[1], "maria") || !strings.Contains(lines[1], when(due)) || !strings.Contains(lines[2], "won_back") {
		t.Errorf("list:\n%s", out)
	}
	code, out, _ = c.run("", "list", "-o", "json")
	var rows []campaignRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 || len(rows) != 2 || rows[0].Stage != "decision" ||
		!rows[0].TaskDue.Equal(due) || rows[1].Status != "completed" || rows[1].Outcome != "won_back" {
		t.Errorf("json: %v %+v", err, rows)
	}
}

func TestCollectOpenTasks(t *testing.T) {
	task := func(id, assignee string, status workflows.TaskStatus, due time.Duration) workflows.Task {
		return workflows.Task{ID: id, Assignee: assignee, Status: status, Due: testNow.Add(due)}
	}
	campaigns := []campaignStatus{
		{"C-2", workflows.CampaignStatus{Tasks: []workflows.Task{
			task("backstory", "alice", workflows.TaskDone, -5*time.Hour),
			task("exit-interview", "alice", workflows.TaskOpen, 3*time.Hour),
			task("fix-contact", "bob", workflows.TaskOpen, -time.Hour),
		}}},
		{"C-1", workflows.CampaignStatus{Tasks: []workflows.Task{
			task("decision", "maria", workflows.TaskOpen, time.Hour),
			task("backstory", "alice", workflows.TaskOpen, -2*time.Hour),
		}}},
	}
	var got []string
	for _, o := range collectOpenTasks(campaigns, "", testNow) {
		got = append(got, o.CustomerID+"/"+o.Task.ID+map[bool]string{true: " overdue"}[o.Overdue])
	}
	if want := []string{"C-1/backstory overdue", "C-2/fix-contact overdue", "C-1/decision", "C-2/exit-interview"}; !slices.Equal(got, want) {
		t.Errorf("all: %q, want %q", got, want)
	}
	alice := collectOpenTasks(campaigns, "alice", testNow)
	if len(alice) != 2 || alice[0].Task.ID != "backstory" || alice[1].Task.ID != "exit-interview" {
		t.Errorf("alice's: %+v", alice)
	}
}

func TestTasksCommand(t *testing.T) {
	c := newCLI()
	c.fake.listed = []*workflow.WorkflowExecutionInfo{
		execution("C-1", enums.WORKFLOW_EXECUTION_STATUS_RUNNING, map[string]any{"WinBackAssignee": "alice"}),
		execution("C-2", enums.WORKFLOW_EXECUTION_STATUS_RUNNING, map[string]any{"WinBackAssignee": "alice"}),
	}
	c.fake.status["C-1"] = workflows.CampaignStatus{Tasks: []workflows.Task{
		{ID: "thank-you-call", Kind: workflows.TaskThankYouCall, Assignee: "alice", Status: workflows.TaskOpen, Due: testNow.Add(-time.Hour), Title: "Call"},
	}}
	// C-2 does not answer: the others are still listed, and the exit code says the list is partial.
	code, out, errOut := c.run("", "tasks", "--rep", "alice")
	if !strings.Contains(c.fake.queries[0], "ExecutionStatus = 'Running' AND WinBackPeople = 'alice'") {
		t.Errorf("query %q", c.fake.queries[0])
	}
	if code != exitFailed || !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "thank-you-call") ||
		!strings.Contains(errOut, "C-2") || !strings.Contains(errOut, "1 campaign of 2 did not answer") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	c.fake.status["C-2"] = workflows.CampaignStatus{}
	if code, _, _ := c.run("", "tasks", "--rep", "alice", "--all"); code != exitOK || strings.Contains(c.fake.queries[1], "WinBackAssignee") {
		t.Errorf("--all: exit %d, query %q", code, c.fake.queries[1])
	}
}

func TestReportCommand(t *testing.T) {
	c := newCLI()
	won := execution("C-1", enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, map[string]any{"WinBackOutcome": "won_back", "WinBackReason": "let_down"})
	won.CloseTime = timestamppb.New(testNow)
	c.fake.listed = []*workflow.WorkflowExecutionInfo{won,
		execution("C-2", enums.WORKFLOW_EXECUTION_STATUS_RUNNING, map[string]any{}),
	}
	code, out, errOut := c.run("", "report", "--from", "2026-03-01", "-o", "json")
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if r.Campaigns != 2 || r.WonBack != 1 || r.WinBackRate != 1 || r.MedianDaysToWinBack != 2 {
		t.Errorf("report %+v", r)
	}
	if !strings.Contains(c.fake.queries[0], "CloseTime >= '2026-03-01T00:00:00Z'") {
		t.Errorf("query %q", c.fake.queries[0])
	}
}

func TestPlanAttributes(t *testing.T) {
	existing := map[string]enums.IndexedValueType{
		"WinBackStage":   enums.INDEXED_VALUE_TYPE_KEYWORD,
		"WinBackTaskDue": enums.INDEXED_VALUE_TYPE_TEXT,
		"WorkflowType":   enums.INDEXED_VALUE_TYPE_KEYWORD,
	}
	p := planAttributes(workflows.SearchAttributeTypes, existing)
	if len(p.Add) != len(workflows.SearchAttributeTypes)-2 || !slices.Equal(p.Present, []string{"WinBackStage"}) ||
		len(p.Conflicts) != 1 || !strings.Contains(p.Conflicts[0], "WinBackTaskDue is Text, but winback needs Datetime") {
		t.Errorf("plan %+v", p)
	}
	if _, ok := p.Add["WinBackStage"]; ok {
		t.Error("plans to add an attribute that exists")
	}
}

func TestSetupCommand(t *testing.T) {
	c := newCLI()
	c.fake.operator = &fakeOperator{custom: map[string]enums.IndexedValueType{"WinBackStage": enums.INDEXED_VALUE_TYPE_KEYWORD}}
	code, out, errOut := c.run("", "setup")
	if code != exitOK || len(c.fake.operator.added) != len(workflows.SearchAttributeTypes)-1 || !strings.Contains(out, "present  WinBackStage") ||
		!strings.Contains(out, "added    WinBackTaskDue (Datetime)") {
		t.Errorf("exit %d, added %v\n%s%s", code, c.fake.operator.added, out, errOut)
	}
	// Twice: nothing to add.
	c.fake.operator = &fakeOperator{custom: workflows.SearchAttributeTypes}
	if code, _, _ := c.run("", "setup"); code != exitOK || c.fake.operator.added != nil {
		t.Errorf("second setup: exit %d, added %v", code, c.fake.operator.added)
	}
	// A name taken with another type: nothing added, exit 1.
	c.fake.operator = &fakeOperator{custom: map[string]enums.IndexedValueType{"WinBackAccountValue": enums.INDEXED_VALUE_TYPE_INT}}
	code, _, errOut = c.run("", "setup")
	if code != exitFailed || c.fake.operator.added != nil || !strings.Contains(errOut, "WinBackAccountValue is Int, but winback needs Double") {
		t.Errorf("conflict: exit %d, added %v: %s", code, c.fake.operator.added, errOut)
	}
}

func TestStatusName(t *testing.T) {
	for s, want := range map[enums.WorkflowExecutionStatus]string{
		enums.WORKFLOW_EXECUTION_STATUS_RUNNING:          "running",
		enums.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:        "timed_out",
		enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW: statusContinued,
	} {
		if got := statusName(s); got != want {
			t.Errorf("statusName(%v) = %q, want %q", s, got, want)
		}
	}
}
