package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"
)

// HTTPTimeout bounds one request to Stripe. The callers retry (an activity by its retry
// policy, a webhook by Stripe sending it again), so a hung connection must not hold them.
const HTTPTimeout = 20 * time.Second

// sdkRetries is how many times stripe-go itself retries a request that failed on the network
// or with a status Stripe marks retryable (with the same idempotency key). One quick retry
// smooths a blip for the webhooks and the CLI; Temporal retries the activities beyond it.
const sdkRetries = 1

// Client is winback's Stripe: it implements Stripe with stripe-go v84 against Stripe's API or
// stripe-mock (Config.APIBase). It is safe for concurrent use.
type Client struct {
	sc  *stripe.Client
	cfg Config
}

var _ Stripe = (*Client)(nil)

// New makes a Client. cfg.APIKey is required (config leaves it empty when billing is off);
// an empty cfg.APIBase is Stripe's API.
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("billing: no Stripe API key (STRIPE_API_KEY): billing is off")
	}
	base := strings.TrimRight(cfg.APIBase, "/")
	if base == "" {
		base = stripe.APIURL
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("billing: Stripe API base %q is not a URL (STRIPE_API_BASE)", cfg.APIBase)
	}
	// stripe-go routes by the path's /v1 or /v2 and takes no path in its base, so a base with
	// one (the sandbox's /sandbox/stripe) is put back in front of each request's path here.
	var transport http.RoundTripper = answerTransport{base: http.DefaultTransport}
	if prefix := strings.TrimRight(u.Path, "/"); prefix != "" {
		transport = prefixTransport{prefix: prefix, base: transport}
		u.Path, u.RawPath = "", ""
	}
	backend := &stripe.BackendConfig{
		URL:               stripe.String(u.String()),
		HTTPClient:        &http.Client{Timeout: HTTPTimeout, Transport: transport},
		MaxNetworkRetries: stripe.Int64(sdkRetries),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull}, // errors are returned, and logged by the caller
		EnableTelemetry:   stripe.Bool(false),
	}
	sc := stripe.NewClient(cfg.APIKey, stripe.WithBackends(stripe.NewBackendsWithConfig(backend)))
	return &Client{sc: sc, cfg: cfg}, nil
}

// prefixTransport puts the API base's path in front of each request's path.
type prefixTransport struct {
	prefix string
	base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t prefixTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Path = t.prefix + req.URL.Path
	out.URL.RawPath = ""
	return t.base.RoundTrip(out)
}

// Customer reads a customer.
func (c *Client) Customer(ctx context.Context, id string) (Customer, error) {
	if id == "" {
		return Customer{}, invalid("no customer ID to read")
	}
	ctx, ans := withAnswer(ctx)
	cu, err := c.sc.V1Customers.Retrieve(ctx, id, nil)
	if err != nil {
		return Customer{}, classify("read customer "+id, err, ans)
	}
	if cu.Deleted {
		return Customer{}, unreadable("customer %s was deleted in Stripe", id)
	}
	return Customer{ID: cu.ID, Name: cu.Name, Email: cu.Email, Phone: cu.Phone, Metadata: cu.Metadata}, nil
}

// Cancellation reads a subscription as a cancellation, with its customer. The customer is
// read on its own (not expanded in the subscription), as the sandbox answers customers.
func (c *Client) Cancellation(ctx context.Context, subscriptionID string) (Cancellation, error) {
	if subscriptionID == "" {
		return Cancellation{}, invalid("no subscription ID to read")
	}
	actx, ans := withAnswer(ctx)
	sub, err := c.sc.V1Subscriptions.Retrieve(actx, subscriptionID, nil)
	if err != nil {
		return Cancellation{}, classify("read subscription "+subscriptionID, err, ans)
	}
	cn, err := CancellationOf(sub)
	if err != nil {
		return Cancellation{}, err
	}
	if cn.Customer, err = c.Customer(ctx, cn.Customer.ID); err != nil {
		return Cancellation{}, err
	}
	return cn, nil
}

// Unreadable is the subscriptions Cancellations could not read as cancellations (an unknown
// currency...). Cancellations returns it as its error beside every cancellation it could
// read, so the backfill reports these and loses nothing.
type Unreadable []UnreadableSubscription

// UnreadableSubscription is one subscription Cancellations could not read, and why.
type UnreadableSubscription struct {
	SubscriptionID string
	CustomerID     string
	Err            error
}

func (u Unreadable) Error() string {
	parts := make([]string, len(u))
	for i, s := range u {
		parts[i] = "subscription " + s.SubscriptionID + " of customer " + s.CustomerID + ": " + s.Err.Error()
	}
	return strings.Join(parts, "; ")
}

