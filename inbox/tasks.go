package inbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// tasksView is the "My tasks" page: one page of 50 of the person's list, its counts and its
// filters.
type tasksView struct {
	base
	Whose     string // whose tasks a manager is looking at: "my team's", "Bob Baker's"
	Tasks     []taskRow
	Total     int
	Overdue   int
	Page      int
	Pages     int
	PastEnd   bool // the page asked for is past the last one
	Prev      string
	Next      string
	Last      string
	Filters   taskFilters
	Filtered  bool // a filter narrows the list
	Kinds     []option
	Reps      []option // a manager's team, for "whose tasks"
	Problem   string   // the task index could not be read
	AsOf      time.Time
	FirstTask int // the place of the page's first task, from 1
}

// taskFilters are the list's filters as the URL carries them.
type taskFilters struct {
	View     string // mine or team (managers)
	Rep      string // one member of a manager's team
	Kind     string
	Customer string
	Overdue  bool
	DueToday bool
	Page     string
}

// taskRow is one task in a list.
type taskRow struct {
	CustomerID   string
	Task         workflows.Task
	AssigneeName string
	Overdue      bool
	Escalated    bool // escalated to the manager (shown to managers)
	Mine         bool
}

// The views of the task list.
const (
	viewMine = "mine"
	viewTeam = "team"
)

// handleTasks lists one page of the tasks the person may see, soonest due first, with the
// counts of the whole list ("12 overdue of 340") and its filters: whose (a manager's team,
// one of their reps, or their own), kind, customer, overdue, due today. It reads the store's
// task index through the campaigns client: one query, however many campaigns are open. A
// filter or page that makes no sense is a 400 page that names it.
func (i *Inbox) handleTasks(w http.ResponseWriter, r *http.Request, s session) {
	now := i.now()
	q := r.URL.Query()
	fl := taskFilters{View: q.Get("view"), Rep: q.Get("rep"), Kind: q.Get("kind"), Customer: q.Get("customer"),
		Overdue: q.Get("overdue") != "", DueToday: q.Get("due") == "today", Page: q.Get("page")}
	if d := q.Get("due"); d != "" && d != "today" {
		i.badFilter(w, r, s, "due", d, `use "today", or leave it out`)
		return
	}
	f, page, err := campaigns.TaskQuery{Kind: fl.Kind, Customer: fl.Customer, Page: fl.Page, Overdue: fl.Overdue,
		DueToday: fl.DueToday}.Filter(now, s.location(), false)
	var bad *campaigns.BadValueError
	if errors.As(err, &bad) {
		i.badFilter(w, r, s, bad.Name, bad.Value, bad.Want)
		return
	}
	asked := fl // the links keep the filters as the address gave them
	whose, ok := i.whose(w, r, s, &fl, &f)
	if !ok {
		return
	}
	v := &tasksView{Whose: whose, Filters: fl, Kinds: kindOptions(fl.Kind), AsOf: now,
		Filtered: fl.Kind != "" || fl.Customer != "" || fl.Overdue || fl.DueToday || fl.Rep != ""}
	v.Nav = "tasks"
	if isManager(s.Person) {
		v.Reps = i.teamOptions(s.Person, fl.Rep)
	}
	l, err := i.o.Client.Tasks(r.Context(), f, campaigns.TaskPage(page, campaigns.TaskPageSize))
	if err != nil {
		i.log.Warn("Inbox: reading the task index failed", "error", err)
		v.Problem = "The task list could not be read from the store just now. Reload the page in a moment."
		i.render(w, &s, http.StatusServiceUnavailable, "tasks", "My tasks", v)
		return
	}
	v.Total, v.Overdue, v.Page, v.Pages, v.FirstTask = l.Total, l.Overdue, page, l.Pages(), l.Offset+1
	v.PastEnd = page > v.Pages
	if page > 1 {
		v.Prev = tasksURL(asked, min(page-1, v.Pages))
	}
	if page < v.Pages {
		v.Next = tasksURL(asked, page+1)
	}
	v.Last = tasksURL(asked, v.Pages)
	for _, o := range l.Tasks {
		v.Tasks = append(v.Tasks, i.taskRow(s.Person, o.CustomerID, o.Task, now))
	}
	i.render(w, &s, http.StatusOK, "tasks", "My tasks", v)
}

