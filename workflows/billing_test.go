package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
)

// fromBilling is a campaign launched from a Stripe cancellation.
func fromBilling(h *harness) {
	h.in.Billing = &Billing{Provider: "stripe", CustomerID: "cus_42", SubscriptionID: "sub_1", PriceID: "price_1", Currency: "usd"}
}

// incentive is a decision to pursue with an incentive worth 6,000 until the end of the year.
func incentive() TaskAnswers {
	d := pursue
	d.Offer, d.OfferDetails, d.OfferValue, d.OfferUntil = OfferIncentive, "three months free", "6000", "2026-12-31"
	return d
}

func TestAnIncentiveBecomesACouponBeforeItsEmailGoesOut(t *testing.T) {
	h := newHarness(t)
	fromBilling(h)
	unreachable := temporal.NewApplicationError("stripe: 503 Service Unavailable", "ProviderUnavailable")
	h.coupon = func(r activities.CouponRequest, attempt int) (activities.CouponResult, error) {
		if attempt <= 3 {
			return activities.CouponResult{}, unreachable // billing is down for a while
		}
		return activities.CouponResult{Coupon: "WB-7Q2X", PromotionCodeID: "promo_9", PromotionCode: "COMEBACK-7Q2X"}, nil
	}
	h.happyPath(interview, incentive())
	h.signal(5*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	_, st := h.run()

	if len(h.coupons) != 4 {
		t.Fatalf("billing was asked %d times, want 4 (three outages, then the coupon)", len(h.coupons))
	}
	r := h.coupons[0]
	if r.CustomerID != "cus_42" || r.Currency != "usd" || r.AmountOff != 6000 || r.Until != "2026-12-31" || r.OfferID != "offer-1" ||
		!strings.HasSuffix(r.Key, "/offer-1") || h.coupons[3].Key != r.Key {
		t.Errorf("coupon request = %+v; want the offer's terms for cus_42 in usd, one key for every attempt", r)
	}
	msgs := h.customerMessages()
	if len(msgs) == 0 || msgs[0].Step != StepRevisitEmail {
		t.Fatalf("messages = %+v, want the revisit email", msgs)
	}
	if got := msgs[0].Data.PromotionCode; got != "COMEBACK-7Q2X" {
		t.Errorf("revisit email promotion code = %q, want COMEBACK-7Q2X: the email waits for its code", got)
	}
	_, text, err := activities.Preview{PublicURL: "https://winback.example"}.Email(activities.EmailRequest{
		WorkflowID: WorkflowID(h.in.Customer.ID), Step: msgs[0].Step, To: msgs[0].To, Template: msgs[0].Template, Data: msgs[0].Data})
	if err != nil || !strings.Contains(text, "Accepting takes you to checkout with your code COMEBACK-7Q2X applied.") {
		t.Errorf("the revisit email (error %v) does not give the code:\n%s", err, text)
	}
	if o := offerByID(st, "offer-1"); o.Coupon != "WB-7Q2X" || o.PromotionCode != "COMEBACK-7Q2X" || o.PromotionCodeID != "promo_9" {
		t.Errorf("offer-1 = %+v, want its coupon and code kept", o)
	}
	if decided := monday9.Add(3 * hour); !msgs[0].At.After(decided) {
		t.Errorf("revisit email at %s, want it after billing came back (decided at %s)", msgs[0].At, decided)
	}
}

func TestACouponBillingRefusesWithdrawsTheOfferAndTellsTheManager(t *testing.T) {
	h := newHarness(t)
	fromBilling(h)
	h.coupon = func(activities.CouponRequest, int) (activities.CouponResult, error) {
		return activities.CouponResult{}, temporal.NewNonRetryableApplicationError("stripe: amount_off is too large", activities.ErrInvalidRequest, nil)
	}
	h.happyPath(interview, incentive())
	h.signal(5*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	_, st := h.run()

	if len(h.coupons) != 1 {
		t.Errorf("billing was asked %d times, want once: a refusal is final", len(h.coupons))
	}
	if o := offerByID(st, "offer-1"); o.Status != OfferWithdrawn || o.PromotionCode != "" {
		t.Errorf("offer-1 = %+v, want withdrawn without a code", o)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "amount_off is too large") {
		t.Errorf("warnings = %v, want billing's refusal said to the manager", st.Warnings)
	}
	msgs := h.customerMessages()
	if len(msgs) == 0 || msgs[0].Data.OfferID != "" || msgs[0].Data.PromotionCode != "" {
		t.Errorf("revisit email = %+v, want it sent without the offer billing refused", msgs)
	}
}

func TestPayingAgainWithTheCouponFulfilsTheOfferAndRecordsTheRevenue(t *testing.T) {
	h := newHarness(t)
	fromBilling(h)
	h.happyPath(interview, incentive())
	h.answerOffer(5*hour, "offer-1", true)
	var accepted CampaignStatus
	h.at(5*hour+time.Minute, func() { accepted = h.status() })
	h.signal(6*hour, SignalCustomerReturned, CustomerReturnedSignal{Source: "stripe", Revenue: 24000, Currency: "usd",
		Subscription: "sub_2", Coupons: []string{"WB-offer-1"}})

	res, st := h.run()

	fulfil := taskByID(accepted, FulfilTaskID("offer-1"))
	if fulfil == nil || !strings.Contains(fulfil.Title, "COMEBACK-offer-1") {
		t.Errorf("fulfil task = %+v, want the rep told the code the customer resubscribes with", fulfil)
	}
	if res.Outcome != OutcomeWonBack || st.Revenue != 24000 || st.RevenueCurrency != "usd" {
		t.Fatalf("outcome %s revenue %v %s, want won_back with 24000 usd a year", res.Outcome, st.Revenue, st.RevenueCurrency)
	}
	if o := offerByID(st, "offer-1"); o.Status != OfferFulfilled {
		t.Errorf("offer-1 = %s, want fulfilled by the payment with its coupon", o.Status)
	}
	if t2 := taskByID(st, FulfilTaskID("offer-1")); t2.Status != TaskCancelled {
		t.Errorf("fulfil task = %s after billing saw the payment, want cancelled: nothing left to do", t2.Status)
	}
	last := h.lastRecord()
	if last.Revenue != 24000 || last.RevenueCurrency != "usd" {
		t.Errorf("the store's record has revenue %v %s, want 24000 usd", last.Revenue, last.RevenueCurrency)
	}
}

func TestOnlyIncentivesOfCampaignsFromBillingBecomeCoupons(t *testing.T) {
	for _, tc := range []struct {
		name     string
		billing  bool
		decision TaskAnswers
	}{
		{"launched by hand", false, incentive()},
		{"not an incentive", true, pursue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.billing {
				fromBilling(h)
			}
			h.happyPath(interview, tc.decision)
			h.signal(5*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

			h.run()

			if len(h.coupons) != 0 {
				t.Errorf("billing was asked for %d coupons, want none", len(h.coupons))
			}
			if msgs := h.customerMessages(); len(msgs) == 0 || msgs[0].Data.OfferID != "offer-1" {
				t.Errorf("revisit = %+v, want it to carry the offer as before", msgs)
			}
		})
	}
}

// A manager's later offer (MakeOffer) is made a coupon too, and its email waits for the code;
// one billing refuses is withdrawn and never sent.
func TestALaterIncentiveBecomesACouponOrIsNotSent(t *testing.T) {
	h := newHarness(t)
	fromBilling(h)
	h.coupon = func(r activities.CouponRequest, _ int) (activities.CouponResult, error) {
		if r.AmountOff > 10000 {
			return activities.CouponResult{}, temporal.NewNonRetryableApplicationError("stripe: amount_off is too large", activities.ErrInvalidRequest, nil)
		}
		return activities.CouponResult{Coupon: "WB-" + r.OfferID, PromotionCode: "COMEBACK-" + r.OfferID, PromotionCodeID: "promo_" + r.OfferID}, nil
	}
	h.happyPath(interview, pursue)
	var small, big MakeOfferResult
	h.makeOffer(8*day, "small", MakeOfferRequest{By: "maria", Offer: OfferIncentive, Details: "a month free", Value: 500, Until: "2027-01-31",
		Override: "the decision's offer did not land"}, &small)
	h.makeOffer(9*day, "big", MakeOfferRequest{By: "maria", Offer: OfferIncentive, Details: "a year free", Value: 50000, Until: "2027-01-31",
		Override: "the board asked"}, &big)
	h.signal(20*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	_, st := h.run()

	if small.OfferID != "offer-2" || big.OfferID != "offer-3" {
		t.Fatalf("offers made: %q, %q; want offer-2 then offer-3 after the decision's; rejections %v", small.OfferID, big.OfferID, h.rejected)
	}
	if o := offerByID(st, "offer-2"); o.PromotionCode != "COMEBACK-offer-2" {
		t.Errorf("offer-2 = %+v, want its code", o)
	}
	if o := offerByID(st, "offer-3"); o.Status != OfferWithdrawn || o.PromotionCode != "" {
		t.Errorf("offer-3 = %+v, want withdrawn without a code", o)
	}
	var sent []string
	for _, m := range h.customerMessages() {
		sent = append(sent, m.Step+"="+m.Data.OfferID+"/"+m.Data.PromotionCode)
	}
	if got := strings.Join(sent, ","); !strings.Contains(got, "offer-2=offer-2/COMEBACK-offer-2") || strings.Contains(got, "offer-3=") {
		t.Errorf("messages (step=offer/code): %s; want offer-2's email with its code, none for offer-3", got)
	}
}
