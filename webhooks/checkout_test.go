package webhooks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// fakeCheckout records the Checkout Sessions asked for, and answers url or err.
type fakeCheckout struct {
	mu   sync.Mutex
	reqs []billing.CheckoutRequest
	url  string
	err  error
}

func (f *fakeCheckout) CheckoutURL(_ context.Context, r billing.CheckoutRequest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	return f.url, f.err
}

func (f *fakeCheckout) requests() []billing.CheckoutRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]billing.CheckoutRequest(nil), f.reqs...)
}

// couponOffer is the open incentive billing made a coupon and a promotion code for.
var couponOffer = func() workflows.OfferState {
	o := openOffer
	o.Coupon, o.PromotionCode, o.PromotionCodeID = "WB-7Q2X", "COMEBACK-7Q2X", "promo_9"
	return o
}()

// fromStripe ties the test campaign to its Stripe subscription, as the webhooks and the
// backfill launch it.
func fromStripe(e *env) {
	e.temporal.Edit(customerID, func(c *campaignstest.Campaign) {
		c.Input.Billing = &workflows.Billing{Provider: billing.Provider, CustomerID: "cus_42", SubscriptionID: "sub_42",
			PriceID: "price_42", Quantity: 4, Currency: "usd"}
	})
}

// checkoutEnv is the webhooks with billing on (the fake Checkout), and the test campaign from
// Stripe with the offer given.
func checkoutEnv(t *testing.T, co webhooks.Checkout, offer workflows.OfferState) *env {
	t.Helper()
	e := newEnv(t, func(o *webhooks.Options) { o.Checkout = co })
	withOffer(e, offer)
	fromStripe(e)
	return e
}

func TestAcceptingACouponOfferRecordsItThenSendsTheCustomerToCheckout(t *testing.T) {
	co := &fakeCheckout{url: "https://checkout.stripe.com/c/pay/cs_test_1"}
	e := checkoutEnv(t, co, couponOffer)

	get := e.serve(offerGet(offerToken("offer-1")))
	wantPage(t, get, http.StatusOK, "take you to Stripe's secure payment page")
	if csp := get.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://checkout.stripe.com") {
		t.Errorf("Content-Security-Policy = %q: the accept form's redirect to Checkout would be blocked", csp)
	}

	rec := e.serve(offerPost(offerToken("offer-1"), "accept"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != co.url {
		t.Fatalf("accept: %d to %q, want 303 to Checkout\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	wantSignals(t, e.temporal, offerAnswered(true))
	reqs := co.requests()
	if len(reqs) != 1 {
		t.Fatalf("Checkout asked %d times", len(reqs))
	}
	r := reqs[0]
	if r.CustomerID != "cus_42" || r.PriceID != "price_42" || r.Quantity != 4 || r.PromotionCodeID != "promo_9" ||
		r.SuccessURL != publicURL+"/offer/resubscribed" || r.CancelURL != publicURL+"/offer/resubscribe-later" ||
		!strings.HasPrefix(r.Key, workflowID+"/") || !strings.HasSuffix(r.Key, "/offer-1") {
		t.Errorf("Checkout request %+v", r)
	}

	// Back on the link once accepted: a button to Checkout again, which asks with the same key.
	e.temporal.Edit(customerID, func(c *campaignstest.Campaign) { c.Status.Offers[0].Status = workflows.OfferAccepted })
	page := wantPage(t, e.serve(offerGet(offerToken("offer-1"))), http.StatusConflict,
		"You have already accepted this offer", `action="/offer/checkout"`, "Resubscribe with your offer")
	if strings.Contains(page, `name="choice"`) {
		t.Errorf("the accepted offer's page still offers to answer:\n%s", page)
	}
	req := httptest.NewRequest(http.MethodPost, "/offer/checkout", strings.NewReader(url.Values{"t": {offerToken("offer-1")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := e.serve(req); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != co.url {
		t.Fatalf("resubscribe: %d to %q, want 303 to Checkout", rec.Code, rec.Header().Get("Location"))
	}
	if reqs := co.requests(); len(reqs) != 2 || reqs[1].Key != r.Key {
		t.Errorf("Checkout requests %+v: want the same key again (one session per offer)", reqs)
	}
	wantSignals(t, e.temporal, offerAnswered(true))

	// Where Checkout sends them back.
	for path, want := range map[string]string{"/offer/resubscribed": "welcome back", "/offer/resubscribe-later": "your acceptance is recorded"} {
		req := offerGet("")
		req.URL.Path, req.URL.RawQuery = path, ""
		wantPage(t, e.serve(req), http.StatusOK, want)
	}
}

func TestCheckoutFailingLeavesTheAcceptanceAndTheRepFollowsUp(t *testing.T) {
	co := &fakeCheckout{err: errors.New("billing: Stripe is unreachable")}
	e := checkoutEnv(t, co, couponOffer)
	page := wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusOK,
		"you have accepted the offer", "Alice Archer will be in touch to set it up")
	noForms(t, page)
	wantSignals(t, e.temporal, offerAnswered(true))
	if logs := e.logs.String(); !strings.Contains(logs, "Stripe did not make its Checkout Session") || !strings.Contains(logs, "Stripe is unreachable") {
		t.Errorf("the failure is not logged:\n%s", logs)
	}
}

// Without billing, without a promotion code, or for a campaign not from Stripe, the accept link
// works as it does without Stripe.
func TestAcceptWithoutCheckoutWorksAsBefore(t *testing.T) {
	co := &fakeCheckout{url: "https://checkout.stripe.com/c/pay/cs_test_1"}
	for name, setup := range map[string]func(t *testing.T) *env{
		"billing off": func(t *testing.T) *env {
			e := newEnv(t)
			withOffer(e, couponOffer)
			fromStripe(e)
			return e
		},
		"no promotion code": func(t *testing.T) *env { return checkoutEnv(t, co, openOffer) },
		"not from Stripe": func(t *testing.T) *env {
			e := newEnv(t, func(o *webhooks.Options) { o.Checkout = co })
			withOffer(e, couponOffer)
			return e
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := setup(t)
			get := e.serve(offerGet(offerToken("offer-1")))
			wantPage(t, get, http.StatusOK, "and Alice Archer will be in touch to set it up")
			if csp := get.Header().Get("Content-Security-Policy"); strings.Contains(csp, "checkout.stripe.com") {
				t.Errorf("Content-Security-Policy = %q: no form goes to Checkout", csp)
			}
			wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusOK,
				"you have accepted the offer", "Alice Archer will be in touch to set it up")
			wantSignals(t, e.temporal, offerAnswered(true))
		})
	}
	if n := len(co.requests()); n != 0 {
		t.Errorf("Checkout asked %d times", n)
	}
}

// The real billing client against stripe-mock: the customer lands on a Checkout Session URL.
func TestAcceptLeadsToAStripeCheckoutSession(t *testing.T) {
	mock := testenv.StartStripeMock(t)
	bc, err := billing.New(billing.Config{APIKey: "sk_test_offer", APIBase: mock.URL})
	if err != nil {
		t.Fatal(err)
	}
	e := checkoutEnv(t, bc, couponOffer)
	rec := e.serve(offerPost(offerToken("offer-1"), "accept"))
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "https://checkout.stripe.com/") {
		t.Fatalf("accept: %d to %q, want 303 to a Checkout Session\n%s", rec.Code, loc, e.logs.String())
	}
	wantSignals(t, e.temporal, offerAnswered(true))
}
