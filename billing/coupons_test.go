package billing_test

import (
	"regexp"
	"testing"

	"github.com/winback/winback/billing"
)

// TestCodesAreStableAndReadable: the same offer always gets the same coupon ID and code (so a
// retry finds what the first call made), another offer others, and the code reads aloud
// without look-alike characters.
func TestCodesAreStableAndReadable(t *testing.T) {
	key := "winback:acme/0190a1b2-run/offer-1"
	code, id := billing.PromotionCodeFor(key), billing.CouponIDFor(key)
	if !regexp.MustCompile(`^COMEBACK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`).MatchString(code) {
		t.Errorf("code %q, want COMEBACK-XXXX-XXXX in Crockford's alphabet", code)
	}
	if !regexp.MustCompile(`^winback_[0-9a-f]{24}$`).MatchString(id) {
		t.Errorf("coupon ID %q", id)
	}
	if billing.PromotionCodeFor(key) != code || billing.CouponIDFor(key) != id {
		t.Error("not stable")
	}
	other := "winback:acme/0190a1b2-run/offer-2"
	if billing.PromotionCodeFor(other) == code || billing.CouponIDFor(other) == id {
		t.Error("two offers share a code or a coupon")
	}
}