// whose narrows the filter to the tasks the person may see, by the view they asked for, and
// says whose they are under the page's heading ("" for a rep's own). A rep sees the tasks assigned to them. A manager sees their
// team's (their own, their reps', every task of the campaigns they manage), one rep's of the
// team, or their own. A view that is not theirs is a 400 page naming it.
func (i *Inbox) whose(w http.ResponseWriter, r *http.Request, s session, fl *taskFilters, f *campaigns.TaskFilter) (string, bool) {
	p := s.Person
	if !isManager(p) {
		switch {
		case fl.View != "" && fl.View != viewMine:
			i.badFilter(w, r, s, "view", fl.View, "the team view is a manager's; yours is your own tasks")
			return "", false
		case fl.Rep != "":
			i.badFilter(w, r, s, "rep", fl.Rep, "only managers see another person's tasks")
			return "", false
		}
		fl.View, f.Assignees = viewMine, []string{p.ID}
		return "", true
	}
	switch fl.View {
	case "":
		fl.View = viewTeam
	case viewMine, viewTeam:
	default:
		i.badFilter(w, r, s, "view", fl.View, `use "mine" or "team"`)
		return "", false
	}
	switch {
	case fl.Rep != "" && (fl.View != viewTeam || !i.inTeam(p, fl.Rep)):
		i.badFilter(w, r, s, "rep", fl.Rep, "choose a person of your team, in the team view")
		return "", false
	case fl.Rep != "":
		f.Assignees = []string{fl.Rep}
		return i.name(fl.Rep) + "'s", true
	case fl.View == viewMine:
		f.Assignees = []string{p.ID}
		return "only mine", true
	}
	t := campaigns.TeamFilter(i.o.Team, p.ID)
	f.Assignees, f.Manager = t.Assignees, t.Manager
	return "my team's", true
}

// badFilter is the 400 page of a filter or page that makes no sense.
func (i *Inbox) badFilter(w http.ResponseWriter, r *http.Request, s session, name, value, want string) {
	i.renderMessage(w, r, &s, http.StatusBadRequest, "This list cannot be shown",
		fmt.Sprintf("The %s %q in the address makes no sense: %s.", name, value, want),
		link{"/inbox/tasks", "Show my task list without filters"})
}

// tasksURL is the address of page n of the list with these filters.
func tasksURL(fl taskFilters, n int) string {
	q := url.Values{}
	for k, v := range map[string]string{"view": fl.View, "rep": fl.Rep, "kind": fl.Kind, "customer": fl.Customer} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if fl.Overdue {
		q.Set("overdue", "1")
	}
	if fl.DueToday {
		q.Set("due", "today")
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return "/inbox/tasks"
	}
	return "/inbox/tasks?" + q.Encode()
}

// kindOptions are the task kinds, for the kind filter.
func kindOptions(chosen string) []option {
	opts := []option{{Value: "", Label: "Every kind", Checked: chosen == ""}}
	for _, k := range workflows.Kinds() {
		opts = append(opts, option{Value: string(k.Kind), Label: k.Kind.Label(), Checked: string(k.Kind) == chosen})
	}
	return opts
}

// teamOptions are a manager's team, for "whose tasks".
func (i *Inbox) teamOptions(m config.Person, chosen string) []option {
	opts := []option{{Value: "", Label: "Everyone in my team", Checked: chosen == ""}}
	var ids []string
	for _, p := range i.o.Team.People {
		if p.ID != m.ID && p.Manager == m.ID {
			ids = append(ids, p.ID)
		}
	}
	slices.Sort(ids)
	for _, id := range append([]string{m.ID}, ids...) {
		opts = append(opts, option{Value: id, Label: i.name(id), Checked: id == chosen})
	}
	return opts
}

// openTasks are the open tasks of a campaign that p may see, soonest due first.
func (i *Inbox) openTasks(p config.Person, st workflows.CampaignStatus, now time.Time) []taskRow {
	var tasks []taskRow
	for _, o := range campaigns.BuildTaskList([]workflows.CampaignStatus{st}, campaigns.TaskFilter{Now: now}, campaigns.Page{Size: len(st.Tasks) + 1}).Tasks {
		if i.canSeeTask(p, st.Manager, o.Task) {
			tasks = append(tasks, i.taskRow(p, st.CustomerID, o.Task, now))
		}
	}
	return tasks
}

// taskRow is an open task as the lists show it.
func (i *Inbox) taskRow(p config.Person, customerID string, t workflows.Task, now time.Time) taskRow {
	return taskRow{
		CustomerID: customerID, Task: t, AssigneeName: i.name(t.Assignee),
		Overdue:   !t.Due.IsZero() && t.Due.Before(now),
		Escalated: t.Escalated && isManager(p), Mine: t.Assignee == p.ID,
	}
}
