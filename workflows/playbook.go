package workflows

import "time"

// Playbook is every timing and rule of a campaign. It is resolved from config at launch and
// carried in the workflow input, so a running campaign keeps the rules it started with.
type Playbook struct {
	// Version names the playbook a campaign started with (for reports and audits).
	Version string `json:"version"`

	// Human tasks: when each kind is due after it is created. At Due the assignee is reminded;
	// EscalateAfter later the manager is told (and, with ReassignOnEscalation, takes the task);
	// ExpireAfter after Due the task expires and its playbook default applies.
	BackstoryDue         time.Duration `json:"backstoryDue"`
	ExitInterviewDue     time.Duration `json:"exitInterviewDue"`
	DecisionDue          time.Duration `json:"decisionDue"`
	CallDue              time.Duration `json:"callDue"`
	FixContactDue        time.Duration `json:"fixContactDue"`
	EscalateAfter        time.Duration `json:"escalateAfter"`
	ExpireAfter          time.Duration `json:"expireAfter"`
	ReassignOnEscalation bool          `json:"reassignOnEscalation"`
	// BusinessHours counts those durations in the assignee's working week (their days, hours,
	// time zone and days off, and Holidays): a whole day is a working day, the rest working
	// hours. A two-day task opened on a Thursday is due on Monday. Off, they count in clock
	// time (demos and tests in seconds).
	BusinessHours bool `json:"businessHours"`

	// Decision policy, applied when the manager does not answer by DecisionDue.
	WalkAwayBelowValue float64  `json:"walkAwayBelowValue"`
	WalkAwayReasons    []Reason `json:"walkAwayReasons"`
	DefaultOffer       Offer    `json:"defaultOffer"`

	// The wait before the thank-you call: WaitBusinessDays of the rep's calendar (Monday to
	// Friday, minus Holidays, in the rep's time zone). WaitFixed, when set, replaces it (demos, tests).
	WaitBusinessDays int           `json:"waitBusinessDays"`
	WaitFixed        time.Duration `json:"waitFixed,omitempty"`
	Holidays         []string      `json:"holidays,omitempty"` // YYYY-MM-DD

	// Thank-you call retries on no answer.
	MaxCallAttempts int           `json:"maxCallAttempts"`
	CallRetryAfter  time.Duration `json:"callRetryAfter"`

	// Check-ins: the written schedule, offsets from the campaign's launch.
	CheckIns []CheckIn `json:"checkIns"`
	// StayInTouch is the lighter cadence for customers who outgrew us.
	StayInTouch []CheckIn `json:"stayInTouch"`

	// QuietHours: no SMS between Start and End hours (customer's local time), e.g. 21 to 9.
	QuietHours QuietHours `json:"quietHours"`
	// FrequencyCap: at most Max messages to the customer in any Per window.
	FrequencyCap FrequencyCap `json:"frequencyCap"`

	// StartWhenCancelScheduled: a cancellation scheduled for the end of the billing period
	// launches the campaign at once, while the customer is still paying ("even before your
	// client is fully out the door"); off, only the cancellation taking effect does.
	StartWhenCancelScheduled bool `json:"startWhenCancelScheduled"`
	// HoldoutPercent is the share of launched customers held out (0 to 50): no message, no
	// task, to measure what the campaigns cause. The launch may override it.
	HoldoutPercent float64 `json:"holdoutPercent,omitempty"`
	// RepeatIncentiveWindow: a customer won back with an incentive within it is flagged to the
	// manager at decision time ("bought back twice in 12 months"). 365 days by default.
	RepeatIncentiveWindow time.Duration `json:"repeatIncentiveWindow,omitempty"`
	// Grow is the cadence after a foot in the door: touches that aim to turn the smaller yes
	// into the whole account, offsets from the fulfilment.
	Grow []CheckIn `json:"grow,omitempty"`
	// Expiry: the campaign closes as expired this long after its launch.
	Expiry time.Duration `json:"expiry"`
	// MaxEventsPerRun: the check-in loop continues-as-new past this many history events.
	MaxEventsPerRun int `json:"maxEventsPerRun"`
}

// CheckIn is one planned touch.
type CheckIn struct {
	After   time.Duration `json:"after"` // from the campaign's launch
	Channel Channel       `json:"channel"`
}

// QuietHours is a nightly window, in whole hours of the customer's local time, with no SMS.
type QuietHours struct {
	Start int `json:"start"` // e.g. 21
	End   int `json:"end"`   // e.g. 9
}

// FrequencyCap limits how many messages a customer gets in a window.
type FrequencyCap struct {
	Max int           `json:"max"`
	Per time.Duration `json:"per"`
}

const day = 24 * time.Hour

// DefaultPlaybook is the playbook of the seeds: tasks due within days, a decision within a
// week, a wait of one business day before the call, check-ins at 7, 14, 30, 60, 90 days and
// then quarterly up to a year; after a foot in the door, touches at 30, 90 and 180 days to grow
// it; a warning on a customer bought back with an incentive in the last year.
func DefaultPlaybook() Playbook {
	return Playbook{
		Version:              "default-1",
		BackstoryDue:         2 * day,
		ExitInterviewDue:     3 * day,
		DecisionDue:          5 * day,
		CallDue:              2 * day,
		FixContactDue:        3 * day,
		EscalateAfter:        1 * day,
		ExpireAfter:          3 * day,
		ReassignOnEscalation: true,
		BusinessHours:        true,
		WalkAwayBelowValue:   1000,
		WalkAwayReasons:      []Reason{ReasonBadFit},
		DefaultOffer:         OfferIncentive,
		WaitBusinessDays:     1,
		MaxCallAttempts:      3,
		CallRetryAfter:       2 * day,
		CheckIns: []CheckIn{
			{After: 7 * day, Channel: ChannelEmail},
			{After: 14 * day, Channel: ChannelSMS},
			{After: 30 * day, Channel: ChannelEmail},
			{After: 60 * day, Channel: ChannelCall},
			{After: 90 * day, Channel: ChannelEmail},
			{After: 180 * day, Channel: ChannelSMS},
			{After: 270 * day, Channel: ChannelEmail},
			{After: 365 * day, Channel: ChannelCall},
		},
		StayInTouch: []CheckIn{
			{After: 30 * day, Channel: ChannelEmail},
			{After: 180 * day, Channel: ChannelEmail},
			{After: 365 * day, Channel: ChannelEmail},
		},
		Grow: []CheckIn{ // after a foot in the door, aiming at the whole account
			{After: 30 * day, Channel: ChannelEmail},
			{After: 90 * day, Channel: ChannelCall},
			{After: 180 * day, Channel: ChannelEmail},
		},
		RepeatIncentiveWindow:    365 * day,
		StartWhenCancelScheduled: true,
		QuietHours:               QuietHours{Start: 21, End: 9},
		FrequencyCap:             FrequencyCap{Max: 2, Per: 7 * day},
		Expiry:                   400 * day,
		MaxEventsPerRun:          1000,
	}
}
