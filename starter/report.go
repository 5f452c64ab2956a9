package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

// reportCommand prints the win-back report over the campaigns launched in a date range.
func (a *app) reportCommand() *cobra.Command {
	var fromFlag, toFlag string
	cmd := &cobra.Command{
		Use:   "report [--from DATE] [--to DATE] [-o text|json|csv]",
		Short: "Win-back report in money and time: by reason, scope, offer, segment, launch month and the rep who lost the customer",
		Long: `Report on the campaigns launched from --from to --to (both days included, in local time), from
the store's campaign records (WINBACK_DATABASE_URL), which every campaign keeps current:
campaigns, open and closed, won back and the win-back rate (won back / closed), the account value
lost (every campaign's) and won back, the median time from launch to won back, how many we walked
away from and why, and how many customers opted out of a channel; by reason, scope, offer,
segment, launch month and the rep who lost the customer (the account's rep when the customer
left, whoever owns the campaign when it closes); then the funnel of stages and the value won
back by month. Account values carry no currency: the team's is meant.

-o csv prints one table of every group (dimension, key, then the figures), for a spreadsheet.`,
		Example: `  winback report
  winback report --from 2025-01-01 --to 2025-06-30
  winback report --from 2025-01-01 -o json | jq .totals.winBackRate
  winback report -o csv > winback-report.csv`,
		Annotations: map[string]string{outputsAnnotation: "text,json,csv"},
		Args:        cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			from, to, err := reportRange(fromFlag, toFlag, a.now())
			if err != nil {
				return err
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			r, err := api.Report(ctx, campaigns.ReportFilter{From: from, To: to})
			if err != nil {
				return err
			}
			switch a.output {
			case outputJSON:
				return writeJSON(a.stdout, r)
			case outputCSV:
				return writeReportCSV(a.stdout, r)
			}
			printReport(a.stdout, r)
			return nil
		}),
	}
	cmd.Flags().StringVar(&fromFlag, "from", "", "first day of launch, YYYY-MM-DD (default: since the first campaign)")
	cmd.Flags().StringVar(&toFlag, "to", "", "last day of launch, YYYY-MM-DD (default: today)")
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

// reportTables are the report's tables, in the order they are printed, with their headings.
func reportTables(r report.Report) []struct {
	title, dim string
	groups     []report.Group
} {
	return []struct {
		title, dim string
		groups     []report.Group
	}{
		{"REASON", store.DimReason, r.ByReason}, {"SCOPE", store.DimScope, r.ByScope}, {"OFFER", store.DimOffer, r.ByOffer},
		{"SEGMENT", store.DimSegment, r.BySegment}, {"LAUNCH MONTH", store.DimLaunchMonth, r.ByLaunchMonth},
		{"LOST BY", store.DimLostBy, r.ByLostBy},
	}
}

// printReport prints the report as text tables.
func printReport(w io.Writer, r report.Report) {
	since := "the first campaign"
	if !r.From.IsZero() {
		since = r.From.Format(time.DateOnly)
	}
	tot := r.Totals
	fmt.Fprintf(w, "Win-back report: campaigns launched from %s to %s\n\n", since, r.To.AddDate(0, 0, -1).Format(time.DateOnly))
	fmt.Fprintf(w, "Campaigns:      %d (open %d, closed %d)\n", tot.Campaigns, tot.Open, tot.Closed)
	fmt.Fprintf(w, "Win-back rate:  %s (%d won back of %d closed)\n", report.Percent(tot.WinBackRate), tot.WonBack, tot.Closed)
	fmt.Fprintf(w, "Account value:  %s lost, %s won back\n", report.Money(tot.ValueLost), report.Money(tot.ValueWonBack))
	fmt.Fprintf(w, "Median time to win back: %s\n", report.Duration(tot.MedianTimeToWinBack, tot.MedianDaysToWinBack))
	fmt.Fprintf(w, "Walked away:    %d; opted out: %d\n", tot.WalkedAway, tot.OptedOut)

	fmt.Fprintln(w)
	t := newTable(w, "OUTCOME", "CAMPAIGNS")
	for _, o := range slices.Sorted(maps.Keys(r.ByOutcome)) {
		t.row(o, strconv.Itoa(r.ByOutcome[o]))
	}
	if tot.Open > 0 {
		t.row("(open)", strconv.Itoa(tot.Open))
	}
	t.flush()

	for _, g := range reportTables(r) {
		if len(g.groups) == 0 {
			continue
		}
		fmt.Fprintln(w)
		t := newTable(w, g.title, "CAMPAIGNS", "CLOSED", "WON BACK", "WIN-BACK RATE", "VALUE LOST", "VALUE WON BACK",
			"MEDIAN TO WIN BACK", "WALKED AWAY", "OPTED OUT")
		for _, s := range g.groups {
			t.row(s.Key, strconv.Itoa(s.Campaigns), strconv.Itoa(s.Closed), strconv.Itoa(s.WonBack), report.Percent(s.WinBackRate),
				report.Money(s.ValueLost), report.Money(s.ValueWonBack), report.Duration(s.MedianTimeToWinBack, s.MedianDaysToWinBack),
				strconv.Itoa(s.WalkedAway), strconv.Itoa(s.OptedOut))
		}
		t.flush()
	}
	fmt.Fprintln(w, "\n(LOST BY is the account's rep when the customer left, whoever owns the campaign now.)")

	fmt.Fprintln(w)
	t = newTable(w, "FUNNEL", "CAMPAIGNS", "OF LAUNCHED")
	for _, s := range r.Funnel {
		t.row(s.Label, strconv.Itoa(s.Campaigns), report.Percent(s.Share))
	}
	t.flush()

	if len(r.WonBackByMonth) > 0 {
		fmt.Fprintln(w)
		t = newTable(w, "MONTH WON BACK", "WON BACK", "VALUE")
		for _, m := range r.WonBackByMonth {
			t.row(m.Month, strconv.Itoa(m.WonBack), report.Money(m.Value))
		}
		t.flush()
	}
	if len(r.Rationales) > 0 {
		fmt.Fprintln(w)
		t = newTable(w, "WALKED AWAY", "DECIDED BY", "RATIONALE")
		for _, x := range r.Rationales {
			t.row(strconv.Itoa(x.Campaigns), x.DecidedBy, x.Text)
		}
		t.flush()
	}
}

// writeReportCSV writes every group of the report as one CSV table: the totals, then each
// dimension's groups.
func writeReportCSV(w io.Writer, r report.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"dimension", "key", "campaigns", "open", "closed", "won_back", "win_back_rate", "value_lost",
		"value_won_back", "median_days_to_win_back", "walked_away", "opted_out"})
	row := func(dim string, g report.Group) {
		_ = cw.Write([]string{dim, g.Key, strconv.Itoa(g.Campaigns), strconv.Itoa(g.Open), strconv.Itoa(g.Closed),
			strconv.Itoa(g.WonBack), strconv.FormatFloat(g.WinBackRate, 'f', 4, 64), strconv.FormatFloat(g.ValueLost, 'f', 2, 64),
			strconv.FormatFloat(g.ValueWonBack, 'f', 2, 64), strconv.FormatFloat(g.MedianDaysToWinBack, 'f', 2, 64),
			strconv.Itoa(g.WalkedAway), strconv.Itoa(g.OptedOut)})
	}
	row(store.DimAll, r.Totals)
	for _, t := range reportTables(r) {
		for _, g := range t.groups {
			row(t.dim, g)
		}
	}
	cw.Flush()
	return cw.Error()
}
