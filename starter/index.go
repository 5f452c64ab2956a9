package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
)

// indexCommand groups what ops do with the store's task index.
func (a *app) indexCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "The task index the lists and the report read: file the campaigns it lacks",
		Long: `Task lists (winback tasks, the inbox) and the report read the store's task index, which every
campaign keeps current as its tasks open, move and close. A campaign that was asleep when it
began (after an upgrade to the version that keeps it, or a store copied without it) is missing
until it next wakes: winback index rebuild files it now.`,
		Example: `  winback index rebuild
  winback index rebuild --closed`,
	}
	cmd.AddCommand(a.indexRebuildCommand())
	return cmd
}

// indexRebuildCommand files a record for every campaign the index lacks.
func (a *app) indexRebuildCommand() *cobra.Command {
	var closed bool
	cmd := &cobra.Command{
		Use:   "rebuild [--closed]",
		Short: "File every running campaign the task index lacks (--closed: the closed ones too, for the report)",
		Long: `File a record in the store's task index for every running campaign that has none, read once from
the campaign itself (its status, and the input of its first run): its tasks, stage, owners,
decision and the facts of the report. With --closed, the closed campaigns visibility still
keeps are filed too, for the report's history.

It asks each campaign once, a few at a time: at 100 campaigns a second, 10,000 take about two
minutes. Run it once after upgrading; it is safe to run again (a campaign's own records are
newer than a rebuild's, so nothing they said is undone).`,
		Example: `  winback index rebuild
  winback index rebuild --closed -o json`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			began, last := a.now(), time.Time{}
			progress := func(done, of int) {
				if a.json() || (time.Since(last) < 2*time.Second && done < of) {
					return
				}
				last = time.Now()
				fmt.Fprintf(a.stderr, "%d of %d campaigns read\n", done, of)
			}
			r, err := api.RebuildIndex(ctx, campaigns.RebuildOptions{Closed: closed, Progress: progress})
			if err != nil {
				return err
			}
			for _, f := range r.Failures {
				fmt.Fprintf(a.stderr, "warning: %v\n", a.campaignError(ctx, f.CustomerID, "read it", f.Err))
			}
			if a.json() {
				if err := writeJSON(a.stdout, map[string]any{"campaigns": r.Campaigns, "filed": r.Filed, "current": r.Current,
					"failed": len(r.Failures)}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "Read %s in %s: %d filed in the task index, %d had their own record already.\n",
					plural(r.Campaigns, "campaign"), a.now().Sub(began).Round(time.Second), r.Filed, r.Current)
			}
			if n := len(r.Failures); n > 0 {
				return fmt.Errorf("%s did not answer and %s not filed: run it again", plural(n, "campaign"), map[bool]string{true: "was", false: "were"}[n == 1])
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&closed, "closed", false, "also the closed campaigns visibility keeps, for the report")
	return cmd
}
