package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// The Stripe webhook's refusals and answers that need neither Stripe nor Temporal. What it
// launches and ends is tested on a dev server and stripe-mock (internal/workerapp).

const stripeSecret = "whsec_webhooks_test"

// withStripe turns the Stripe webhook on, with a Stripe that cannot be reached.
func withStripe(edit ...func(*webhooks.Options)) func(*webhooks.Options) {
	return func(o *webhooks.Options) {
		cfg := config.Billing{APIKey: "sk_test_unreachable", APIBase: "http://127.0.0.1:1", WebhookSecret: stripeSecret}
		bc, err := billing.New(cfg)
		if err != nil {
			panic(err)
		}
		o.Stripe, o.Billing = bc, cfg
		o.Launch = launch.Validator{Playbook: workflows.DefaultPlaybook()}
		for _, f := range edit {
			f(o)
		}
	}
}

// stripeRequest is an event posted with the Stripe-Signature header of secret at at.
func stripeRequest(payload []byte, secret string, at time.Time) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(payload))
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	req.Header.Set("Stripe-Signature", signed.Header)
	return req
}

func stripeEvent(id, typ string, object map[string]any, previous map[string]any) []byte {
	data := map[string]any{"object": object}
	if previous != nil {
		data["previous_attributes"] = previous
	}
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2026-02-25.clover",
		"type": typ, "data": data})
	return b
}

var deletedSub = map[string]any{"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled",
	"currency": "usd", "canceled_at": testNow.Unix(), "ended_at": testNow.Unix()}

func TestStripeWebhookOnlyWithASecret(t *testing.T) {
	for name, edit := range map[string]func(*webhooks.Options){
		"billing off":       func(*webhooks.Options) {},
		"no webhook secret": withStripe(func(o *webhooks.Options) { o.Billing.WebhookSecret = "" }),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, edit)
			body := stripeEvent("evt_1", "customer.subscription.deleted", deletedSub, nil)
			if rec := e.serve(stripeRequest(body, stripeSecret, time.Now())); rec.Code != http.StatusNotFound {
				t.Errorf("%d %q, want 404", rec.Code, rec.Body)
			}
		})
	}
}

func TestStripeRefusesWhatItCannotTrust(t *testing.T) {
	e := newEnv(t, withStripe())
	body := stripeEvent("evt_1", "customer.subscription.deleted", deletedSub, nil)
	for _, tc := range []struct {
		name string
		req  *http.Request
		want string
	}{
		{"forged", stripeRequest(body, "whsec_someone_else", time.Now()), "signature does not verify"},
		{"stale", stripeRequest(body, stripeSecret, time.Now().Add(-6*time.Minute)), "stale"},
		{"altered", stripeRequest(body, stripeSecret, time.Now()), "signature does not verify"},
		{"unsigned", httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body)), "missing Stripe-Signature"},
		{"malformed header", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body))
			r.Header.Set("Stripe-Signature", "nonsense")
			return r
		}(), "Stripe-Signature"},
		{"not JSON", stripeRequest([]byte("not json"), stripeSecret, time.Now()), "not a Stripe event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "altered" {
				tc.req.Body = httpBody(bytes.Replace(body, []byte("cus_1"), []byte("cus_2"), 1))
			}
			rec := e.serve(tc.req)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %q, want 400 saying %q", rec.Code, rec.Body, tc.want)
			}
		})
	}
	if starts, signals := e.temporal.Starts(), e.temporal.Signals(); len(starts)+len(signals) > 0 {
		t.Errorf("refused events reached the campaigns: %v %v", starts, signals)
	}
}

func TestStripeIgnoresWhatItDoesNotActOn(t *testing.T) {
	e := newEnv(t, withStripe(func(o *webhooks.Options) { o.Launch.Playbook.StartWhenCancelScheduled = false }))
	scheduled := map[string]any{"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
		"cancel_at_period_end": true}
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"another event type", stripeEvent("evt_a", "charge.succeeded", map[string]any{"id": "ch_1", "object": "charge"}, nil), "ignored"},
		{"a scheduled cancellation the playbook waits out", stripeEvent("evt_b", "customer.subscription.updated", scheduled, nil), "startWhenCancelScheduled is false"},
		{"an update that neither schedules nor withdraws", stripeEvent("evt_c", "customer.subscription.updated",
			map[string]any{"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active"}, map[string]any{"metadata": map[string]any{}}), "ignored"},
		{"a one-off invoice", stripeEvent("evt_d", "invoice.paid", map[string]any{"id": "in_1", "object": "invoice", "customer": "cus_1"}, nil), "not a subscription's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.serve(stripeRequest(tc.body, stripeSecret, time.Now()))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %q, want 200 saying %q", rec.Code, rec.Body, tc.want)
			}
		})
	}
	if starts := e.temporal.Starts(); len(starts) > 0 {
		t.Errorf("started %v", starts)
	}
}

// Stripe unreachable: 503, so Stripe sends the event again, and the event is not marked
// handled, so that delivery is acted on. Invoices are read in today's shape and the legacy one.
func TestStripeUnreachableIsRetried(t *testing.T) {
	e := newEnv(t, withStripe())
	for _, body := range [][]byte{
		stripeEvent("evt_1", "customer.subscription.deleted", deletedSub, nil),
		stripeEvent("evt_2", "invoice.paid", map[string]any{"id": "in_1", "object": "invoice", "customer": "cus_1",
			"parent": map[string]any{"type": "subscription_details", "subscription_details": map[string]any{"subscription": "sub_2"}}}, nil),
		stripeEvent("evt_3", "invoice.paid", map[string]any{"id": "in_2", "object": "invoice", "customer": "cus_1", "subscription": "sub_2"}, nil),
	} {
		for attempt := range 2 { // Stripe signs each attempt anew
			rec := e.serve(stripeRequest(body, stripeSecret, time.Now().Add(time.Duration(attempt)*time.Second)))
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
				t.Errorf("%d %q, want 503 with Retry-After (and again on the retry, not already handled)", rec.Code, rec.Body)
			}
		}
	}
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// An event whose object does not decode is kept for ops, naming the object and its customer as
// far as the bytes say; Stripe is told it was received (it would send the same bytes again).
func TestAStripeObjectThatDoesNotDecodeIsABillingProblem(t *testing.T) {
	e := newEnv(t, withStripe())
	body := stripeEvent("evt_bad", "customer.subscription.deleted", map[string]any{"id": "sub_bad", "object": "subscription",
		"customer": "cus_bad", "items": "not a list"}, nil)
	rec := e.serve(stripeRequest(body, stripeSecret, time.Now()))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "billing problem") {
		t.Fatalf("%d %q, want 200 recorded as a billing problem", rec.Code, rec.Body)
	}
	page, err := e.store.BillingProblems(context.Background(), store.BillingProblemQuery{})
	if err != nil || len(page.Problems) != 1 {
		t.Fatalf("billing problems %+v, %v; want one", page.Problems, err)
	}
	if p := page.Problems[0]; p.EventID != "evt_bad" || p.BillingCustomer != "cus_bad" || !strings.Contains(p.Problem, "sub_bad") {
		t.Errorf("problem %+v, want evt_bad's, of cus_bad, naming sub_bad", p)
	}
}
