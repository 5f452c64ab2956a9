package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/config"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

func (s *stack) inboundSMS(from, body, sid, signature string) int {
	s.t.Helper()
	form := url.Values{"From": {from}, "To": {"+15005550006"}, "Body": {body}, "MessageSid": {sid},
		"AccountSid": {config.SandboxTwilioAccountSID}}
	target := "http://" + s.http + "/webhooks/twilio/sms"
	if signature == "" {
		signature = sandbox.TwilioSignature(config.SandboxTwilioAuthToken, target, form)
	}
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSignedStopStopsSMSWhileForgedIsRefused: the customer replies STOP to a running campaign.
// A forged STOP is refused and changes nothing; the signed one stops SMS at once, and the SMS
// check-in that follows goes by email instead.
func TestSignedStopStopsSMSWhileForgedIsRefused(t *testing.T) {
	s := startStack(t)
	const customer, phone = "e2e-stop", "+12125550199"
	wid := workflows.WorkflowID(customer)
	s.winback(0, "launch", "--customer-id", customer, "--name", "Sam Stop", "--email", "sam@stop.example",
		"--phone", phone, "--timezone", "UTC", "--account-value", "9000", "--rep", "alice", "--manager", "maria")
	s.eventually("the campaign in visibility", 20*time.Second, func() bool {
		return strings.Contains(s.winback(0, "list", "-o", "json"), customer)
	})

	if code := s.inboundSMS(phone, "STOP", "SM00000000000000000000000000000001", "Zm9yZ2Vk"); code != http.StatusForbidden {
		t.Errorf("forged STOP answered %d, want 403", code)
	}
	if code := s.inboundSMS(phone, "STOP", "SM00000000000000000000000000000002", ""); code != http.StatusOK {
		t.Fatalf("signed STOP answered %d, want 200", code)
	}
	s.eventually("the opt-out to reach the campaign", 20*time.Second, func() bool {
		return slices.Contains(s.status(customer).OptedOut, workflows.ChannelSMS)
	})

	// Play the campaign to its SMS check-in (25s after launch in the fast playbook).
	s.winback(0, "complete", customer, "backstory", "--as", "alice", "--our-side", "quiet account")
	s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "we let them down",
		"--what-would-keep-you", "a named contact", "--reason", "let_down", "--scope", "specific")
	s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--offer", "apology",
		"--what-we-changed", "give you a named support contact", "--offer-details", "a month free while we put it right")
	s.completeWhenOpen(customer, "thank-you-call", "alice", "--outcome", "considering")
	s.eventually("check-in 2", 60*time.Second, func() bool {
		return slices.ContainsFunc(s.outbox(wid), func(m sandbox.Message) bool { return m.Step == "check-in-2" })
	})
	for _, m := range s.outbox(wid) {
		if m.Provider == "twilio" {
			t.Errorf("an SMS (%s) went out after the customer replied STOP", m.Step)
		}
		if m.Step == "check-in-2" && m.Provider != "sendgrid" {
			t.Errorf("check-in 2 went by %s, want email instead of the stopped SMS", m.Provider)
		}
	}
	s.winback(0, "cancel", customer)
}
