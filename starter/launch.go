package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/contact"
	"github.com/winback/winback/launch"
)

// launchOptions are the launch flags that are not customer fields.
type launchOptions struct {
	csv         string
	region      string
	dryRun      bool
	strict      bool
	concurrency int
	skipClosed  bool
	holdout     float64 // --holdout, when given

	// held picks the customers held out; heldBy says where its percent came from.
	held   *launch.Holdout
	heldBy string

	// source names what a launch of many customers read ("customers.csv"), rerun says how to
	// finish it ("rerun the file"), and confirm, when set, how to launch after a dry run.
	source, rerun, confirm string
}

// launchCommand starts campaigns: one customer from flags, or every customer of a CSV file.
func (a *app) launchCommand() *cobra.Command {
	var (
		opts launchOptions
		row  launch.CustomerRow
	)
	cmd := &cobra.Command{
		Use:   "launch (--customer-id ID --name NAME --email EMAIL ... | --csv FILE)",
		Short: "Start win-back campaigns, for one customer or a CSV of lost customers",
		Long: `Start a win-back campaign for one customer (by flags) or for every customer of a CSV file.

Every row is validated before anything starts: required fields, a bare email address, a phone
number normalised to E.164 (numbers without +country code are read in --default-region), an
IANA time zone, a known reason, a non-negative account value, a departure date that is not in
the future, one row per customer, a rep (and manager) on the team, and, for a customer with a
phone when the playbook sends text messages, a check-in text message of at most two SMS
segments (rendered as the worker will send it, with the customer's name and company and the
rep's name; one character outside the SMS alphabet, such as "á", makes it Unicode, which fits
70 characters a segment instead of 160). Each bad row is printed with its row number, column
and every problem. By default the valid rows launch and the bad ones are skipped; --strict
launches nothing if any row is bad.

CSV: a header row is required; columns in any order, names case-insensitive; UTF-8, with or
without a BOM (a file in another encoding is refused whole, so nothing half launches); rows
numbered as lines of the file (the header is row 1); blank rows skipped.
Columns (* required):
` + columnHelp() + `
Running the same file again is safe: a customer whose campaign is running is counted as
"already running" and not started twice. A campaign that has closed may be relaunched by
design, so for a file --skip-closed (default true) also skips customers who already had a
campaign that closed, as far as Temporal remembers it (the namespace's retention period); pass
--skip-closed=false to start new campaigns for them. A single customer given by flags is an
explicit launch: it starts a new campaign after a closed one.

Exit codes: 0 all valid rows launched (or already running, or skipped as closed); 1 a launch
failed, or the one customer given by flags already has a campaign; 2 bad flags, a bad file or
bad rows.

Holdout: a share of the launched customers (the playbook's holdoutPercent, or --holdout, 0 to
50) is held out of their campaign: no customer message and no rep task. They are tracked like
the rest and close at the playbook's expiry as holdout, unless they return on their own (won
back from the CLI, the inbox or billing), so the report can show the lift the campaigns cause.
Which customers is decided by a keyed hash of the customer ID (the key is kept in the store,
WINBACK_DATABASE_URL), so a rerun, or a launch from another machine, holds out the same ones.
The dry run says how many would be held out.`,
		Example: `  # One customer
  winback launch --customer-id C-1042 --name "Dana Reyes" --company "Acme Corp" \
    --email dana@acme.example --phone "+1 415 555 0142" --timezone America/Los_Angeles \
    --account-value 48000 --segment enterprise --departed 2025-11-03 \
    --reason competitor_price --competitor Globex --competitor-offer "20% off for a year" \
    --rep alice

  # A CSV file: check it first, then launch (safe to rerun)
  winback launch --csv customers.csv --dry-run
  winback launch --csv customers.csv --concurrency 16

  # All or nothing, and a summary for scripts
  winback launch --csv customers.csv --strict -o json

  # Hold out 20% of the file to measure the lift (the playbook's holdoutPercent otherwise)
  winback launch --csv customers.csv --holdout 20 --dry-run`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, cmd *cobra.Command, _ []string) error {
			if opts.csv != "" {
				var given []string
				for _, c := range launch.Columns {
					if cmd.Flags().Changed(launch.FlagName(c.Name)) {
						given = append(given, "--"+launch.FlagName(c.Name))
					}
				}
				if len(given) > 0 {
					return badInputf("--csv launches the customers of a file; drop %s or launch one customer without --csv", strings.Join(given, ", "))
				}
			} else if !cmd.Flags().Changed("customer-id") {
				return badInputf("give a customer with --customer-id and its other flags, or a file with --csv FILE (see --help)")
			}
			if err := opts.check(cmd); err != nil {
				return err
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			v, err := a.validator(ctx, cfg, cmd, &opts)
			if err != nil {
				return err
			}
			if opts.csv == "" {
				return a.launchSingle(ctx, cfg, v, row, opts)
			}
			return a.launchFile(ctx, cfg, v, opts)
		}),
	}
	for _, c := range launch.Columns {
		cmd.Flags().StringVar(row.Field(c.Name), launch.FlagName(c.Name), "", c.Help)
	}
	f := cmd.Flags()
	f.StringVar(&opts.csv, "csv", "", `launch every customer of this CSV file ("-" reads standard input)`)
	f.BoolVar(&opts.dryRun, "dry-run", false, "validate and print what would launch; start nothing, and do not contact Temporal")
	opts.flags(f, "with --csv: ")
	return cmd
}

