package campaigns

import (
	"fmt"
	"strings"
	"time"

	"github.com/winback/winback/workflows"
)

// Filter says which campaigns a list, a count or a task list is about. The zero Filter is
// every run of every campaign. Query turns it into a visibility query: the one place campaign
// filters are written, with one quoting rule.
type Filter struct {
	// Status keeps running or closed runs; every run when empty.
	Status Status
	// LatestRuns leaves out the runs that continued as new, so a campaign shows once.
	LatestRuns bool

	Stage    workflows.Stage   // WinBackStage
	Assignee string            // WinBackAssignee: the assignee of the next open task
	Outcome  workflows.Outcome // WinBackOutcome
	Reason   workflows.Reason  // WinBackReason
	Segment  string            // WinBackSegment
	// People keeps the campaigns that involve any of them now (WinBackPeople: the rep, the
	// manager, the assignee of every open task).
	People []string
	// Contact keeps the campaigns whose customer has this contact key (WinBackContact).
	Contact string

	// StartedBefore keeps runs started before it.
	StartedBefore time.Time
	// OpenSince keeps runs still running at it: running, or closed at or after it.
	OpenSince time.Time
	// HasOpenTask keeps campaigns with an open task (WinBackTaskDue is set).
	HasOpenTask bool
	// TaskDueBefore keeps campaigns whose next open task is due before it.
	TaskDueBefore time.Time
}

// Status is where a campaign's run is: running or closed.
type Status string

// The statuses a Filter keeps.
const (
	Running Status = "running"
	Closed  Status = "closed"
)

// Query is the visibility query of the filter: every condition joined by AND, values quoted.
func (f Filter) Query() string {
	parts := []string{"WorkflowType = " + quote(workflows.WorkflowType)}
	if f.LatestRuns {
		parts = append(parts, "ExecutionStatus != 'ContinuedAsNew'")
	}
	switch f.Status {
	case Running:
		parts = append(parts, "ExecutionStatus = 'Running'")
	case Closed:
		parts = append(parts, "ExecutionStatus != 'Running'")
	}
	for _, kv := range []struct{ attr, value string }{
		{workflows.AttrStage.GetName(), string(f.Stage)},
		{workflows.AttrAssignee.GetName(), f.Assignee},
		{workflows.AttrOutcome.GetName(), string(f.Outcome)},
		{workflows.AttrReason.GetName(), string(f.Reason)},
		{workflows.AttrSegment.GetName(), f.Segment},
		{workflows.AttrContact.GetName(), f.Contact},
	} {
		if kv.value != "" {
			parts = append(parts, kv.attr+" = "+quote(kv.value))
		}
	}
	switch len(f.People) {
	case 0:
	case 1:
		parts = append(parts, workflows.AttrPeople.GetName()+" = "+quote(f.People[0]))
	default:
		quoted := make([]string, len(f.People))
		for i, p := range f.People {
			quoted[i] = quote(p)
		}
		parts = append(parts, fmt.Sprintf("%s IN (%s)", workflows.AttrPeople.GetName(), strings.Join(quoted, ", ")))
	}
	if !f.StartedBefore.IsZero() {
		parts = append(parts, "StartTime < "+quoteTime(f.StartedBefore))
	}
	if !f.OpenSince.IsZero() {
		parts = append(parts, fmt.Sprintf("(ExecutionStatus = 'Running' OR CloseTime >= %s)", quoteTime(f.OpenSince)))
	}
	if f.HasOpenTask {
		parts = append(parts, workflows.AttrTaskDue.GetName()+" IS NOT NULL")
	}
	if !f.TaskDueBefore.IsZero() {
		parts = append(parts, workflows.AttrTaskDue.GetName()+" < "+quoteTime(f.TaskDueBefore))
	}
	return strings.Join(parts, " AND ")
}

// quote makes a value a visibility query string: in single quotes, with quotes doubled and
// backslashes escaped, so no value can end the string early.
func quote(v string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), "'", "''") + "'"
}

// quoteTime is a time as a visibility query string.
func quoteTime(t time.Time) string { return quote(t.UTC().Format(time.RFC3339)) }
