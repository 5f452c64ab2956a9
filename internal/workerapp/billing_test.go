package workerapp

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
)

// The worker's activities make coupons in Stripe when STRIPE_API_KEY is set (here against
// stripe-mock), and refuse, saying billing is not configured, when it is not.
func TestActivitiesMakeCouponsOnlyWithBilling(t *testing.T) {
	mock := testenv.StartStripeMock(t)
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	req := activities.CouponRequest{Key: "winback:wa-1/run/offer-1", WorkflowID: "winback:wa-1", OfferID: "offer-1",
		CustomerID: "cus_abc", Currency: "usd", AmountOff: 25, Until: "2026-12-31", Name: "25 USD off"}

	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" for a coupon, else the error type
	}{
		{"billing on", map[string]string{"STRIPE_API_KEY": "sk_test_workerapp", "STRIPE_API_BASE": mock.URL}, ""},
		{"billing off", map[string]string{}, activities.ErrTypeNoBilling},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["WINBACK_DATA_DIR"] = t.TempDir()
			tc.env["WINBACK_LINK_SECRET"] = "0123456789abcdef0123456789abcdef"
			cfg, err := config.LoadFrom(func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			logger := slog.New(slog.DiscardHandler)
			bc, err := newBilling(cfg.Billing, logger)
			if err != nil {
				t.Fatal(err)
			}
			acts, err := activities.New(activityOptions(cfg, st, bc, logger))
			if err != nil {
				t.Fatal(err)
			}
			res, err := acts.CreateCoupon(context.Background(), req)
			switch {
			case tc.want == "" && (err != nil || !strings.HasPrefix(res.PromotionCodeID, "promo_")):
				t.Errorf("CreateCoupon = %+v, %v; want a coupon and its promotion code", res, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), "STRIPE_API_KEY")):
				t.Errorf("CreateCoupon error %v, want %s naming STRIPE_API_KEY", err, tc.want)
			}
		})
	}
}

// Without billing the offer page gets no Checkout (a nil interface, not a nil client), so the
// accept link only records the acceptance.
func TestTheOfferPageGetsCheckoutOnlyWithBilling(t *testing.T) {
	if co := checkout(nil); co != nil {
		t.Errorf("checkout(nil) = %#v, want nil", co)
	}
	bc, err := newBilling(config.Billing{APIKey: "sk_test_workerapp"}, slog.New(slog.DiscardHandler))
	if err != nil || checkout(bc) == nil {
		t.Errorf("checkout with billing on = nil (%v)", err)
	}
}

// The inbox's billing problems page is there only with billing on.
func TestTheInboxGetsBillingProblemsOnlyWithBilling(t *testing.T) {
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if bp := billingProblems(config.Billing{}, st); bp != nil {
		t.Errorf("billing off: %#v, want nil", bp)
	}
	if bp := billingProblems(config.Billing{APIKey: "sk_test_workerapp"}, st); bp == nil {
		t.Error("billing on: nil, want the store")
	}
}
