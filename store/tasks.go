package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TaskQuery says which tasks of the index a page holds. Its conditions are joined by AND; the
// zero TaskQuery is every open task.
type TaskQuery struct {
	// Assignees keeps the tasks assigned to one of them, and Manager (with or without
	// Assignees) the tasks of the campaigns this person manages: a manager's team view asks
	// for both, and gets the tasks that match either.
	Assignees []string
	Manager   string
	// CustomerID keeps one customer's tasks; Kind one kind's.
	CustomerID string
	Kind       string
	// Status keeps the tasks in it: TaskOpen when empty; StatusClosed for done, expired and
	// cancelled together; or one of them.
	Status string
	// Now is when the page is read: a task due before it is overdue. time.Now when zero.
	Now time.Time
	// Overdue keeps the open tasks due before Now.
	Overdue bool
	// DueFrom and DueBefore keep the tasks due in [DueFrom, DueBefore) (either may be zero).
	DueFrom, DueBefore time.Time
	// Offset and Limit page the tasks, soonest due first (then by customer and task ID).
	// A Limit of 0 is DefaultTaskLimit; it is at most MaxTaskLimit.
	Offset, Limit int
}

// StatusClosed in TaskQuery.Status keeps every task that is no longer open.
const StatusClosed = "closed"

// Page sizes of a task list.
const (
	DefaultTaskLimit = 50
	MaxTaskLimit     = 1000
)

// IndexedTask is a task of the index, with its campaign and the campaign's owners.
type IndexedTask struct {
	TaskRecord
	WorkflowID string
	CampaignID string
	CustomerID string
	Rep        string
	Manager    string
}

// TaskPage is one page of the tasks a TaskQuery keeps.
type TaskPage struct {
	Tasks []IndexedTask
	// Total counts every task the query keeps, on every page; Overdue how many of them are
	// open and due before the query's Now.
	Total, Overdue int
}

// Tasks reads one page of the task index: the tasks q keeps, soonest due first, with the
// counts of every page. Its cost follows the page and the tasks it counts, never the number of
// campaigns.
func (s *Store) Tasks(ctx context.Context, q TaskQuery) (TaskPage, error) {
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	if q.Limit <= 0 {
		q.Limit = DefaultTaskLimit
	}
	if q.Limit > MaxTaskLimit || q.Offset < 0 {
		return TaskPage{}, fmt.Errorf("task page: offset %d and limit %d: want an offset of 0 or more and a limit of at most %d", q.Offset, q.Limit, MaxTaskLimit)
	}
	where, args, err := q.where()
	if err != nil {
		return TaskPage{}, err
	}
	var page TaskPage
	now := ms(q.Now)
	countArgs := append(append([]any{}, args...), now)
	if err := s.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'open' AND due_ms < $%d THEN 1 ELSE 0 END), 0)
		FROM campaign_tasks WHERE %s`, len(countArgs), where), countArgs...).Scan(&page.Total, &page.Overdue); err != nil {
		return TaskPage{}, s.fail("count tasks", err)
	}
	if page.Total == 0 || q.Offset >= page.Total {
		return page, nil
	}
	pageArgs := append(append([]any{}, args...), q.Limit, q.Offset)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT task_id, kind, title, assignee, created_ms, due_ms, status, escalated,
		completed_by, completed_ms, workflow_id, campaign_id, customer_id, rep, manager
		FROM campaign_tasks WHERE %s ORDER BY due_ms, customer_id, task_id LIMIT $%d OFFSET $%d`,
		where, len(pageArgs)-1, len(pageArgs)), pageArgs...)
	if err != nil {
		return TaskPage{}, s.fail("read tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t IndexedTask
		var created, due, completed int64
		var escalated int
		if err := rows.Scan(&t.ID, &t.Kind, &t.Title, &t.Assignee, &created, &due, &t.Status, &escalated, &t.CompletedBy,
			&completed, &t.WorkflowID, &t.CampaignID, &t.CustomerID, &t.Rep, &t.Manager); err != nil {
			return TaskPage{}, s.fail("read tasks", err)
		}
		t.Created, t.Due, t.Completed, t.Escalated = fromMS(created), fromMS(due), fromMS(completed), escalated != 0
		page.Tasks = append(page.Tasks, t)
	}
	if err := rows.Err(); err != nil {
		return TaskPage{}, s.fail("read tasks", err)
	}
	return page, nil
}

// where is the query's condition and its arguments ($1...).
func (q TaskQuery) where() (string, []any, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	switch q.Status {
	case "", TaskOpen:
		conds = append(conds, "status = 'open'")
	case StatusClosed:
		conds = append(conds, "status IN ('done', 'expired', 'cancelled')")
	case "done", "expired", "cancelled":
		conds = append(conds, "status = "+arg(q.Status))
	default:
		return "", nil, fmt.Errorf("task status %q: want open, closed, done, expired or cancelled", q.Status)
	}
	var who []string
	if len(q.Assignees) > 0 {
		marks := make([]string, len(q.Assignees))
		for i, a := range q.Assignees {
			marks[i] = arg(a)
		}
		who = append(who, "assignee IN ("+strings.Join(marks, ", ")+")")
	}
	if q.Manager != "" {
		who = append(who, "manager = "+arg(q.Manager))
	}
	if len(who) > 0 {
		conds = append(conds, "("+strings.Join(who, " OR ")+")")
	}
	if q.CustomerID != "" {
		conds = append(conds, "customer_id = "+arg(q.CustomerID))
	}
	if q.Kind != "" {
		conds = append(conds, "kind = "+arg(q.Kind))
	}
	if q.Overdue {
		conds = append(conds, "status = 'open'", "due_ms < "+arg(ms(q.Now)))
	}
	if !q.DueFrom.IsZero() {
		conds = append(conds, "due_ms >= "+arg(ms(q.DueFrom)))
	}
	if !q.DueBefore.IsZero() {
		conds = append(conds, "due_ms < "+arg(ms(q.DueBefore)))
	}
	return strings.Join(conds, " AND "), args, nil
}
