package workflows_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

const day = 24 * time.Hour

func TestDefaultPlaybookIsValid(t *testing.T) {
	if err := workflows.DefaultPlaybook().Validate(); err != nil {
		t.Fatal(err)
	}
}

// assertMentions fails unless err's message holds fragment.
func assertMentions(t *testing.T, err error, fragment string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), fragment) {
		t.Errorf("error %v does not mention %q", err, fragment)
	}
}

func TestValidatePlaybook(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(*workflows.Playbook)
		mention string
	}{
		{"version", func(p *workflows.Playbook) { p.Version = "" }, "version: required"},
		{"backstoryDue", func(p *workflows.Playbook) { p.BackstoryDue = 0 }, "backstoryDue: 0s is not a positive duration"},
		{"exitInterviewDue", func(p *workflows.Playbook) { p.ExitInterviewDue = -time.Hour }, "exitInterviewDue: -1h0m0s is not a positive duration"},
		{"decisionDue", func(p *workflows.Playbook) { p.DecisionDue = 0 }, "decisionDue:"},
		{"callDue", func(p *workflows.Playbook) { p.CallDue = 0 }, "callDue:"},
		{"fixContactDue", func(p *workflows.Playbook) { p.FixContactDue = 0 }, "fixContactDue:"},
		{"escalateAfter", func(p *workflows.Playbook) { p.EscalateAfter = 0 }, "escalateAfter:"},
		{"expireAfter", func(p *workflows.Playbook) { p.ExpireAfter = 0 }, "expireAfter:"},
		{"escalate after expiry", func(p *workflows.Playbook) { p.EscalateAfter = 4 * day }, "escalateAfter: 4d is not before expireAfter (3d)"},
		{"callRetryAfter", func(p *workflows.Playbook) { p.CallRetryAfter = 0 }, "callRetryAfter:"},
		{"expiry", func(p *workflows.Playbook) { p.Expiry = 0 }, "expiry: 0s is not a positive duration"},
		{"walkAwayBelowValue", func(p *workflows.Playbook) { p.WalkAwayBelowValue = -1 }, "walkAwayBelowValue: -1 is negative"},
		{"walkAwayReasons", func(p *workflows.Playbook) { p.WalkAwayReasons = []workflows.Reason{"bad_fit", "grumpy"} }, `walkAwayReasons[1]: "grumpy" is not one of`},
		{"defaultOffer", func(p *workflows.Playbook) { p.DefaultOffer = "free_lunch" }, `defaultOffer: "free_lunch" is not one of`},
		{"defaultOffer empty", func(p *workflows.Playbook) { p.DefaultOffer = "" }, `defaultOffer: "" is not one of`},
		{"waitBusinessDays high", func(p *workflows.Playbook) { p.WaitBusinessDays = 6 }, "waitBusinessDays: 6 is not from 0 to 5"},
		{"waitBusinessDays negative", func(p *workflows.Playbook) { p.WaitBusinessDays = -1 }, "waitBusinessDays: -1"},
		{"waitFixed negative", func(p *workflows.Playbook) { p.WaitFixed = -time.Second }, "waitFixed: -1s is negative"},
		{"holidays", func(p *workflows.Playbook) { p.Holidays = []string{"25/12/2026"} }, `holidays[0]: "25/12/2026" is not a date`},
		{"maxCallAttempts", func(p *workflows.Playbook) { p.MaxCallAttempts = 0 }, "maxCallAttempts: 0 is less than 1"},
		{"check-in at departure", func(p *workflows.Playbook) { p.CheckIns[0].After = 0 }, "checkIns[0].after: 0s is not after the departure"},
		{"check-ins out of order", func(p *workflows.Playbook) { p.CheckIns[2].After = 10 * day }, "checkIns[2].after: 10d is not after checkIns[1] (14d)"},
		{"check-in after expiry", func(p *workflows.Playbook) { p.Expiry = 300 * day }, "checkIns[7].after: 365d is not before expiry (300d)"},
		{"check-in channel", func(p *workflows.Playbook) { p.CheckIns[1].Channel = "fax" }, `checkIns[1].channel: "fax" is not email, sms or call`},
		{"stay-in-touch order", func(p *workflows.Playbook) { p.StayInTouch[1].After = day }, "stayInTouch[1].after: 1d is not after stayInTouch[0] (30d)"},
		{"stay-in-touch channel", func(p *workflows.Playbook) { p.StayInTouch[0].Channel = "" }, `stayInTouch[0].channel: "" is not email, sms or call`},
		{"quiet hours start", func(p *workflows.Playbook) { p.QuietHours.Start = 24 }, "quietHours.start: 24 is not an hour from 0 to 23"},
		{"quiet hours end", func(p *workflows.Playbook) { p.QuietHours.End = -1 }, "quietHours.end: -1 is not an hour"},
		{"frequency cap max", func(p *workflows.Playbook) { p.FrequencyCap.Max = 0 }, "frequencyCap.max: 0 is less than 1"},
		{"frequency cap per", func(p *workflows.Playbook) { p.FrequencyCap.Per = 0 }, "frequencyCap.per: 0s is not a positive duration"},
		{"maxEventsPerRun", func(p *workflows.Playbook) { p.MaxEventsPerRun = 0 }, "maxEventsPerRun: 0 is not from 1 to 10240"},
		{"maxEventsPerRun high", func(p *workflows.Playbook) { p.MaxEventsPerRun = 50000 }, "maxEventsPerRun: 50000"},
		{"holdoutPercent high", func(p *workflows.Playbook) { p.HoldoutPercent = 50.5 }, "holdoutPercent: 50.5 is not from 0 to 50"},
		{"holdoutPercent negative", func(p *workflows.Playbook) { p.HoldoutPercent = -1 }, "holdoutPercent: -1 is not from 0 to 50"},
		{"holdoutPercent NaN", func(p *workflows.Playbook) { p.HoldoutPercent = math.NaN() }, "holdoutPercent: NaN"},
		{"repeatIncentiveWindow", func(p *workflows.Playbook) { p.RepeatIncentiveWindow = -day }, "repeatIncentiveWindow: -1d is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := workflows.DefaultPlaybook()
			tc.change(&pb)
			assertMentions(t, pb.Validate(), tc.mention)
		})
	}
}

