package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
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
		Short: "Win-back report in money and time: by reason, scope, offer, segment, launch month and the rep who lost the customer; offers; the lift over a holdout; revenue from billing",
		Long: `Report on the campaigns launched from --from to --to (both days included, in local time), from
the store's campaign records (WINBACK_DATABASE_URL), which every campaign keeps current:
campaigns, open and closed, won back and the win-back rate (won back / closed), the account value
lost (every campaign's) and won back, the median time from launch to won back, how many we walked
away from and why, and how many customers opted out of a channel; by reason, scope, offer,
segment, launch month and the rep who lost the customer (the account's rep when the customer
left, whoever owns the campaign when it closes); then the funnel of stages and the value won
back by month. Account values carry no currency: the team's is meant. A foot in the door (the
customer took a smaller project) counts its project's value as won back.

Offers: for each kind, how many were offered, accepted and fulfilled, how many of those
accepted ended won back (or with a foot in the door), and the value that came back with them.

Holdout: customers held out of their campaign (launch --holdout, or the playbook's
holdoutPercent) are not counted in the campaigns' figures above; they have their own line and
the outcome breakdown counts them apart. The lift is the return rate of the customers worked
minus that of those held out (returns of every customer launched, closed or not), with its 95%
confidence interval (Newcombe's hybrid score interval, sound with few returns), over every
customer, by reason, and by offer (each offer's customers against every customer held out: a
hint, since managers choose who gets which offer). It is "too few to say" while a group has
fewer than 10 customers, or the two have fewer than 5 returns or 5 non-returns between them.

Revenue: with billing (Stripe), a customer who pays again ends their campaign as won back with
what the new subscription is worth a year, in its currency. The report sums it per currency,
never adding one currency to another; the customers held out who came back on their own are
apart. Without billing there is no revenue line.

-o csv prints one table of every group (dimension, key, then the figures), for a spreadsheet:
the lift's columns are filled on the rows all, reason and offer; the rows offer_kind carry what
each kind of offer did, outcome the breakdown by outcome, held_out the customers held out, and
revenue (revenue_held_out) the revenue won back in the currency of their key, in the column
revenue.`,
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
	if len(r.Revenue) > 0 {
		fmt.Fprintf(w, "Revenue won back (billing, a year): %s\n", revenueLine(r.Revenue))
	}
	fmt.Fprintf(w, "Median time to win back: %s\n", report.Duration(tot.MedianTimeToWinBack, tot.MedianDaysToWinBack))
	fmt.Fprintf(w, "Walked away:    %d; opted out: %d\n", tot.WalkedAway, tot.OptedOut)
	if h := r.HeldOut; h.Campaigns > 0 {
		fmt.Fprintf(w, "Held out:       %d customers, not counted above (no message, no task); %d returned on their own, %d still open\n",
			h.Campaigns, h.WonBack, h.Open)
		if len(r.RevenueHeldOut) > 0 {
			fmt.Fprintf(w, "                of whom billing saw come back: %s\n", revenueLine(r.RevenueHeldOut))
		}
	}

	fmt.Fprintln(w)
	t := newTable(w, "OUTCOME", "CAMPAIGNS", "OF WHICH HELD OUT")
	for _, o := range outcomeKeys(r) {
		t.row(o, strconv.Itoa(r.ByOutcome[o]), strconv.Itoa(r.ByOutcomeHeldOut[o]))
	}
	if open := tot.Open + r.HeldOut.Open; open > 0 {
		t.row("(open)", strconv.Itoa(open), strconv.Itoa(r.HeldOut.Open))
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
	fmt.Fprintln(w, "\n(LOST BY is the account's rep when the customer left, whoever owns the campaign now. VALUE WON BACK")
	fmt.Fprintln(w, "includes the project value of a foot in the door.)")

	printOffers(w, r.Offers)
	printLift(w, r.Lift)

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

// revenueLine says the revenue per currency, never added across: "2,001 EUR from 2 customers;
// 5,000 USD from 1 customer".
func revenueLine(rs []report.Revenue) string {
	parts := make([]string, len(rs))
	for i, x := range rs {
		parts[i] = report.MoneyIn(x.Amount, x.Currency) + " from " + plural(x.Campaigns, "customer")
	}
	return strings.Join(parts, "; ")
}

// reportCSVColumns are the columns of -o csv. A row fills those that apply to it: a group the
// first twelve, with the lift's on the rows all, reason and offer; an offer kind its offer
// figures; an outcome its campaigns and held_out; a currency's revenue its campaigns and revenue.
var reportCSVColumns = []string{"dimension", "key", "campaigns", "open", "closed", "won_back", "win_back_rate", "value_lost",
	"value_won_back", "median_days_to_win_back", "walked_away", "opted_out",
	"held_out", "held_out_won_back", "return_rate", "held_out_return_rate", "lift", "lift_low_95", "lift_high_95", "lift_reading",
	"offered", "accepted", "fulfilled", "revenue"}

// writeReportCSV writes the report as one CSV table: the totals, the customers held out, each
// dimension's groups, the outcomes, then the offer kinds.
func writeReportCSV(w io.Writer, r report.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(reportCSVColumns)
	num := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	cells := func(dim, key string) []string {
		c := make([]string, len(reportCSVColumns))
		c[0], c[1] = dim, key
		return c
	}
	group := func(c []string, g report.Group) []string {
		copy(c[2:], []string{strconv.Itoa(g.Campaigns), strconv.Itoa(g.Open), strconv.Itoa(g.Closed),
			strconv.Itoa(g.WonBack), num(g.WinBackRate, 4), num(g.ValueLost, 2), num(g.ValueWonBack, 2),
			num(g.MedianDaysToWinBack, 2), strconv.Itoa(g.WalkedAway), strconv.Itoa(g.OptedOut)})
		return c
	}
	lift := func(c []string, l report.Lift, ok bool) []string {
		if ok && l.HeldOut.Campaigns > 0 {
			copy(c[12:], []string{strconv.Itoa(l.HeldOut.Campaigns), strconv.Itoa(l.HeldOut.Returns), num(l.Worked.Rate, 4),
				num(l.HeldOut.Rate, 4), num(l.Lift, 4), num(l.Low, 4), num(l.High, 4), l.Reading()})
		}
		return c
	}
	find := func(ls []report.Lift, key string) (report.Lift, bool) {
		for _, l := range ls {
			if orDefault(l.Key, report.NoValue) == key {
				return l, true
			}
		}
		return report.Lift{}, false
	}
	_ = cw.Write(lift(group(cells(store.DimAll, ""), r.Totals), r.Lift.All, true))
	if r.HeldOut.Campaigns > 0 {
		_ = cw.Write(group(cells("held_out", ""), r.HeldOut))
	}
	for _, t := range reportTables(r) {
		for _, g := range t.groups {
			c := group(cells(t.dim, g.Key), g)
			switch t.dim {
			case store.DimReason:
				l, ok := find(r.Lift.ByReason, g.Key)
				c = lift(c, l, ok)
			case store.DimOffer:
				l, ok := find(r.Lift.ByOffer, g.Key)
				c = lift(c, l, ok)
			}
			_ = cw.Write(c)
		}
	}
	for _, o := range outcomeKeys(r) {
		c := cells(store.DimOutcome, o)
		c[2], c[12] = strconv.Itoa(r.ByOutcome[o]), strconv.Itoa(r.ByOutcomeHeldOut[o])
		_ = cw.Write(c)
	}
	for _, o := range r.Offers {
		c := cells("offer_kind", o.Kind)
		c[5], c[8] = strconv.Itoa(o.WonBack), num(o.ValueWonBack, 2)
		c[20], c[21], c[22] = strconv.Itoa(o.Offered), strconv.Itoa(o.Accepted), strconv.Itoa(o.Fulfilled)
		_ = cw.Write(c)
	}
	for _, rev := range []struct {
		dim string
		rs  []report.Revenue
	}{{"revenue", r.Revenue}, {"revenue_held_out", r.RevenueHeldOut}} {
		for _, x := range rev.rs {
			c := cells(rev.dim, x.Currency)
			c[2], c[23] = strconv.Itoa(x.Campaigns), num(x.Amount, 2)
			_ = cw.Write(c)
		}
	}
	cw.Flush()
	return cw.Error()
}

// outcomeKeys are the outcomes of the breakdown: every outcome a campaign closes with, in
// report order, then any other the store holds (ended_unrecorded), by name.
func outcomeKeys(r report.Report) []string {
	var keys []string
	for _, o := range report.Outcomes {
		keys = append(keys, string(o))
	}
	for _, o := range slices.Sorted(maps.Keys(r.ByOutcome)) {
		if !slices.Contains(keys, o) {
			keys = append(keys, o)
		}
	}
	return keys
}

// printOffers prints what each kind of offer did.
func printOffers(w io.Writer, offers []report.OfferFigures) {
	if len(offers) == 0 {
		return
	}
	fmt.Fprintln(w)
	t := newTable(w, "OFFER KIND", "OFFERED", "ACCEPTED", "FULFILLED", "WON BACK", "VALUE WON BACK")
	for _, o := range offers {
		t.row(o.Kind, strconv.Itoa(o.Offered), fmt.Sprintf("%d (%s)", o.Accepted, report.Percent(o.AcceptRate)),
			strconv.Itoa(o.Fulfilled), strconv.Itoa(o.WonBack), report.Money(o.ValueWonBack))
	}
	t.flush()
	fmt.Fprintln(w, "(WON BACK counts the accepted offers whose customer came back, or took the smaller project of a foot in the door.)")
}

// printLift prints the comparison of the customers worked with those held out.
func printLift(w io.Writer, l report.Lifts) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Lift over the holdout: "+l.All.Says)
	if l.All.HeldOut.Campaigns == 0 {
		return
	}
	t := newTable(w, "LIFT", "WORKED RETURNED", "HELD OUT RETURNED", "LIFT", "95% INTERVAL", "READING")
	row := func(label string, x report.Lift) {
		t.row(label, x.Worked.String(), x.HeldOut.String(), report.Points(x.Lift), report.Interval(x.Low, x.High), x.Reading())
	}
	row("every customer", l.All)
	for _, x := range l.ByReason {
		row("reason: "+orDefault(x.Key, report.NoValue), x)
	}
	for _, x := range l.ByOffer {
		row("offer: "+orDefault(x.Key, report.NoValue), x)
	}
	t.flush()
	fmt.Fprintf(w, "(Rates are returns of every customer launched, closed or not. Each offer's customers are compared with every\n"+
		"customer held out, who got none: managers choose who gets which offer, so read those rows as a hint. Too few to say:\n"+
		"under %d customers in a group, or under %d returns or %d non-returns in the two together.)\n",
		report.MinGroupCustomers, report.MinOutcomes, report.MinOutcomes)
}
