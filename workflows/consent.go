package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// Consent outlives a campaign. A customer who replied STOP, unsubscribed or asked a rep to stop
// is on the store's suppression list until they opt back in: the campaign learns those
// opt-outs at launch (and when a rep corrects a contact), the send activities refuse a message
// to a suppressed contact whatever the campaign believes, and an opt-out heard on a call is
// written there for every campaign to come.

// storeRetry retries a store that does not answer (a database restarting); the campaign waits.
var storeRetry = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Minute,
	NonRetryableErrorTypes: []string{activities.ErrInvalidRequest},
}

func storeOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: sendTimeout,
		RetryPolicy:            storeRetry,
		Summary:                summary,
	})
}

// learnStandingOptOuts indexes the customer's contacts (so an inbound SMS finds this campaign)
// and takes on the opt-outs that stand for them from earlier campaigns: a STOP holds until START.
func (c *campaign) learnStandingOptOuts(ctx workflow.Context) {
	if !c.v2() {
		return
	}
	c.indexContacts(ctx, c.in.Customer.Email, c.in.Customer.Phone, "Index the customer's contacts; read their standing opt-outs")
}

// indexContacts runs IndexContacts for the given contacts and applies the opt-outs it returns.
func (c *campaign) indexContacts(ctx workflow.Context, email, phone, summary string) {
	var res activities.ContactsResult
	err := workflow.ExecuteLocalActivity(storeOptions(ctx, summary), acts.IndexContacts, activities.ContactsRequest{
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, CustomerID: c.in.Customer.ID, Email: email, Phone: phone,
	}).Get(ctx, &res)
	if err != nil {
		// Only a store down for days gets here. The send activities still check every message.
		c.logger.Error("Contacts not indexed; standing opt-outs unknown (every send is still checked)", "Error", err)
		return
	}
	for _, o := range res.OptOuts {
		c.takeOptOut(ctx, Channel(o.Channel), o.Why, o.At)
	}
}

// takeOptOut closes a channel to this campaign, noting why (the campaign closes as opted out
// when no channel we write on is left).
func (c *campaign) takeOptOut(ctx workflow.Context, ch Channel, why string, at time.Time) {
	c.noteConsent(ch, why, at)
	c.optOut(ctx, OptOutSignal{Channel: ch, Source: "suppression list"})
}

// noteConsent records why a channel is closed, once per channel (the first reason stays).
func (c *campaign) noteConsent(ch Channel, why string, at time.Time) {
	if slices.ContainsFunc(c.st.Consent, func(n ConsentNote) bool { return n.Channel == ch }) {
		return
	}
	c.st.Consent = append(c.st.Consent, ConsentNote{Channel: ch, Why: why, At: at})
}

// consentWhy says why a channel is closed ("" when it is not).
func (c *campaign) consentWhy(ch Channel) string {
	for _, n := range c.st.Consent {
		if n.Channel == ch {
			return n.Why
		}
	}
	if c.optedOut(ch) {
		return "opted out of " + string(ch)
	}
	return ""
}

// suppressed acts on a send the suppression list refused: the channel is closed to this
// campaign, and the status says why.
func (c *campaign) suppressed(ctx workflow.Context, ch Channel, appErr *temporal.ApplicationError) string {
	var o activities.OptOut
	why := appErr.Message()
	at := workflow.Now(ctx)
	if appErr.HasDetails() && appErr.Details(&o) == nil {
		why, at = o.Why, o.At
	}
	c.takeOptOut(ctx, ch, why, at)
	return why
}

// recordOptOutHeard writes an opt-out the customer gave a person (on a call) to the store, so
// no later campaign writes to them either.
func (c *campaign) recordOptOutHeard(ctx workflow.Context, t Task) {
	if !c.v2() {
		return
	}
	detail := "on the " + string(t.Kind) + " " + t.ID
	err := workflow.ExecuteLocalActivity(storeOptions(ctx, "Record the customer's opt-out "+detail), acts.RecordOptOut, activities.OptOutRequest{
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Email: c.in.Customer.Email, Phone: c.in.Customer.Phone,
		Channels: []string{string(ChannelEmail), string(ChannelSMS)}, Source: "by_hand", Detail: detail, By: t.CompletedBy,
	}).Get(ctx, nil)
	if err != nil {
		c.logger.Error("The opt-out heard on a call was not written to the store", "Error", err)
	}
	now := workflow.Now(ctx)
	for _, ch := range []Channel{ChannelEmail, ChannelSMS} {
		c.noteConsent(ch, fmt.Sprintf("opted out of %s by hand (%s) on %s, recorded by %s", ch, detail, now.UTC().Format(time.DateOnly), t.CompletedBy), now)
	}
}

// sendKey is the send ledger's key of one message: the campaign (its first run, so the key
// holds across continue-as-new and differs for a relaunch), the step and the channel (an email
// and its SMS fallback are two messages). Campaigns started before the store keep their keys.
func (c *campaign) sendKey(ctx workflow.Context, step string, ch Channel) string {
	info := workflow.GetInfo(ctx)
	if !c.v2() {
		return info.WorkflowExecution.ID + "/" + step
	}
	first := info.FirstRunID
	if first == "" { // the SDK's test environment leaves it empty
		first = info.WorkflowExecution.RunID
	}
	return info.WorkflowExecution.ID + "/" + first + "/" + step + "/" + string(ch)
}
