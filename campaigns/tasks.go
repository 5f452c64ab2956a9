package campaigns

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/winback/winback/config"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// Task lists read the store's task index, which every campaign keeps current as its tasks open,
// move and close (the SyncCampaign activity): one query for the page and its counts, never a
// call to each campaign. A list may lag a campaign by about a second (the time its record
// takes to arrive); it never shows a task twice nor misses one.

// TaskPageSize is the size of a page of tasks in the inbox and the CLI.
const TaskPageSize = 50

// TaskFilter says which tasks a task list holds. Its conditions are joined by AND; the zero
// TaskFilter is every open task.
type TaskFilter struct {
	// Assignees keeps the tasks assigned to one of them, and Manager (with or without
	// Assignees) the tasks of the campaigns this person manages: a manager's team view
	// (TeamFilter) names both and gets the tasks that match either.
	Assignees []string
	Manager   string
	// CustomerID keeps one customer's tasks; Kind one kind's.
	CustomerID string
	Kind       workflows.TaskKind
	// Status keeps the open tasks when empty; TaskStatusClosed keeps those done, expired and
	// cancelled (recent work), or name one of them.
	Status workflows.TaskStatus
	// Overdue keeps the open tasks due before Now; DueFrom and DueBefore the tasks due in
	// [DueFrom, DueBefore) ("due today" in the reader's time zone).
	Overdue            bool
	DueFrom, DueBefore time.Time
	// Now is when the list is read: a task due before it is overdue. time.Now when zero.
	Now time.Time
}

// TaskStatusClosed in TaskFilter.Status keeps every task that is no longer open.
const TaskStatusClosed workflows.TaskStatus = store.StatusClosed

// TeamFilter is a manager's team view: the tasks of the manager and of their reps (by the team
// file), and every task of the campaigns they manage.
func TeamFilter(team config.Team, manager string) TaskFilter {
	people := []string{manager}
	for _, p := range team.People {
		if p.Manager == manager && p.ID != manager {
			people = append(people, p.ID)
		}
	}
	return TaskFilter{Assignees: people, Manager: manager}
}

// OpenTask is a task of a task list, with the owners of its campaign (who may see and complete
// it depends on them). Its Answers, EscalateAt and ExpireAt are not in the index: the
// campaign's status has them.
type OpenTask struct {
	CustomerID string
	WorkflowID string
	Task       workflows.Task
	Rep        string
	Manager    string
}

// TaskList is one page of a task list, soonest due first (then by customer and task ID). It
// reads the store's task index, which may lag the campaigns by about a second.
type TaskList struct {
	Tasks []OpenTask
	// Total counts the tasks the filter keeps, on every page; Overdue how many of them are
	// open and due before the filter's Now.
	Total, Overdue int
	// Offset is the place of the page's first task in the whole list (0 for the first page);
	// Size is the page's size.
	Offset, Size int
	// Next is the token of the next page; empty after the last.
	Next []byte
}

// PageNumber is the page's number, from 1.
func (l TaskList) PageNumber() int { return l.Offset/max(l.Size, 1) + 1 }

// Pages is how many pages the whole list has (at least 1).
func (l TaskList) Pages() int { return max(1, (l.Total+max(l.Size, 1)-1)/max(l.Size, 1)) }

// TaskPage is page number n (from 1) of a task list whose pages hold size tasks.
func TaskPage(n, size int) Page {
	return Page{Size: size, Token: []byte(strconv.Itoa((max(n, 1) - 1) * size))}
}

// taskOffset reads a task list's page token: the offset of its first task.
func taskOffset(p Page) (int, error) {
	if len(p.Token) == 0 {
		return 0, nil
	}
	n, err := strconv.Atoi(string(p.Token))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("page token %q is not a task list's", p.Token)
	}
	return n, nil
}

