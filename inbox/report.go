package inbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
	"github.com/winback/winback/workflows"
)

// reportView is the managers' report page: the win-back report in money and time, its three
// charts and its tables.
type reportView struct {
	base
	From, To   string // the form's dates, as typed
	Period     string
	R          report.Report
	Charts     []chart
	Tables     []reportTable
	Lift       liftView
	Outcomes   []outcomeRow
	Offers     []offerRow
	Revenue    []revenueRow // per currency: the customers worked, and those held out
	Problem    string
	MonthsLeft int // months of the value chart left out (the oldest)
	AsOf       time.Time
	// The charts' geometry, for the template.
	ChartMonths, BarMax, BarH int
}

// reportTable is one of the report's tables: its groups by a dimension.
type reportTable struct {
	ID, Title, Note, Column string
	Groups                  []reportRow
}

// offerRow is what one kind of offer did, as the page shows it.
type offerRow struct {
	Label string
	report.OfferFigures
}

// revenueRow is the revenue billing saw come back in one currency, worked and held out.
type revenueRow struct {
	Currency        string // upper case, as people write it: "EUR"
	Worked, HeldOut report.Revenue
}

// revenueRows puts the revenue of the customers worked and of those held out side by side, by
// currency: one row a currency, never a sum across them.
func revenueRows(r report.Report) []revenueRow {
	var rows []revenueRow
	row := func(currency string) *revenueRow {
		for n := range rows {
			if rows[n].Currency == strings.ToUpper(currency) {
				return &rows[n]
			}
		}
		rows = append(rows, revenueRow{Currency: strings.ToUpper(currency)})
		return &rows[len(rows)-1]
	}
	for _, x := range r.Revenue {
		row(x.Currency).Worked = x
	}
	for _, x := range r.RevenueHeldOut {
		row(x.Currency).HeldOut = x
	}
	slices.SortFunc(rows, func(a, b revenueRow) int { return strings.Compare(a.Currency, b.Currency) })
	return rows
}

// reportRow is a group as the page shows it.
type reportRow struct {
	Label string
	report.Group
}

// maxChartMonths is how many months the value-won-back chart shows (the latest).
const maxChartMonths = 24

// handleReport shows managers the win-back report over the campaigns launched in a range of
// days (?from=YYYY-MM-DD&to=YYYY-MM-DD, in the manager's time zone; every campaign when left
// out), from the store's campaign records: no campaign is asked. Reps get a 403; a date that
// makes no sense, a 400 page naming it.
func (i *Inbox) handleReport(w http.ResponseWriter, r *http.Request, s session) {
	if !isManager(s.Person) {
		i.renderMessage(w, r, &s, http.StatusForbidden, "The report is for managers",
			"The win-back report shows every rep's results; ask your manager for it.")
		return
	}
	loc := s.location()
	v := &reportView{From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to"), AsOf: i.now(),
		ChartMonths: maxChartMonths, BarMax: chartBarMax, BarH: chartBarH}
	v.Nav = "report"
	var f campaigns.ReportFilter
	for _, d := range []struct {
		name, value string
		into        *time.Time
	}{{"from", v.From, &f.From}, {"to", v.To, &f.To}} {
		if d.value == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.value, loc)
		if err != nil {
			i.renderMessage(w, r, &s, http.StatusBadRequest, "This report cannot be shown",
				fmt.Sprintf("The date %s %q in the address makes no sense: write it as YYYY-MM-DD.", d.name, d.value),
				link{"/inbox/report", "Show the report of every campaign"})
			return
		}
		*d.into = t
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the whole last day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		i.renderMessage(w, r, &s, http.StatusBadRequest, "This report cannot be shown",
			fmt.Sprintf("The range from %s to %s in the address is empty: the first day comes after the last.", v.From, v.To),
			link{"/inbox/report", "Show the report of every campaign"})
		return
	}
	v.Period = period(f, v.From, v.To)
	rep, err := i.o.Client.Report(r.Context(), f)
	if err != nil {
		i.log.Warn("Inbox: reading the report failed", "error", err)
		v.Problem = "The report could not be read from the store just now. Reload the page in a moment."
		i.render(w, &s, http.StatusServiceUnavailable, "report", "Win-back report", v)
		return
	}
	v.R = rep
	v.Charts, v.MonthsLeft = reportCharts(rep)
	v.Tables = reportTables(rep, i.name)
	v.Lift = newLiftView(rep)
	v.Outcomes = outcomeRows(rep)
	for _, o := range rep.Offers {
		v.Offers = append(v.Offers, offerRow{Label: workflows.Offer(o.Kind).Label(), OfferFigures: o})
	}
	v.Revenue = revenueRows(rep)
	i.render(w, &s, http.StatusOK, "report", "Win-back report", v)
}

