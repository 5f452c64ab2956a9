package campaigns_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

func TestFilterQuery(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		f    campaigns.Filter
		want string
	}{
		{campaigns.Filter{}, "WorkflowType = 'WinBackCampaign'"},
		{campaigns.Filter{LatestRuns: true, Status: campaigns.Running, Stage: workflows.StageDecision, Assignee: "bob"},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'ContinuedAsNew' AND ExecutionStatus = 'Running' AND WinBackStage = 'decision' AND WinBackAssignee = 'bob'"},
		{campaigns.Filter{Status: campaigns.Closed, Outcome: workflows.OutcomeWonBack, Reason: workflows.ReasonLetDown, Segment: "mid-market"},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus != 'Running' AND WinBackOutcome = 'won_back' AND WinBackReason = 'let_down' AND WinBackSegment = 'mid-market'"},
		{campaigns.Filter{Status: campaigns.Running, People: []string{"alice"}},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus = 'Running' AND WinBackPeople = 'alice'"},
		{campaigns.Filter{Status: campaigns.Running, People: []string{"maria", "o'brien"}},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus = 'Running' AND WinBackPeople IN ('maria', 'o''brien')"},
		{campaigns.Filter{Status: campaigns.Running, Contact: `c1-ab\'`},
			`WorkflowType = 'WinBackCampaign' AND ExecutionStatus = 'Running' AND WinBackContact = 'c1-ab\\'''`},
		{campaigns.Filter{StartedBefore: day.AddDate(0, 1, 0), OpenSince: day},
			"WorkflowType = 'WinBackCampaign' AND StartTime < '2026-04-01T00:00:00Z' AND (ExecutionStatus = 'Running' OR CloseTime >= '2026-03-01T00:00:00Z')"},
		{campaigns.Filter{Status: campaigns.Running, HasOpenTask: true, TaskDueBefore: day},
			"WorkflowType = 'WinBackCampaign' AND ExecutionStatus = 'Running' AND WinBackTaskDue IS NOT NULL AND WinBackTaskDue < '2026-03-01T00:00:00Z'"},
	} {
		if got := tc.f.Query(); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.f, got, tc.want)
		}
	}
}

func TestPlanAttributes(t *testing.T) {
	existing := map[string]enums.IndexedValueType{
		"WinBackStage":   enums.INDEXED_VALUE_TYPE_KEYWORD,
		"WinBackTaskDue": enums.INDEXED_VALUE_TYPE_TEXT,
		"WorkflowType":   enums.INDEXED_VALUE_TYPE_KEYWORD,
	}
	p := campaigns.PlanAttributes(workflows.SearchAttributeTypes, existing)
	if len(p.Add) != len(workflows.SearchAttributeTypes)-2 || !slices.Equal(p.Present, []string{"WinBackStage"}) ||
		len(p.Conflicts) != 1 || !strings.Contains(p.Conflicts[0], "WinBackTaskDue is Text, but winback needs Datetime") {
		t.Errorf("plan %+v", p)
	}
	if _, ok := p.Add["WinBackStage"]; ok {
		t.Error("plans to add an attribute that exists")
	}
}

func TestTaskListIsSoonestDueFirstAndPaged(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	task := func(id, assignee string, status workflows.TaskStatus, due time.Duration) workflows.Task {
		return workflows.Task{ID: id, Kind: workflows.TaskKind(strings.ReplaceAll(id, "-", "_")), Assignee: assignee, Status: status, Due: now.Add(due)}
	}
	sts := []workflows.CampaignStatus{
		{CustomerID: "C-2", Rep: "alice", Manager: "maria", Tasks: []workflows.Task{
			task("backstory", "alice", workflows.TaskDone, -5*time.Hour),
			task("exit-interview", "alice", workflows.TaskOpen, 3*time.Hour),
			task("fix-contact", "bob", workflows.TaskOpen, -time.Hour),
		}},
		{CustomerID: "C-1", Rep: "alice", Manager: "maria", Tasks: []workflows.Task{
			task("decision", "maria", workflows.TaskOpen, time.Hour),
			task("backstory", "alice", workflows.TaskOpen, -2*time.Hour),
		}},
	}
	ids := func(l campaigns.TaskList) (out []string) {
		for _, o := range l.Tasks {
			out = append(out, o.CustomerID+"/"+o.Task.ID)
		}
		return out
	}
	all := campaigns.BuildTaskList(sts, campaigns.TaskFilter{Now: now}, campaigns.Page{})
	if want := []string{"C-1/backstory", "C-2/fix-contact", "C-1/decision", "C-2/exit-interview"}; !slices.Equal(ids(all), want) {
		t.Errorf("all: %q, want %q", ids(all), want)
	}
	if all.Total != 4 || all.Overdue != 2 || all.Pages() != 1 || all.PageNumber() != 1 || all.Size != campaigns.TaskPageSize {
		t.Errorf("counts: total %d, overdue %d, page %d of %d", all.Total, all.Overdue, all.PageNumber(), all.Pages())
	}
	alice := campaigns.BuildTaskList(sts, campaigns.TaskFilter{Assignees: []string{"alice"}, Now: now}, campaigns.Page{Size: 1})
	if !slices.Equal(ids(alice), []string{"C-1/backstory"}) || string(alice.Next) == "" || alice.Total != 2 || alice.Pages() != 2 {
		t.Fatalf("alice's first page: %q, next %q, total %d", ids(alice), alice.Next, alice.Total)
	}
	next := campaigns.BuildTaskList(sts, campaigns.TaskFilter{Assignees: []string{"alice"}, Now: now}, campaigns.Page{Size: 1, Token: alice.Next})
	if !slices.Equal(ids(next), []string{"C-2/exit-interview"}) || len(next.Next) != 0 || next.PageNumber() != 2 {
		t.Errorf("alice's last page: %q, next %q", ids(next), next.Next)
	}
	if p2 := campaigns.BuildTaskList(sts, campaigns.TaskFilter{Assignees: []string{"alice"}, Now: now}, campaigns.TaskPage(2, 1)); !slices.Equal(ids(p2), ids(next)) {
		t.Errorf("page 2 by number: %q", ids(p2))
	}
	team := campaigns.TeamFilter(config.Team{People: []config.Person{{ID: "alice", Manager: "maria"}, {ID: "dave", Manager: "nina"}}}, "maria")
	if !slices.Equal(team.Assignees, []string{"maria", "alice"}) || team.Manager != "maria" {
		t.Errorf("maria's team: %+v", team)
	}
	for name, tc := range map[string]struct {
		f    campaigns.TaskFilter
		want []string
	}{
		"overdue":       {campaigns.TaskFilter{Overdue: true}, []string{"C-1/backstory", "C-2/fix-contact"}},
		"by kind":       {campaigns.TaskFilter{Kind: workflows.TaskDecision}, []string{"C-1/decision"}},
		"by customer":   {campaigns.TaskFilter{CustomerID: "C-2"}, []string{"C-2/fix-contact", "C-2/exit-interview"}},
		"due in a slot": {campaigns.TaskFilter{DueFrom: now, DueBefore: now.Add(2 * time.Hour)}, []string{"C-1/decision"}},
		"closed":        {campaigns.TaskFilter{Status: campaigns.TaskStatusClosed}, []string{"C-2/backstory"}},
		"manager's":     {campaigns.TaskFilter{Manager: "maria"}, ids(all)},
		"bob or nina's": {campaigns.TaskFilter{Assignees: []string{"bob"}, Manager: "nina"}, []string{"C-2/fix-contact"}},
	} {
		tc.f.Now = now
		if got := campaigns.BuildTaskList(sts, tc.f, campaigns.Page{}); !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: %q, want %q", name, ids(got), tc.want)
		}
	}
}

func TestRejectedErrorNamesItsFields(t *testing.T) {
	err := error(&campaigns.RejectedError{Message: "whyLeaving: required",
		Fields: []workflows.FieldError{{Field: "whyLeaving", Message: "required", Code: workflows.CodeRequired}}})
	var rej *campaigns.RejectedError
	if !errors.As(err, &rej) || err.Error() != "whyLeaving: required" {
		t.Fatalf("%v", err)
	}
	if f, ok := rej.Field("whyLeaving"); !ok || f.Code != workflows.CodeRequired {
		t.Errorf("field %+v %v", f, ok)
	}
	if _, ok := rej.Field("reason"); ok {
		t.Error("a field the refusal does not name")
	}
}
