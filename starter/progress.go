package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/winback/winback/launch"
)

// progress shows a launch as it goes: a bar on a terminal, one plain line per customer
// otherwise (logs, pipes), nothing for JSON output (the summary says it all).
type progress interface {
	// step reports one customer's result.
	step(launch.Result)
	// finish ends the display before the summary.
	finish()
}

// newProgress picks the display for w: a bar when w is a terminal.
func (a *app) newProgress(total int) progress {
	switch {
	case a.json():
		return quietProgress{}
	case isTerminal(a.stdout):
		return &barProgress{w: a.stdout, total: total}
	default:
		return lineProgress{w: a.stdout}
	}
}

// quietProgress shows nothing.
type quietProgress struct{}

func (quietProgress) step(launch.Result) {}
func (quietProgress) finish()            {}

// lineProgress prints one line per customer.
type lineProgress struct{ w io.Writer }

func (p lineProgress) step(r launch.Result) { fmt.Fprintln(p.w, resultLine(r)) }
func (p lineProgress) finish()              {}

// barProgress redraws one line: a bar and the counts so far. Anything but a plain launch is
// printed above the bar, so nothing worth reading scrolls away.
type barProgress struct {
	w      io.Writer
	total  int
	counts map[launch.Status]int
	done   int
	drawn  time.Time
}

// step counts a result and redraws the bar.
func (p *barProgress) step(r launch.Result) {
	if p.counts == nil {
		p.counts = map[launch.Status]int{}
	}
	p.done++
	p.counts[r.Status]++
	if r.Status != launch.Launched {
		fmt.Fprintf(p.w, "\r\033[K%s\n", resultLine(r))
		p.draw()
		return
	}
	// Redraw at most ten times a second: thousands of rows should not flood the terminal.
	if time.Since(p.drawn) > 100*time.Millisecond || p.done == p.total {
		p.draw()
	}
}

// draw rewrites the bar line in place.
func (p *barProgress) draw() {
	p.drawn = time.Now()
	const width = 30
	filled := width * p.done / max(p.total, 1)
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d  launched %d, already running %d, skipped %d, failed %d",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.done, p.total,
		p.counts[launch.Launched], p.counts[launch.AlreadyRunning], p.counts[launch.SkippedClosed], p.counts[launch.Failed])
}

// finish leaves the last bar on screen.
func (p *barProgress) finish() { fmt.Fprintln(p.w) }

// resultLine is one customer's result for people: "row 4  C-1004  launched  winback:C-1004".
func resultLine(r launch.Result) string {
	where := ""
	if r.Row > 0 {
		where = fmt.Sprintf("row %d: ", r.Row)
	}
	line := fmt.Sprintf("%s%s %s (%s)", where, r.CustomerID, strings.ReplaceAll(string(r.Status), "_", " "), r.WorkflowID)
	if r.Detail != "" {
		line += ": " + r.Detail
	}
	return line
}
