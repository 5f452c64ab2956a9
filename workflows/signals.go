package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"
)

// signalHandler receives one kind of signal and applies it to the campaign.
type signalHandler struct {
	ch      workflow.ReceiveChannel
	receive func(ctx workflow.Context, async bool) bool // false when async and nothing waits
}

func onSignal[T any](ctx workflow.Context, name string, apply func(workflow.Context, T)) signalHandler {
	ch := workflow.GetSignalChannel(ctx, name)
	return signalHandler{ch: ch, receive: func(ctx workflow.Context, async bool) bool {
		var sig T
		if async {
			if !ch.ReceiveAsync(&sig) {
				return false
			}
		} else {
			ch.Receive(ctx, &sig)
		}
		apply(ctx, sig)
		return true
	}}
}

// listenForEvents handles, at any stage, the events that arrive as signals: the customer
// returned, opted out or back in, ops cancelled, or a provider reported on a message.
func (c *campaign) listenForEvents(ctx workflow.Context) {
	c.signals = []signalHandler{
		onSignal(ctx, SignalCustomerReturned, c.customerReturned),
		onSignal(ctx, SignalOptOut, c.optOut),
		onSignal(ctx, SignalOptIn, c.optIn),
		onSignal(ctx, SignalCancel, c.cancel),
		onSignal(ctx, SignalMessageEvent, c.messageEvent),
		onSignal(ctx, SignalCustomerReplied, c.customerReplied),
		onSignal(ctx, SignalOfferResponse, c.offerResponse),
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		s := workflow.NewSelector(ctx)
		for _, h := range c.signals {
			s.AddReceive(h.ch, func(workflow.ReceiveChannel, bool) { h.receive(ctx, false) })
		}
		for {
			s.Select(ctx)
		}
	})
}

// drainSignals handles every signal already delivered, so none is lost at continue-as-new.
func (c *campaign) drainSignals(ctx workflow.Context) {
	for again := true; again; {
		again = false
		for _, h := range c.signals {
			for h.receive(ctx, true) {
				again = true
			}
		}
	}
}

// cancel ends the campaign as cancelled by ops.
func (c *campaign) cancel(ctx workflow.Context, sig CancelSignal) {
	note := "cancelled by " + sig.By
	if sig.Reason != "" {
		note += ": " + sig.Reason
	}
	c.end(OutcomeCancelled, note)
	c.refresh(ctx)
}

// customerReturned ends the campaign as won back at once, whatever it was waiting for.
func (c *campaign) customerReturned(ctx workflow.Context, sig CustomerReturnedSignal) {
	note := "the customer returned (" + sig.Source + ")"
	if sig.Note != "" {
		note += ": " + sig.Note
	}
	if !c.closed() {
		c.billingReturn(ctx, sig)
	}
	c.end(OutcomeWonBack, note)
	c.refresh(ctx)
}

// optOut stops a channel at once. A customer who opted out of every channel we write on is
// not contacted again, by phone either: the campaign closes as opted out.
func (c *campaign) optOut(ctx workflow.Context, sig OptOutSignal) {
	if sig.Channel != ChannelEmail && sig.Channel != ChannelSMS {
		c.logger.Warn("Ignored opt-out for an unknown channel", "Channel", sig.Channel)
		return
	}
	c.noteConsent(sig.Channel, fmt.Sprintf("opted out of %s (%s) on %s", sig.Channel, sig.Source, workflow.Now(ctx).UTC().Format(time.DateOnly)), workflow.Now(ctx))
	if !c.optedOut(sig.Channel) {
		c.count(ctx, "winback_opt_outs", "channel", string(sig.Channel))
		c.st.OptedOut = append(c.st.OptedOut, sig.Channel)
		c.logger.Info("Customer opted out", "Channel", sig.Channel, "Source", sig.Source)
	}
	if c.optedOut(ChannelEmail) && c.optedOut(ChannelSMS) {
		c.end(OutcomeOptedOut, "the customer opted out of email and SMS: "+c.consentWhy(ChannelEmail)+"; "+c.consentWhy(ChannelSMS))
	}
	c.refresh(ctx)
}

