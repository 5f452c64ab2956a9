package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/winback/winback/workflows"
)

// maxEventsPerRun is where Temporal starts warning about a history's size (10,240 events);
// a run should continue-as-new well before.
const maxEventsPerRun = 10240

// ValidatePlaybook checks a resolved playbook and returns every problem, each naming its JSON
// field: durations positive; escalation before expiry; check-ins in order, after departure and
// before the campaign expires, on email, sms or call; quiet hours whole hours 0-23, where
// start == end means no quiet hours; MaxCallAttempts at least 1; WaitBusinessDays 0 to 5 unless
// WaitFixed replaces it; holidays as YYYY-MM-DD; reasons and offers from workflows.Reasons and
// workflows.Offers.
func ValidatePlaybook(pb workflows.Playbook) error {
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
		{"frequencyCap.per", pb.FrequencyCap.Per},
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
		if !slices.Contains(workflows.Reasons, r) {
			p.addf("walkAwayReasons[%d]: %q is not one of %v", i, r, workflows.Reasons)
		}
	}
	if !slices.Contains(workflows.Offers, pb.DefaultOffer) {
		p.addf("defaultOffer: %q is not one of %v", pb.DefaultOffer, workflows.Offers)
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
	checkSchedule(&p, "checkIns", pb.CheckIns, pb.Expiry)
	checkSchedule(&p, "stayInTouch", pb.StayInTouch, pb.Expiry)

	for _, h := range []struct {
		name string
		v    int
	}{{"quietHours.start", pb.QuietHours.Start}, {"quietHours.end", pb.QuietHours.End}} {
		if h.v < 0 || h.v > 23 {
			p.addf("%s: %d is not an hour from 0 to 23", h.name, h.v)
		}
	}
	if pb.FrequencyCap.Max < 1 {
		p.addf("frequencyCap.max: %d is less than 1", pb.FrequencyCap.Max)
	}
	if pb.MaxEventsPerRun < 1 || pb.MaxEventsPerRun > maxEventsPerRun {
		p.addf("maxEventsPerRun: %d is not from 1 to %d (Temporal warns about longer histories)", pb.MaxEventsPerRun, maxEventsPerRun)
	}
	return p.err()
}

// checkSchedule checks a list of touches: in order, after departure, before expiry, on a
// known channel.
func checkSchedule(p *problems, name string, touches []workflows.CheckIn, expiry time.Duration) {
	channels := []workflows.Channel{workflows.ChannelEmail, workflows.ChannelSMS, workflows.ChannelCall}
	for i, c := range touches {
		at := fmt.Sprintf("%s[%d]", name, i)
		switch {
		case c.After <= 0:
			p.addf("%s.after: %s is not after the departure", at, formatDuration(c.After))
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
