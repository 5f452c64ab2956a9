// Package billing closes the loop with Stripe: a cancellation launches a campaign, the
// customer paying again ends it as won back (with the new revenue, crediting the offer whose
// coupon they used), and an incentive becomes a coupon and a promotion code they redeem when
// they resubscribe through Checkout. Without Stripe keys none of it runs.
//
// The types and the Stripe interface below are what the webhooks, the CLI's backfill, the
// offer page and the activities build on. Client implements Stripe with stripe-go v84 against
// api.stripe.com or stripe-mock (which the tests start); CancellationOf and ReturnOf read the
// subscriptions of webhook events; Cancellation.Row makes the row a launch checks, so a
// cancellation is validated and reported exactly as a CSV row is.
package billing

import (
	"context"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/config"
)

// Config is billing's configuration. config reads and checks it (STRIPE_API_KEY...) and
// defines it: config cannot import billing, which builds launch rows (launch reaches config
// through campaigns).
type Config = config.Billing

// Customer is a Stripe customer as a campaign needs it. Metadata keys the launch reads:
// winback_customer_id (our ID when it is not Stripe's), company, segment, timezone, rep, manager.
type Customer struct {
	ID       string // cus_...
	Name     string
	Email    string
	Phone    string
	Metadata map[string]string
}

// Cancellation is a subscription that ended, or will at the end of its period.
type Cancellation struct {
	Customer       Customer
	SubscriptionID string
	PriceID        string // the first item's price: what a return resubscribes to
	Quantity       int64  // the first item's quantity (seats)
	Currency       string // ISO 4217, lower case
	// AnnualValue is what the subscription was worth a year, in currency units: every item's
	// price times its quantity, annualised from its interval.
	AnnualValue float64
	// At is when it ended, or (Scheduled) when it will.
	At        time.Time
	Scheduled bool
	// Feedback is cancellation_details.feedback ("too_expensive"...); Comment, the customer's words.
	Feedback, Comment string
}

// Return is a customer paying again: a new subscription, or a paid invoice.
type Return struct {
	CustomerID     string
	SubscriptionID string
	Currency       string
	AnnualValue    float64
	Coupons        []string // the coupons its discounts came from
	At             time.Time
}

// CheckoutRequest asks for a Checkout Session in subscription mode: the customer resubscribes
// to Quantity of PriceID with the promotion code applied.
type CheckoutRequest struct {
	Key             string // idempotency: the offer's workflow, first run and offer IDs
	CustomerID      string
	PriceID         string
	Quantity        int64 // seats; 1 when zero
	PromotionCodeID string
	SuccessURL      string
	CancelURL       string
}

// Stripe is what winback asks of Stripe; Client implements it, tests may fake it.
type Stripe interface {
	activities.Coupons
	// Customer reads a customer.
	Customer(ctx context.Context, id string) (Customer, error)
	// Cancellation reads a subscription by ID (with its customer) as a cancellation.
	Cancellation(ctx context.Context, subscriptionID string) (Cancellation, error)
	// Cancellations lists the subscriptions cancelled since (by canceled_at), for the backfill.
	Cancellations(ctx context.Context, since time.Time) ([]Cancellation, error)
	// ActiveSubscriptions lists the IDs of the customer's subscriptions that still bill them
	// (active, trialing or past due): a customer who holds one is not lost.
	ActiveSubscriptions(ctx context.Context, customerID string) ([]string, error)
	// SubscriptionReturn reads a new or renewed subscription (its discounts expanded) as a return.
	SubscriptionReturn(ctx context.Context, subscriptionID string) (Return, error)
	// CheckoutURL makes a Checkout Session and returns its URL.
	CheckoutURL(ctx context.Context, r CheckoutRequest) (string, error)
}
