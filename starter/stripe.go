package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
)

// stripeCommand groups what ops do with Stripe by hand; the webhooks do the rest on their own.
func (a *app) stripeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stripe",
		Short: "Stripe billing: launch campaigns for cancellations already in Stripe",
		Long: `With Stripe configured (STRIPE_API_KEY), the worker's webhooks launch a campaign when a customer
cancels and end it as won back when they pay again. What happened before the webhooks were set
up is launched with the backfill.`,
		Example: `  winback stripe backfill --since 2025-01-01
  winback stripe backfill --since 2025-01-01 --yes`,
	}
	cmd.AddCommand(a.stripeBackfillCommand())
	return cmd
}

// stripeBackfillCommand launches campaigns for the subscriptions cancelled in Stripe since a day,
// through the CSV launch's checks, dry run and report.
func (a *app) stripeBackfillCommand() *cobra.Command {
	var (
		opts  launchOptions
		since string
		yes   bool
	)
	cmd := &cobra.Command{
		Use:   "backfill --since YYYY-MM-DD [--yes]",
		Short: "Launch campaigns for the subscriptions cancelled in Stripe since a day (a dry run unless --yes)",
		Long: `List the subscriptions cancelled in Stripe since --since (a day, from midnight UTC), turn each
into the customer row a CSV launch checks, and launch the valid ones as the webhooks would have:
the customer's name, email and phone from Stripe, the account value from the subscription
(annualised), the reason from the feedback they gave when cancelling (their comment in the
notes), the rep from the customer's metadata (rep, manager, segment, timezone, company,
winback_customer_id) or the routing in WINBACK_STRIPE_DEFAULT_REP and
WINBACK_STRIPE_REPS_BY_SEGMENT. Each campaign is tied to the subscription, so its incentives
become Stripe coupons and the customer paying again ends it as won back.

Without --yes it is a dry run: it reads Stripe, checks every row and prints what would launch
and each bad row's problems, naming the column, with the subscription it came from; it starts
nothing and does not contact Temporal. With --yes it launches the valid rows (--strict: none
if any is bad) and prints the same per-row report as winback launch --csv.

A customer who still pays for another subscription (a plan change, or back since) is not
lost: named on stderr, not launched.

Rows are numbered in the order the customers left, oldest first. A customer without email, a
rep who is not on the team, a subscription in a currency winback does not know: reported as a
bad row and skipped, never lost. Running it again is safe: a customer whose campaign is running
is counted as "already running", and (--skip-closed, default true) one who already had a
campaign that closed is skipped.

Needs STRIPE_API_KEY (and STRIPE_API_BASE or WINBACK_STRIPE_MOCK_URL for stripe-mock).
Exit codes as winback launch --csv: 0 all valid rows launched (or already running or skipped),
1 Stripe or a launch failed, 2 bad flags or bad rows.`,
		Example: `  # What would launch, and what is wrong with the rest
  winback stripe backfill --since 2025-01-01

  # Launch them (safe to rerun)
  winback stripe backfill --since 2025-01-01 --yes

  # All or nothing, with a summary for scripts
  winback stripe backfill --since 2025-01-01 --yes --strict -o json`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, cmd *cobra.Command, _ []string) error {
			from, err := parseSince(since, a.now())
			if err != nil {
				return err
			}
			if err := opts.check(cmd); err != nil {
				return err
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			if !cfg.Billing.On() {
				return errors.New("Stripe is not configured: set STRIPE_API_KEY to a secret key (sk_...) or a restricted key (rk_...) " +
					"that reads subscriptions and customers, then run the backfill again")
			}
			v, err := a.validator(ctx, cfg, cmd, &opts)
			if err != nil {
				return err
			}
			st, err := a.stripe(cfg.Billing)
			if err != nil {
				return err
			}
			ready, problems, err := backfillRows(ctx, st, cfg.Billing, v, from)
			if err != nil {
				return err
			}
			ready, subscribed, err := stillSubscribed(ctx, st, ready)
			if err != nil {
				return err
			}
			if len(subscribed) > 0 {
				fmt.Fprintf(a.stderr, "Not launched, still paying for another subscription (not lost): %s\n", strings.Join(subscribed, "; "))
				if len(ready) == 0 && len(problems) == 0 {
					fmt.Fprintln(a.stdout, "Nothing to launch: every customer who cancelled since then still pays for another subscription.")
					return nil
				}
			}
			opts.dryRun = !yes
			opts.source = "Stripe cancellations since " + since
			opts.rerun = "run the backfill again"
			opts.confirm = "Run it again with --yes to launch them."
			return a.launchChecked(ctx, cfg, opts, ready, problems)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "launch for the subscriptions cancelled on or after this day, YYYY-MM-DD (UTC) (required)")
	f.BoolVarP(&yes, "yes", "y", false, "launch the valid rows; without it, a dry run that starts nothing")
	opts.flags(f, "")
	_ = cmd.MarkFlagRequired("since")
	return cmd
}

// parseSince reads --since: a day, not after today.
func parseSince(since string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(since))
	switch {
	case err != nil:
		return time.Time{}, badInputf("--since %q: write the day as YYYY-MM-DD, like 2025-01-31", since)
	case t.After(now):
		return time.Time{}, badInputf("--since %s is in the future: nobody has cancelled since then yet", since)
	}
	return t, nil
}

