package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// openTask is an open task of a campaign, for the tasks list.
type openTask struct {
	CustomerID string         `json:"customerId"`
	WorkflowID string         `json:"workflowId"`
	Overdue    bool           `json:"overdue"`
	Task       workflows.Task `json:"task"`
}

// openTasks marks the list's tasks due before now as overdue.
func openTasks(l campaigns.TaskList, now time.Time) []openTask {
	var tasks []openTask
	for _, o := range l.Tasks {
		tasks = append(tasks, openTask{CustomerID: o.CustomerID, WorkflowID: workflows.WorkflowID(o.CustomerID),
			Overdue: !o.Task.Due.IsZero() && o.Task.Due.Before(now), Task: o.Task})
	}
	return tasks
}

// tasksCommand lists open tasks by due time, for one person or everyone.
func (a *app) tasksCommand() *cobra.Command {
	var (
		rep string
		all bool
	)
	cmd := &cobra.Command{
		Use:   "tasks [--rep PERSON] [--all]",
		Short: "List open tasks, soonest due first; overdue ones marked",
		Long: `List open tasks, soonest due first, with the overdue ones marked.

It finds running campaigns through visibility (with --rep, those whose WinBackPeople, everyone
the campaign involves now, holds that person), then asks each for its status and keeps its open
tasks (with --rep, only that person's). Visibility is eventually consistent, so a task opened a
moment ago may show a little later. --all asks every running campaign instead, for campaigns
launched before WinBackPeople existed.`,
		Example: `  winback tasks --rep alice
  winback tasks --rep bob --all
  winback tasks -o json`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			var f campaigns.TaskFilter
			if rep != "" {
				if err := checkQueryValue("rep", rep); err != nil {
					return err
				}
				f.Assignees = []string{rep}
				if !all {
					f.People = []string{rep}
				}
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			l, err := api.Tasks(ctx, f, campaigns.Page{})
			if err != nil {
				return err
			}
			for _, failed := range l.Failures {
				fmt.Fprintf(a.stderr, "warning: %v\n", a.campaignError(ctx, failed.CustomerID, "query its status", failed.Err))
			}
			tasks := openTasks(l, a.now())
			if a.json() {
				if err := writeJSON(a.stdout, nonNil(tasks)); err != nil {
					return err
				}
			} else {
				printTasks(a, tasks)
			}
			if n := len(l.Failures); n > 0 {
				return fmt.Errorf("%s of %d did not answer; the list may be incomplete", plural(n, "campaign"), n+len(l.Campaigns))
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&rep, "rep", "", "only this person's tasks")
	cmd.Flags().BoolVar(&all, "all", false, "ask every running campaign, not only those whose next task is --rep's")
	return cmd
}

// printTasks prints the open tasks as a table.
func printTasks(a *app, tasks []openTask) {
	if len(tasks) == 0 {
		fmt.Fprintln(a.stdout, "No open tasks.")
		return
	}
	t := newTable(a.stdout, "DUE", "STATE", "CUSTOMER", "TASK", "KIND", "ASSIGNEE", "TITLE")
	for _, o := range tasks {
		mark := "open"
		if o.Overdue {
			mark = "OVERDUE"
		}
		t.row(when(o.Task.Due), mark, o.CustomerID, o.Task.ID, string(o.Task.Kind), o.Task.Assignee, o.Task.Title)
	}
	t.flush()
}
