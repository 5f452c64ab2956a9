package billing

import (
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"
)

// CancellationOf reads a subscription (as the API or a webhook event gives it) as a
// cancellation. Only the customer's ID is known from it: Client.Cancellation reads the rest.
// A subscription whose status is canceled is a cancellation at its end (ended_at); one still
// running is a scheduled
// cancellation when it is set to cancel (cancel_at, or cancel_at_period_end: at the end of
// its current period); any other is an error, as are an unknown currency and an interval
// that cannot be annualised.
func CancellationOf(sub *stripe.Subscription) (Cancellation, error) {
	if sub == nil {
		return Cancellation{}, unreadable("no subscription")
	}
	cn := Cancellation{
		Customer:       Customer{ID: customerID(sub)},
		SubscriptionID: sub.ID,
		Currency:       currencyOf(sub),
	}
	if cn.Customer.ID == "" {
		return Cancellation{}, unreadable("subscription %s has no customer", sub.ID)
	}
	if d := sub.CancellationDetails; d != nil {
		cn.Feedback, cn.Comment = string(d.Feedback), d.Comment
	}
	items := itemsOf(sub)
	if len(items) > 0 && items[0].Price != nil {
		cn.PriceID, cn.Quantity = items[0].Price.ID, items[0].Quantity
	}

	switch {
	case sub.Status == stripe.SubscriptionStatusCanceled:
		cn.At = unix(firstNonZero(sub.EndedAt, sub.CanceledAt))
	case sub.CancelAt != 0:
		cn.At, cn.Scheduled = unix(sub.CancelAt), true
	case sub.CancelAtPeriodEnd:
		cn.At, cn.Scheduled = unix(periodEnd(items)), true
	default:
		return Cancellation{}, unreadable("subscription %s (status %s) is not cancelled, nor set to cancel", sub.ID, sub.Status)
	}

	value, err := AnnualValue(items, cn.Currency)
	if err != nil {
		return Cancellation{}, unreadable("subscription %s: %v", sub.ID, err)
	}
	cn.AnnualValue = value
	return cn, nil
}

// ReturnOf reads a new or renewed subscription as a customer's return. Its coupons are known
// only when its discounts are expanded (Client.SubscriptionReturn does; a webhook event holds
// only their IDs).
func ReturnOf(sub *stripe.Subscription) (Return, error) {
	if sub == nil {
		return Return{}, unreadable("no subscription")
	}
	r := Return{
		CustomerID:     customerID(sub),
		SubscriptionID: sub.ID,
		Currency:       currencyOf(sub),
		At:             unix(firstNonZero(sub.StartDate, sub.Created)),
	}
	if r.CustomerID == "" {
		return Return{}, unreadable("subscription %s has no customer", sub.ID)
	}
	value, err := AnnualValue(itemsOf(sub), r.Currency)
	if err != nil {
		return Return{}, unreadable("subscription %s: %v", sub.ID, err)
	}
	r.AnnualValue = value
	for _, d := range sub.Discounts {
		if d != nil && d.Source != nil && d.Source.Coupon != nil && d.Source.Coupon.ID != "" {
			r.Coupons = append(r.Coupons, d.Source.Coupon.ID)
		}
	}
	return r, nil
}

func customerID(sub *stripe.Subscription) string {
	if sub.Customer == nil {
		return ""
	}
	return sub.Customer.ID
}

// currencyOf is the subscription's currency, else its first price's, in lower case.
func currencyOf(sub *stripe.Subscription) string {
	c := string(sub.Currency)
	if items := itemsOf(sub); c == "" && len(items) > 0 && items[0].Price != nil {
		c = string(items[0].Price.Currency)
	}
	return strings.ToLower(c)
}

func itemsOf(sub *stripe.Subscription) []*stripe.SubscriptionItem {
	if sub.Items == nil {
		return nil
	}
	return sub.Items.Data
}

// periodEnd is when the current period ends: the latest of the items' (each item has its own
// period since the 2025-03-31 API).
func periodEnd(items []*stripe.SubscriptionItem) int64 {
	var end int64
	for _, it := range items {
		if it != nil {
			end = max(end, it.CurrentPeriodEnd)
		}
	}
	return end
}

func firstNonZero(vs ...int64) int64 {
	for _, v := range vs {
		if v != 0 {
			return v
		}
	}
	return 0
}

// unix is a Stripe timestamp as a UTC time; zero stays the zero time.
func unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
