package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// allStages and allOutcomes are the values --stage and --outcome accept.
var (
	allStages = []workflows.Stage{workflows.StageBackstory, workflows.StageExitInterview, workflows.StageDecision,
		workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall, workflows.StageCheckIns,
		workflows.StageClosed}
	allOutcomes = []workflows.Outcome{workflows.OutcomeWonBack, workflows.OutcomeWalkedAway, workflows.OutcomeDeclined,
		workflows.OutcomeOptedOut, workflows.OutcomeExpired, workflows.OutcomeCancelled}
)

// listFilters are the list flags.
type listFilters struct {
	stage, rep, outcome, reason, segment string
	open, closed                         bool
}

// filter checks the list flags and turns them into the campaigns filter. Runs that continued
// as new are left out: each campaign shows once, as its latest run.
func (f listFilters) filter() (campaigns.Filter, error) {
	out := campaigns.Filter{LatestRuns: true, Stage: workflows.Stage(f.stage), Assignee: f.rep,
		Outcome: workflows.Outcome(f.outcome), Reason: workflows.Reason(f.reason), Segment: f.segment}
	enum := func(flag, value string, valid []string) error {
		if value == "" {
			return nil
		}
		if !slices.Contains(valid, value) {
			return badInputf("--%s %q: use one of %s", flag, value, strings.Join(valid, ", "))
		}
		return nil
	}
	for _, check := range []error{
		enum("stage", f.stage, stringsOf(allStages)),
		enum("outcome", f.outcome, stringsOf(allOutcomes)),
		enum("reason", f.reason, stringsOf(workflows.Reasons)),
		checkQueryValue("rep", f.rep),
		checkQueryValue("segment", f.segment),
	} {
		if check != nil {
			return out, check
		}
	}
	switch {
	case f.open && f.closed:
		return out, badInputf("--open and --closed together list nothing; give one or neither")
	case f.open:
		out.Status = campaigns.Running
	case f.closed:
		out.Status = campaigns.Closed
	}
	return out, nil
}

// checkQueryValue refuses a filter value no customer, person or segment has: quotes,
// backslashes, surrounding spaces. An empty value filters nothing.
func checkQueryValue(flag, value string) error {
	if value != "" && (strings.ContainsAny(value, `'"\`) || strings.TrimSpace(value) != value) {
		return badInputf("--%s %q: give a value without quotes, backslashes or surrounding spaces", flag, value)
	}
	return nil
}

// joinValues lists enum values for help and messages: "a, b, c".
func joinValues[T ~string](values []T) string { return strings.Join(stringsOf(values), ", ") }

// stringsOf converts enum values to strings.
func stringsOf[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// listCommand lists campaigns by stage, assignee, outcome, reason and segment.
func (a *app) listCommand() *cobra.Command {
	var (
		f     listFilters
		limit int
	)
	cmd := &cobra.Command{
		Use:   "list [--stage S] [--rep R] [--outcome O] [--reason R] [--segment S] [--open|--closed]",
		Short: "List campaigns, filtered by stage, assignee, outcome, reason or segment",
		Long: `List campaigns from Temporal's visibility store, newest first, by the WinBack* search
attributes: customer, stage, the assignee and due time of the next open task, outcome.

Visibility is eventually consistent: a change made a moment ago may not show yet. For the
current state of one campaign, use winback status.`,
		Example: `  winback list --open
  winback list --stage decision --rep bob
  winback list --closed --outcome won_back --segment enterprise
  winback list --reason competitor_price -o json`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			filter, err := f.filter()
			if err != nil {
				return err
			}
			if limit < 0 {
				return badInputf("--limit %d: give 0 (no limit) or more", limit)
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			var rows []campaigns.Campaign
			err = campaigns.Each(ctx, api, filter, limit, func(c campaigns.Campaign) bool {
				rows = append(rows, c)
				return true
			})
			if err != nil {
				return err
			}
			if a.json() {
				return writeJSON(a.stdout, nonNil(rows))
			}
			t := newTable(a.stdout, "CUSTOMER", "STAGE", "ASSIGNEE", "TASK DUE", "OUTCOME", "STATUS", "STARTED")
			for _, r := range rows {
				t.row(r.CustomerID, r.Stage, r.Assignee, when(r.TaskDue), r.Outcome, r.Status, when(r.Start))
			}
			t.flush()
			if limit > 0 && len(rows) == limit {
				fmt.Fprintf(a.stderr, "Showing the first %d; --limit 0 lists them all.\n", limit)
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.stage, "stage", "", "only campaigns at this stage: "+joinValues(allStages))
	fl.StringVar(&f.rep, "rep", "", "only campaigns whose next task is assigned to this person (WinBackAssignee)")
	fl.StringVar(&f.outcome, "outcome", "", "only campaigns closed with this outcome: "+joinValues(allOutcomes))
	fl.StringVar(&f.reason, "reason", "", "only campaigns with this reason: "+joinValues(workflows.Reasons))
	fl.StringVar(&f.segment, "segment", "", "only customers of this segment")
	fl.BoolVar(&f.open, "open", false, "only running campaigns")
	fl.BoolVar(&f.closed, "closed", false, "only closed campaigns")
	fl.IntVar(&limit, "limit", 100, "list at most this many (0: all)")
	return cmd
}

// nonNil makes an empty list print as [] rather than null in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
