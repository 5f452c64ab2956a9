package billing

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/activities"
)

// CreateCoupon makes the coupon of an incentive (amount_off in the currency's minor units,
// once, redeemable until the end of r.Until's UTC day, at most once) and its promotion code,
// restricted to the customer and redeemable once, with a readable code derived from r.Key.
//
// It is safe to retry. Each create carries an idempotency key derived from r.Key, which
// Stripe honours for 24 hours; beyond them, the coupon's ID and the code, both derived from
// r.Key too, are taken already: CreateCoupon then finds and returns what the first call made.
func (c *Client) CreateCoupon(ctx context.Context, r activities.CouponRequest) (activities.CouponResult, error) {
	if err := checkCouponRequest(r); err != nil {
		return activities.CouponResult{}, err
	}
	amount, err := ToMinor(r.AmountOff, r.Currency)
	if err != nil {
		return activities.CouponResult{}, invalid("CouponRequest.AmountOff %v %s: %v", r.AmountOff, r.Currency, err)
	}
	if amount <= 0 {
		return activities.CouponResult{}, invalid("CouponRequest.AmountOff %v %s is less than the currency's smallest amount", r.AmountOff, r.Currency)
	}
	metadata := map[string]string{"winback_offer": r.OfferID, "winback_workflow": r.WorkflowID}

	couponID := CouponIDFor(r.Key)
	cp := &stripe.CouponCreateParams{
		ID:             stripe.String(couponID),
		AmountOff:      stripe.Int64(amount),
		Currency:       stripe.String(strings.ToLower(r.Currency)),
		Duration:       stripe.String(string(stripe.CouponDurationOnce)),
		MaxRedemptions: stripe.Int64(1),
		Name:           stripe.String(couponName(r.Name)),
		Metadata:       metadata,
	}
	if r.Until != "" {
		day, _ := time.Parse(time.DateOnly, r.Until) // checked above
		cp.RedeemBy = stripe.Int64(day.Add(24*time.Hour - time.Second).Unix())
	}
	cp.SetIdempotencyKey(idempotencyKey("coupon", r.Key))
	actx, ans := withAnswer(ctx)
	coupon, err := c.sc.V1Coupons.Create(actx, cp)
	if alreadyExists(err) {
		// A retry past the idempotency window: the first call made it.
		actx, ans = withAnswer(ctx)
		coupon, err = c.sc.V1Coupons.Retrieve(actx, couponID, nil)
	}
	if err != nil {
		return activities.CouponResult{}, classify("create the coupon", err, ans)
	}

	code := PromotionCodeFor(r.Key)
	pp := &stripe.PromotionCodeCreateParams{
		Promotion: &stripe.PromotionCodeCreatePromotionParams{
			Type:   stripe.String(string(stripe.PromotionCodePromotionTypeCoupon)),
			Coupon: stripe.String(coupon.ID),
		},
		Customer:       stripe.String(r.CustomerID),
		Code:           stripe.String(code),
		MaxRedemptions: stripe.Int64(1),
		Metadata:       metadata,
	}
	pp.SetIdempotencyKey(idempotencyKey("promotion-code", r.Key))
	actx, ans = withAnswer(ctx)
	promo, err := c.sc.V1PromotionCodes.Create(actx, pp)
	if alreadyExists(err) {
		promo, err = c.findPromotionCode(ctx, code, coupon.ID, r.CustomerID)
	}
	if err != nil {
		return activities.CouponResult{}, classify("create the promotion code", err, ans)
	}
	return activities.CouponResult{Coupon: coupon.ID, PromotionCodeID: promo.ID, PromotionCode: promo.Code}, nil
}

// findPromotionCode finds the promotion code a first call made: the code, for this coupon and
// this customer only.
func (c *Client) findPromotionCode(ctx context.Context, code, coupon, customer string) (*stripe.PromotionCode, error) {
	params := &stripe.PromotionCodeListParams{Code: stripe.String(code), Coupon: stripe.String(coupon)}
	ctx, ans := withAnswer(ctx)
	for pc, err := range c.sc.V1PromotionCodes.List(ctx, params) {
		if err != nil {
			return nil, classify("find promotion code "+code, err, ans)
		}
		if pc.Code == code && pc.Customer != nil && pc.Customer.ID == customer {
			return pc, nil
		}
	}
	return nil, invalid("promotion code %s is taken by another coupon or customer", code)
}

// checkCouponRequest names the first field of r that is missing or wrong.
func checkCouponRequest(r activities.CouponRequest) error {
	for _, f := range []struct{ name, value string }{
		{"Key", r.Key}, {"WorkflowID", r.WorkflowID}, {"OfferID", r.OfferID},
		{"CustomerID", r.CustomerID}, {"Currency", r.Currency},
	} {
		if f.value == "" {
			return invalid("CouponRequest.%s is empty", f.name)
		}
	}
	if r.AmountOff <= 0 {
		return invalid("CouponRequest.AmountOff %v is not a positive amount", r.AmountOff)
	}
	if r.Until != "" {
		if _, err := time.Parse(time.DateOnly, r.Until); err != nil {
			return invalid("CouponRequest.Until %q is not a date YYYY-MM-DD", r.Until)
		}
	}
	return nil
}

// alreadyExists reports whether Stripe refused a create because the ID or code is taken.
func alreadyExists(err error) bool {
	var se *stripe.Error
	return errors.As(err, &se) && se.Code == stripe.ErrorCodeResourceAlreadyExists
}

// maxCouponName is the longest coupon name Stripe accepts.
const maxCouponName = 40

// couponName is the offer's terms as the invoice shows them, cut to Stripe's 40 characters.
func couponName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "winback offer"
	}
	if utf8.RuneCountInString(name) > maxCouponName {
		name = string([]rune(name)[:maxCouponName-1]) + "…"
	}
	return name
}

// keyHash is a short, stable digest of a request key: keys hold workflow IDs, which are made
// of customer IDs, and neither belongs in a code a customer reads or in Stripe's logs.
func keyHash(key string) [sha256.Size]byte { return sha256.Sum256([]byte(key)) }

// idempotencyKey is the Idempotency-Key of one create for one request key.
func idempotencyKey(kind, key string) string {
	h := keyHash(key)
	return "winback-" + kind + "-" + hex.EncodeToString(h[:16])
}

// CouponIDFor is the ID of the coupon made for a request key: "winback_" and 24 hex digits.
func CouponIDFor(key string) string {
	h := keyHash(key)
	return "winback_" + hex.EncodeToString(h[:12])
}

// codeAlphabet is Crockford's base 32: no I, L, O or U, so nothing reads as another character.
var codeAlphabet = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// PromotionCodeFor is the code the customer types for a request key: "COMEBACK-" and eight
// characters in two groups ("COMEBACK-7Q2X-K4MP"), without look-alike characters.
func PromotionCodeFor(key string) string {
	h := keyHash(key)
	s := codeAlphabet.EncodeToString(h[16:])[:8]
	return "COMEBACK-" + s[:4] + "-" + s[4:]
}