// Tasks reads one page of the task list of the filter from the store's task index (Options.
// Store): one query, whatever the number of campaigns. A Page.Size of 0 is TaskPageSize.
func (c *Client) Tasks(ctx context.Context, f TaskFilter, p Page) (TaskList, error) {
	if c.o.Store == nil {
		return TaskList{}, ErrNoStore
	}
	offset, err := taskOffset(p)
	if err != nil {
		return TaskList{}, err
	}
	size := cmp.Or(p.Size, TaskPageSize)
	page, err := c.o.Store.Tasks(ctx, store.TaskQuery{Assignees: f.Assignees, Manager: f.Manager, CustomerID: f.CustomerID,
		Kind: string(f.Kind), Status: string(f.Status), Now: f.Now, Overdue: f.Overdue, DueFrom: f.DueFrom, DueBefore: f.DueBefore,
		Offset: offset, Limit: size})
	if err != nil {
		return TaskList{}, fmt.Errorf("read the task index: %w", err)
	}
	l := TaskList{Total: page.Total, Overdue: page.Overdue, Offset: offset, Size: size}
	for _, t := range page.Tasks {
		l.Tasks = append(l.Tasks, OpenTask{CustomerID: t.CustomerID, WorkflowID: t.WorkflowID, Rep: t.Rep, Manager: t.Manager,
			Task: workflows.Task{ID: t.ID, Kind: workflows.TaskKind(t.Kind), Title: t.Title, Assignee: t.Assignee, Created: t.Created,
				Due: t.Due, Status: workflows.TaskStatus(t.Status), Escalated: t.Escalated, CompletedBy: t.CompletedBy, Completed: t.Completed}})
	}
	if offset+len(l.Tasks) < l.Total {
		l.Next = []byte(strconv.Itoa(offset + len(l.Tasks)))
	}
	return l, nil
}

// BuildTaskList makes page p of the task list of the filter from campaigns' statuses, with the
// index's order and counts: how a test's fake lists tasks, and how a customer's page lists its
// campaign's open tasks.
func BuildTaskList(statuses []workflows.CampaignStatus, f TaskFilter, p Page) TaskList {
	now := f.Now
	if now.IsZero() {
		now = time.Now()
	}
	var l TaskList
	for _, st := range statuses {
		for _, t := range st.Tasks {
			if !f.keeps(st, t, now) {
				continue
			}
			l.Tasks = append(l.Tasks, OpenTask{CustomerID: st.CustomerID, WorkflowID: workflows.WorkflowID(st.CustomerID),
				Task: t, Rep: st.Rep, Manager: st.Manager})
			if t.Status == workflows.TaskOpen && t.Due.Before(now) {
				l.Overdue++
			}
		}
	}
	slices.SortStableFunc(l.Tasks, func(a, b OpenTask) int {
		return cmp.Or(a.Task.Due.Compare(b.Task.Due), cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Task.ID, b.Task.ID))
	})
	l.Total = len(l.Tasks)
	l.Offset, _ = taskOffset(p)
	l.Offset = min(l.Offset, len(l.Tasks))
	l.Size = cmp.Or(p.Size, TaskPageSize)
	l.Tasks = l.Tasks[l.Offset:]
	if len(l.Tasks) > l.Size {
		l.Tasks = l.Tasks[:l.Size]
		l.Next = []byte(strconv.Itoa(l.Offset + l.Size))
	}
	return l
}

// keeps reports whether the filter keeps task t of the campaign st, as the index would.
func (f TaskFilter) keeps(st workflows.CampaignStatus, t workflows.Task, now time.Time) bool {
	switch {
	case f.Status == "" && t.Status != workflows.TaskOpen,
		f.Status == TaskStatusClosed && t.Status == workflows.TaskOpen,
		f.Status != "" && f.Status != TaskStatusClosed && t.Status != f.Status:
		return false
	case (len(f.Assignees) > 0 || f.Manager != "") &&
		!slices.Contains(f.Assignees, t.Assignee) && (f.Manager == "" || st.Manager != f.Manager):
		return false
	case f.CustomerID != "" && st.CustomerID != f.CustomerID, f.Kind != "" && t.Kind != f.Kind:
		return false
	case f.Overdue && (t.Status != workflows.TaskOpen || !t.Due.Before(now)):
		return false
	case !f.DueFrom.IsZero() && t.Due.Before(f.DueFrom), !f.DueBefore.IsZero() && !t.Due.Before(f.DueBefore):
		return false
	}
	return true
}
