package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// TestCampaignLaunchToClose drives one campaign from launch to close through the CLI: the
// revisit email goes through the SendGrid SDK into the sandbox, the durable wait passes, the
// rep completes the thank-you call, a check-in goes out, and the customer comes back.
func TestCampaignLaunchToClose(t *testing.T) {
	s := startStack(t)
	const customer = "e2e-acme"
	wid := workflows.WorkflowID(customer)
	launch := []string{"launch", "--customer-id", customer, "--name", "Dana Reyes", "--company", "Acme Corp",
		"--email", "dana@acme.example", "--phone", "+12125550142", "--timezone", "America/New_York",
		"--account-value", "48000", "--segment", "enterprise", "--reason", "competitor_price",
		"--competitor", "Globex", "--rep", "alice", "--manager", "maria"}

	s.winback(0, launch...)
	// A second launch while it runs is refused, and names the customer.
	if out := s.winback(1, launch...); !strings.Contains(out, customer) || !strings.Contains(out, "already running") {
		t.Errorf("second launch said %q: want it to name the customer and say it is already running", out)
	}

	s.eventually("the backstory task", 20*time.Second, func() bool { return s.taskOpen(customer, "backstory") })
	s.winback(0, "complete", customer, "backstory", "--as", "alice", "--our-side", "Two late deliveries in Q3",
		"--landmine", "billing dispute in August")
	s.eventually("the exit interview", 20*time.Second, func() bool { return s.taskOpen(customer, "exit-interview") })
	// A wrong answer is refused with its field named, and changes nothing.
	if out := s.winback(2, "complete", customer, "exit-interview", "--as", "alice", "--why-leaving", "price",
		"--what-would-keep-you", "match Globex", "--reason", "cheaper", "--scope", "systemic"); !strings.Contains(out, "reason") {
		t.Errorf("bad reason answer said %q, want it to name the reason field", out)
	}
	s.winback(0, "complete", customer, "exit-interview", "--as", "alice", "--why-leaving", "Globex is 20% cheaper",
		"--what-would-keep-you", "match Globex", "--reason", "competitor_price", "--scope", "systemic")
	s.eventually("the decision", 20*time.Second, func() bool { return s.taskOpen(customer, "decision") })
	s.winback(0, "complete", customer, "decision", "--as", "maria", "--pursue",
		"--what-we-changed", "cut your renewal price by 25%", "--offer", "beat_offer", "--offer-details", "25% off for two years")

	s.eventually("the revisit email in the outbox", 30*time.Second, func() bool {
		return slices.Contains(steps(s.outbox(wid)), "revisit-email")
	})
	revisit := s.outbox(wid)[0]
	if revisit.To != "dana@acme.example" || !strings.Contains(revisit.Text, "cut your renewal price by 25%") {
		t.Errorf("revisit email = %+v: want it to Dana, saying exactly what we changed", revisit)
	}

	s.eventually("the thank-you call after the wait", 30*time.Second, func() bool { return s.taskOpen(customer, "thank-you-call") })
	s.winback(0, "complete", customer, "thank-you-call", "--as", "alice", "--outcome", "considering")

	s.eventually("a check-in", 60*time.Second, func() bool {
		return slices.ContainsFunc(steps(s.outbox(wid)), func(step string) bool { return strings.HasPrefix(step, "check-in-") })
	})
	s.winback(0, "won-back", customer, "--note", "signed the renewal")

	s.eventually("the campaign to close", 20*time.Second, func() bool { return s.status(customer).Stage == workflows.StageClosed })
	st := s.status(customer)
	if st.Outcome != workflows.OutcomeWonBack {
		t.Errorf("outcome = %s, want won_back", st.Outcome)
	}
	// Every message reached the sandbox exactly once.
	seen := map[string]int{}
	for _, m := range s.outbox(wid) {
		seen[m.Step]++
	}
	for step, n := range seen {
		if n != 1 {
			t.Errorf("step %s reached the customer %d times", step, n)
		}
	}

	// What ops see in Temporal: the search attributes, no PII.
	desc := s.server.Temporal(t, "workflow", "describe", "--workflow-id", wid, "--output", "json")
	for _, want := range []string{`"WinBackStage"`, `"closed"`, `"WinBackOutcome"`, `"won_back"`, `"WinBackCustomerID"`, customer,
		`"WinBackReason"`, `"competitor_price"`} {
		if !strings.Contains(desc, want) {
			t.Errorf("temporal workflow describe lacks %s", want)
		}
	}
	for _, pii := range []string{"Dana Reyes", "dana@acme.example", "+12125550142"} {
		if strings.Contains(searchAttributesOf(desc), pii) {
			t.Errorf("search attributes carry PII %q", pii)
		}
	}
	// A relaunch after a closed campaign is allowed.
	s.winback(0, launch...)
	s.winback(0, "cancel", customer, "--reason", "test over")
}

// searchAttributesOf cuts the search attributes out of `temporal workflow describe` JSON.
func searchAttributesOf(desc string) string {
	i := strings.Index(desc, "searchAttributes")
	if i < 0 {
		return ""
	}
	end := min(len(desc), i+4000)
	return desc[i:end]
}

// TestBadConfigurationStopsTheWorker: a bad variable stops the worker at start, naming it.
func TestBadConfigurationStopsTheWorker(t *testing.T) {
	worker, _ := testenv.Binaries(t)
	for _, tc := range []struct{ env, name string }{
		{"WINBACK_HTTP_ADDR=nonsense", "WINBACK_HTTP_ADDR"},
		{"WINBACK_LOG_LEVEL=loud", "WINBACK_LOG_LEVEL"},
		{"TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000", "TWILIO_AUTH_TOKEN"},
	} {
		out, errOut, code := testenv.Run(t, []string{tc.env, "WINBACK_DATA_DIR=" + t.TempDir()}, worker)
		if code != 2 || !strings.Contains(out+errOut, tc.name) {
			t.Errorf("%s: exit %d, output %q; want exit 2 naming %s", tc.env, code, out+errOut, tc.name)
		}
	}
}
