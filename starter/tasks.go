package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// queryConcurrency is how many status queries tasks runs at a time.
const queryConcurrency = 8

// openTask is an open task of a campaign, for the tasks list.
type openTask struct {
	CustomerID string         `json:"customerId"`
	WorkflowID string         `json:"workflowId"`
	Overdue    bool           `json:"overdue"`
	Task       workflows.Task `json:"task"`
}

// campaignStatus is one campaign's status query answer.
type campaignStatus struct {
	customerID string
	status     workflows.CampaignStatus
}

// collectOpenTasks gathers the open tasks of the campaigns (only rep's when rep is set),
// soonest due first, and marks those due before now as overdue.
func collectOpenTasks(campaigns []campaignStatus, rep string, now time.Time) []openTask {
	var tasks []openTask
	for _, c := range campaigns {
		for _, t := range c.status.Tasks {
			if t.Status != workflows.TaskOpen || (rep != "" && t.Assignee != rep) {
				continue
			}
			tasks = append(tasks, openTask{CustomerID: c.customerID, WorkflowID: workflows.WorkflowID(c.customerID),
				Overdue: !t.Due.IsZero() && t.Due.Before(now), Task: t})
		}
	}
	slices.SortStableFunc(tasks, func(a, b openTask) int {
		return cmp.Or(a.Task.Due.Compare(b.Task.Due), cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Task.ID, b.Task.ID))
	})
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
			query := campaignQuery + " AND ExecutionStatus = 'Running'"
			if rep != "" {
				if err := checkQueryValue("rep", rep); err != nil {
					return err
				}
				if !all {
					query += " AND " + clause(workflows.AttrPeople.GetName(), rep)
				}
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			c, err := a.client(ctx)
			if err != nil {
				return err
			}
			var ids []string
			err = a.listCampaigns(ctx, c, cfg, query, 0, func(info *workflow.WorkflowExecutionInfo) bool {
				ids = append(ids, newCampaignRow(info).CustomerID)
				return true
			})
			if err != nil {
				return err
			}
			statuses, failures := a.queryAll(ctx, c, ids)
			tasks := collectOpenTasks(statuses, rep, a.now())
			if a.json() {
				if err := writeJSON(a.stdout, nonNil(tasks)); err != nil {
					return err
				}
			} else {
				printTasks(a, tasks)
			}
			if failures > 0 {
				return fmt.Errorf("%s of %d did not answer; the list may be incomplete", plural(failures, "campaign"), len(ids))
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&rep, "rep", "", "only this person's tasks")
	cmd.Flags().BoolVar(&all, "all", false, "ask every running campaign, not only those whose next task is --rep's")
	return cmd
}

// queryAll asks each customer's campaign for its status, a few at a time. Failures are
// reported on stderr and counted; the others are returned.
func (a *app) queryAll(ctx context.Context, c client.Client, customerIDs []string) ([]campaignStatus, int) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      []campaignStatus
		failures int
		sem      = make(chan struct{}, queryConcurrency)
	)
	for _, id := range customerIDs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			st, err := a.queryStatus(ctx, c, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				fmt.Fprintf(a.stderr, "warning: %v\n", err)
				return
			}
			out = append(out, campaignStatus{customerID: id, status: st})
		})
	}
	wg.Wait()
	return out, failures
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
