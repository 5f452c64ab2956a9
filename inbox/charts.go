package inbox

import (
	"fmt"
	"strings"
)

// Charts are drawn on the server as SVG, inside the page: no script, no chart library, no style
// attribute (the pages' content security policy allows none). Each is a horizontal bar chart,
// one row per item with its label above its bar and its value at the bar's end, so that it
// reads on a phone as well as on a desk; shapes are placed by attributes and coloured by the
// stylesheet. The SVG has a title and a description for screen readers, each bar a title that
// says its figures, and the page gives the same figures as a table.

// chart is one bar chart, laid out.
type chart struct {
	ID     string // its element ID's prefix
	Title  string
	Desc   string // one sentence for people who cannot see it
	Class  string // the stylesheet's colours: rate, money, funnel
	Width  int    // the viewBox's
	Height int
	Rows   []chartRow
	Empty  string // said instead of the chart when it has no rows
}

// chartRow is one bar.
type chartRow struct {
	Label      string
	Value      string // written at the bar's end
	Tip        string // the bar's title: its figures in a sentence
	Class      string // an extra class, e.g. "won" for the funnel's last bar
	LabelY     float64
	BarY, BarW float64
	ValueX     float64
	ValueY     float64
	Inside     bool // the value is written inside the bar's end: it would not fit after it
}

// chartItem is what a chart shows of one item: its label, how long its bar is (0 to 1 of the
// longest possible) and what is written at its end.
type chartItem struct {
	Label    string
	Fraction float64
	Value    string
	Tip      string
	Class    string
}

// The chart's geometry, in viewBox units (a phone shows them about one to one).
const (
	chartWidth   = 360
	chartBarMax  = 268 // the rest is for the value at the bar's end
	chartRowH    = 40
	chartBarH    = 16
	chartLabelDy = 13 // the label's baseline below the row's top
	chartBarDy   = 18 // the bar's top below the row's top
	chartPad     = 4
	chartCharW   = 7.5 // about the width of a character of a bar's value (12px, bold)
)

// barChart lays out items as a horizontal bar chart.
func barChart(id, title, desc, class, empty string, items []chartItem) chart {
	c := chart{ID: id, Title: title, Desc: desc, Class: class, Width: chartWidth, Height: chartPad*2 + chartRowH*len(items), Empty: empty}
	for n, it := range items {
		top := float64(chartPad + n*chartRowH)
		w := min(max(it.Fraction, 0), 1) * chartBarMax
		if it.Fraction > 0 {
			w = max(w, 2) // a value above zero always shows
		}
		row := chartRow{Label: it.Label, Value: it.Value, Tip: it.Tip, Class: it.Class,
			LabelY: top + chartLabelDy, BarY: top + chartBarDy, BarW: w, ValueX: w + 6, ValueY: top + chartBarDy + chartBarH - 3}
		if w+6+chartCharW*float64(len(it.Value)) > chartWidth {
			row.Inside, row.ValueX = true, w-6
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// describe lists the first items of a chart in a sentence, for its description.
func describe(items []chartItem) string {
	var parts []string
	for n, it := range items {
		if n == 6 {
			parts = append(parts, fmt.Sprintf("and %d more (see the table)", len(items)-n))
			break
		}
		parts = append(parts, it.Label+": "+it.Value)
	}
	return strings.Join(parts, "; ") + "."
}
