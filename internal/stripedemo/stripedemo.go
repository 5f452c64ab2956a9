// Package stripedemo plays Stripe for a demo or a test against the sandbox's Stripe stand-in
// (stripe-mock behind the worker's /sandbox/stripe): it registers a customer with the
// stand-in, and sends the worker signed webhook events of a subscription cancelled or taken
// out again, as Stripe would send them. It is how the README's walkthrough "from a Stripe
// cancellation" runs without a Stripe account (`go run ./scripts/stripedemo`), and the
// end-to-end test uses the same code.
package stripedemo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"
)

// APIVersion is the API version of the events, the one stripe-go v84 speaks.
const APIVersion = "2026-02-25.clover"

// Worker is a running worker with billing on and the sandbox's Stripe stand-in.
type Worker struct {
	// URL is the worker's HTTP server: http://127.0.0.1:8080.
	URL string
	// WebhookSecret signs the events (the worker's STRIPE_WEBHOOK_SECRET).
	WebhookSecret string
	// HTTP is the client to use; http.DefaultClient when nil.
	HTTP *http.Client
}

// Customer is a Stripe customer to register with the stand-in.
type Customer struct {
	ID       string            `json:"id"`
	Name     string            `json:"name,omitempty"`
	Email    string            `json:"email,omitempty"`
	Phone    string            `json:"phone,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Subscription is a subscription as an event carries it: Seats at UnitAmount (cents) a month.
type Subscription struct {
	ID, Customer string
	Seats        int
	UnitAmount   int64 // in cents: 1500 is 15.00
	Currency     string
	// Feedback and Comment are its cancellation_details (a cancellation's).
	Feedback, Comment string
	// Coupons are the coupons redeemed on it (a return's), registered with the stand-in so
	// that the worker reading the subscription sees them.
	Coupons []string
}

// RegisterCustomer makes the stand-in answer for c (stripe-mock's customers have no email).
func (w Worker) RegisterCustomer(ctx context.Context, c Customer) error {
	_, err := w.post(ctx, "/sandbox/stripe/customers", "application/json", c, nil)
	return err
}

// Cancel sends customer.subscription.deleted for sub, cancelled an hour ago, and returns the
// worker's answer.
func (w Worker) Cancel(ctx context.Context, eventID string, sub Subscription) (string, error) {
	return w.Send(ctx, eventID, "customer.subscription.deleted", sub.Cancelled(), time.Now())
}

// Cancelled is sub as a customer.subscription.deleted event carries it: cancelled an hour ago.
func (s Subscription) Cancelled() map[string]any {
	obj := s.object("canceled")
	ended := time.Now().Add(-time.Hour).Unix()
	obj["canceled_at"], obj["ended_at"] = ended, ended
	if s.Feedback != "" || s.Comment != "" {
		obj["cancellation_details"] = map[string]any{"feedback": nullIfEmpty(s.Feedback), "comment": nullIfEmpty(s.Comment),
			"reason": "cancellation_requested"}
	}
	return obj
}

// Resubscribe registers sub (its customer, price and coupons) with the stand-in and sends
// customer.subscription.created for it, and returns the worker's answer.
func (w Worker) Resubscribe(ctx context.Context, eventID string, sub Subscription) (string, error) {
	currency := strings.ToLower(sub.Currency)
	if currency == "" {
		currency = "usd"
	}
	reg := map[string]any{"id": sub.ID, "customer": sub.Customer, "coupons": sub.Coupons,
		"seats": max(sub.Seats, 1), "unitAmount": sub.UnitAmount, "currency": currency}
	if _, err := w.post(ctx, "/sandbox/stripe/subscriptions", "application/json", reg, nil); err != nil {
		return "", err
	}
	return w.Send(ctx, eventID, "customer.subscription.created", sub.object("active"), time.Now())
}

// Send signs an event of typ about object with the secret at the given time, as Stripe does,
// posts it to the worker's webhook and returns its answer. A status other than 200 is an error
// that says it.
func (w Worker) Send(ctx context.Context, eventID, typ string, object map[string]any, at time.Time) (string, error) {
	payload, err := json.Marshal(map[string]any{"id": eventID, "object": "event", "api_version": APIVersion,
		"created": at.Unix(), "type": typ, "livemode": false, "data": map[string]any{"object": object}})
	if err != nil {
		return "", err
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: w.WebhookSecret, Timestamp: at})
	return w.post(ctx, "/webhooks/stripe", "application/json", payload, map[string]string{"Stripe-Signature": signed.Header})
}

// object is the subscription in Stripe's shape, with the given status.
func (s Subscription) object(status string) map[string]any {
	currency := strings.ToLower(s.Currency)
	if currency == "" {
		currency = "usd"
	}
	seats := max(s.Seats, 1)
	periodEnd := time.Now().AddDate(0, 1, 0).Unix()
	return map[string]any{
		"id": s.ID, "object": "subscription", "customer": s.Customer, "status": status, "currency": currency,
		"cancel_at": nil, "cancel_at_period_end": false, "metadata": map[string]any{}, "discounts": []any{},
		"created": time.Now().Unix(), "start_date": time.Now().Unix(),
		"items": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": "si_" + s.ID, "object": "subscription_item", "quantity": seats, "current_period_end": periodEnd,
			"price": map[string]any{"id": "price_" + s.ID, "object": "price", "currency": currency, "unit_amount": s.UnitAmount,
				"type": "recurring", "recurring": map[string]any{"interval": "month", "interval_count": 1}},
		}}},
	}
}

// post sends body (JSON-encoded unless it is already bytes) and returns the answer's text.
func (w Worker) post(ctx context.Context, path, contentType string, body any, headers map[string]string) (string, error) {
	b, ok := body.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return "", err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(w.URL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	hc := w.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w (is the worker running with billing on?)", path, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	answer := strings.TrimSpace(string(text))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return answer, fmt.Errorf("POST %s: HTTP %d: %s", path, resp.StatusCode, answer)
	}
	return answer, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
