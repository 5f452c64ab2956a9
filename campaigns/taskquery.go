package campaigns

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/winback/winback/workflows"
)

// TaskQuery is what a person asks of a task list, in words: the inbox's URL query and the
// CLI's flags. Filter checks it, once for both, and names the first value that makes no sense.
type TaskQuery struct {
	Kind     string // a task kind: backstory, exit_interview...
	Customer string // a customer ID
	Status   string // open (the default), closed, done, expired or cancelled
	Page     string // a page number from 1 ("" is 1), or "all" where allowed
	Overdue  bool   // only the tasks past due
	DueToday bool   // only the tasks due today, in the reader's time zone
}

// BadValueError names a value of a TaskQuery that makes no sense, and what would.
type BadValueError struct {
	Name  string // kind, customer, status, page
	Value string
	Want  string
}

// Error says it for people: `page "0": give a page number from 1`.
func (e *BadValueError) Error() string { return fmt.Sprintf("%s %q: %s", e.Name, e.Value, e.Want) }

// maxPage bounds a page number: beyond it is a typo, not a list.
const maxPage = 1_000_000

// taskStatuses are the values of TaskQuery.Status.
var taskStatuses = []string{string(workflows.TaskOpen), string(TaskStatusClosed), string(workflows.TaskDone),
	string(workflows.TaskExpired), string(workflows.TaskCancelled)}

// Filter checks the query and returns its filter, read at now, "today" being now's day in loc,
// and the page number (0 for "all", which only allowAll accepts).
func (q TaskQuery) Filter(now time.Time, loc *time.Location, allowAll bool) (TaskFilter, int, error) {
	f := TaskFilter{Now: now, Overdue: q.Overdue, CustomerID: q.Customer}
	if q.Kind != "" {
		if _, ok := workflows.KindOf(workflows.TaskKind(q.Kind)); !ok {
			var kinds []string
			for _, k := range workflows.Kinds() {
				kinds = append(kinds, string(k.Kind))
			}
			return f, 0, &BadValueError{"kind", q.Kind, "use one of " + strings.Join(kinds, ", ")}
		}
		f.Kind = workflows.TaskKind(q.Kind)
	}
	if q.Customer != "" && (strings.TrimSpace(q.Customer) != q.Customer || strings.ContainsAny(q.Customer, "\x00\n\r\t")) {
		return f, 0, &BadValueError{"customer", q.Customer, "give a customer ID as it was launched, without spaces around it"}
	}
	switch {
	case q.Status == "" || q.Status == string(workflows.TaskOpen):
	case slices.Contains(taskStatuses, q.Status):
		f.Status = workflows.TaskStatus(q.Status)
	default:
		return f, 0, &BadValueError{"status", q.Status, "use one of " + strings.Join(taskStatuses, ", ")}
	}
	if q.DueToday {
		y, m, d := now.In(loc).Date()
		f.DueFrom = time.Date(y, m, d, 0, 0, 0, 0, loc)
		f.DueBefore = f.DueFrom.AddDate(0, 0, 1)
	}
	page := 1
	switch {
	case q.Page == "":
	case q.Page == "all" && allowAll:
		page = 0
	default:
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 || n > maxPage {
			want := fmt.Sprintf("give a page number from 1 to %d", maxPage)
			if allowAll {
				want += `, or "all"`
			}
			return f, 0, &BadValueError{"page", q.Page, want}
		}
		page = n
	}
	return f, page, nil
}
