package workflows

import (
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
)

// SendGrid accepts the revisit email, then reports a bounce: the address does not work. The
// campaign acts as on a refusal at send time: email is unreachable, the rep gets a task (and an
// email) to fix it, and the revisit goes by SMS. A bounce is not an opt-out.
func TestABounceAfterTheSendActsLikeARefusal(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.signal(4*hour, SignalMessageEvent, MessageEventSignal{Channel: ChannelEmail, MessageID: "m-revisit-email-email", Event: "bounce"})
	h.complete(2*day, "fix-contact-email", "alice", TaskAnswers{Email: "dana.reyes@acme.example"})
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	res, st := h.run()

	if got := h.steps(ChannelSMS); !slices.Contains(got, "revisit-email") {
		t.Errorf("SMS %v: want the bounced revisit email sent again by SMS", got)
	}
	var failed bool
	for _, m := range st.Messages {
		if m.Step == "revisit-email" && m.Channel == ChannelEmail && m.Status == "failed_late" {
			failed = true
		}
	}
	if !failed {
		t.Errorf("messages %+v: want the bounced email shown as failed_late", st.Messages)
	}
	if task := taskByID(st, "fix-contact-email"); task == nil || task.Status != TaskDone {
		t.Errorf("fix-contact task %+v", task)
	}
	var told bool
	for _, s := range h.sent {
		if s.Staff && s.Template == "fix_contact" && s.To == "alice@winback.example" {
			told = true
		}
	}
	if !told {
		t.Error("the rep was not emailed about the address to fix")
	}
	if len(st.OptedOut) != 0 || res.Outcome != OutcomeWonBack {
		t.Errorf("opted out %v, outcome %s: a bounce is not an opt-out", st.OptedOut, res.Outcome)
	}
	// The corrected address is used again.
	for _, m := range h.customerMessages() {
		if m.Step == "check-in-1" && (m.Channel != ChannelEmail || m.To != "dana.reyes@acme.example") {
			t.Errorf("check-in 1 went by %s to %s: want the corrected email", m.Channel, m.To)
		}
	}
}

// Twilio accepts an SMS check-in, then reports it undelivered: the check-in goes by email, and
// the rep is asked to fix the number.
func TestAnUndeliveredTextGoesByEmailInstead(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.signal(14*day+hour, SignalMessageEvent, MessageEventSignal{Channel: ChannelSMS, MessageID: "m-check-in-2-sms", Event: "undelivered"})
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	_, st := h.run()

	emails := h.steps(ChannelEmail)
	if !slices.Contains(emails, "check-in-2") {
		t.Errorf("emails %v: want the undelivered SMS check-in sent again by email", emails)
	}
	if taskByID(st, "fix-contact-sms") == nil || !slices.Contains(st.Unreachable, ChannelSMS) {
		t.Errorf("unreachable %v, tasks %+v: want the number marked and a task to fix it", st.Unreachable, st.Tasks)
	}
}

// The customer texts back "yes, call me tomorrow": the campaign keeps the message and gives the
// rep a task to answer it, due like a call.
func TestACustomersReplyReachesTheRep(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.signal(5*hour, SignalCustomerReplied, CustomerRepliedSignal{Channel: ChannelSMS, Text: "yes, call me tomorrow", MessageID: "SM1"})
	h.complete(6*hour, "reply-1", "alice", TaskAnswers{Notes: "called back, booked a call for Tuesday"})
	h.signal(3*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	_, st := h.run()

	if len(st.Replies) != 1 || st.Replies[0].Text != "yes, call me tomorrow" || st.Replies[0].TaskID != "reply-1" {
		t.Fatalf("replies %+v", st.Replies)
	}
	task := taskByID(st, "reply-1")
	if task == nil || task.Kind != TaskAnswerReply || task.Assignee != "alice" || task.Status != TaskDone {
		t.Fatalf("reply task %+v", task)
	}
	if strings.Contains(task.Title, "call me") {
		t.Errorf("the task's title %q holds the customer's words: titles go to the task index in clear", task.Title)
	}
}

// After a rep corrects the email, the campaign's status shows the corrected one (the inbox reads
// it there, not from the run's first event).
func TestTheStatusShowsTheCorrectedContact(t *testing.T) {
	h := newHarness(t)
	h.failSend = func(ch Channel, step string) error {
		if ch == ChannelEmail && step == "revisit-email" {
			return temporal.NewNonRetryableApplicationError("invalid", activities.ErrInvalidRecipient, nil)
		}
		return nil
	}
	h.happyPath(interview, pursue)
	h.complete(5*hour, "fix-contact-email", "alice", TaskAnswers{Email: "dana.reyes@acme.example"})
	h.signal(2*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})
	_, st := h.run()
	if st.Contact.Email != "dana.reyes@acme.example" || st.Contact.Phone != "+12125550142" {
		t.Errorf("contact %+v: want the corrected email and the phone", st.Contact)
	}
}