func TestValidatePlaybookAcceptsEdgeCases(t *testing.T) {
	pb := workflows.DefaultPlaybook()
	pb.QuietHours = workflows.QuietHours{Start: 5, End: 5} // no quiet hours
	pb.CheckIns, pb.StayInTouch, pb.WalkAwayReasons = nil, nil, nil
	pb.WaitBusinessDays = 0
	if err := pb.Validate(); err != nil {
		t.Error(err)
	}
	pb.WaitFixed, pb.WaitBusinessDays = time.Second, 99
	if err := pb.Validate(); err != nil {
		t.Errorf("WaitBusinessDays must be ignored when WaitFixed replaces it: %v", err)
	}
	pb.FrequencyCap = workflows.FrequencyCap{} // no cap, as the tests' fast playbooks use
	if err := pb.Validate(); err != nil {
		t.Errorf("the zero frequency cap means no cap: %v", err)
	}
	for _, percent := range []float64{0, 12.5, workflows.MaxHoldoutPercent} {
		pb.HoldoutPercent = percent
		if err := pb.Validate(); err != nil {
			t.Errorf("a holdout of %v%%: %v", percent, err)
		}
	}
}

func TestValidatePlaybookReportsEveryProblem(t *testing.T) {
	pb := workflows.DefaultPlaybook()
	pb.MaxCallAttempts, pb.QuietHours.Start, pb.DefaultOffer = 0, 30, "x"
	err := pb.Validate()
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Errorf("%d problems reported, want 3: %v", n, err)
	}
}
