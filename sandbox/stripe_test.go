package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/billing"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// stripeSandbox is a sandbox in front of a real stripe-mock, and the real billing client
// pointed at it as the worker points it (STRIPE_API_BASE = <public URL>/sandbox/stripe).
type stripeSandbox struct {
	sb     *sandbox.Sandbox
	url    string
	client *billing.Client
}

func newStripeSandbox(t *testing.T, mock *testenv.StripeMock) *stripeSandbox {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Logger: quiet, StripeMockURL: mock.URL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	sb.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { _ = sb.Close(); srv.Close() })
	c, err := billing.New(billing.Config{APIKey: "sk_test_sandbox", APIBase: srv.URL + "/sandbox/stripe"})
	if err != nil {
		t.Fatal(err)
	}
	return &stripeSandbox{sb: sb, url: srv.URL, client: c}
}

// do sends a request to the sandbox and returns the status and body.
func (s *stripeSandbox) do(t *testing.T, method, path, key, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The fixture subscription of stripe-mock belongs to this customer.
const mockCustomer = "cus_QXg1o8vcGmoR32"

func TestStripeStandIn(t *testing.T) {
	mock := testenv.StartStripeMock(t)
	ctx := context.Background()

	t.Run("forwards to stripe-mock, which still checks every request", func(t *testing.T) {
		s := newStripeSandbox(t, mock)
		cn, err := s.client.Cancellation(ctx, "sub_xyz")
		if err != nil || cn.Customer.ID != mockCustomer || cn.AnnualValue != 240 {
			t.Fatalf("Cancellation through the sandbox = %+v, %v", cn, err)
		}
		res, err := s.client.CreateCoupon(ctx, activities.CouponRequest{Key: "wf/run/offer", WorkflowID: "wf", OfferID: "offer",
			CustomerID: mockCustomer, Currency: "usd", AmountOff: 20, Until: "2026-12-31", Name: "20 USD off"})
		if err != nil || !strings.HasPrefix(res.PromotionCodeID, "promo_") {
			t.Fatalf("CreateCoupon through the sandbox = %+v, %v", res, err)
		}
		if _, err := s.client.CheckoutURL(ctx, billing.CheckoutRequest{Key: "k", CustomerID: mockCustomer, PriceID: cn.PriceID,
			PromotionCodeID: res.PromotionCodeID, SuccessURL: "https://x.example/ok", CancelURL: "https://x.example/no"}); err != nil {
			t.Fatalf("CheckoutURL through the sandbox: %v", err)
		}
		// Unchanged means refused as Stripe would: an unknown enum value, a missing key.
		if code, body := s.do(t, "POST", "/sandbox/stripe/v1/coupons", "sk_test_1", "application/x-www-form-urlencoded", "amount_off=100&currency=usd&duration=sometimes"); code != 400 || !strings.Contains(body, "duration") {
			t.Errorf("a spec-invalid coupon: %d %s, want stripe-mock's 400", code, body)
		}
		if code, _ := s.do(t, "GET", "/sandbox/stripe/v1/customers/cus_1", "", "", ""); code != 401 {
			t.Errorf("no key: %d, want 401", code)
		}
		// An unregistered customer is stripe-mock's: no email.
		if cu, err := s.client.Customer(ctx, "cus_unknown"); err != nil || cu.ID != "cus_unknown" || cu.Email != "" {
			t.Errorf("unregistered customer = %+v, %v", cu, err)
		}
	})

	t.Run("answers for registered customers, so a campaign can launch", func(t *testing.T) {
		s := newStripeSandbox(t, mock)
		reg := `{"id":"` + mockCustomer + `","name":"Dana Reyes","email":"dana@acme.example","phone":"+12125550142",
			"metadata":{"company":"Acme Corp","rep":"alice","timezone":"America/New_York"}}`
		if code, body := s.do(t, "POST", "/sandbox/stripe/customers", "", "application/json", reg); code != http.StatusCreated {
			t.Fatalf("register: %d %s", code, body)
		}
		cn, err := s.client.Cancellation(ctx, "sub_xyz")
		if err != nil {
			t.Fatal(err)
		}
		if cu := cn.Customer; cu.Name != "Dana Reyes" || cu.Email != "dana@acme.example" || cu.Phone != "+12125550142" || cu.Metadata["rep"] != "alice" {
			t.Errorf("customer = %+v, want the registered one", cu)
		}
		v := launch.Validator{Region: "US", Now: time.Now(), Playbook: workflows.DefaultPlaybook(),
			Owners: func(rep, manager string) (workflows.Owners, error) {
				return workflows.Owners{Rep: workflows.Person{ID: rep}, Manager: workflows.Person{ID: "maria"}}, nil
			}}
		if in, problems := v.Check(cn.Row(billing.Config{})); len(problems) > 0 || in.Customer.Email != "dana@acme.example" {
			t.Errorf("the launch's checks: %v", problems)
		}

		// The answer is stripe-mock's customer (every field of Stripe's shape), with ours put in;
		// the key is still checked.
		code, body := s.do(t, "GET", "/sandbox/stripe/v1/customers/"+mockCustomer, "sk_test_1", "", "")
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
			t.Fatalf("GET customer: %d %s", code, body)
		}
		if got["object"] != "customer" || got["email"] != "dana@acme.example" || got["invoice_settings"] == nil {
			t.Errorf("customer JSON = %s", body)
		}
		if code, _ := s.do(t, "GET", "/sandbox/stripe/v1/customers/"+mockCustomer, "", "", ""); code != 401 {
			t.Errorf("a registered customer without a key: %d, want 401", code)
		}
		if code, body := s.do(t, "GET", "/sandbox/stripe/customers", "", "", ""); code != 200 || !strings.Contains(body, "dana@acme.example") {
			t.Errorf("list: %d %s", code, body)
		}
	})

	t.Run("answers for registered subscriptions, so a return and its coupon are seen", func(t *testing.T) {
		s := newStripeSandbox(t, mock)
		before, err := s.client.SubscriptionReturn(ctx, "sub_back")
		if err != nil || before.CustomerID != mockCustomer || len(before.Coupons) != 0 {
			t.Fatalf("unregistered subscription = %+v, %v; want stripe-mock's", before, err)
		}
		reg := `{"id":"sub_back","customer":"cus_dana","coupons":["winback-1a2b"]}`
		if code, body := s.do(t, "POST", "/sandbox/stripe/subscriptions", "", "application/json", reg); code != http.StatusCreated {
			t.Fatalf("register: %d %s", code, body)
		}
		r, err := s.client.SubscriptionReturn(ctx, "sub_back")
		if err != nil || r.CustomerID != "cus_dana" || r.SubscriptionID != "sub_back" || !slices.Equal(r.Coupons, []string{"winback-1a2b"}) ||
			r.AnnualValue != before.AnnualValue || r.Currency != "usd" {
			t.Errorf("registered subscription = %+v, %v; want cus_dana's with coupon winback-1a2b and stripe-mock's prices", r, err)
		}
		// A registered customer's subscriptions are the registered ones: stripe-mock lists its
		// fixture, active, for anyone.
		if ids, err := s.client.ActiveSubscriptions(ctx, "cus_dana"); err != nil || len(ids) != 1 {
			t.Errorf("unregistered customer's active subscriptions = %v, %v; want stripe-mock's one", ids, err)
		}
		s.do(t, "POST", "/sandbox/stripe/customers", "", "application/json", `{"id":"cus_dana","email":"dana@acme.example"}`)
		if ids, err := s.client.ActiveSubscriptions(ctx, "cus_dana"); err != nil || !slices.Equal(ids, []string{"sub_back"}) {
			t.Errorf("active subscriptions = %v, %v; want the registered sub_back", ids, err)
		}
		s.do(t, "POST", "/sandbox/stripe/subscriptions", "", "application/json", `{"id":"sub_gone","customer":"cus_dana","status":"canceled"}`)
		if ids, err := s.client.ActiveSubscriptions(ctx, "cus_dana"); err != nil || !slices.Equal(ids, []string{"sub_back"}) {
			t.Errorf("active subscriptions = %v, %v; want sub_back only, not the cancelled one", ids, err)
		}
		priced := `{"id":"sub_priced","customer":"cus_dana","seats":3,"unitAmount":1500,"currency":"EUR"}`
		if code, body := s.do(t, "POST", "/sandbox/stripe/subscriptions", "", "application/json", priced); code != http.StatusCreated {
			t.Fatalf("register: %d %s", code, body)
		}
		if r, err := s.client.SubscriptionReturn(ctx, "sub_priced"); err != nil || r.AnnualValue != 540 || r.Currency != "eur" {
			t.Errorf("3 seats at 15.00 EUR a month = %+v, %v; want 540 eur a year", r, err)
		}
		if code, _ := s.do(t, "GET", "/sandbox/stripe/v1/subscriptions/sub_back", "", "", ""); code != 401 {
			t.Errorf("a registered subscription without a key: %d, want 401", code)
		}
		for body, mention := range map[string]string{
			`{"id":"sub_1"}`: "customer: required",
			`{"id":"sub_1","customer":"cus_1","coupons":[""]}`:   "coupons[0]",
			`{"id":"sub_1","customer":"cus_1","unitAmount":100}`: "currency",
		} {
			if code, got := s.do(t, "POST", "/sandbox/stripe/subscriptions", "", "application/json", body); code != 400 || !strings.Contains(got, mention) {
				t.Errorf("%s: %d %s, want 400 mentioning %q", body, code, got, mention)
			}
		}
	})

	t.Run("a bad registration names its field", func(t *testing.T) {
		s := newStripeSandbox(t, mock)
		for body, mention := range map[string]string{
			`{"name":"No ID"}`:              "id: required",
			`{"id":"cus/1"}`:                "id:",
			`{"id":"cus_1","mail":"x@y.z"}`: `unknown field`,
			`{"id":"cus_1","email":42}`:     "email",
		} {
			if code, got := s.do(t, "POST", "/sandbox/stripe/customers", "", "application/json", body); code != 400 || !strings.Contains(got, mention) {
				t.Errorf("%s: %d %s, want 400 mentioning %q", body, code, got, mention)
			}
		}
	})

	t.Run("faults: Stripe down, then rate-limiting", func(t *testing.T) {
		s := newStripeSandbox(t, mock)
		for _, tc := range []struct{ fault, errType string }{
			{`{"provider":"stripe","mode":"5xx","count":1}`, activities.ErrProviderUnavailable},
			{`{"provider":"stripe","mode":"429","count":1}`, activities.ErrProviderRateLimited},
		} {
			if code, body := s.do(t, "POST", "/sandbox/faults", "", "application/json", tc.fault); code != 200 {
				t.Fatalf("set fault: %d %s", code, body)
			}
			_, err := s.client.Customer(ctx, "cus_1")
			if ae := appErr(t, err, tc.errType); ae.NonRetryable() || !billing.Retryable(err) {
				t.Errorf("%s: %v, want a retryable error", tc.fault, err)
			}
			if _, err := s.client.Customer(ctx, "cus_1"); err != nil {
				t.Errorf("after the fault: %v", err)
			}
		}
		if code, body := s.do(t, "POST", "/sandbox/faults", "", "application/json", `{"provider":"stripe","mode":"invalid_number"}`); code != 400 || !strings.Contains(body, "invalid_number") {
			t.Errorf("invalid_number for Stripe: %d %s", code, body)
		}
	})
}

func TestStripeStandInIsOffWithoutAMock(t *testing.T) {
	e := newEnv(t, "")
	resp, err := http.Post(e.srv.URL+"/sandbox/stripe/customers", "application/json", bytes.NewBufferString(`{"id":"cus_1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /sandbox/stripe/customers without a mock: %d, want nothing there", resp.StatusCode)
	}
	if err := e.sb.RegisterStripeCustomer(sandbox.StripeCustomer{ID: "cus_1"}); err == nil || !strings.Contains(err.Error(), "WINBACK_STRIPE_MOCK_URL") {
		t.Errorf("RegisterStripeCustomer without a mock: %v", err)
	}
	if _, err := sandbox.New(sandbox.Options{Logger: quiet, StripeMockURL: "127.0.0.1:12111"}); err == nil {
		t.Error("a StripeMockURL without a scheme was taken")
	}
}
