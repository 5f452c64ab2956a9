package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// acts names the send activities by their methods: acts.SendEmail runs the activity the worker
// registered as "SendEmail" (a nil receiver names it; the worker's Activities runs it). They run
// as local activities: one marker in the history per message instead of three events and a
// workflow task, with the same retries, and the send ledger keeps a re-run from sending twice.
var acts *activities.Activities

// sendRetry retries provider outages, rate limits and timeouts with backoff; the errors the
// workflow acts on instead (a bad address, an opt-out at the provider) are not retried.
var sendRetry = &temporal.RetryPolicy{
	InitialInterval:    2 * time.Second,
	BackoffCoefficient: 2,
	MaximumInterval:    5 * time.Minute,
	NonRetryableErrorTypes: []string{
		activities.ErrInvalidRecipient, activities.ErrRecipientOptedOut,
		activities.ErrProviderAuth, activities.ErrProviderRejected, activities.ErrInvalidRequest,
		activities.ErrSuppressed,
	},
}

// sendTimeout bounds how long a provider outage may delay one message before the campaign
// records it as failed and moves on.
const sendTimeout = 72 * time.Hour

func sendOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: sendTimeout,
		RetryPolicy:            sendRetry,
		Summary:                summary,
	})
}

// reach sends a message to the customer: on the preferred channel, or on the other one when the
// customer opted out of it or its address is invalid. A call channel is not a message. It
// reports whether a message went out.
func (c *campaign) reach(ctx workflow.Context, step string, prefer Channel, template string) bool {
	for _, ch := range []Channel{prefer, other(prefer)} {
		if c.closed() {
			return false
		}
		if reason := c.cannotUse(ch); reason != "" {
			c.record(ctx, Message{Step: step, Channel: ch, Template: template, Status: reason, Error: c.consentWhy(ch)})
			continue
		}
		c.waitUntilAllowed(ctx, ch)
		if c.closed() || c.cannotUse(ch) != "" {
			continue
		}
		if c.send(ctx, step, ch, template) {
			return true
		}
	}
	return false
}

func other(ch Channel) Channel {
	if ch == ChannelEmail {
		return ChannelSMS
	}
	return ChannelEmail
}

// cannotUse says why a channel cannot carry a message now ("" when it can).
func (c *campaign) cannotUse(ch Channel) string {
	switch {
	case c.optedOut(ch):
		return "skipped_opted_out"
	case slices.Contains(c.st.Unreachable, ch):
		return "skipped_unreachable"
	case ch == ChannelEmail && c.in.Customer.Email == "", ch == ChannelSMS && c.in.Customer.Phone == "":
		return "skipped_no_contact"
	}
	return ""
}

// waitUntilAllowed holds a message until the frequency cap allows it and, for SMS, until the
// quiet hours of the customer's time zone are over.
func (c *campaign) waitUntilAllowed(ctx workflow.Context, ch Channel) {
	for !c.closed() {
		now := workflow.Now(ctx)
		at := capUntil(now, c.sentAt, c.pb.FrequencyCap)
		why := "frequency cap"
		if ch == ChannelSMS {
			if q := quietUntil(at, c.customer, c.pb.QuietHours); q.After(at) {
				at, why = q, "quiet hours in "+c.customer.String()
			}
		}
		if !at.After(now) {
			return
		}
		c.wait(ctx, at, fmt.Sprintf("Hold %s until %s (%s)", ch, at.In(c.customer).Format("Mon 15:04 MST"), why))
	}
}

// send runs one send activity and records the message. It reports whether it went out.
func (c *campaign) send(ctx workflow.Context, step string, ch Channel, template string) bool {
	wid := workflow.GetInfo(ctx).WorkflowExecution.ID
	key := c.sendKey(ctx, step, ch)
	data := c.withOffer(ctx, c.messageData())
	summary := fmt.Sprintf("%s %s: %s", step, ch, template)
	var res activities.SendResult
	var err error
	if ch == ChannelEmail {
		err = workflow.ExecuteLocalActivity(sendOptions(ctx, summary), acts.SendEmail, activities.EmailRequest{
			Key: key, WorkflowID: wid, Step: step, To: c.in.Customer.Email, ToName: c.in.Customer.Name,
			Template: template, Data: data,
		}).Get(ctx, &res)
	} else {
		err = workflow.ExecuteLocalActivity(sendOptions(ctx, summary), acts.SendSMS, activities.SMSRequest{
			Key: key, WorkflowID: wid, Step: step, To: c.in.Customer.Phone, Template: template, Data: data,
		}).Get(ctx, &res)
	}
	m := Message{Step: step, Channel: ch, Template: template}
	if err != nil {
		m.Status, m.Error = c.sendFailed(ctx, ch, err)
		c.record(ctx, m)
		return false
	}
	m.Status, m.Provider, m.MessageID = "sent", res.Provider, res.MessageID
	if res.Deduplicated {
		m.Status = "sent_deduplicated"
	}
	c.sentAt = append(c.sentAt, workflow.Now(ctx))
	c.record(ctx, m)
	return true
}

