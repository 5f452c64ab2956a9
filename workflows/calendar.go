package workflows

import (
	"slices"
	"time"
)

// callHour is the local hour of the rep's day at which a thank-you call falls due.
const callHour = 10

// afterBusinessDays returns the time, callHour in loc, n business days after now: weekends and
// holidays (YYYY-MM-DD in loc) do not count. "Wait a day or two, then call", on the rep's calendar.
func afterBusinessDays(now time.Time, n int, loc *time.Location, holidays []string) time.Time {
	d := now.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), callHour, 0, 0, 0, loc)
	for counted := 0; counted < n; {
		day = day.AddDate(0, 0, 1)
		if isBusinessDay(day, holidays) {
			counted++
		}
	}
	return day
}

func isBusinessDay(t time.Time, holidays []string) bool {
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return false
	}
	return !slices.Contains(holidays, t.Format(time.DateOnly))
}

// quietUntil returns when the quiet hours around now end in loc, or now itself when now is
// outside them. Start == End means no quiet hours.
func quietUntil(now time.Time, loc *time.Location, q QuietHours) time.Time {
	if q.Start == q.End {
		return now
	}
	local := now.In(loc)
	h := local.Hour()
	quiet := false
	if q.Start < q.End {
		quiet = h >= q.Start && h < q.End
	} else { // the window spans midnight, e.g. 21 to 9
		quiet = h >= q.Start || h < q.End
	}
	if !quiet {
		return now
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), q.End, 0, 0, 0, loc)
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// capUntil returns when one more message fits under the frequency cap, given the times of the
// messages sent so far; now when it fits already. A zero cap means no cap.
func capUntil(now time.Time, sent []time.Time, c FrequencyCap) time.Time {
	if c.Max <= 0 || c.Per <= 0 {
		return now
	}
	var inWindow []time.Time
	for _, t := range sent {
		if t.After(now.Add(-c.Per)) {
			inWindow = append(inWindow, t)
		}
	}
	if len(inWindow) < c.Max {
		return now
	}
	slices.SortFunc(inWindow, func(a, b time.Time) int { return a.Compare(b) })
	// The oldest messages must leave the window until only Max-1 remain in it.
	return inWindow[len(inWindow)-c.Max].Add(c.Per)
}

// location loads an IANA zone, falling back to UTC for an empty or unknown name (the launcher
// validates zones; a campaign must never fail on one).
func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
