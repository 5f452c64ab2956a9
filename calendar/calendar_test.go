package calendar

import (
	"strings"
	"testing"
	"time"
)

var ny, _ = time.LoadLocation("America/New_York")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
	if err != nil {
		panic(err)
	}
	return t
}

// The case: a backstory opened Thursday 09:00 with a two-day due is due Monday, and
// escalates a working day later, not over the weekend.
func TestDeadlinesSkipTheWeekend(t *testing.T) {
	c := Week{}.In(ny)
	thu := at("2026-11-05 09:00")
	due := c.Add(thu, 48*time.Hour)
	if want := at("2026-11-09 09:00"); !due.Equal(want) {
		t.Errorf("due %s, want Monday %s", due, want)
	}
	if esc, want := c.Add(due, 24*time.Hour), at("2026-11-10 09:00"); !esc.Equal(want) {
		t.Errorf("escalation %s, want Tuesday %s", esc, want)
	}
}

func TestHoursCarryOverToTheNextWorkingMorning(t *testing.T) {
	c := Week{Start: "08:30", End: "17:00", Holidays: []string{"2026-11-26"}}.In(ny, "2026-11-27")
	for _, tc := range []struct {
		from string
		add  time.Duration
		want string
	}{
		{"2026-11-02 16:00", 2 * time.Hour, "2026-11-03 09:30"},    // an hour today, an hour tomorrow
		{"2026-11-02 20:00", 30 * time.Minute, "2026-11-03 09:00"}, // after hours: counts from the morning
		{"2026-11-07 10:00", time.Hour, "2026-11-09 09:30"},        // Saturday
		{"2026-11-25 12:00", 24 * time.Hour, "2026-11-30 12:00"},   // Thanksgiving, and the playbook's day after
		{"2026-11-02 09:00", 20 * time.Second, "2026-11-02 09:00"}, // seconds still count
	} {
		got := c.Add(at(tc.from), tc.add)
		want := at(tc.want)
		if tc.add == 20*time.Second {
			want = want.Add(20 * time.Second)
		}
		if !got.Equal(want) {
			t.Errorf("%s + %s = %s, want %s", tc.from, tc.add, got.In(ny), want)
		}
	}
}

func TestAWeekOfItsOwn(t *testing.T) {
	c := Week{Days: []string{"sun", "mon", "tue", "wed", "thu"}}.In(ny) // a Sunday-to-Thursday week
	if got, want := c.Add(at("2026-11-05 10:00"), 24*time.Hour), at("2026-11-08 10:00"); !got.Equal(want) {
		t.Errorf("Thursday + 1 working day = %s, want Sunday %s", got, want)
	}
	if got, want := c.AfterWorkDays(at("2026-11-05 10:00"), 1, 10), at("2026-11-08 10:00"); !got.Equal(want) {
		t.Errorf("the call after a working day: %s, want %s", got, want)
	}
}

func TestBadWeeksAreNamedField(t *testing.T) {
	for w, want := range map[*Week]string{
		{Days: []string{"monday"}}:         `days: "monday"`,
		{Start: "9am"}:                     `start: "9am"`,
		{Start: "17:00", End: "09:00"}:     "end 09:00 is not after start 17:00",
		{Holidays: []string{"25/12/2026"}}: `holidays: "25/12/2026"`,
		{Start: "09:00", End: "17:00"}:     "",
	} {
		err := w.Validate()
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%+v: %v, want %q", *w, err, want)
		}
	}
}
