package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/winback/winback/workflows"
)

// reassignCommand moves one task, or the whole account, to another person.
func (a *app) reassignCommand() *cobra.Command {
	var req workflows.ReassignRequest
	cmd := &cobra.Command{
		Use:   "reassign CUSTOMER --to PERSON --as PERSON [--task TASK] [--reason TEXT]",
		Short: "Move a task, or the whole account, to another person",
		Long: `Move one task (--task) or the whole account (every open rep task and every future one) to
another person: "fire yourself, not the firm". Only the task's assignee or the manager may
reassign; the campaign checks that and refuses otherwise (exit 2).`,
		Example: `  winback reassign C-1042 --to carol --as bob --reason "Alice is the problem, per the exit interview"
  winback reassign C-1042 --task thank-you-call --to carol --as alice --reason "On leave"`,
		Args: args("CUSTOMER"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			id, api, err := a.customer(ctx, argv[0])
			if err != nil {
				return err
			}
			res, err := api.Reassign(ctx, id, req)
			if err != nil {
				return a.campaignError(ctx, id, "send "+workflows.UpdateReassignTask, err)
			}
			if a.json() {
				return writeJSON(a.stdout, res)
			}
			what := "the account"
			if req.TaskID != "" {
				what = "task " + req.TaskID
			}
			fmt.Fprintf(a.stdout, "Moved %s of customer %s to %s: %s.\n%s\n", what, id, req.To,
				dash(strings.Join(res.Moved, ", ")), nextLine(res.Next))
			return nil
		}),
	}
	cmd.Flags().StringVar(&req.TaskID, "task", "", "the task to move (default: the whole account)")
	cmd.Flags().StringVar(&req.To, "to", "", "who takes it (required)")
	cmd.Flags().StringVar(&req.By, "as", "", "who is reassigning: the assignee or the manager (required)")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why, for the history")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}
