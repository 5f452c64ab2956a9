// Package calendar is a person's working week: the days and hours they work in their time zone,
// and their days off. Task deadlines count in it, so a two-day task opened on a Thursday falls
// due on Monday, not on Saturday. It is pure and deterministic: workflow code uses it.
package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Week is a working week. The zero value is Monday to Friday, 09:00 to 17:00.
type Week struct {
	// Days are the working days, "mon" to "sun"; Monday to Friday when empty.
	Days []string `json:"days,omitempty" yaml:"days"`
	// Start and End bound the working day, "09:00" and "17:00" when empty.
	Start string `json:"start,omitempty" yaml:"start"`
	End   string `json:"end,omitempty" yaml:"end"`
	// Holidays are days off, YYYY-MM-DD.
	Holidays []string `json:"holidays,omitempty" yaml:"holidays"`
}

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Validate says what is wrong with a week, field by field ("" values take their defaults).
func (w Week) Validate() error {
	var problems []string
	for _, d := range w.Days {
		if !slices.Contains(dayNames, strings.ToLower(d)) {
			problems = append(problems, fmt.Sprintf("days: %q is not one of mon, tue, wed, thu, fri, sat, sun", d))
		}
	}
	start, serr := clock(w.Start, 9*time.Hour)
	end, eerr := clock(w.End, 17*time.Hour)
	if serr != nil {
		problems = append(problems, "start: "+serr.Error())
	}
	if eerr != nil {
		problems = append(problems, "end: "+eerr.Error())
	}
	if serr == nil && eerr == nil && end <= start {
		problems = append(problems, fmt.Sprintf("end %s is not after start %s", w.End, w.Start))
	}
	for _, h := range w.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			problems = append(problems, fmt.Sprintf("holidays: %q is not a date like 2026-12-25", h))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// clock parses "HH:MM" as a time of day; def when empty.
func clock(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 09:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// In is a working week in a time zone, with extra days off (a playbook's holidays): what the
// deadline arithmetic needs. Make one with Week.In.
type In struct {
	loc        *time.Location
	days       [7]bool
	start, end time.Duration
	off        map[string]bool
}

// In places the week in loc, adding the days off in extra. A week that does not validate
// counts as the default one (validation happens where the week is read).
func (w Week) In(loc *time.Location, extra ...string) In {
	if loc == nil {
		loc = time.UTC
	}
	c := In{loc: loc, off: map[string]bool{}}
	if w.Validate() != nil {
		w = Week{Holidays: w.Holidays}
	}
	c.start, _ = clock(w.Start, 9*time.Hour)
	c.end, _ = clock(w.End, 17*time.Hour)
	if len(w.Days) == 0 {
		w.Days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	for _, d := range w.Days {
		c.days[slices.Index(dayNames, strings.ToLower(d))] = true
	}
	for _, h := range append(slices.Clone(w.Holidays), extra...) {
		c.off[h] = true
	}
	return c
}

// Location is the week's time zone.
func (c In) Location() *time.Location { return c.loc }

// IsWorkDay reports whether the day of t (in the week's zone) is a working day.
func (c In) IsWorkDay(t time.Time) bool {
	t = t.In(c.loc)
	return c.days[t.Weekday()] && !c.off[t.Format(time.DateOnly)]
}

// bounds are the start and end of the working hours of t's day.
func (c In) bounds(t time.Time) (time.Time, time.Time) {
	t = t.In(c.loc)
	at := func(d time.Duration) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, c.loc)
	}
	return at(c.start), at(c.end)
}

// Next is the first working instant at or after t.
func (c In) Next(t time.Time) time.Time {
	t = t.In(c.loc)
	for range 800 { // two years of days off is a broken calendar, not a deadline
		if c.IsWorkDay(t) {
			start, end := c.bounds(t)
			if t.Before(start) {
				return start
			}
			if t.Before(end) {
				return t
			}
		}
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, c.loc)
	}
	return t
}

// Add adds d of working time to t: each whole day of d is a working day (the same time of day
// on the next working day), the rest is working hours, carried over to the next working
// morning at the end of a working day. A t outside working hours starts from the next working
// instant.
func (c In) Add(t time.Time, d time.Duration) time.Time {
	t = c.Next(t)
	for days := int(d / (24 * time.Hour)); days > 0; days-- {
		n := t
		for {
			n = time.Date(n.Year(), n.Month(), n.Day()+1, n.Hour(), n.Minute(), n.Second(), n.Nanosecond(), c.loc)
			if c.IsWorkDay(n) {
				break
			}
		}
		t = c.Next(n)
	}
	for rest := d % (24 * time.Hour); rest > 0; {
		_, end := c.bounds(t)
		left := end.Sub(t)
		if rest < left {
			return t.Add(rest)
		}
		rest -= left
		t = c.Next(end)
	}
	return t
}

// AfterWorkDays is the given time of day (HH, in the week's zone) n working days after t: "wait
// a day or two, then call", on the rep's calendar.
func (c In) AfterWorkDays(t time.Time, n int, hour int) time.Time {
	d := t.In(c.loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, c.loc)
	for counted := 0; counted < n; {
		day = time.Date(day.Year(), day.Month(), day.Day()+1, hour, 0, 0, 0, c.loc)
		if c.IsWorkDay(day) {
			counted++
		}
	}
	return day
}