// sendFailed acts on a failed send: an invalid address makes the channel unreachable and gives
// the rep a task to fix it; an opt-out at the provider is an opt-out here too.
func (c *campaign) sendFailed(ctx workflow.Context, ch Channel, err error) (status, detail string) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		return "failed", err.Error()
	}
	switch appErr.Type() {
	case activities.ErrInvalidRecipient:
		c.st.Unreachable = append(c.st.Unreachable, ch)
		c.openFixContactTask(ctx, ch, appErr.Message())
		return "failed_invalid", appErr.Message()
	case activities.ErrRecipientOptedOut:
		c.noteConsent(ch, appErr.Message(), workflow.Now(ctx))
		c.optOut(ctx, OptOutSignal{Channel: ch, Source: "provider"})
		return "failed_opted_out", appErr.Message()
	case activities.ErrSuppressed:
		return "skipped_opted_out", c.suppressed(ctx, ch, appErr)
	}
	return "failed", appErr.Message()
}

func (c *campaign) openFixContactTask(ctx workflow.Context, ch Channel, why string) {
	id := FixContactID(ch, 1)
	for n := 2; c.task(id) != nil; n++ {
		id = FixContactID(ch, n)
	}
	t := c.openTask(ctx, id, TaskFixContact, fmt.Sprintf("Fix the customer's %s: the provider rejected it", ch), c.st.Rep, c.pb.FixContactDue)
	c.refresh(ctx)
	if c.v2() { // tell the rep, by email, what to fix and why
		c.notifyStaff(ctx, *t, Escalation{TaskID: id, Kind: "fix_contact", To: t.Assignee, At: workflow.Now(ctx), Note: why})
	}
}

// fixContact applies a corrected email or phone from a fix-contact task.
func (c *campaign) fixContact(a TaskAnswers) {
	if a.Email != "" {
		c.in.Customer.Email = a.Email
		c.st.Unreachable = slices.DeleteFunc(c.st.Unreachable, func(ch Channel) bool { return ch == ChannelEmail })
	}
	if a.Phone != "" {
		c.in.Customer.Phone = a.Phone
		c.st.Unreachable = slices.DeleteFunc(c.st.Unreachable, func(ch Channel) bool { return ch == ChannelSMS })
	}
	c.st.Contact = Contact{Email: c.in.Customer.Email, Phone: c.in.Customer.Phone}
}

func (c *campaign) record(ctx workflow.Context, m Message) {
	m.At = workflow.Now(ctx)
	c.st.Messages = append(c.st.Messages, m)
	c.logger.Info("Message", "Step", m.Step, "Channel", m.Channel, "Status", m.Status)
}

// messageData personalises the templates: the customer, the rep, and the plan.
func (c *campaign) messageData() activities.MessageData {
	rep := c.person(c.st.Rep)
	d := activities.MessageData{
		CustomerName: c.in.Customer.Name, Company: c.in.Customer.Company,
		RepName: nameOf(rep), RepEmail: rep.Email, Reason: string(c.st.Reason),
		Competitor: c.in.Departure.Competitor, CheckInNumber: c.st.CheckInsDone + 1,
		Apology: c.st.Reason == ReasonLetDown,
	}
	if dec := c.st.Decision; dec != nil {
		d.WhatWeChanged, d.Offer, d.OfferDetails = dec.WhatWeChanged, string(dec.Offer), dec.OfferDetails
	}
	return d
}

func nameOf(p Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// notifyStaff tells a rep or manager about a reminder or escalation: by email when we know
// their address, otherwise as a marker in the history. Either way the UI shows it.
func (c *campaign) notifyStaff(ctx workflow.Context, t Task, e Escalation) {
	summary := fmt.Sprintf("%s for %s: task %s %s", e.Kind, e.To, t.ID, e.Note)
	p := c.person(e.To)
	if p.Email == "" {
		workflow.SideEffectWithOptions(ctx, workflow.SideEffectOptions{Summary: summary},
			func(workflow.Context) any { return summary })
		return
	}
	wid := workflow.GetInfo(ctx).WorkflowExecution.ID
	step := fmt.Sprintf("%s-%s-%s", e.Kind, t.ID, e.To)
	template := "reminder"
	switch e.Kind {
	case "reminder":
	case "fix_contact":
		template = "fix_contact"
	default:
		template = "escalation"
	}
	data := c.messageData()
	data.TaskID, data.TaskTitle, data.TaskDue, data.Note = t.ID, t.Title, t.Due.Format(time.RFC1123), e.Note
	var res activities.SendResult
	err := workflow.ExecuteLocalActivity(sendOptions(ctx, summary), acts.SendEmail, activities.EmailRequest{
		Key: c.sendKey(ctx, step, ChannelEmail), WorkflowID: wid, Step: step, To: p.Email, ToName: nameOf(p),
		Template: template, Data: data, Staff: true,
	}).Get(ctx, &res)
	if err != nil {
		c.logger.Warn("Staff notice failed", "To", e.To, "Error", err)
	}
}