// flags registers the launch flags that every launch of many customers shares (a CSV file,
// Stripe's backfill); skipClosedScope prefixes the help of --skip-closed.
func (opts *launchOptions) flags(f *pflag.FlagSet, skipClosedScope string) {
	f.StringVar(&opts.region, "default-region", "", regionHelp)
	f.BoolVar(&opts.strict, "strict", false, "launch nothing if any row is bad")
	f.IntVar(&opts.concurrency, "concurrency", 8, "how many campaigns to start at a time")
	f.BoolVar(&opts.skipClosed, "skip-closed", true, skipClosedScope+"skip customers who already had a campaign that has closed")
	f.Float64Var(&opts.holdout, "holdout", 0, "hold out this percent of the customers, 0 to 50 (default: the playbook's holdoutPercent)")
}

// check checks the shared launch flags, before anything is read or dialed.
func (opts *launchOptions) check(cmd *cobra.Command) error {
	if opts.concurrency < 1 {
		return badInputf("--concurrency %d: launch at least 1 at a time", opts.concurrency)
	}
	if err := launch.CheckHoldoutPercent(opts.holdout); cmd.Flags().Changed("holdout") && err != nil {
		return badInputf("--holdout: %v", err)
	}
	return checkRegionFlag(&opts.region)
}

// validator makes the Validator a launch checks its rows with: the phone region, the team,
// the playbook and its text message, and the holdout (from --holdout or the playbook).
func (a *app) validator(ctx context.Context, cfg *config.Config, cmd *cobra.Command, opts *launchOptions) (launch.Validator, error) {
	opts.region = phoneRegion(opts.region, cfg)
	sms, err := launch.NewSMSCheck(cfg.TemplatesDir, cfg.SendGrid.FromName, cfg.Playbook)
	if err != nil {
		return launch.Validator{}, err
	}
	if err := a.resolveHoldout(ctx, cfg, cmd.Flags().Changed("holdout"), opts); err != nil {
		return launch.Validator{}, err
	}
	return launch.Validator{Region: opts.region, Now: a.now(), Owners: cfg.Team.Owners, Playbook: cfg.Playbook, SMS: sms,
		Holdout: opts.held}, nil
}

// resolveHoldout sets opts.held from --holdout, or else the playbook's holdoutPercent. A
// holdout above 0 reads its key from the store (made on first use, shared by every process).
func (a *app) resolveHoldout(ctx context.Context, cfg *config.Config, given bool, opts *launchOptions) error {
	percent, by := cfg.Playbook.HoldoutPercent, "the playbook's holdoutPercent"
	if given {
		percent, by = opts.holdout, "--holdout"
	}
	opts.heldBy = by
	if percent == 0 {
		opts.held = &launch.Holdout{}
		return nil
	}
	st, err := cfg.OpenStore(ctx, a.logger(cfg))
	if err != nil {
		return fmt.Errorf("the holdout's key is kept in the store: %w", err)
	}
	defer st.Close()
	opts.held, err = launch.NewHoldout(ctx, st, percent)
	return err
}

