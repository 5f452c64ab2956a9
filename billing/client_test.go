package billing_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/billing"
	"github.com/winback/winback/internal/testenv"
)

// TestClientAgainstStripeMock runs every Client method with the real stripe-go against the
// real stripe-mock, which checks each request against Stripe's OpenAPI spec (a parameter
// Stripe does not know, or a missing one, is a 400 there). A recorder in between shows what
// was sent: the mock answers from fixtures and does not reflect everything.
func TestClientAgainstStripeMock(t *testing.T) {
	mock := testenv.StartStripeMock(t)
	ctx := context.Background()

	t.Run("customer", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		cu, err := e.client.Customer(ctx, "cus_abc")
		if err != nil {
			t.Fatal(err)
		}
		// The mock echoes the ID; its name, email and phone are null (see package sandbox).
		if cu.ID != "cus_abc" || cu.Email != "" {
			t.Errorf("Customer = %+v", cu)
		}
		if got := e.rec.sent(); len(got) != 1 || got[0].Method != "GET" || got[0].Path != "/v1/customers/cus_abc" {
			t.Errorf("requests %+v", got)
		}
	})

	t.Run("cancellation", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		cn, err := e.client.Cancellation(ctx, "sub_xyz")
		if err != nil {
			t.Fatal(err)
		}
		// The fixture: an active subscription set to cancel at 1234567890, one item of 20.00
		// USD a month, customer cus_QXg1o8vcGmoR32.
		if cn.SubscriptionID != "sub_xyz" || cn.Customer.ID != "cus_QXg1o8vcGmoR32" || cn.Currency != "usd" ||
			cn.AnnualValue != 240 || cn.PriceID == "" || !cn.Scheduled || !cn.At.Equal(time.Unix(1234567890, 0)) {
			t.Errorf("Cancellation = %+v", cn)
		}
		got := e.rec.sent()
		if len(got) != 2 || got[0].Path != "/v1/subscriptions/sub_xyz" || got[1].Path != "/v1/customers/cus_QXg1o8vcGmoR32" {
			t.Errorf("requests %+v, want the subscription, then its customer on its own", got)
		}
	})

	t.Run("cancellations since", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		cs, err := e.client.Cancellations(ctx, time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Customer.ID != "cus_QXg1o8vcGmoR32" || cs[0].AnnualValue != 240 {
			t.Errorf("Cancellations since 2009 = %+v, want the fixture's one", cs)
		}
		list := e.rec.sent()[0]
		if list.Path != "/v1/subscriptions" || list.Form.Get("status") != "canceled" || list.Form.Get("limit") != "100" {
			t.Errorf("list request %+v", list)
		}
		// The fixture was cancelled in 2009: none since 2010.
		if cs, err := e.client.Cancellations(ctx, time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || len(cs) != 0 {
			t.Errorf("Cancellations since 2010 = %+v, %v; want none", cs, err)
		}
	})

	t.Run("subscription return", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		r, err := e.client.SubscriptionReturn(ctx, "sub_new")
		if err != nil {
			t.Fatal(err)
		}
		if r.SubscriptionID != "sub_new" || r.CustomerID == "" || r.Currency != "usd" || r.AnnualValue != 240 {
			t.Errorf("SubscriptionReturn = %+v", r)
		}
		if got := e.rec.sent(); got[0].Form.Get("expand[0]") != "discounts" {
			t.Errorf("request %+v, want the discounts expanded", got[0])
		}
	})

	t.Run("active subscriptions", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		// stripe-mock lists its fixture for any customer: one subscription, active.
		ids, err := e.client.ActiveSubscriptions(ctx, "cus_abc")
		if err != nil || len(ids) != 1 || !strings.HasPrefix(ids[0], "sub_") {
			t.Errorf("ActiveSubscriptions = %v, %v; want stripe-mock's active fixture", ids, err)
		}
		if got := e.rec.sent(); got[0].Form.Get("customer") != "cus_abc" || got[0].Form.Get("status") != "all" {
			t.Errorf("request %+v, want the customer's subscriptions of every status", got[0])
		}
		if _, err := e.client.ActiveSubscriptions(ctx, ""); err == nil {
			t.Error("no customer ID was taken")
		}
	})

	t.Run("coupon", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		req := couponRequest("winback:acme/run-1/offer-1")
		res, err := e.client.CreateCoupon(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		code := billing.PromotionCodeFor(req.Key)
		if res.Coupon != billing.CouponIDFor(req.Key) || res.PromotionCode != code || !strings.HasPrefix(res.PromotionCodeID, "promo_") {
			t.Errorf("CreateCoupon = %+v, want coupon %s and code %s", res, billing.CouponIDFor(req.Key), code)
		}
		sent := e.rec.sent()
		if len(sent) != 2 {
			t.Fatalf("requests %+v, want the coupon and the promotion code", sent)
		}
		coupon, promo := sent[0], sent[1]
		for k, want := range map[string]string{
			"id": billing.CouponIDFor(req.Key), "amount_off": "1250", "currency": "eur", "duration": "once",
			"max_redemptions": "1", "redeem_by": fmt.Sprint(time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC).Unix()),
			"name": "12.50 EUR off your next invoice", "metadata[winback_offer]": "offer-1",
			"metadata[winback_workflow]": "winback:acme",
		} {
			if got := coupon.Form.Get(k); got != want {
				t.Errorf("coupon %s = %q, want %q", k, got, want)
			}
		}
		for k, want := range map[string]string{
			"promotion[type]": "coupon", "promotion[coupon]": res.Coupon, "customer": "cus_abc", "code": code,
			"max_redemptions": "1", "metadata[winback_offer]": "offer-1",
		} {
			if got := promo.Form.Get(k); got != want {
				t.Errorf("promotion code %s = %q, want %q", k, got, want)
			}
		}
		if coupon.Path != "/v1/coupons" || promo.Path != "/v1/promotion_codes" ||
			!strings.HasPrefix(coupon.IdempotencyKey, "winback-coupon-") || !strings.HasPrefix(promo.IdempotencyKey, "winback-promotion-code-") {
			t.Errorf("requests %+v", sent)
		}

		// A retry sends the same keys (real Stripe answers it with what it made; the mock
		// does not keep state); another offer, other ones.
		if _, err := e.client.CreateCoupon(ctx, req); err != nil {
			t.Fatal(err)
		}
		other := couponRequest("winback:acme/run-1/offer-2")
		if _, err := e.client.CreateCoupon(ctx, other); err != nil {
			t.Fatal(err)
		}
		sent = e.rec.sent()
		if sent[2].IdempotencyKey != coupon.IdempotencyKey || sent[3].IdempotencyKey != promo.IdempotencyKey ||
			sent[4].IdempotencyKey == coupon.IdempotencyKey || sent[5].Form.Get("code") == code {
			t.Errorf("idempotency keys across a retry and another offer: %+v", sent[2:])
		}
		if strings.Contains(coupon.IdempotencyKey+promo.Form.Get("code")+res.Coupon, "acme") {
			t.Error("the customer's ID shows in a key or a code")
		}
	})

	t.Run("coupon in zero- and three-decimal currencies", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		for i, tc := range []struct {
			currency string
			amount   float64
			minor    string
		}{{"jpy", 1500, "1500"}, {"KRW", 20000, "20000"}, {"kwd", 12.345, "12350"}, {"usd", 0.5, "50"}} {
			req := couponRequest(fmt.Sprintf("wf/run/offer-%d", i))
			req.Currency, req.AmountOff = tc.currency, tc.amount
			if _, err := e.client.CreateCoupon(ctx, req); err != nil {
				t.Fatalf("%s: %v", tc.currency, err)
			}
			if got := e.rec.sent()[2*i].Form; got.Get("amount_off") != tc.minor || got.Get("currency") != strings.ToLower(tc.currency) {
				t.Errorf("%v %s: sent amount_off=%s currency=%s, want %s", tc.amount, tc.currency, got.Get("amount_off"), got.Get("currency"), tc.minor)
			}
		}
	})

	t.Run("coupon requests refused before Stripe", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		for name, tc := range map[string]struct {
			edit    func(*activities.CouponRequest)
			mention string
		}{
			"no key":           {func(r *activities.CouponRequest) { r.Key = "" }, "CouponRequest.Key is empty"},
			"no customer":      {func(r *activities.CouponRequest) { r.CustomerID = "" }, "CouponRequest.CustomerID is empty"},
			"no amount":        {func(r *activities.CouponRequest) { r.AmountOff = 0 }, "CouponRequest.AmountOff 0"},
			"bad date":         {func(r *activities.CouponRequest) { r.Until = "31/12/2026" }, `CouponRequest.Until "31/12/2026"`},
			"unknown currency": {func(r *activities.CouponRequest) { r.Currency = "xyz" }, `unknown currency "xyz"`},
			"below a yen":      {func(r *activities.CouponRequest) { r.Currency, r.AmountOff = "jpy", 0.2 }, "smallest amount"},
		} {
			req := couponRequest("wf/run/offer")
			tc.edit(&req)
			_, err := e.client.CreateCoupon(ctx, req)
			if ae := appErr(t, err, activities.ErrInvalidRequest); !ae.NonRetryable() || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("%s: %v, want a non-retryable error mentioning %q", name, err, tc.mention)
			}
		}
		if got := e.rec.sent(); len(got) != 0 {
			t.Errorf("refused requests reached Stripe: %+v", got)
		}
	})

	t.Run("checkout", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		req := billing.CheckoutRequest{Key: "winback:acme/run-1/offer-1", CustomerID: "cus_abc", PriceID: "price_123",
			PromotionCodeID: "promo_123", SuccessURL: "https://winback.example/offer/done", CancelURL: "https://winback.example/offer"}
		url, err := e.client.CheckoutURL(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(url, "https://checkout.stripe.com/") {
			t.Errorf("CheckoutURL = %q", url)
		}
		sent := e.rec.sent()[0]
		for k, want := range map[string]string{
			"mode": "subscription", "customer": "cus_abc", "line_items[0][price]": "price_123", "line_items[0][quantity]": "1",
			"discounts[0][promotion_code]": "promo_123", "success_url": req.SuccessURL, "cancel_url": req.CancelURL,
		} {
			if got := sent.Form.Get(k); got != want {
				t.Errorf("checkout %s = %q, want %q", k, got, want)
			}
		}
		if !strings.HasPrefix(sent.IdempotencyKey, "winback-checkout-") {
			t.Errorf("Idempotency-Key %q", sent.IdempotencyKey)
		}
		req.SuccessURL = ""
		if _, err := e.client.CheckoutURL(ctx, req); err == nil || !strings.Contains(err.Error(), "SuccessURL") {
			t.Errorf("no SuccessURL: %v", err)
		}
	})

	t.Run("a retry past Stripe's idempotency window finds what the first call made", func(t *testing.T) {
		e := newStripeEnv(t, mock)
		req := couponRequest("wf/run/offer-9")
		code := billing.PromotionCodeFor(req.Key)
		e.rec.intercept = func(w http.ResponseWriter, r *http.Request) bool {
			switch {
			case r.Method == "POST" && (r.URL.Path == "/v1/coupons" || r.URL.Path == "/v1/promotion_codes"):
				stripeError(w, 400, "invalid_request_error", "resource_already_exists", "id", "already exists")
			case r.Method == "GET" && r.URL.Path == "/v1/promotion_codes": // the mock lists its fixture, not ours
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"object":"list","has_more":false,"url":"/v1/promotion_codes","data":[
				 {"id":"promo_other","object":"promotion_code","code":%[1]q,"customer":"cus_someone_else"},
				 {"id":"promo_first","object":"promotion_code","code":%[1]q,"customer":"cus_abc"}]}`, code)
			default:
				return false
			}
			return true
		}
		res, err := e.client.CreateCoupon(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Coupon != billing.CouponIDFor(req.Key) || res.PromotionCodeID != "promo_first" || res.PromotionCode != code {
			t.Errorf("CreateCoupon = %+v, want the coupon and the customer's promotion code made before", res)
		}
		var paths []string
		for _, r := range e.rec.sent() {
			paths = append(paths, r.Method+" "+r.Path)
		}
		want := "POST /v1/coupons, GET /v1/coupons/" + res.Coupon + ", POST /v1/promotion_codes, GET /v1/promotion_codes"
		if strings.Join(paths, ", ") != want {
			t.Errorf("requests %s, want %s", strings.Join(paths, ", "), want)
		}
	})

	t.Run("a live key is refused by the mock: not retryable, names the variable", func(t *testing.T) {
		c, err := billing.New(billing.Config{APIKey: "sk_live_not_for_mocks", APIBase: mock.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Customer(ctx, "cus_abc")
		if ae := appErr(t, err, activities.ErrProviderAuth); !ae.NonRetryable() || !strings.Contains(err.Error(), "STRIPE_API_KEY") {
			t.Errorf("error %v", err)
		}
	})
}

func couponRequest(key string) activities.CouponRequest {
	return activities.CouponRequest{Key: key, WorkflowID: "winback:acme", OfferID: "offer-1", CustomerID: "cus_abc",
		Currency: "EUR", AmountOff: 12.50, Until: "2026-12-31", Name: "12.50 EUR off your next invoice"}
}

// stripeError answers as Stripe does when it refuses a request.
func stripeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"type":%q,"code":%q,"param":%q,"message":%q}}`, typ, code, param, msg)
}

// TestErrorsSayWhetherARetryMayHelp: what stripe-mock cannot answer (429, 5xx, a proxy's page,
// no answer at all), from a stand-in server, and Stripe's refusals.
func TestErrorsSayWhetherARetryMayHelp(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		answer    func(w http.ResponseWriter)
		errType   string
		retryable bool
		mention   string
	}{
		{"rate limited", func(w http.ResponseWriter) {
			stripeError(w, 429, "invalid_request_error", "rate_limit", "", "Too many requests")
		}, activities.ErrProviderRateLimited, true, "HTTP 429"},
		{"Stripe failing", func(w http.ResponseWriter) { stripeError(w, 500, "api_error", "", "", "Something went wrong") },
			activities.ErrProviderUnavailable, true, "HTTP 500"},
		{"a proxy's page", func(w http.ResponseWriter) { w.WriteHeader(502); fmt.Fprint(w, "<html>Bad Gateway</html>") },
			activities.ErrProviderUnavailable, true, "HTTP 502"},
		{"invalid request", func(w http.ResponseWriter) {
			stripeError(w, 400, "invalid_request_error", "parameter_invalid_integer", "amount_off", "Invalid integer: -5")
		}, activities.ErrInvalidRequest, false, "(param amount_off): Invalid integer: -5"},
		{"no such customer", func(w http.ResponseWriter) {
			stripeError(w, 404, "invalid_request_error", "resource_missing", "id", "No such customer: 'cus_gone'")
		}, activities.ErrInvalidRequest, false, "No such customer"},
		{"revoked key", func(w http.ResponseWriter) {
			stripeError(w, 401, "invalid_request_error", "", "", "Invalid API Key provided")
		},
			activities.ErrProviderAuth, false, "check STRIPE_API_KEY"},
		{"card declined", func(w http.ResponseWriter) {
			stripeError(w, 402, "card_error", "card_declined", "", "Your card was declined.")
		},
			activities.ErrProviderRejected, false, "HTTP 402"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAnswering(t, tc.answer)
			c, err := billing.New(billing.Config{APIKey: testKey, APIBase: srv})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Customer(ctx, "cus_gone")
			ae := appErr(t, err, tc.errType)
			if ae.NonRetryable() == tc.retryable || billing.Retryable(err) != tc.retryable || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %v (retryable %v), want retryable %v, mentioning %q", err, !ae.NonRetryable(), tc.retryable, tc.mention)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		c, _ := billing.New(billing.Config{APIKey: testKey, APIBase: "http://" + addr})
		_, err = c.CheckoutURL(ctx, billing.CheckoutRequest{Key: "k", CustomerID: "cus_1", PriceID: "price_1", SuccessURL: "https://x.example/ok", CancelURL: "https://x.example/no"})
		t.Logf("unreachable: %v", err)
		if ae := appErr(t, err, activities.ErrProviderUnavailable); ae.NonRetryable() || !strings.Contains(err.Error(), "could not be reached") {
			t.Errorf("error %v, want a retryable one saying Stripe could not be reached", err)
		}
	})
}

// newAnswering serves every request with answer and returns its URL.
func newAnswering(t *testing.T, answer func(w http.ResponseWriter)) string {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(w) })}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String()
}

func TestNewNeedsAKey(t *testing.T) {
	if _, err := billing.New(billing.Config{}); err == nil || !strings.Contains(err.Error(), "STRIPE_API_KEY") {
		t.Errorf("New without a key: %v", err)
	}
}
