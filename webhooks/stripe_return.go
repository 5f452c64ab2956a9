package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// subscriptionCreated ends the campaign of a customer who subscribed again, as won back.
func (h *Handler) subscriptionCreated(ctx context.Context, ev stripe.Event) (stripeOutcome, error) {
	var sub stripe.Subscription
	if err := decodeObject(ev, &sub); err != nil {
		return "", err
	}
	return h.customerPaid(ctx, customerOf(&sub), sub.ID, false)
}

// invoicePaid ends the campaign of a customer who paid a subscription's invoice, as won back.
// An invoice of no subscription (a one-off) is not a return.
func (h *Handler) invoicePaid(ctx context.Context, ev stripe.Event) (stripeOutcome, error) {
	var inv invoice
	if err := decodeObject(ev, &inv); err != nil {
		return "", err
	}
	subID := inv.subscription()
	if subID == "" {
		return "ignored: the invoice is not a subscription's", nil
	}
	return h.customerPaid(ctx, inv.Customer.ID, subID, false)
}

// cancellationWithdrawn tells the campaign launched from the subscription's scheduled
// cancellation that the customer stays: they kept paying it.
func (h *Handler) cancellationWithdrawn(ctx context.Context, sub *stripe.Subscription) (stripeOutcome, error) {
	return h.customerPaid(ctx, customerOf(sub), sub.ID, true)
}

// customerPaid signals CustomerReturned to the campaign of the Stripe customer who pays the
// subscription, with what it is worth a year and the coupons it used. withdrawn says the
// subscription is the one whose scheduled cancellation launched the campaign, and it was taken
// back. Otherwise a payment of the subscription whose cancellation launched the campaign is no
// return (a customer set to cancel pays until the end; a cancelled one may pay a final
// invoice), so the campaign is left alone; so is a payment of a subscription begun before the
// campaign launched (a renewal of one the customer kept). A customer with no campaign, or one that
// has closed, is not an error: most payments are not returns.
func (h *Handler) customerPaid(ctx context.Context, billingCustomer, subID string, withdrawn bool) (stripeOutcome, error) {
	if billingCustomer == "" {
		return "", problemf("", "", "subscription %s names no customer", subID)
	}
	cu, err := h.stripe.client.Customer(ctx, billingCustomer)
	if err != nil {
		if billing.Retryable(err) {
			return "", err
		}
		return "", problemf(billingCustomer, "", "customer of subscription %s: %v", subID, err)
	}
	customerID := cu.CampaignID()

	// The campaign's input says whether it came from billing and which subscription; reading it
	// first also spares Stripe a call for the many customers who have no campaign.
	in, err := h.client.Input(ctx, customerID)
	switch {
	case errors.Is(err, campaigns.ErrNotFound):
		return stripeOutcome(fmt.Sprintf("customer %s has no campaign; nothing to end", customerID)), nil
	case err != nil:
		return "", fmt.Errorf("%w: read the campaign of %s: %w", errTemporal, customerID, err)
	}
	sameSub := in.Billing != nil && in.Billing.SubscriptionID == subID
	switch {
	case withdrawn && !(sameSub && in.Billing.Scheduled):
		return stripeOutcome(fmt.Sprintf("customer %s's campaign was not launched from this scheduled cancellation; nothing to end", customerID)), nil
	case !withdrawn && sameSub:
		return stripeOutcome(fmt.Sprintf("subscription %s is the one whose cancellation launched campaign %s: paying it is no return, the campaign goes on",
			subID, workflows.WorkflowID(customerID))), nil
	}

	r, err := h.stripe.client.SubscriptionReturn(ctx, subID)
	if err != nil {
		if billing.Retryable(err) {
			return "", err
		}
		return "", problemf(billingCustomer, customerID, "the return of customer %s (subscription %s) cannot be read: %v", customerID, subID, err)
	}
	if !withdrawn {
		// A renewal of a subscription the customer kept (another plan than the one they
		// cancelled) is no return: only a subscription begun since the campaign launched is.
		st, err := h.client.Status(ctx, customerID)
		switch {
		case errors.Is(err, campaigns.ErrNotFound):
			return stripeOutcome(fmt.Sprintf("customer %s has no campaign; nothing to end", customerID)), nil
		case err != nil:
			return "", fmt.Errorf("%w: read the campaign of %s: %w", errTemporal, customerID, err)
		case !r.At.IsZero() && r.At.Before(st.Launched.Truncate(time.Second)): // Stripe counts in seconds
			return stripeOutcome(fmt.Sprintf("subscription %s began %s, before campaign %s launched (%s): a renewal, no return; the campaign goes on",
				subID, r.At.UTC().Format(time.DateOnly), workflows.WorkflowID(customerID), st.Launched.UTC().Format(time.DateOnly))), nil
		}
	}
	sig := workflows.CustomerReturnedSignal{Source: stripeSource, Revenue: r.AnnualValue, Currency: r.Currency,
		Subscription: r.SubscriptionID, Coupons: r.Coupons, Note: returnNote(subID, withdrawn)}
	err = h.client.CustomerReturned(ctx, customerID, sig)
	wid := workflows.WorkflowID(customerID)
	switch {
	case err == nil:
		return stripeOutcome(fmt.Sprintf("campaign %s told the customer returned (subscription %s, %v %s a year)", wid, subID, r.AnnualValue, r.Currency)), nil
	case errors.Is(err, campaigns.ErrClosed), errors.Is(err, campaigns.ErrNotFound):
		return stripeOutcome(fmt.Sprintf("campaign %s has closed; nothing to end", wid)), nil
	case errors.Is(err, campaigns.ErrInvalidRequest):
		return "", problemf(billingCustomer, customerID, "Temporal refused the return of customer %s (subscription %s): %v", customerID, subID, err)
	}
	return "", fmt.Errorf("%w: signal %s: %w", errTemporal, wid, err)
}

// returnNote says, on the campaign, what billing saw.
func returnNote(subID string, withdrawn bool) string {
	if withdrawn {
		return "Stripe: the scheduled cancellation of " + subID + " was withdrawn"
	}
	return "Stripe: paid subscription " + subID
}

// invoice is the part of a Stripe invoice a return needs. Its subscription is at
// parent.subscription_details.subscription since API 2025-03-31, and at subscription before:
// an endpoint on an older API version sends the older shape.
type invoice struct {
	Customer expandable `json:"customer"`
	Parent   *struct {
		SubscriptionDetails *struct {
			Subscription expandable `json:"subscription"`
		} `json:"subscription_details"`
	} `json:"parent"`
	Subscription expandable `json:"subscription"` // before 2025-03-31
}

func (inv invoice) subscription() string {
	if inv.Parent != nil && inv.Parent.SubscriptionDetails != nil && inv.Parent.SubscriptionDetails.Subscription.ID != "" {
		return inv.Parent.SubscriptionDetails.Subscription.ID
	}
	return inv.Subscription.ID
}

// expandable is a Stripe reference: an ID, or the object it names (expanded), or null.
type expandable struct{ ID string }

// UnmarshalJSON implements json.Unmarshaler.
func (e *expandable) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &e.ID)
	}
	var obj struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	e.ID = obj.ID
	return nil
}
