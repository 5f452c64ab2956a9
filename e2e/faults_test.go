package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

// impatientPlaybook lets every task expire within seconds, so the playbook's defaults carry
// campaigns to their first message with nobody at the keyboard: the manager never decides, so
// the policy keeps in touch (no promise made), and the first stay-in-touch email goes at 15s.
const impatientPlaybook = `version: impatient
backstoryDue: 1s
businessHours: false
exitInterviewDue: 1s
decisionDue: 1s
callDue: 30s
escalateAfter: 1s
expireAfter: 2s
reassignOnEscalation: false
waitFixed: 60s
quietHours: {start: 0, end: 0}
frequencyCap: {max: 100, per: 1m}
checkIns: [{after: 5m, channel: email}]
stayInTouch: [{after: 15s, channel: email}]
expiry: 10m
`

// TestRateLimitStormDelaysSendsAndLosesNone: SendGrid answers 429 for a while; the campaigns'
// sends wait and retry, and when the storm ends every message goes out exactly once.
func TestRateLimitStormDelaysSendsAndLosesNone(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "impatient.yaml")
	if err := os.WriteFile(pb, []byte(impatientPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	// No team file: the owners have no email, so no staff notice retries through the storm
	// ahead of the customers' emails (each would hold its campaign back past the first touch).
	s := startStackWith(t, "WINBACK_PLAYBOOK="+pb, "WINBACK_TEAM=")
	const storm = 20 * time.Second
	fault := fmt.Sprintf(`{"provider":"sendgrid","mode":"429","seconds":%d,"resetSeconds":2}`, int(storm.Seconds()))
	resp, err := http.Post("http://"+s.http+"/sandbox/faults", "application/json", bytes.NewBufferString(fault))
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("setting the fault: %v %v", err, resp)
	}
	resp.Body.Close()
	stormEnds := time.Now().Add(storm)

	customers := []string{"storm-1", "storm-2", "storm-3", "storm-4", "storm-5"}
	for _, c := range customers {
		s.winback(0, "launch", "--customer-id", c, "--name", "Customer "+c, "--email", c+"@example.com",
			"--timezone", "UTC", "--account-value", "50000", "--rep", "alice", "--manager", "maria", "--reason", "let_down")
	}
	// Backstory, exit interview and decision expire in about 9s, and the first stay-in-touch
	// email is due at 15s: the emails fall in the storm.
	const first = "check-in-1"
	for _, c := range customers {
		wid := workflows.WorkflowID(c)
		s.eventually("the first email of "+c, 90*time.Second, func() bool {
			for _, m := range s.outbox(wid) {
				if m.Step == first {
					return true
				}
			}
			return false
		})
	}
	perKey := map[string]int{}
	for _, c := range customers {
		for _, m := range s.outbox(workflows.WorkflowID(c)) {
			perKey[m.Key]++
			if m.Step == first && m.At.Before(stormEnds.Add(-time.Second)) {
				t.Errorf("%s went out at %s, inside the storm that ended %s", m.Key, m.At, stormEnds)
			}
		}
	}
	for key, n := range perKey {
		if n != 1 {
			t.Errorf("%s reached the recipient %d times", key, n)
		}
	}
	for _, c := range customers {
		st := s.status(c)
		var sent *workflows.Message
		for i, m := range st.Messages {
			if m.Step == first {
				sent = &st.Messages[i]
			}
		}
		if sent == nil || !strings.HasPrefix(sent.Status, "sent") {
			t.Errorf("%s: first email %+v, want sent", c, sent)
		}
	}
	t.Logf("storm of %s: %d customer and staff messages, each delivered once", storm, len(perKey))
}
