package billing_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/billing"
)

// deletedSubscription is data.object of a customer.subscription.deleted event, as Stripe
// sends it (API 2026-02-25.clover): the customer is an ID, the period lives on the items.
const deletedSubscription = `{"id":"sub_1","object":"subscription","customer":"cus_abc","status":"canceled","currency":"eur",
 "cancel_at":null,"cancel_at_period_end":false,"canceled_at":1767225600,"ended_at":1767225600,
 "cancellation_details":{"comment":"too pricey for me","feedback":"too_expensive","reason":"cancellation_requested"},
 "discounts":[],"metadata":{},
 "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","quantity":2,
   "current_period_start":1764547200,"current_period_end":1767225600,
   "price":{"id":"price_1","object":"price","currency":"eur","unit_amount":1500,"type":"recurring",
            "recurring":{"interval":"month","interval_count":1,"usage_type":"licensed"}}}]}}`

func decodeSubscription(t *testing.T, raw string) *stripe.Subscription {
	t.Helper()
	var sub stripe.Subscription
	if err := json.Unmarshal([]byte(raw), &sub); err != nil {
		t.Fatal(err)
	}
	return &sub
}

func TestCancellationOfAnEndedSubscription(t *testing.T) {
	cn, err := billing.CancellationOf(decodeSubscription(t, deletedSubscription))
	if err != nil {
		t.Fatal(err)
	}
	want := billing.Cancellation{
		Customer: billing.Customer{ID: "cus_abc"}, SubscriptionID: "sub_1", PriceID: "price_1", Quantity: 2, Currency: "eur",
		AnnualValue: 360, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Feedback: "too_expensive", Comment: "too pricey for me",
	}
	if !equalCancellation(cn, want) {
		t.Errorf("CancellationOf =\n%+v\nwant\n%+v", cn, want)
	}
}

func equalCancellation(a, b billing.Cancellation) bool {
	return a.Customer.ID == b.Customer.ID && a.SubscriptionID == b.SubscriptionID && a.PriceID == b.PriceID &&
		a.Quantity == b.Quantity && a.Currency == b.Currency && a.AnnualValue == b.AnnualValue && a.At.Equal(b.At) && a.Scheduled == b.Scheduled &&
		a.Feedback == b.Feedback && a.Comment == b.Comment
}

func TestScheduledCancellations(t *testing.T) {
	periodEnd := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	atPeriodEnd := &stripe.Subscription{
		ID: "sub_2", Customer: &stripe.Customer{ID: "cus_2"}, Status: stripe.SubscriptionStatusActive, Currency: "usd",
		CancelAtPeriodEnd: true, CanceledAt: time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC).Unix(),
		Items: &stripe.SubscriptionItemList{Data: []*stripe.SubscriptionItem{
			func() *stripe.SubscriptionItem {
				it := item("a", 5000, 1, "usd", stripe.PriceRecurringIntervalMonth, 1)
				it.CurrentPeriodEnd = periodEnd.Unix()
				return it
			}(),
		}},
	}
	cn, err := billing.CancellationOf(atPeriodEnd)
	if err != nil || !cn.Scheduled || !cn.At.Equal(periodEnd) || cn.AnnualValue != 600 {
		t.Errorf("cancel at period end: %+v, %v; want scheduled for %s, 600 a year", cn, err, periodEnd)
	}

	cancelAt := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	atDate := *atPeriodEnd
	atDate.CancelAtPeriodEnd, atDate.CancelAt = false, cancelAt.Unix()
	if cn, err := billing.CancellationOf(&atDate); err != nil || !cn.Scheduled || !cn.At.Equal(cancelAt) {
		t.Errorf("cancel_at: %+v, %v; want scheduled for %s", cn, err, cancelAt)
	}

	running := *atPeriodEnd
	running.CancelAtPeriodEnd = false
	_, err = billing.CancellationOf(&running)
	if ae := appErr(t, err, billing.ErrTypeUnreadable); !ae.NonRetryable() || !strings.Contains(err.Error(), "not cancelled") {
		t.Errorf("a running subscription: %v, want a non-retryable error saying it is not cancelled", err)
	}
}

func TestCancellationOfUnreadableSubscriptions(t *testing.T) {
	unknown := decodeSubscription(t, strings.ReplaceAll(deletedSubscription, `"eur"`, `"xyz"`))
	_, err := billing.CancellationOf(unknown)
	appErr(t, err, billing.ErrTypeUnreadable)
	if !strings.Contains(err.Error(), `unknown currency "xyz"`) || !strings.Contains(err.Error(), "sub_1") {
		t.Errorf("error %q, want it to name the subscription and the unknown currency", err)
	}
	if billing.Retryable(err) {
		t.Error("an unknown currency is retryable; nothing a retry can fix")
	}
	noCustomer := decodeSubscription(t, strings.Replace(deletedSubscription, `"customer":"cus_abc",`, "", 1))
	if _, err := billing.CancellationOf(noCustomer); err == nil || !strings.Contains(err.Error(), "no customer") {
		t.Errorf("no customer: %v", err)
	}
}

func TestReturnOfASubscriptionWithACoupon(t *testing.T) {
	// customer.subscription.created, its discounts expanded (Client.SubscriptionReturn asks so):
	// since the 2025-09-30 API the coupon is under discount.source.
	sub := decodeSubscription(t, `{"id":"sub_2","object":"subscription","customer":"cus_abc","status":"active","currency":"eur",
	 "start_date":1767312000,"created":1767311000,
	 "discounts":[{"id":"di_1","object":"discount","promotion_code":"promo_1",
	   "source":{"type":"coupon","coupon":{"id":"winback_0123","object":"coupon","amount_off":1234,"currency":"eur","duration":"once"}}}],
	 "items":{"object":"list","data":[{"id":"si_2","object":"subscription_item","quantity":1,
	   "price":{"id":"price_1","object":"price","currency":"eur","unit_amount":1500,"recurring":{"interval":"month","interval_count":1}}}]}}`)
	r, err := billing.ReturnOf(sub)
	if err != nil {
		t.Fatal(err)
	}
	if r.CustomerID != "cus_abc" || r.SubscriptionID != "sub_2" || r.Currency != "eur" || r.AnnualValue != 180 ||
		len(r.Coupons) != 1 || r.Coupons[0] != "winback_0123" || !r.At.Equal(time.Unix(1767312000, 0)) {
		t.Errorf("ReturnOf = %+v", r)
	}

	// In the event itself the discounts are only IDs: no coupon is known, nothing breaks.
	unexpanded := decodeSubscription(t, `{"id":"sub_2","customer":"cus_abc","currency":"usd","discounts":["di_1"],"items":{"data":[]}}`)
	if r, err := billing.ReturnOf(unexpanded); err != nil || len(r.Coupons) != 0 {
		t.Errorf("ReturnOf(discount IDs) = %+v, %v", r, err)
	}
}
