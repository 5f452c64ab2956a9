package activities

import (
	"context"

	"go.temporal.io/sdk/temporal"
)

// Coupons makes coupons in billing (billing.Client does, in Stripe).
type Coupons interface {
	// CreateCoupon makes the coupon and its promotion code, once per r.Key: a retry returns
	// what the first call made. Its errors say whether a retry may help (billing unreachable,
	// rate-limited) or not (refused: ErrInvalidRequest).
	CreateCoupon(ctx context.Context, r CouponRequest) (CouponResult, error)
}

// ErrTypeNoBilling is the error type of CreateCoupon on a worker without billing configured.
const ErrTypeNoBilling = "NoBilling"

// CreateCoupon makes the coupon and promotion code of an incentive in billing, for a campaign
// launched from billing. It is retried while billing is unreachable: the offer's email waits
// for its code.
func (a *Activities) CreateCoupon(ctx context.Context, r CouponRequest) (CouponResult, error) {
	if a.opts.Billing == nil {
		return CouponResult{}, temporal.NewNonRetryableApplicationError(
			"billing is not configured on this worker (STRIPE_API_KEY): no coupon can be made", ErrTypeNoBilling, nil)
	}
	return a.opts.Billing.CreateCoupon(ctx, r)
}
