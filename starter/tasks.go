package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// openTask is a task of the list, as -o json prints it.
type openTask struct {
	CustomerID string         `json:"customerId"`
	WorkflowID string         `json:"workflowId"`
	Overdue    bool           `json:"overdue"`
	Task       workflows.Task `json:"task"`
}

// taskListJSON is `winback tasks -o json`: one page (or every page) and the counts.
type taskListJSON struct {
	Total    int        `json:"total"`
	Overdue  int        `json:"overdue"`
	Page     int        `json:"page"` // 0 with --page all
	Pages    int        `json:"pages"`
	PageSize int        `json:"pageSize"`
	Tasks    []openTask `json:"tasks"`
}

// tasksPageAll is the page size --page all reads the index with.
const tasksPageAll = 1000

// tasksCommand lists tasks from the store's task index, soonest due first, a page at a time.
func (a *app) tasksCommand() *cobra.Command {
	var (
		rep, team string
		q         campaigns.TaskQuery
		all       bool
	)
	cmd := &cobra.Command{
		Use:   "tasks [--rep PERSON | --team MANAGER] [--overdue] [--due-today] [--kind KIND] [--customer ID] [--page N|all]",
		Short: "List open tasks, soonest due first, 50 a page; overdue ones marked",
		Long: `List tasks, soonest due first, 50 a page, with the count of every task the filters keep and how
many of them are overdue.

The list reads the store's task index (WINBACK_DATABASE_URL), which every campaign keeps current
as its tasks open, move and close: one query, however many campaigns are open. It may lag a
campaign by about a second.

--rep keeps one person's tasks; --team MANAGER is the manager's team view: the tasks of the
manager and their reps (by the team file) and every task of the campaigns they manage.
--overdue, --due-today (in this machine's time zone), --kind and --customer narrow the list;
--status lists closed tasks instead (recent work). --page all prints every page.`,
		Example: `  winback tasks --rep alice
  winback tasks --rep alice --overdue --page 2
  winback tasks --team maria --kind decision
  winback tasks --customer C-1042 --status closed
  winback tasks --rep bob --page all -o json`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			now := a.now()
			f, page, err := q.Filter(now, now.Location(), true)
			var bad *campaigns.BadValueError
			if errors.As(err, &bad) {
				return badInputf("--%s %q: %s", bad.Name, bad.Value, bad.Want)
			}
			if err := whose(&f, cfg.Team, rep, team); err != nil {
				return err
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			out, err := readTasks(ctx, api, f, page)
			if err != nil {
				return err
			}
			if a.json() {
				return writeJSON(a.stdout, out)
			}
			printTasks(a, out, now)
			return nil
		}),
	}
	cmd.Flags().StringVar(&rep, "rep", "", "only this person's tasks")
	cmd.Flags().StringVar(&team, "team", "", "a manager's team view: their tasks, their reps' and their campaigns'")
	cmd.Flags().BoolVar(&q.Overdue, "overdue", false, "only the tasks past due")
	cmd.Flags().BoolVar(&q.DueToday, "due-today", false, "only the tasks due today (this machine's time zone)")
	cmd.Flags().StringVar(&q.Kind, "kind", "", "only this kind of task: "+joinValues(kindNames()))
	cmd.Flags().StringVar(&q.Customer, "customer", "", "only this customer's tasks")
	cmd.Flags().StringVar(&q.Status, "status", "", "open (the default), closed, done, expired or cancelled")
	cmd.Flags().StringVar(&q.Page, "page", "1", `the page to print, 50 tasks a page, or "all"`)
	cmd.Flags().BoolVar(&all, "all", false, "")
	_ = cmd.Flags().MarkDeprecated("all", "the task index lists every campaign's tasks; --page all prints every page")
	return cmd
}

// whose narrows the filter to --rep or --team, checked against the team file when there is one.
func whose(f *campaigns.TaskFilter, team config.Team, rep, manager string) error {
	for _, v := range []struct{ flag, value string }{{"rep", rep}, {"team", manager}} {
		if err := checkQueryValue(v.flag, v.value); err != nil {
			return err
		}
	}
	switch {
	case rep != "" && manager != "":
		return badInputf("--rep and --team together: give one (--team lists the reps' tasks too)")
	case rep != "":
		if _, ok := team.Person(rep); !ok && len(team.People) > 0 {
			return badInputf("--rep %q: nobody of that ID in the team file", rep)
		}
		f.Assignees = []string{rep}
	case manager != "":
		if p, ok := team.Person(manager); len(team.People) > 0 && (!ok || p.Role != config.RoleManager) {
			return badInputf("--team %q: not a manager in the team file", manager)
		}
		t := campaigns.TeamFilter(team, manager)
		f.Assignees, f.Manager = t.Assignees, t.Manager
	}
	return nil
}

// readTasks reads page n of the list (0: every page).
func readTasks(ctx context.Context, api campaigns.API, f campaigns.TaskFilter, n int) (taskListJSON, error) {
	out := taskListJSON{Page: n, PageSize: campaigns.TaskPageSize, Tasks: []openTask{}}
	p := campaigns.TaskPage(n, campaigns.TaskPageSize)
	if n == 0 {
		p = campaigns.Page{Size: tasksPageAll}
	}
	for {
		l, err := api.Tasks(ctx, f, p)
		if err != nil {
			return out, err
		}
		out.Total, out.Overdue = l.Total, l.Overdue
		out.Pages = max(1, (l.Total+campaigns.TaskPageSize-1)/campaigns.TaskPageSize)
		for _, o := range l.Tasks {
			out.Tasks = append(out.Tasks, openTask{CustomerID: o.CustomerID, WorkflowID: o.WorkflowID,
				Overdue: o.Task.Status == workflows.TaskOpen && o.Task.Due.Before(f.Now), Task: o.Task})
		}
		if n != 0 || len(l.Next) == 0 {
			return out, nil
		}
		p.Token = l.Next
	}
}

// printTasks prints a page of tasks as a table, with its counts above and the way on below.
func printTasks(a *app, l taskListJSON, now time.Time) {
	fmt.Fprintf(a.stdout, "%d overdue of %s (as of %s; the list may lag the campaigns by a second)\n",
		l.Overdue, plural(l.Total, "task"), now.Local().Format("15:04:05"))
	switch {
	case l.Total == 0:
		return
	case len(l.Tasks) == 0:
		fmt.Fprintf(a.stdout, "No tasks on page %d: the list has %s.\n", l.Page, plural(l.Pages, "page"))
		return
	}
	fmt.Fprintln(a.stdout)
	t := newTable(a.stdout, "DUE", "STATE", "CUSTOMER", "TASK", "KIND", "ASSIGNEE", "TITLE")
	for _, o := range l.Tasks {
		mark := string(o.Task.Status)
		if o.Overdue {
			mark = "OVERDUE"
		}
		t.row(when(o.Task.Due), mark, o.CustomerID, o.Task.ID, string(o.Task.Kind), o.Task.Assignee, o.Task.Title)
	}
	t.flush()
	if l.Page > 0 && l.Pages > 1 {
		fmt.Fprintf(a.stdout, "\nPage %d of %d, %d tasks a page.", l.Page, l.Pages, l.PageSize)
		if l.Page < l.Pages {
			fmt.Fprintf(a.stdout, " Next: --page %d; every task: --page all.", l.Page+1)
		}
		fmt.Fprintln(a.stdout)
	}
}

// kindNames are the task kinds, for help and messages.
func kindNames() []workflows.TaskKind {
	var out []workflows.TaskKind
	for _, k := range workflows.Kinds() {
		out = append(out, k.Kind)
	}
	return out
}
