package workflows

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
)

// A customer who replied STOP to an earlier campaign is relaunched: this campaign learns the
// standing opt-out at launch, never texts them, sends the SMS check-in by email instead, and
// its status says why.
func TestAStopFromAnEarlierCampaignKeepsThisOneFromTexting(t *testing.T) {
	h := newHarness(t)
	h.standing = []activities.OptOut{{Channel: "sms", Source: "stop", Detail: "STOP", At: monday9.AddDate(0, -2, 0),
		Why: "opted out of sms by stop (STOP) on 2026-09-02"}}
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	res, st := h.run()

	if got := h.steps(ChannelSMS); len(got) != 0 {
		t.Errorf("texted %v a customer who replied STOP before", got)
	}
	if got := h.steps(ChannelEmail); !slices.Contains(got, "check-in-2") {
		t.Errorf("emails %v: want the SMS check-in 2 to go by email", got)
	}
	if len(h.indexed) != 1 || h.indexed[0].Phone != "+12125550142" || h.indexed[0].WorkflowID == "" {
		t.Errorf("indexed %+v: want the customer's contacts indexed once, at launch", h.indexed)
	}
	var skipped *Message
	for i, m := range st.Messages {
		if m.Step == "check-in-2" && m.Channel == ChannelSMS {
			skipped = &st.Messages[i]
		}
	}
	if skipped == nil || skipped.Status != "skipped_opted_out" || !strings.Contains(skipped.Error, "STOP") {
		t.Errorf("the SMS check-in in the status: %+v; want skipped_opted_out saying why", skipped)
	}
	if len(st.Consent) != 1 || st.Consent[0].Channel != ChannelSMS || !strings.Contains(st.Consent[0].Why, "2026-09-02") {
		t.Errorf("consent %+v", st.Consent)
	}
	if res.Outcome != OutcomeWonBack {
		t.Errorf("outcome %s", res.Outcome)
	}
}

// Opted out of both channels before this campaign: nothing is sent and nobody is given work.
func TestACustomerWhoOptedOutOfEverythingBeforeIsLeftAlone(t *testing.T) {
	h := newHarness(t)
	h.standing = []activities.OptOut{
		{Channel: "sms", Source: "stop", Why: "opted out of sms by stop (STOPALL) on 2026-09-02"},
		{Channel: "email", Source: "unsubscribe", Why: "opted out of email by unsubscribe on 2026-09-03"},
	}
	res, st := h.run()
	if res.Outcome != OutcomeOptedOut || !strings.Contains(res.Reason, "STOPALL) on 2026-09-02") || !strings.Contains(res.Reason, "unsubscribe on 2026-09-03") {
		t.Errorf("result %+v: want opted_out, saying when and how each channel was closed", res)
	}
	if len(h.sent) != 0 || len(st.Tasks) != 0 {
		t.Errorf("sent %d messages and opened %d tasks for a customer who opted out of everything", len(h.sent), len(st.Tasks))
	}
}

// The suppression list has the last word at send time (a STOP that reached another worker a
// moment ago): the send is refused, the channel closes, and the status says why.
func TestASendTheSuppressionListRefusesClosesTheChannel(t *testing.T) {
	h := newHarness(t)
	why := "opted out of sms by stop (STOP) on 2026-11-10"
	h.failSend = func(ch Channel, step string) error {
		if ch == ChannelSMS {
			return temporal.NewNonRetryableApplicationError("not sent: the customer "+why, activities.ErrSuppressed, nil,
				activities.OptOut{Channel: "sms", Source: "stop", Detail: "STOP", Why: why, At: monday9.AddDate(0, 0, 8)})
		}
		return nil
	}
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.signal(200*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	_, st := h.run()
	var tries int
	for _, m := range st.Messages {
		if m.Channel == ChannelSMS && m.Status == "skipped_opted_out" {
			tries++
			if m.Error != why {
				t.Errorf("%s: why %q, want %q", m.Step, m.Error, why)
			}
		}
	}
	if !slices.Contains(st.OptedOut, ChannelSMS) || tries < 2 {
		t.Errorf("opted out %v, %d SMS skipped: want SMS closed after the refusal and later SMS skipped", st.OptedOut, tries)
	}
	if got := h.steps(ChannelEmail); !slices.Contains(got, "check-in-2") {
		t.Errorf("emails %v: want the refused SMS check-in to go by email", got)
	}
}

// Each message has its own key in the send ledger: scoped to this campaign (its first run, so
// a relaunch of the customer is a new campaign with new keys) and to the channel, so an email
// and its SMS fallback are two messages.
func TestSendKeysBelongToOneCampaignAndOneChannel(t *testing.T) {
	h := newHarness(t)
	h.failSend = func(ch Channel, step string) error {
		if ch == ChannelEmail && step == "revisit-email" {
			return temporal.NewNonRetryableApplicationError("invalid", activities.ErrInvalidRecipient, nil)
		}
		return nil
	}
	h.happyPath(interview, pursue)
	h.signal(2*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})
	h.run()
	var keys []string
	for _, s := range h.sent {
		keys = append(keys, s.Key)
	}
	var revisit string
	for _, s := range h.sent {
		if s.Step == "revisit-email" && s.Channel == ChannelSMS {
			revisit = s.Key
		}
	}
	parts := strings.Split(revisit, "/")
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" || parts[2] != "revisit-email" || parts[3] != "sms" {
		t.Errorf("the SMS fallback's key %q: want <workflow ID>/<first run ID>/revisit-email/sms", revisit)
	}
	if slices.Contains(keys, parts[0]+"/revisit-email") {
		t.Errorf("keys %v: a key shared by every campaign of the customer", keys)
	}
}

// "Please stop contacting us", heard on the thank-you call, holds for later campaigns too.
func TestAnOptOutHeardOnACallIsKeptForLaterCampaigns(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallOptedOut})
	res, st := h.run()
	if res.Outcome != OutcomeOptedOut {
		t.Fatalf("outcome %s", res.Outcome)
	}
	if len(h.recorded) != 1 || !slices.Equal(h.recorded[0].Channels, []string{"email", "sms"}) || h.recorded[0].By != "alice" ||
		h.recorded[0].Phone != "+12125550142" {
		t.Errorf("recorded %+v: want both channels, by alice, for the customer's contacts", h.recorded)
	}
	if len(st.Consent) != 2 {
		t.Errorf("consent %+v: want why both channels closed", st.Consent)
	}
}

// A rep corrects the phone: the new number is indexed (an inbound SMS from it finds the
// campaign) and its own standing opt-out, if any, is learnt.
func TestACorrectedContactIsIndexed(t *testing.T) {
	h := newHarness(t)
	h.failSend = func(ch Channel, step string) error {
		if ch == ChannelSMS && step == "check-in-2" {
			return temporal.NewNonRetryableApplicationError("invalid", activities.ErrInvalidRecipient, nil)
		}
		return nil
	}
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.complete(15*day, "fix-contact-sms", "alice", TaskAnswers{Phone: "+12125550199"})
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})
	h.run()
	if len(h.indexed) != 2 || h.indexed[1].Phone != "+12125550199" {
		t.Errorf("indexed %+v: want the corrected phone indexed", h.indexed)
	}
}