// period says which campaigns the report counts.
func period(f campaigns.ReportFilter, from, to string) string {
	switch {
	case f.From.IsZero() && f.To.IsZero():
		return "Every campaign"
	case f.From.IsZero():
		return "Campaigns launched up to " + to
	case f.To.IsZero():
		return "Campaigns launched since " + from
	}
	return fmt.Sprintf("Campaigns launched from %s to %s", from, to)
}

// reportCharts are the page's charts: win-back rate by reason, value won back by month, and
// the funnel of stages. It also says how many old months the value chart leaves out.
func reportCharts(r report.Report) ([]chart, int) {
	var rate []chartItem
	for _, g := range r.ByReason {
		label := g.Key
		if g.Key != report.NoValue {
			label = workflows.Reason(g.Key).Label()
		}
		rate = append(rate, chartItem{Label: label, Fraction: g.WinBackRate, Value: report.Percent(g.WinBackRate),
			Tip: fmt.Sprintf("%s: %s won back (%d of %d closed; %d still open)", label, report.Percent(g.WinBackRate), g.WonBack, g.Closed, g.Open)})
	}
	months := r.WonBackByMonth
	left := max(len(months)-maxChartMonths, 0)
	months = months[left:]
	var most float64
	for _, m := range months {
		most = max(most, m.Value)
	}
	var value []chartItem
	for _, m := range months {
		label := m.Beginning.Format("January 2006")
		value = append(value, chartItem{Label: label, Fraction: m.Value / max(most, 1), Value: report.Money(m.Value),
			Tip: fmt.Sprintf("%s: %s won back from %d %s", label, report.Money(m.Value), m.WonBack, plural(m.WonBack, "customer", "customers"))})
	}
	var funnel []chartItem
	for _, st := range r.Funnel {
		class := ""
		if st.Stage == report.FunnelWonBack {
			class = "won"
		}
		funnel = append(funnel, chartItem{Label: st.Label, Fraction: st.Share, Value: fmt.Sprintf("%d (%s)", st.Campaigns, report.Percent(st.Share)),
			Class: class, Tip: fmt.Sprintf("%s: %d of %d campaigns got this far (%s)", st.Label, st.Campaigns, r.Totals.Campaigns, report.Percent(st.Share))})
	}
	return []chart{
		barChart("chart-rate", "Win-back rate by reason", "Share of the closed campaigns won back, by why the customer left: "+describe(rate),
			"rate", "No campaign has a reason yet.", rate),
		barChart("chart-value", "Account value won back, by month", "Account value won back each month: "+describe(value),
			"money", "No customer won back yet.", value),
		barChart("chart-funnel", "Funnel of stages", "How many campaigns reached each stage of the playbook, then won back: "+describe(funnel),
			"funnel", "No campaign yet.", funnel),
	}, left
}

// reportTables are the report's tables, the rep who lost the customer first.
func reportTables(r report.Report, name func(string) string) []reportTable {
	rows := func(gs []report.Group, label func(string) string) []reportRow {
		var out []reportRow
		for _, g := range gs {
			l := g.Key
			if g.Key != report.NoValue && label != nil {
				l = label(g.Key)
			}
			out = append(out, reportRow{Label: l, Group: g})
		}
		return out
	}
	return []reportTable{
		{ID: "lost-by", Title: "By the rep who lost the customer", Column: "Rep",
			Note:   "Each campaign counts for the account's rep when the customer left, whoever owns it now: an “is it me?” move does not shift the loss.",
			Groups: rows(r.ByLostBy, name)},
		{ID: "reason", Title: "By reason", Column: "Reason", Groups: rows(r.ByReason, func(k string) string { return workflows.Reason(k).Label() })},
		{ID: "scope", Title: "By scope", Column: "Scope", Groups: rows(r.ByScope, func(k string) string { return workflows.Scope(k).Label() })},
		{ID: "offer", Title: "By offer", Column: "Offer", Note: "“(none)” holds the campaigns with no offer: walked away, or not decided yet.",
			Groups: rows(r.ByOffer, func(k string) string { return workflows.Offer(k).Label() })},
		{ID: "segment", Title: "By segment", Column: "Segment", Groups: rows(r.BySegment, nil)},
		{ID: "launch-month", Title: "By launch month", Column: "Month", Groups: rows(r.ByLaunchMonth, nil)},
	}
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