// holdoutNote says how many of n customers are held out, or "" when the launch holds out none.
func holdoutNote(opts launchOptions, held, n int) string {
	if opts.held == nil || opts.held.Percent == 0 {
		return ""
	}
	return fmt.Sprintf("Held out: %d of %d (%v%% by %s): no message and no task, tracked for the report's lift.",
		held, n, opts.held.Percent, opts.heldBy)
}

// columnHelp lists the CSV columns for the launch help.
func columnHelp() string {
	var b strings.Builder
	for _, c := range launch.Columns {
		mark := " "
		if c.Required {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-17s %s\n", mark, c.Name, c.Help)
	}
	return b.String()
}

// launchSingle validates and starts the campaign of the one customer given by flags.
func (a *app) launchSingle(ctx context.Context, cfg *config.Config, v launch.Validator, row launch.CustomerRow, opts launchOptions) error {
	in, problems := v.Check(row)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(a.stderr, p)
		}
		return badInputf("customer %s not launched: %s", dash(row.CustomerID), plural(len(problems), "problem"))
	}
	l := launch.Launch{Input: in}
	if opts.dryRun {
		return a.printDryRun(cfg, opts, []launch.Launch{l}, nil)
	}
	api, err := a.campaigns(ctx)
	if err != nil {
		return err
	}
	// One customer named by hand is an explicit relaunch: a closed campaign does not stop it.
	res := launch.Start(ctx, api, l, campaigns.Relaunch)
	if a.json() {
		if err := writeJSON(a.stdout, res); err != nil {
			return err
		}
	}
	switch res.Status {
	case launch.Launched:
		if !a.json() {
			fmt.Fprintf(a.stdout, "Launched campaign %s for customer %s (rep %s, manager %s, playbook %s).\n",
				res.WorkflowID, res.CustomerID, in.Owners.Rep.ID, in.Owners.Manager.ID, dash(in.Playbook.Version))
			if in.Holdout {
				fmt.Fprintf(a.stdout, "The customer is held out (%v%% by %s): no message and no task; the campaign tracks them for the report's lift.\n",
					opts.held.Percent, opts.heldBy)
			}
			fmt.Fprintf(a.stdout, "Follow it with: winback status %s\n", res.CustomerID)
		}
		return nil
	case launch.AlreadyRunning:
		return fmt.Errorf("customer %s: a campaign is already running (workflow %s); nothing was started. See it with: winback status %s",
			res.CustomerID, res.WorkflowID, res.CustomerID)
	default:
		return fmt.Errorf("customer %s not launched: %s", res.CustomerID, res.Detail)
	}
}

// openInput opens the --csv file, or standard input for "-".
func (a *app) openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(a.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, badInputf("cannot read %s: %v", name, err)
	}
	return f, nil
}

// regionHelp is the help of --default-region.
const regionHelp = "region (ISO 3166) of phone numbers written without +country code (default: WINBACK_PHONE_REGION, or US)"

// checkRegionFlag upper-cases a --default-region and checks it; an empty one is left for
// phoneRegion.
func checkRegionFlag(region *string) error {
	if *region == "" {
		return nil
	}
	*region = strings.ToUpper(*region)
	if err := contact.CheckRegion(*region); err != nil {
		return badInputf("--default-region: %v", err)
	}
	return nil
}

// phoneRegion is the region national phone numbers are read in: --default-region when given,
// else the configured one.
func phoneRegion(flag string, cfg *config.Config) string {
	switch {
	case flag != "":
		return flag
	case cfg != nil && cfg.PhoneRegion != "":
		return cfg.PhoneRegion
	}
	return contact.DefaultRegion
}
