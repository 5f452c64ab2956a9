package campaigns

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/winback/winback/workflows"
)

// TaskFilter says whose open tasks a task list holds.
type TaskFilter struct {
	// People keeps the campaigns that involve any of them now (as rep, manager or assignee of an
	// open task); every running campaign when empty.
	People []string
	// Assignees keeps the tasks assigned to one of them; every open task when empty.
	Assignees []string
}

// OpenTask is an open task, with the owners of its campaign (who may see and complete it
// depends on them).
type OpenTask struct {
	CustomerID string
	Task       workflows.Task
	Rep        string
	Manager    string
}

// CampaignSummary is what a task list says of each campaign it looked at.
type CampaignSummary struct {
	CustomerID string
	Stage      workflows.Stage
	Rep        string
	Manager    string
	Launched   time.Time
	// OpenTasks counts every open task of the campaign, whoever has it.
	OpenTasks int
}

// TaskList is a page of open tasks.
type TaskList struct {
	// Tasks are the open tasks, soonest due first (then by customer and task ID).
	Tasks []OpenTask
	// Campaigns are the running campaigns the filter found, by customer ID.
	Campaigns []CampaignSummary
	// Failures are the campaigns that did not answer: the list may be incomplete.
	Failures []Failure
	// Next is the token of the next page of tasks; empty after the last.
	Next []byte
}

// Tasks reads a page of the open tasks the filter keeps. Today it finds the running campaigns
// through visibility (by WinBackPeople when the filter names people) and asks each for its
// status, a few at a time; a task index in the store replaces that walk later, behind this
// same method.
func (c *Client) Tasks(ctx context.Context, f TaskFilter, p Page) (TaskList, error) {
	var ids []string
	err := Each(ctx, c, Filter{Status: Running, People: f.People}, 0, func(row Campaign) bool {
		ids = append(ids, row.CustomerID)
		return true
	})
	if err != nil {
		return TaskList{}, err
	}
	sts, failures := c.Statuses(ctx, ids)
	return BuildTaskList(sts, failures, f, p), nil
}

// BuildTaskList makes the page p of the task list of the filter from the campaigns' statuses.
// It is how any source of statuses (Client.Tasks, a test's fake) lists tasks.
func BuildTaskList(statuses []workflows.CampaignStatus, failures []Failure, f TaskFilter, p Page) TaskList {
	var l TaskList
	for _, st := range statuses {
		sum := CampaignSummary{CustomerID: st.CustomerID, Stage: st.Stage, Rep: st.Rep, Manager: st.Manager, Launched: st.Launched}
		for _, t := range st.Tasks {
			if t.Status != workflows.TaskOpen {
				continue
			}
			sum.OpenTasks++
			if len(f.Assignees) > 0 && !slices.Contains(f.Assignees, t.Assignee) {
				continue
			}
			l.Tasks = append(l.Tasks, OpenTask{CustomerID: st.CustomerID, Task: t, Rep: st.Rep, Manager: st.Manager})
		}
		l.Campaigns = append(l.Campaigns, sum)
	}
	slices.SortStableFunc(l.Tasks, func(a, b OpenTask) int {
		return cmp.Or(a.Task.Due.Compare(b.Task.Due), cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Task.ID, b.Task.ID))
	})
	slices.SortStableFunc(l.Campaigns, func(a, b CampaignSummary) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
	slices.SortStableFunc(failures, func(a, b Failure) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
	l.Failures = failures

	from, _ := strconv.Atoi(string(p.Token))
	from = min(max(from, 0), len(l.Tasks))
	l.Tasks = l.Tasks[from:]
	if p.Size > 0 && len(l.Tasks) > p.Size {
		l.Tasks = l.Tasks[:p.Size]
		l.Next = []byte(strconv.Itoa(from + p.Size))
	}
	return l
}