// optIn restores a channel (START for SMS).
func (c *campaign) optIn(ctx workflow.Context, sig OptInSignal) {
	c.st.OptedOut = slices.DeleteFunc(c.st.OptedOut, func(ch Channel) bool { return ch == sig.Channel })
	c.st.Consent = slices.DeleteFunc(c.st.Consent, func(n ConsentNote) bool { return n.Channel == sig.Channel })
	c.logger.Info("Customer opted back in", "Channel", sig.Channel, "Source", sig.Source)
	c.refresh(ctx)
}

func (c *campaign) optedOut(ch Channel) bool { return slices.Contains(c.st.OptedOut, ch) }

// lateFailures are the provider events that say, after a message was accepted, that it never
// reached the customer: the address or number does not work.
var lateFailures = map[Channel][]string{ChannelEmail: {"bounce", "dropped"}, ChannelSMS: {"failed", "undelivered"}}

// messageEvent records what the provider said about a message (once per kind of event). A
// failure that arrives later acts like a refusal at send time does (v2 campaigns): the channel
// is unreachable until a rep fixes it, the rep gets the task, and the message goes again on the
// other channel. A bounce is not an opt-out: a corrected address is used again.
func (c *campaign) messageEvent(ctx workflow.Context, sig MessageEventSignal) {
	for i := range c.st.Messages {
		m := &c.st.Messages[i]
		if m.MessageID == "" || m.MessageID != sig.MessageID || slices.Contains(m.Events, sig.Event) {
			continue
		}
		m.Events = append(m.Events, sig.Event)
		if c.v2() && slices.Contains(lateFailures[m.Channel], sig.Event) && strings.HasPrefix(m.Status, "sent") {
			c.failedLate(ctx, i, sig.Event)
		}
	}
}

// failedLate acts on a message the provider gave up on after accepting it.
func (c *campaign) failedLate(ctx workflow.Context, i int, event string) {
	m := &c.st.Messages[i]
	m.Status = "failed_late"
	m.Error = fmt.Sprintf("the provider reported %q after the send: the customer's %s does not work", event, m.Channel)
	if !slices.Contains(c.st.Unreachable, m.Channel) {
		c.st.Unreachable = append(c.st.Unreachable, m.Channel)
		c.openFixContactTask(ctx, m.Channel, m.Error)
	}
	c.refresh(ctx)
	step, template, ch := m.Step, m.Template, other(m.Channel)
	if c.closed() || slices.ContainsFunc(c.st.Messages, func(x Message) bool {
		return x.Step == step && x.Channel == ch && strings.HasPrefix(x.Status, "sent")
	}) {
		return
	}
	// The same step on the other channel, beside the story (the stage that sent it has moved on).
	c.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { c.sending-- }()
		if reason := c.cannotUse(ch); reason != "" {
			c.record(ctx, Message{Step: step, Channel: ch, Template: template, Status: reason, Error: c.consentWhy(ch)})
			return
		}
		c.waitUntilAllowed(ctx, ch)
		if !c.closed() && c.cannotUse(ch) == "" {
			c.send(ctx, step, ch, template)
		}
	})
}

// customerReplied keeps what the customer wrote us on the campaign, and gives the rep a task to
// answer it: a reply ("yes, call me tomorrow") must reach a person, not a log.
func (c *campaign) customerReplied(ctx workflow.Context, sig CustomerRepliedSignal) {
	if c.closed() {
		return
	}
	id := ReplyTaskID(len(c.st.Replies) + 1)
	at := sig.At
	if at.IsZero() {
		at = workflow.Now(ctx)
	}
	c.st.Replies = append(c.st.Replies, Reply{Channel: sig.Channel, Text: sig.Text, At: at, TaskID: id})
	c.logger.Info("The customer replied", "Channel", sig.Channel, "TaskID", id)
	c.openTask(ctx, id, TaskAnswerReply, fmt.Sprintf("Answer the customer's reply (%s, see the campaign's replies)", sig.Channel),
		c.st.Rep, c.pb.CallDue)
	c.refresh(ctx)
}