// Cancellations lists the subscriptions cancelled since the given time, oldest first, each
// with its customer. Stripe filters the status (canceled); canceled_at is filtered here, since
// the API has no filter for it. Subscriptions that cannot be read as cancellations come back
// in an Unreadable error next to the others; any other error returns nothing.
func (c *Client) Cancellations(ctx context.Context, since time.Time) ([]Cancellation, error) {
	params := &stripe.SubscriptionListParams{Status: stripe.String(string(stripe.SubscriptionStatusCanceled))}
	params.Limit = stripe.Int64(100)
	lctx, ans := withAnswer(ctx)
	var out []Cancellation
	var bad Unreadable
	// A customer may have cancelled several subscriptions: read each once.
	customers := map[string]struct {
		customer Customer
		err      error
	}{}
	for sub, err := range c.sc.V1Subscriptions.List(lctx, params) {
		if err != nil {
			return nil, classify("list cancelled subscriptions", err, ans)
		}
		if sub.CanceledAt == 0 || time.Unix(sub.CanceledAt, 0).Before(since) {
			continue
		}
		cn, err := CancellationOf(sub)
		if err == nil {
			got, ok := customers[cn.Customer.ID]
			if !ok {
				got.customer, got.err = c.Customer(ctx, cn.Customer.ID)
				customers[cn.Customer.ID] = got
			}
			cn.Customer, err = got.customer, got.err
		}
		switch {
		case err == nil:
			out = append(out, cn)
		case Retryable(err):
			return nil, err
		default: // a deleted customer, an unknown currency: this one needs a person
			bad = append(bad, UnreadableSubscription{SubscriptionID: sub.ID, CustomerID: customerID(sub), Err: err})
		}
	}
	// Stripe lists newest first; a backfill reads best in the order people left.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(bad) > 0 {
		return out, bad
	}
	return out, nil
}

// ActiveSubscriptions lists the IDs of the customer's subscriptions that still bill them:
// active, trialing or past due (Stripe still collects a past-due one).
func (c *Client) ActiveSubscriptions(ctx context.Context, customerID string) ([]string, error) {
	if customerID == "" {
		return nil, invalid("no customer ID to list the subscriptions of")
	}
	params := &stripe.SubscriptionListParams{Customer: stripe.String(customerID), Status: stripe.String("all")}
	params.Limit = stripe.Int64(100)
	ctx, ans := withAnswer(ctx)
	var ids []string
	for sub, err := range c.sc.V1Subscriptions.List(ctx, params) {
		if err != nil {
			return nil, classify("list the subscriptions of customer "+customerID, err, ans)
		}
		switch sub.Status {
		case stripe.SubscriptionStatusActive, stripe.SubscriptionStatusTrialing, stripe.SubscriptionStatusPastDue:
			ids = append(ids, sub.ID)
		}
	}
	return ids, nil
}

// SubscriptionReturn reads a new or renewed subscription as a return, with its discounts
// expanded, so its coupons are known.
func (c *Client) SubscriptionReturn(ctx context.Context, subscriptionID string) (Return, error) {
	if subscriptionID == "" {
		return Return{}, invalid("no subscription ID to read")
	}
	params := &stripe.SubscriptionRetrieveParams{}
	params.AddExpand("discounts")
	ctx, ans := withAnswer(ctx)
	sub, err := c.sc.V1Subscriptions.Retrieve(ctx, subscriptionID, params)
	if err != nil {
		return Return{}, classify("read subscription "+subscriptionID, err, ans)
	}
	return ReturnOf(sub)
}

// CheckoutURL makes a Checkout Session in subscription mode, in which the customer
// resubscribes to the price with the promotion code applied, and returns its URL. The same
// Key within Stripe's 24 hours of idempotency returns the same session.
func (c *Client) CheckoutURL(ctx context.Context, r CheckoutRequest) (string, error) {
	for _, f := range []struct{ name, value string }{
		{"Key", r.Key}, {"CustomerID", r.CustomerID}, {"PriceID", r.PriceID},
		{"SuccessURL", r.SuccessURL}, {"CancelURL", r.CancelURL},
	} {
		if f.value == "" {
			return "", invalid("CheckoutRequest.%s is empty", f.name)
		}
	}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:     stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer: stripe.String(r.CustomerID),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{
			{Price: stripe.String(r.PriceID), Quantity: stripe.Int64(max(r.Quantity, 1))},
		},
		SuccessURL: stripe.String(r.SuccessURL),
		CancelURL:  stripe.String(r.CancelURL),
	}
	if r.PromotionCodeID != "" {
		params.Discounts = []*stripe.CheckoutSessionCreateDiscountParams{{PromotionCode: stripe.String(r.PromotionCodeID)}}
	}
	params.SetIdempotencyKey(idempotencyKey("checkout", r.Key))
	ctx, ans := withAnswer(ctx)
	cs, err := c.sc.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return "", classify("create the Checkout Session", err, ans)
	}
	if cs.URL == "" {
		return "", unreadable("Stripe made Checkout Session %s without a URL", cs.ID)
	}
	return cs.URL, nil
}
