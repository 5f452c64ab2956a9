package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// MaxHoldoutPercent is the largest share of launched customers a playbook, or a launch, may
// hold out.
const MaxHoldoutPercent = 50

// maxEventsPerRun is where Temporal starts warning about a history's size (10,240 events);
// a run should continue-as-new well before.
const maxEventsPerRun = 10240

// Validate checks the playbook's rules and returns every problem, one a line, each naming its
// JSON field: durations positive; escalation before expiry; check-ins in order, after departure
// and before the campaign expires, on email, sms or call; quiet hours whole hours 0-23, where
// start == end means no quiet hours; a frequency cap of at least one message in a positive
// window, or none at all (the zero cap); MaxCallAttempts at least 1; WaitBusinessDays 0 to 5
// unless WaitFixed replaces it; holidays as YYYY-MM-DD; reasons and offers from Reasons and
// Offers; holdoutPercent from 0 to 50; repeatIncentiveWindow not negative. config checks every
// playbook with it before a campaign can start with it.
func (pb Playbook) Validate() error { return pb.validate(true) }

// validateToRun checks the rules a running campaign depends on: every rule of Validate but
// the one that only catches an author's slip (a touch planned after the campaign expires,
// which the check-in loop skips). A campaign's setup runs it on its input, however the
// campaign was started; the looser check keeps campaigns started by tests with compressed
// schedules (and the histories recorded from them) running.
func (pb Playbook) validateToRun() error { return pb.validate(false) }

// validate checks the rules; forAuthors adds the ones that catch an author's slips.
func (pb Playbook) validate(forAuthors bool) error {
	var p problems
	if pb.Version == "" {
		p.addf("version: required, it names the playbook in reports")
	}

	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"backstoryDue", pb.BackstoryDue},
		{"exitInterviewDue", pb.ExitInterviewDue},
		{"decisionDue", pb.DecisionDue},
		{"callDue", pb.CallDue},
		{"fixContactDue", pb.FixContactDue},
		{"escalateAfter", pb.EscalateAfter},
		{"expireAfter", pb.ExpireAfter},
		{"callRetryAfter", pb.CallRetryAfter},
		{"expiry", pb.Expiry},
	} {
		if d.v <= 0 {
			p.addf("%s: %s is not a positive duration", d.name, formatDuration(d.v))
		}
	}
	if pb.EscalateAfter > 0 && pb.ExpireAfter > 0 && pb.EscalateAfter >= pb.ExpireAfter {
		p.addf("escalateAfter: %s is not before expireAfter (%s): the task would expire before anyone escalates it",
			formatDuration(pb.EscalateAfter), formatDuration(pb.ExpireAfter))
	}

	if pb.WalkAwayBelowValue < 0 {
		p.addf("walkAwayBelowValue: %v is negative", pb.WalkAwayBelowValue)
	}
	for i, r := range pb.WalkAwayReasons {
		if !slices.Contains(Reasons, r) {
			p.addf("walkAwayReasons[%d]: %q is not one of %v", i, r, Reasons)
		}
	}
	if !slices.Contains(Offers, pb.DefaultOffer) {
		p.addf("defaultOffer: %q is not one of %v", pb.DefaultOffer, Offers)
	}

	switch {
	case pb.WaitFixed < 0:
		p.addf("waitFixed: %s is negative (leave it out to wait business days)", formatDuration(pb.WaitFixed))
	case pb.WaitFixed == 0 && (pb.WaitBusinessDays < 0 || pb.WaitBusinessDays > 5):
		p.addf("waitBusinessDays: %d is not from 0 to 5", pb.WaitBusinessDays)
	}
	for i, h := range pb.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			p.addf("holidays[%d]: %q is not a date like 2026-12-25", i, h)
		}
	}

	if pb.MaxCallAttempts < 1 {
		p.addf("maxCallAttempts: %d is less than 1", pb.MaxCallAttempts)
	}
	expiry := pb.Expiry
	if !forAuthors {
		expiry = 0 // a touch after expiry is skipped, not an error
	}
	checkSchedule(&p, "checkIns", pb.CheckIns, "the departure", expiry)
	checkSchedule(&p, "stayInTouch", pb.StayInTouch, "the departure", expiry)
	checkSchedule(&p, "grow", pb.Grow, "the foot in the door", 0)

	for _, h := range []struct {
		name string
		v    int
	}{{"quietHours.start", pb.QuietHours.Start}, {"quietHours.end", pb.QuietHours.End}} {
		if h.v < 0 || h.v > 23 {
			p.addf("%s: %d is not an hour from 0 to 23", h.name, h.v)
		}
	}
	if fc := pb.FrequencyCap; fc != (FrequencyCap{}) { // the zero cap is no cap
		if fc.Max < 1 {
			p.addf("frequencyCap.max: %d is less than 1", fc.Max)
		}
		if fc.Per <= 0 {
			p.addf("frequencyCap.per: %s is not a positive duration", formatDuration(fc.Per))
		}
	}
	// Holding out more than half would leave fewer customers worked than watched: the lift
	// is measured as well with a smaller share, at a smaller cost.
	if !(pb.HoldoutPercent >= 0 && pb.HoldoutPercent <= MaxHoldoutPercent) { // NaN fails too
		p.addf("holdoutPercent: %v is not from 0 to %d (the share of launched customers held out, in percent)", pb.HoldoutPercent, MaxHoldoutPercent)
	}
	if pb.RepeatIncentiveWindow < 0 {
		p.addf("repeatIncentiveWindow: %s is negative (leave it out for 365 days)", formatDuration(pb.RepeatIncentiveWindow))
	}
	if pb.MaxEventsPerRun < 1 || pb.MaxEventsPerRun > maxEventsPerRun {
		p.addf("maxEventsPerRun: %d is not from 1 to %d (Temporal warns about longer histories)", pb.MaxEventsPerRun, maxEventsPerRun)
	}
	return p.err()
}

// checkSchedule checks a list of touches: in order, after what they count from, before expiry
// (when expiry is set), on a known channel.
func checkSchedule(p *problems, name string, touches []CheckIn, from string, expiry time.Duration) {
	channels := []Channel{ChannelEmail, ChannelSMS, ChannelCall}
	for i, c := range touches {
		at := fmt.Sprintf("%s[%d]", name, i)
		switch {
		case c.After <= 0:
			p.addf("%s.after: %s is not after %s", at, formatDuration(c.After), from)
		case i > 0 && c.After <= touches[i-1].After:
			p.addf("%s.after: %s is not after %s[%d] (%s): list touches in order", at, formatDuration(c.After), name, i-1, formatDuration(touches[i-1].After))
		case expiry > 0 && c.After >= expiry:
			p.addf("%s.after: %s is not before expiry (%s): it would never happen", at, formatDuration(c.After), formatDuration(expiry))
		}
		if !slices.Contains(channels, c.Channel) {
			p.addf("%s.channel: %q is not email, sms or call", at, c.Channel)
		}
	}
}

// formatDuration prints a duration the way playbook authors write it: whole days as "7d", the
// rest as Go does ("2h30m0s").
func formatDuration(d time.Duration) string {
	if d != 0 && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}

// problems collects every problem of a playbook, so one look shows them all.
type problems struct{ errs []error }

func (p *problems) addf(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

// err joins the problems, one a line; nil when there are none.
func (p *problems) err() error { return errors.Join(p.errs...) }
