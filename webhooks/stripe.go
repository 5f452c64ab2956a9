package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/store"
)

// POST /webhooks/stripe: billing's word on the customers. A cancellation launches a campaign
// (stripe_launch.go), the customer paying again ends theirs as won back (stripe_return.go).
// Each event is acted on once: its ID is claimed in the store, so a replay, or Stripe's retry
// of an event whose answer was lost, changes nothing. An event is either acted on, or recorded
// as a billing problem for ops (answered 200, so Stripe stops sending it), or answered 503 so
// Stripe sends it again: never dropped.

// maxStripeBody bounds one event. Stripe's events are a few kilobytes; an invoice with many
// lines stays well under this.
const maxStripeBody = 1 << 20

// DefaultStripeTolerance is how old a Stripe signature's timestamp may be when
// config.Billing.Tolerance is zero: stripe-go's own default.
const DefaultStripeTolerance = webhook.DefaultTolerance

// stripeSource is the Source of the signals the Stripe webhooks send.
const stripeSource = billing.Provider

// stripeHook is the Stripe side of the Handler.
type stripeHook struct {
	client    billing.Stripe
	cfg       billing.Config
	validator launch.Validator
	tolerance time.Duration
}

// newStripeHook returns nil when billing is off or has no webhook secret: the route is then
// not registered (the worker warns at start).
func newStripeHook(o Options) (*stripeHook, error) {
	if o.Stripe == nil || o.Billing.WebhookSecret == "" {
		return nil, nil
	}
	if o.Billing.Tolerance < 0 {
		return nil, fmt.Errorf("webhooks: Billing.Tolerance %v is negative", o.Billing.Tolerance)
	}
	s := &stripeHook{client: o.Stripe, cfg: o.Billing, validator: o.Launch, tolerance: o.Billing.Tolerance}
	if s.tolerance == 0 {
		s.tolerance = DefaultStripeTolerance
	}
	return s, nil
}

// stripeOutcome is what an event came to, for the answer and the log: "launched campaign ...".
type stripeOutcome string

// stripeProblem is an event that cannot be acted on however often Stripe sends it: a customer
// without an email, an unknown currency. It is recorded for ops, not retried.
type stripeProblem struct {
	billingCustomer, customerID string
	err                         error
	// fields are the fields of a row that failed its checks. Their messages may quote the
	// customer's contact details, which the store seals: the log names only the fields.
	fields []string
}

func (p *stripeProblem) Error() string { return p.err.Error() }
func (p *stripeProblem) Unwrap() error { return p.err }

// problemf is a stripeProblem about a billing customer.
func problemf(billingCustomer, customerID, format string, args ...any) *stripeProblem {
	return &stripeProblem{billingCustomer: billingCustomer, customerID: customerID, err: fmt.Errorf(format, args...)}
}

// stripeEvent verifies a Stripe event, claims its ID and acts on it.
func (h *Handler) stripeEvent(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readBody(w, r, "Stripe", maxStripeBody)
	if !ok {
		return
	}
	// The signature covers the timestamp and the raw bytes received. The API version is not
	// checked: the handlers read the few fields they need, which every version since 2025-03-31
	// has, and an endpoint's version is Stripe's account setting, not ours.
	ev, err := webhook.ConstructEventWithOptions(body, r.Header.Get("Stripe-Signature"), h.stripe.cfg.WebhookSecret,
		webhook.ConstructEventOptions{Tolerance: h.stripe.tolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		reason := stripeRefusal(err, h.stripe.tolerance)
		h.log.Warn("webhooks: Stripe request refused: " + reason)
		refuse(w, http.StatusBadRequest, reason)
		return
	}
	if ev.ID == "" || ev.Data == nil {
		h.log.Warn("webhooks: Stripe request refused: an event without an ID or data")
		refuse(w, http.StatusBadRequest, "not a Stripe event: no id or data")
		return
	}
	log := h.log.With("event", ev.ID, "type", string(ev.Type))
	act, ok := h.stripeHandlers()[ev.Type]
	if !ok {
		log.Debug("webhooks: Stripe event ignored")
		answer(w, "ignored: winback does not act on "+string(ev.Type))
		return
	}

	ctx, cancel := stripeContext(r.Context())
	defer cancel()
	// A request seen before, byte for byte (the same signature's timestamp), is a replay: 400.
	// Stripe's own retry of an event signs it anew, and is answered below: already handled.
	delivery := "stripe-delivery:" + ev.ID + ":" + signedAt(r.Header.Get("Stripe-Signature"))
	dc, state, err := h.claim(ctx, delivery)
	switch {
	case err != nil:
		log.Error("webhooks: Stripe event not handled, the store did not answer; Stripe will send it again", "error", err)
		retryLater(w, "could not record the event; try again")
		return
	case state != store.ClaimNew:
		log.Warn("webhooks: Stripe request refused: the same signed request was received before")
		refuse(w, http.StatusBadRequest, "a replayed request: this signed event was received before")
		return
	}
	dc.commit(ctx)
	c, state, err := h.claim(ctx, "stripe:"+ev.ID)
	switch {
	case err != nil:
		log.Error("webhooks: Stripe event not handled, the store did not answer; Stripe will send it again", "error", err)
		retryLater(w, "could not record the event; try again")
		return
	case state == store.ClaimSeen:
		log.Info("webhooks: Stripe event already handled")
		answer(w, "already handled")
		return
	case state == store.ClaimBusy:
		retryLater(w, "the event is being handled; try again")
		return
	}

	outcome, err := act(ctx, ev)
	var problem *stripeProblem
	switch {
	case err == nil:
		c.commit(ctx)
		log.Info("webhooks: Stripe event handled", "outcome", string(outcome))
		answer(w, string(outcome))
	case errors.As(err, &problem):
		if rerr := h.recordStripeProblem(ctx, ev, problem); rerr != nil {
			c.release(ctx)
			log.Error("webhooks: Stripe event could not be acted on, nor recorded as a billing problem; Stripe will send it again",
				"problem", err, "error", rerr)
			retryLater(w, "could not record the event; try again")
			return
		}
		c.commit(ctx)
		attrs := []any{"billingCustomer", problem.billingCustomer, "customerID", problem.customerID}
		if problem.fields != nil {
			attrs = append(attrs, "fields", problem.fields)
		} else {
			attrs = append(attrs, "problem", err)
		}
		log.Error("webhooks: Stripe event could not be acted on; recorded as a billing problem for ops (the inbox lists them)", attrs...)
		answer(w, "not acted on: recorded as a billing problem for ops")
	default:
		c.release(ctx)
		log.Warn("webhooks: Stripe event not handled; Stripe will send it again", "error", err)
		retryLater(w, "could not reach billing or the campaigns; try again")
	}
}

// signedAt is the timestamp of a Stripe-Signature header ("t=1700000000,v1=..."): what sets
// apart Stripe's deliveries of one event.
func signedAt(header string) string {
	for part := range strings.SplitSeq(header, ",") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			return t
		}
	}
	return ""
}

