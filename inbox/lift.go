package inbox

import (
	"fmt"
	"maps"
	"slices"

	"github.com/winback/winback/report"
	"github.com/winback/winback/workflows"
)

// The report page's holdout section: how often the customers worked returned against those
// held out, drawn as two bars with their 95% intervals and the lift's interval on the same
// scale (a small forest plot, on the server, placed by attributes as the other charts), then
// the same figures in a table by reason and by offer.

// liftView is the page's comparison of the customers worked with those held out.
type liftView struct {
	Chart *liftChart // nil when nobody was held out
	Rows  []liftRow
}

// liftRow is one comparison as the table shows it.
type liftRow struct {
	Label string
	report.Lift
}

// liftChart is the lift's chart, laid out.
type liftChart struct {
	Title, Desc   string
	Width, Height int
	ZeroX         float64 // where no lift (and a rate of 0) is
	Top, Bottom   float64 // the zero line's ends
	Rows          []liftBar
	Lift          liftBar
}

// liftBar is one row: a rate's bar with its interval, or the lift's interval and its point.
type liftBar struct {
	Label, Tip, Class string
	LabelY            float64
	BarX, BarY, BarW  float64 // the bar (rates only)
	MidY              float64 // the interval's line
	LowX, HighX, X    float64 // the interval's ends, and the rate's or lift's point
	CapTop, CapBottom float64 // the interval's end caps
}

// newLiftView lays out the comparison of r.
func newLiftView(r report.Report) liftView {
	var v liftView
	if r.Lift.All.HeldOut.Campaigns == 0 {
		return v
	}
	v.Rows = append(v.Rows, liftRow{Label: "Every customer", Lift: r.Lift.All})
	for _, l := range r.Lift.ByReason {
		v.Rows = append(v.Rows, liftRow{Label: "Reason: " + keyLabel(l.Key, func(k string) string { return workflows.Reason(k).Label() }), Lift: l})
	}
	for _, l := range r.Lift.ByOffer {
		v.Rows = append(v.Rows, liftRow{Label: "Offer: " + keyLabel(l.Key, func(k string) string { return workflows.Offer(k).Label() }), Lift: l})
	}
	v.Chart = newLiftChart(r.Lift.All)
	return v
}

// keyLabel is a group's key for people: label(key), or report.NoValue for none.
func keyLabel(key string, label func(string) string) string {
	if key == "" || key == report.NoValue {
		return report.NoValue
	}
	return label(key)
}

// The lift chart's geometry, in viewBox units, as the bar charts'.
const (
	liftRowH  = 44
	liftBarDy = 20 // the bar's top below the row's top
	liftCap   = 5  // half the height of an interval's end caps
)

// newLiftChart draws the return rates of the customers worked and held out, each with its
// Wilson interval, and the lift with its Newcombe interval, on one scale whose 0 is both no
// return and no lift.
func newLiftChart(l report.Lift) *liftChart {
	wLow, wHigh := report.WilsonInterval(l.Worked.Returns, l.Worked.Campaigns)
	hLow, hHigh := report.WilsonInterval(l.HeldOut.Returns, l.HeldOut.Campaigns)
	lo, hi := min(0, l.Low), max(wHigh, hHigh, l.High, 0.05)
	x := func(v float64) float64 { return (v - lo) / (hi - lo) * chartBarMax }
	c := &liftChart{Title: "Return rate, worked and held out", Width: chartWidth, Height: chartPad*2 + 3*liftRowH, ZeroX: x(0),
		Top: chartPad, Bottom: float64(chartPad + 3*liftRowH)}
	c.Desc = fmt.Sprintf("%s of the customers worked returned (95%% interval %s to %s); %s of those held out (%s to %s); "+
		"the lift is %s, 95%% interval %s.", report.Percent(l.Worked.Rate), report.Percent(wLow), report.Percent(wHigh),
		report.Percent(l.HeldOut.Rate), report.Percent(hLow), report.Percent(hHigh), report.Points(l.Lift), report.Interval(l.Low, l.High))
	row := func(n int, label, tip, class string, v, low, high float64, bar bool) liftBar {
		top := float64(chartPad + n*liftRowH)
		b := liftBar{Label: label, Tip: tip, Class: class, LabelY: top + chartLabelDy, MidY: top + liftBarDy + chartBarH/2,
			LowX: x(low), HighX: x(high), X: x(v)}
		b.CapTop, b.CapBottom = b.MidY-liftCap, b.MidY+liftCap
		if bar {
			b.BarX, b.BarY, b.BarW = x(0), top+liftBarDy, max(x(v)-x(0), 0)
		}
		return b
	}
	c.Rows = []liftBar{
		row(0, fmt.Sprintf("Worked: %s returned (%d of %d)", report.Percent(l.Worked.Rate), l.Worked.Returns, l.Worked.Campaigns),
			fmt.Sprintf("Customers worked: %s returned, 95%% interval %s to %s", report.Percent(l.Worked.Rate), report.Percent(wLow), report.Percent(wHigh)),
			"worked", l.Worked.Rate, wLow, wHigh, true),
		row(1, fmt.Sprintf("Held out: %s returned on their own (%d of %d)", report.Percent(l.HeldOut.Rate), l.HeldOut.Returns, l.HeldOut.Campaigns),
			fmt.Sprintf("Customers held out: %s returned on their own, 95%% interval %s to %s", report.Percent(l.HeldOut.Rate), report.Percent(hLow), report.Percent(hHigh)),
			"held", l.HeldOut.Rate, hLow, hHigh, true),
	}
	c.Lift = row(2, fmt.Sprintf("Lift: %s (95%%: %s)", report.Points(l.Lift), report.Interval(l.Low, l.High)),
		fmt.Sprintf("The lift: %s, 95%% interval %s (%s)", report.Points(l.Lift), report.Interval(l.Low, l.High), l.Reading()),
		"lift", l.Lift, l.Low, l.High, false)
	return c
}

// outcomeRow is one outcome of the breakdown.
type outcomeRow struct {
	Label              string
	Campaigns, HeldOut int
}

// outcomeRows are every outcome a campaign closes with, in the report's order, then any other
// the store holds, then the campaigns still open.
func outcomeRows(r report.Report) []outcomeRow {
	var rows []outcomeRow
	seen := map[string]bool{}
	add := func(o string) {
		seen[o] = true
		rows = append(rows, outcomeRow{Label: workflows.Outcome(o).Label(), Campaigns: r.ByOutcome[o], HeldOut: r.ByOutcomeHeldOut[o]})
	}
	for _, o := range report.Outcomes {
		add(string(o))
	}
	for _, o := range slices.Sorted(maps.Keys(r.ByOutcome)) {
		if !seen[o] {
			add(o)
		}
	}
	if open := r.Totals.Open + r.HeldOut.Open; open > 0 {
		rows = append(rows, outcomeRow{Label: "Still open", Campaigns: open, HeldOut: r.HeldOut.Open})
	}
	return rows
}
