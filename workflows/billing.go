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

// Billing (release 3, campaigns launched from billing): an incentive becomes a coupon and a
// promotion code in billing before the customer hears of it, so its email carries the code
// and its link leads to resubscribing with it; billing's word that the customer pays again
// (CustomerReturned from "stripe") fulfils the offer whose coupon they used, and records what
// the return is worth a year.

// couponRetry retries billing's outages and rate limits for as long as a send would wait; a
// refusal (bad terms, no billing on the worker) is final.
var couponRetry = &temporal.RetryPolicy{
	InitialInterval:        2 * time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        5 * time.Minute,
	NonRetryableErrorTypes: []string{activities.ErrInvalidRequest, activities.ErrTypeNoBilling},
}

// needsCoupon reports whether an offer becomes a coupon in billing: an incentive with an
// amount, in a campaign launched from billing.
func (c *campaign) needsCoupon(o *OfferState) bool {
	return c.inBilling() && o != nil && o.Kind == OfferIncentive && o.Value > 0 && o.Coupon == ""
}

// makeCoupon makes the offer's coupon and promotion code in billing, retrying while billing is
// unreachable: the email that carries the offer waits for its code. When billing refuses it
// for good, the offer is withdrawn, the manager is warned, and the messages go without it.
func (c *campaign) makeCoupon(ctx workflow.Context, id string) {
	o := c.offer(id)
	if !c.needsCoupon(o) {
		return
	}
	info := workflow.GetInfo(ctx)
	req := activities.CouponRequest{
		Key:        fmt.Sprintf("%s/%s/%s", info.WorkflowExecution.ID, info.FirstRunID, o.ID),
		WorkflowID: info.WorkflowExecution.ID, OfferID: o.ID,
		CustomerID: c.in.Billing.CustomerID, Currency: c.in.Billing.Currency,
		AmountOff: o.Value, Until: o.Until, Name: orDash(o.Details),
	}
	// An activity, not a local one: while billing is down it shows in the UI as pending, with
	// its attempts and last error, and its retries cost the campaign no workflow tasks.
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: sendTimeout,
		RetryPolicy:            couponRetry,
		Summary:                "Make " + o.ID + "'s coupon in billing",
	})
	var res activities.CouponResult
	err := workflow.ExecuteActivity(actx, acts.CreateCoupon, req).Get(ctx, &res)
	o = c.offer(id) // the handlers may have moved on while billing answered
	if err != nil {
		var app *temporal.ApplicationError
		why := err.Error()
		if errors.As(err, &app) {
			why = app.Message()
		}
		c.logger.Error("The offer's coupon could not be made in billing; the offer is withdrawn", "OfferID", id, "Error", why)
		if o.Status == OfferOpen {
			o.Status = OfferWithdrawn
		}
		c.st.Warnings = append(c.st.Warnings, fmt.Sprintf("%s was withdrawn: billing did not make its coupon (%s); make it again when billing works", id, why))
		c.refresh(ctx)
		return
	}
	// Keeping the ID too changes no command: the state only (no version needed).
	o.Coupon, o.PromotionCode, o.PromotionCodeID = res.Coupon, res.PromotionCode, res.PromotionCodeID
	c.logger.Info("Coupon made in billing", "OfferID", id, "Coupon", res.Coupon)
	c.refresh(ctx)
}

// billingReturn credits what billing said of the customer's return: its yearly revenue, and the
// offer whose coupon they used, fulfilled (the return is its fulfilment).
func (c *campaign) billingReturn(ctx workflow.Context, sig CustomerReturnedSignal) {
	if sig.Revenue > 0 {
		c.st.Revenue, c.st.RevenueCurrency = sig.Revenue, sig.Currency
	}
	for i := range c.st.Offers {
		o := &c.st.Offers[i]
		if o.Coupon == "" || !slices.Contains(sig.Coupons, o.Coupon) {
			continue
		}
		now := workflow.Now(ctx)
		if o.Answered.IsZero() {
			o.Answered = now
		}
		o.Status, o.Fulfilled = OfferFulfilled, now
		c.logger.Info("The customer redeemed the offer's coupon", "OfferID", o.ID, "Coupon", o.Coupon)
	}
}