// stripeAction acts on one kind of event and says what it came to. Its error is a
// *stripeProblem when retrying cannot help, else Stripe is to send the event again.
type stripeAction func(ctx context.Context, ev stripe.Event) (stripeOutcome, error)

// stripeHandlers are the events winback acts on; Stripe may send others (an endpoint listens
// to what its settings name), and they are answered 200, ignored.
func (h *Handler) stripeHandlers() map[stripe.EventType]stripeAction {
	return map[stripe.EventType]stripeAction{
		stripe.EventTypeCustomerSubscriptionDeleted: h.subscriptionDeleted,
		stripe.EventTypeCustomerSubscriptionUpdated: h.subscriptionUpdated,
		stripe.EventTypeCustomerSubscriptionCreated: h.subscriptionCreated,
		stripe.EventTypeInvoicePaid:                 h.invoicePaid,
	}
}

// stripeRefusal says why an event was refused, without echoing it.
func stripeRefusal(err error, tolerance time.Duration) string {
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		return "missing Stripe-Signature header"
	case errors.Is(err, webhook.ErrInvalidHeader):
		return "malformed Stripe-Signature header"
	case errors.Is(err, webhook.ErrTooOld):
		return fmt.Sprintf("the signature's timestamp is older than %v: a stale or replayed request", tolerance)
	case errors.Is(err, webhook.ErrNoValidSignature):
		return "signature does not verify (forged, altered, or STRIPE_WEBHOOK_SECRET is not this endpoint's signing secret)"
	}
	return "not a Stripe event: the body is not an event's JSON"
}

// recordStripeProblem keeps, for ops, an event that could not be acted on.
func (h *Handler) recordStripeProblem(ctx context.Context, ev stripe.Event, p *stripeProblem) error {
	return h.store.RecordBillingProblem(context.WithoutCancel(ctx), store.BillingProblem{
		EventID: ev.ID, EventType: string(ev.Type), BillingCustomer: p.billingCustomer, CustomerID: p.customerID,
		Problem: p.Error(), At: h.now(),
	})
}

// decodeObject reads the event's object (a subscription, an invoice). An object that does not
// decode is a problem: Stripe would send the same bytes again.
func decodeObject(ev stripe.Event, into any) error {
	if err := json.Unmarshal(ev.Data.Raw, into); err != nil {
		// Name what it was about, as far as the bytes say.
		var ids struct {
			ID       string          `json:"id"`
			Customer json.RawMessage `json:"customer"`
		}
		_ = json.Unmarshal(ev.Data.Raw, &ids)
		var customer expandable
		_ = json.Unmarshal(ids.Customer, &customer)
		return problemf(customer.ID, "", "the event's %s %s does not decode: %v", ev.Type, orUnknown(ids.ID), err)
	}
	return nil
}

func orUnknown(id string) string {
	if id == "" {
		return "(no id)"
	}
	return id
}

// answer is a 200 with a short plain-text outcome.
func answer(w http.ResponseWriter, outcome string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(outcome + "\n"))
}

// stripeTimeout bounds the calls of one Stripe event, to Stripe and Temporal: Stripe waits
// about 20 s for an answer, then counts the delivery failed and sends it again.
const stripeTimeout = 18 * time.Second

func stripeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, stripeTimeout)
}