// backfillRows lists the cancellations in Stripe since from and checks them as the rows of a
// file, numbered as listed (oldest first): it returns the launches, each tied to its
// subscription, and every problem, naming the subscription it came from. A subscription Stripe
// lists but billing cannot read (an unknown currency, a deleted customer) is a bad row too.
func backfillRows(ctx context.Context, st billing.Stripe, cfg config.Billing, v launch.Validator, from time.Time) (
	[]launch.Launch, []launch.Problem, error) {
	cancellations, err := st.Cancellations(ctx, from)
	var unreadable billing.Unreadable
	if err != nil && !errors.As(err, &unreadable) {
		return nil, nil, fmt.Errorf("reading the cancellations from Stripe: %w; nothing was launched, run the backfill again", err)
	}
	if len(cancellations) == 0 && len(unreadable) == 0 {
		return nil, nil, badInputf("no subscription was cancelled in Stripe since %s: nothing to launch", from.Format(time.DateOnly))
	}
	file := &launch.CSVFile{}
	sources := map[int]string{}
	for i, c := range cancellations {
		row := c.Row(cfg)
		row.Row = i + 1
		file.Rows = append(file.Rows, row)
		sources[row.Row] = subscriptionSource(c.SubscriptionID, c.Customer.ID)
	}
	for i, u := range unreadable {
		row := len(cancellations) + i + 1
		sources[row] = subscriptionSource(u.SubscriptionID, u.CustomerID)
		file.Problems = append(file.Problems, launch.Problem{Row: row, Message: u.Err.Error()})
	}
	ready, problems := v.CheckFile(file)
	for i := range ready {
		ready[i].Input.Billing = cancellations[ready[i].Row-1].Billing()
	}
	for i := range problems {
		problems[i].Source = sources[problems[i].Row]
	}
	return ready, problems, nil
}

// stillSubscribed keeps the launches of customers who pay for no other subscription, and names
// the others: a customer who cancelled one subscription and holds another (a plan change, or
// back since) is not lost.
func stillSubscribed(ctx context.Context, st billing.Stripe, ready []launch.Launch) ([]launch.Launch, []string, error) {
	var keep []launch.Launch
	var subscribed []string
	for _, l := range ready {
		b := l.Input.Billing
		active, err := st.ActiveSubscriptions(ctx, b.CustomerID)
		if err != nil {
			return nil, nil, fmt.Errorf("listing the subscriptions of customer %s in Stripe: %w; nothing was launched, run the backfill again", b.CustomerID, err)
		}
		if others := slices.DeleteFunc(active, func(id string) bool { return id == b.SubscriptionID }); len(others) > 0 {
			subscribed = append(subscribed, fmt.Sprintf("row %d, customer %s (%s)", l.Row, b.CustomerID, strings.Join(others, ", ")))
			continue
		}
		keep = append(keep, l)
	}
	return keep, subscribed, nil
}

// subscriptionSource names the Stripe subscription a row came from, for its problems.
func subscriptionSource(subscriptionID, customerID string) string {
	return fmt.Sprintf("Stripe subscription %s of customer %s", subscriptionID, customerID)
}
