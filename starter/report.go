package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
)

// reportCommand prints the win-back report over the campaigns started in a date range.
func (a *app) reportCommand() *cobra.Command {
	var fromFlag, toFlag string
	cmd := &cobra.Command{
		Use:   "report [--from DATE] [--to DATE]",
		Short: "Win-back report: outcomes, win-back rate, counts by reason, scope, rep and segment",
		Long: `Report on the campaigns started from --from to --to (both days included, in local time):
how many are open and closed, the count of each outcome, the win-back rate (won back / closed),
the counts by reason, scope, rep (the assignee of the campaign's last task) and segment, and
the median time from launch to won back.

A campaign that continued as new counts once, from its first run. The report reads Temporal's
visibility store, which keeps closed campaigns only for the namespace's retention period.`,
		Example: `  winback report
  winback report --from 2025-01-01 --to 2025-06-30
  winback report --from 2025-01-01 -o json | jq .winBackRate`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			from, to, err := reportRange(fromFlag, toFlag, a.now())
			if err != nil {
				return err
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			var runs []campaigns.Campaign
			err = campaigns.Each(ctx, api, reportFilter(from, to), 0, func(c campaigns.Campaign) bool {
				runs = append(runs, c)
				return true
			})
			if err != nil {
				return err
			}
			r := report.Build(report.JoinRuns(runs), from, to)
			if a.json() {
				return writeJSON(a.stdout, r)
			}
			printReport(a.stdout, r)
			return nil
		}),
	}
	cmd.Flags().StringVar(&fromFlag, "from", "", "first day, YYYY-MM-DD (default: since the oldest campaign Temporal keeps)")
	cmd.Flags().StringVar(&toFlag, "to", "", "last day, YYYY-MM-DD (default: today)")
	return cmd
}

// reportRange reads --from and --to as local days and returns [from, to) with to the end of
// its day. An empty --from is the zero time (since ever); an empty --to is today.
func reportRange(fromFlag, toFlag string, now time.Time) (from, to time.Time, err error) {
	day := func(flag, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, now.Location())
		if err != nil {
			return t, badInputf("--%s %q: write the date as YYYY-MM-DD", flag, s)
		}
		return t, nil
	}
	if fromFlag != "" {
		if from, err = day("from", fromFlag); err != nil {
			return from, to, err
		}
	}
	y, m, d := now.Date()
	to = time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	if toFlag != "" {
		if to, err = day("to", toFlag); err != nil {
			return from, to, err
		}
	}
	to = to.AddDate(0, 0, 1)
	if !from.IsZero() && !from.Before(to) {
		return from, to, badInputf("--from %s is after --to %s", fromFlag, to.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	return from, to, nil
}

// reportFilter finds every run that may belong to a campaign started in [from, to): runs
// started before to that were still open at from. A campaign started before from whose first
// run closed before from shows only later runs, which also started before from, so it is
// still left out of the report (see report.JoinRuns and report.Build).
func reportFilter(from, to time.Time) campaigns.Filter {
	return campaigns.Filter{StartedBefore: to, OpenSince: from}
}

// printReport prints the report as text tables.
func printReport(w io.Writer, r report.Report) {
	since := "the oldest kept"
	if !r.From.IsZero() {
		since = r.From.Format(time.DateOnly)
	}
	fmt.Fprintf(w, "Win-back report: campaigns started from %s to %s\n\n", since, r.To.AddDate(0, 0, -1).Format(time.DateOnly))
	fmt.Fprintf(w, "Campaigns:      %d (open %d, closed %d)\n", r.Campaigns, r.Open, r.Closed)
	fmt.Fprintf(w, "Win-back rate:  %s (%d won back of %d closed)\n", percent(r.WinBackRate), r.WonBack, r.Closed)
	median := "-"
	switch {
	case r.WonBack == 0:
	case r.MedianTimeToWinBack < 48*time.Hour: // demos and fast playbooks win back in minutes
		median = r.MedianTimeToWinBack.Round(time.Second).String()
	default:
		median = fmt.Sprintf("%.1f days", r.MedianDaysToWinBack)
	}
	fmt.Fprintf(w, "Median time to win back: %s\n", median)

	fmt.Fprintln(w)
	t := newTable(w, "OUTCOME", "CAMPAIGNS")
	outcomes := slices.Sorted(func(yield func(string) bool) {
		for k := range r.ByOutcome {
			if !yield(k) {
				return
			}
		}
	})
	for _, o := range outcomes {
		t.row(o, strconv.Itoa(r.ByOutcome[o]))
	}
	if r.Open > 0 {
		t.row("(open)", strconv.Itoa(r.Open))
	}
	t.flush()

	for _, g := range []struct {
		title  string
		groups []report.Group
	}{{"REASON", r.ByReason}, {"SCOPE", r.ByScope}, {"REP", r.ByRep}, {"SEGMENT", r.BySegment}} {
		fmt.Fprintln(w)
		t := newTable(w, g.title, "CAMPAIGNS", "CLOSED", "WON BACK", "WIN-BACK RATE")
		for _, s := range g.groups {
			t.row(s.Key, strconv.Itoa(s.Campaigns), strconv.Itoa(s.Closed), strconv.Itoa(s.WonBack), percent(s.WinBackRate))
		}
		t.flush()
	}
}

// percent formats a rate: 0.25 is "25.0%".
func percent(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) }
