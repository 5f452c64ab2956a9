package webhooks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/launch"
)

// subscriptionDeleted launches the campaign of a customer whose subscription ended.
//
// The subscription is read from the event, not again from Stripe: a deleted subscription
// cannot change any more, so the signed event is the final word, and reading it again would
// cost a call (and, against stripe-mock, answer a fixture that never ended). The customer is
// read from Stripe: the event names only their ID.
func (h *Handler) subscriptionDeleted(ctx context.Context, ev stripe.Event) (stripeOutcome, error) {
	var sub stripe.Subscription
	if err := decodeObject(ev, &sub); err != nil {
		return "", err
	}
	return h.launchCancellation(ctx, &sub)
}

// subscriptionUpdated launches a campaign when the update schedules a cancellation and the
// playbook starts before the customer is out the door; and, when it withdraws one, tells the
// campaign that cancellation launched that the customer stays.
func (h *Handler) subscriptionUpdated(ctx context.Context, ev stripe.Event) (stripeOutcome, error) {
	var sub stripe.Subscription
	if err := decodeObject(ev, &sub); err != nil {
		return "", err
	}
	switch {
	case sub.Status == stripe.SubscriptionStatusCanceled:
		// Its customer.subscription.deleted launches the campaign.
		return "ignored: the subscription has ended; its deletion launches the campaign", nil
	case cancelScheduled(&sub):
		if !h.stripe.validator.Playbook.StartWhenCancelScheduled {
			return "ignored: the playbook starts campaigns when the subscription ends (startWhenCancelScheduled is false)", nil
		}
		return h.launchCancellation(ctx, &sub)
	case cancelWithdrawn(ev):
		return h.cancellationWithdrawn(ctx, &sub)
	}
	return "ignored: no cancellation scheduled or withdrawn", nil
}

// cancelScheduled reports whether a running subscription is set to cancel: at a date, or at
// the end of its period.
func cancelScheduled(sub *stripe.Subscription) bool {
	return sub.CancelAt != 0 || sub.CancelAtPeriodEnd
}

// cancelWithdrawn reports whether the update took back a scheduled cancellation: before it,
// the subscription was set to cancel (previous_attributes holds the fields it changed).
func cancelWithdrawn(ev stripe.Event) bool {
	prev := ev.Data.PreviousAttributes
	if v, ok := prev["cancel_at_period_end"].(bool); ok && v {
		return true
	}
	v, ok := prev["cancel_at"]
	return ok && v != nil
}

// launchCancellation checks the cancellation's row as a CSV launch checks a row, and starts its
// campaign as a CSV launch does (launch.Start, campaigns.FirstOnly): a customer whose campaign
// runs, or closed within Temporal's retention, is not started again, however many events say
// they cancelled (Stripe sends an update for every change of a subscription set to cancel). The
// suppression list holds for it as for any campaign: every send asks it.
func (h *Handler) launchCancellation(ctx context.Context, sub *stripe.Subscription) (stripeOutcome, error) {
	cn, err := billing.CancellationOf(sub)
	if err != nil {
		return "", problemf(customerOf(sub), "", "subscription %s cannot be read as a cancellation: %v", sub.ID, err)
	}
	if cn.Customer, err = h.stripe.client.Customer(ctx, cn.Customer.ID); err != nil {
		if billing.Retryable(err) {
			return "", err
		}
		return "", problemf(customerOf(sub), "", "customer of subscription %s: %v", sub.ID, err)
	}

	v := h.stripe.validator
	v.Now = h.now()
	in, problems := v.Check(cn.Row(h.stripe.cfg))
	if len(problems) > 0 {
		p := problemf(cn.Customer.ID, cn.Customer.CampaignID(), "customer %s (subscription %s) cannot start a campaign: %s; fix the customer in Stripe, then launch it by hand or with the backfill",
			cn.Customer.ID, sub.ID, rowProblems(problems))
		for _, rp := range problems {
			p.fields = append(p.fields, rp.Column)
		}
		return "", p
	}
	in.Billing = cn.Billing()

	// A customer who still pays for another subscription has not left: a plan changed by
	// cancelling one and starting another, or a new subscription whose event came first.
	active, err := h.stripe.client.ActiveSubscriptions(ctx, cn.Customer.ID)
	if err != nil {
		if billing.Retryable(err) {
			return "", err
		}
		return "", problemf(cn.Customer.ID, cn.Customer.CampaignID(), "the subscriptions of customer %s cannot be listed: %v", cn.Customer.ID, err)
	}
	if others := slices.DeleteFunc(active, func(id string) bool { return id == sub.ID }); len(others) > 0 {
		return stripeOutcome(fmt.Sprintf("customer %s still subscribes (%s): not lost, no campaign", cn.Customer.ID, strings.Join(others, ", "))), nil
	}

	res := launch.Start(ctx, h.client, launch.Launch{Input: in}, campaigns.FirstOnly)
	kind := "cancellation"
	if cn.Scheduled {
		kind = "scheduled cancellation"
	}
	switch res.Status {
	case launch.Launched:
		held := ""
		if res.Holdout {
			held = " (held out)"
		}
		return stripeOutcome(fmt.Sprintf("launched campaign %s%s for the %s of subscription %s", res.WorkflowID, held, kind, sub.ID)), nil
	case launch.AlreadyRunning:
		return stripeOutcome(fmt.Sprintf("campaign %s already running; nothing started", res.WorkflowID)), nil
	case launch.SkippedClosed:
		// Another loss of a customer whose campaign has closed, or a late event of the loss it
		// was about: which, a person knows. Kept for ops, not relaunched on its own.
		return "", problemf(cn.Customer.ID, res.CustomerID, "the %s of subscription %s was not launched: customer %s had a campaign that %s; if this is a new loss, relaunch it by hand (winback launch)",
			kind, sub.ID, res.CustomerID, res.Detail)
	}
	// Temporal did not start it (unreachable, or interrupted): Stripe sends the event again.
	return "", fmt.Errorf("%w: launch %s: %s", errTemporal, res.WorkflowID, res.Detail)
}

// rowProblems lists a row's problems by field: "email: is required (...); phone: ...".
func rowProblems(problems []launch.Problem) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.Column + ": " + p.Message
		if p.Column == "" {
			parts[i] = p.Message
		}
	}
	return strings.Join(parts, "; ")
}

// customerOf is the subscription's customer ID, or "".
func customerOf(sub *stripe.Subscription) string {
	if sub == nil || sub.Customer == nil {
		return ""
	}
	return sub.Customer.ID
}
