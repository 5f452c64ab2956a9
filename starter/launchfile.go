package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/workflows"
)

// exitCodeOf is the exit code of a file launch: 1 if any launch failed (a rerun finishes it),
// else 2 if any row was bad, else 0.
func exitCodeOf(s launch.Summary) int {
	switch {
	case s.Failed > 0:
		return exitFailed
	case len(s.BadRows) > 0:
		return exitBadInput
	}
	return exitOK
}

// launchFile validates every row of the --csv file, then launches the valid ones (or, with
// --strict, none if any is bad).
func (a *app) launchFile(ctx context.Context, cfg *config.Config, v launch.Validator, opts launchOptions) error {
	in, err := a.openInput(opts.csv)
	if err != nil {
		return err
	}
	file, err := launch.ParseCSV(in)
	_ = in.Close()
	if err != nil {
		return badInputf("%s: %v", opts.csv, err)
	}
	ready, problems := v.CheckFile(file)
	opts.source, opts.rerun = opts.csv, "rerun the file"
	return a.launchChecked(ctx, cfg, opts, ready, problems)
}

// launchChecked launches the rows a launch of many customers checked (a CSV file, Stripe's
// backfill) and reports each, or with --dry-run only says what would launch. The rows'
// problems are printed first; opts.source names what was read and opts.rerun how to finish.
func (a *app) launchChecked(ctx context.Context, cfg *config.Config, opts launchOptions, ready []launch.Launch, problems []launch.Problem) error {
	if !a.json() {
		a.printProblems(problems, opts.rerun)
	}
	switch {
	case opts.dryRun:
		return a.printDryRun(cfg, opts, ready, problems)
	case opts.strict && len(problems) > 0:
		if a.json() {
			s := launch.Summarise(nil, problems)
			s.Skipped += len(ready)
			_ = writeJSON(a.stdout, s)
		}
		bad := len(launch.BadRows(problems))
		return badInputf("--strict: nothing launched, %d of %d rows %s bad", bad, len(ready)+bad, pickWord(bad, "is", "are"))
	case len(ready) == 0:
		if a.json() {
			_ = writeJSON(a.stdout, launch.Summarise(nil, problems))
		}
		return badInputf("%s: no valid rows to launch", opts.source)
	}

	api, err := a.campaigns(ctx)
	if err != nil {
		return err
	}
	policy := campaigns.Relaunch
	if opts.skipClosed {
		policy = campaigns.FirstOnly
	}
	bar := a.newProgress(len(ready))
	results := launch.StartAll(ctx, api, ready, opts.concurrency, policy, bar.step)
	bar.finish()
	s := launch.Summarise(results, problems)
	if a.json() {
		if err := writeJSON(a.stdout, s); err != nil {
			return err
		}
	} else {
		a.printLaunchSummary(s, opts.rerun)
		if note := holdoutNote(opts, s.HeldOut, s.Launched); note != "" {
			fmt.Fprintln(a.stdout, note)
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %s to launch the rest (nothing starts twice)", opts.rerun)
	}
	return exitWith(exitCodeOf(s))
}

// printProblems lists every bad row's problems on stderr; rerun says how to launch the rows
// once fixed ("rerun the file").
func (a *app) printProblems(problems []launch.Problem, rerun string) {
	for _, p := range problems {
		fmt.Fprintln(a.stderr, p)
	}
	if n := len(launch.BadRows(problems)); n > 0 {
		fmt.Fprintf(a.stderr, "%s skipped; fix %s and %s (valid rows launch, nothing starts twice).\n",
			plural(n, "bad row"), pickWord(n, "it", "them"), rerun)
	}
}

// printLaunchSummary prints the counts and every customer not launched, with why.
func (a *app) printLaunchSummary(s launch.Summary, rerun string) {
	fmt.Fprintf(a.stdout, "Launched %d, already running %d, skipped %d, failed %d.\n",
		s.Launched, s.AlreadyRunning, s.Skipped, s.Failed)
	var skipped []string
	for _, row := range s.BadRows {
		skipped = append(skipped, fmt.Sprintf("row %d: bad row (see the problems above)", row))
	}
	for _, r := range s.Results {
		if r.Status == launch.SkippedClosed {
			skipped = append(skipped, resultLine(r)+"; --skip-closed=false relaunches it")
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintln(a.stdout, "Skipped:")
		for _, line := range skipped {
			fmt.Fprintln(a.stdout, "  "+line)
		}
	}
	if s.Failed > 0 {
		fmt.Fprintf(a.stdout, "Failed (%s to retry them; nothing starts twice):\n", rerun)
		for _, r := range s.Results {
			if r.Status == launch.Failed || r.Status == launch.NotAttempted {
				fmt.Fprintln(a.stdout, "  "+resultLine(r))
			}
		}
	}
}

// printDryRun prints what would launch, and how many would be held out, and exits 2 if any
// row was bad.
func (a *app) printDryRun(cfg *config.Config, opts launchOptions, ready []launch.Launch, problems []launch.Problem) error {
	s := launch.Summarise(nil, problems)
	s.DryRun = true
	s.WouldLaunch = ready
	s.HeldOut = launch.Count(ready)
	if a.json() {
		if err := writeJSON(a.stdout, s); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(a.stdout, "Dry run: would launch %s with playbook %s on task queue %s (%s skipped); nothing started.\n",
			plural(len(ready), "campaign"), dash(cfg.Playbook.Version), cfg.Temporal.TaskQueue, plural(len(s.BadRows), "bad row"))
		note := holdoutNote(opts, s.HeldOut, len(ready))
		if note != "" {
			fmt.Fprintln(a.stdout, note)
		}
		if opts.confirm != "" && len(ready) > 0 {
			fmt.Fprintln(a.stdout, opts.confirm)
		}
		if len(ready) == 0 {
			return exitWith(exitBadInput)
		}
		columns := []string{"ROW", "CUSTOMER", "WORKFLOW", "REP", "MANAGER", "VALUE", "SEGMENT", "DEPARTED", "REASON", "PHONE"}
		if note != "" {
			columns = append(columns, "HOLDOUT")
		}
		t := newTable(a.stdout, columns...)
		for _, l := range ready {
			in := l.Input
			cells := []string{rowNumber(l.Row), in.Customer.ID, workflows.WorkflowID(in.Customer.ID), in.Owners.Rep.ID, in.Owners.Manager.ID,
				strconv.FormatFloat(in.Customer.AccountValue, 'f', -1, 64), in.Customer.Segment,
				in.Departure.Date.Format(time.DateOnly), string(in.Departure.StatedReason), in.Customer.Phone}
			switch {
			case note == "":
			case in.Holdout:
				cells = append(cells, "held out")
			default:
				cells = append(cells, "-")
			}
			t.row(cells...)
		}
		t.flush()
	}
	if len(s.BadRows) > 0 {
		return exitWith(exitBadInput)
	}
	return nil
}

// rowNumber shows a row number, or nothing for a launch by flags.
func rowNumber(row int) string {
	if row == 0 {
		return ""
	}
	return strconv.Itoa(row)
}

// pickWord picks the singular or plural word for n.
func pickWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
