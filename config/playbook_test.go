package config_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

const day = 24 * time.Hour

func TestFastPlaybook(t *testing.T) {
	c := newVars(t, "WINBACK_PLAYBOOK", "playbooks/fast.yaml").load(t)
	pb := c.Playbook
	if pb.Version != "fast-1" {
		t.Errorf("Version = %q", pb.Version)
	}
	for _, d := range []struct {
		name      string
		got, want time.Duration
	}{
		{"backstoryDue", pb.BackstoryDue, 20 * time.Second},
		{"exitInterviewDue", pb.ExitInterviewDue, 20 * time.Second},
		{"decisionDue", pb.DecisionDue, 20 * time.Second},
		{"callDue", pb.CallDue, 20 * time.Second},
		{"escalateAfter", pb.EscalateAfter, 10 * time.Second},
		{"expireAfter", pb.ExpireAfter, 20 * time.Second},
		{"waitFixed", pb.WaitFixed, 3 * time.Second},
		{"callRetryAfter", pb.CallRetryAfter, 3 * time.Second},
		{"first check-in", pb.CheckIns[0].After, 20 * time.Second},
		{"second check-in", pb.CheckIns[1].After, 25 * time.Second},
		{"third check-in", pb.CheckIns[2].After, 30 * time.Second},
	} {
		if d.got != d.want {
			t.Errorf("%s = %v, want %v", d.name, d.got, d.want)
		}
	}
	if pb.QuietHours.Start != pb.QuietHours.End {
		t.Errorf("quiet hours %+v: the fast playbook disables them with start == end", pb.QuietHours)
	}
	if pb.FrequencyCap.Max < len(pb.CheckIns)+2 {
		t.Errorf("frequency cap %+v would hide steps of a demo", pb.FrequencyCap)
	}
	last := pb.CheckIns[len(pb.CheckIns)-1].After
	if last > 2*time.Minute || pb.Expiry > 5*time.Minute {
		t.Errorf("fast playbook runs too long: last check-in %v, expiry %v", last, pb.Expiry)
	}
}

// The demo playbook gives a person minutes for each task, and still ends within the hour.
func TestDemoPlaybook(t *testing.T) {
	pb := newVars(t, "WINBACK_PLAYBOOK", "playbooks/demo.yaml").load(t).Playbook
	if pb.Version != "demo-1" || pb.ExitInterviewDue < time.Minute || pb.WaitFixed == 0 {
		t.Errorf("demo playbook %+v: want minute-scale tasks and a fixed wait", pb)
	}
	if pb.CheckIns[0].After <= pb.ExitInterviewDue || pb.Expiry > time.Hour {
		t.Errorf("demo check-ins start at %v, expiry %v: want the first after the tasks, all within the hour", pb.CheckIns[0].After, pb.Expiry)
	}
}

func TestPlaybookFileOverlaysTheDefault(t *testing.T) {
	path := writeFile(t, "pb.yaml", `
version: custom-1
decisionDue: 7d
quietHours: {start: 22}
checkIns:
  - {after: 3d, channel: sms}
  - {after: 1d12h, channel: email}
holidays: [2026-12-25, "2027-01-01"]
walkAwayReasons: ~
`)
	_, err := config.ReadPlaybook(path)
	assertMentions(t, err, "checkIns[1].after: 36h0m0s is not after checkIns[0] (3d)")

	path = writeFile(t, "pb.yaml", `
version: custom-1
decisionDue: 7d
quietHours: {start: 22}
checkIns:
  - {after: 1d12h, channel: email}
  - {after: 3d, channel: sms}
holidays: [2026-12-25, "2027-01-01"]
walkAwayReasons: ~
`)
	pb, err := config.ReadPlaybook(path)
	if err != nil {
		t.Fatal(err)
	}
	want := workflows.DefaultPlaybook()
	want.Version = "custom-1"
	want.DecisionDue = 7 * day
	want.QuietHours.Start = 22 // end stays 9: nested objects merge key by key
	want.CheckIns = []workflows.CheckIn{{After: day + 12*time.Hour, Channel: "email"}, {After: 3 * day, Channel: "sms"}}
	want.Holidays = []string{"2026-12-25", "2027-01-01"}
	want.WalkAwayReasons = nil
	if !reflect.DeepEqual(pb, want) {
		t.Errorf("got  %+v\nwant %+v", pb, want)
	}
}

func TestPlaybookFileInJSON(t *testing.T) {
	path := writeFile(t, "pb.json", `{"version": "json-1", "waitFixed": "2s", "checkIns": [{"after": "1m", "channel": "call"}], "frequencyCap": {"max": 5, "per": "1h"}}`)
	c := newVars(t, "WINBACK_PLAYBOOK", path).load(t)
	pb := c.Playbook
	if pb.Version != "json-1" || pb.WaitFixed != 2*time.Second || len(pb.CheckIns) != 1 || pb.CheckIns[0].Channel != workflows.ChannelCall ||
		pb.FrequencyCap != (workflows.FrequencyCap{Max: 5, Per: time.Hour}) {
		t.Errorf("Playbook = %+v", pb)
	}
}

func TestPlaybookFileErrorsNameLineAndKey(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		mention       []string
	}{
		{"unknown key", "version: x\nchekIns: []\n", []string{"pb.yaml:2: chekIns: unknown key", "checkIns"}},
		{"unknown nested key", "quietHours: {from: 1}\n", []string{"pb.yaml:1: quietHours.from: unknown key (known: start, end)"}},
		{"bad duration", "checkIns:\n  - after: 5x\n    channel: email\n", []string{"pb.yaml:2: checkIns[0].after:", `"5x" is not a duration`}},
		{"number for duration", "expiry: 400\n", []string{"pb.yaml:1: expiry:", `"400" is not a duration`}},
		{"list for duration", "expiry: [1d]\n", []string{"pb.yaml:1: expiry: want a duration"}},
		{"word for number", "maxCallAttempts: three\n", []string{"pb.yaml:1: maxCallAttempts:", `"three" is not a whole number`}},
		{"word for bool", "reassignOnEscalation: sometimes\n", []string{"reassignOnEscalation", "true or false"}},
		{"mapping for list", "checkIns: {after: 1d}\n", []string{"pb.yaml:1: checkIns: want a list"}},
		{"list for mapping", "quietHours: [1, 2]\n", []string{"pb.yaml:1: quietHours: want a mapping"}},
		{"not a mapping", "- a\n", []string{"pb.yaml:1: want a mapping"}},
		{"empty", "", []string{"pb.yaml: the file is empty"}},
		{"yaml syntax", "version: [\n", []string{"pb.yaml: yaml:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.ReadPlaybook(writeFile(t, "pb.yaml", tc.content))
			assertMentions(t, err, tc.mention...)
		})
	}
}
