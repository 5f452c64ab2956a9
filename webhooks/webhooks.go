package webhooks

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	twilioclient "github.com/twilio/twilio-go/client"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
)

// Options configures the webhooks. Secrets (auth token, link secret) are never logged.
type Options struct {
	// Client signals campaigns. Required.
	Client campaigns.API
	// Store keeps handled event IDs, the suppression list and the contact index, shared by
	// every worker (store.Store). Required.
	Store Store
	// PublicURL is how Twilio reaches this server, e.g. "https://winback.example.com"; the URL
	// Twilio signs is PublicURL + r.URL.RequestURI(). Required.
	PublicURL string
	// TwilioAuthToken checks X-Twilio-Signature. "" refuses every Twilio request (503) with a
	// log line saying how to configure it.
	TwilioAuthToken string
	// SendGridPublicKey is the Signed Event Webhook's verification key (base64 DER). "" refuses
	// SendGrid events (503) with a log line saying how to configure it.
	SendGridPublicKey string
	// LinkSecret is the secret of unsubscribe and offer tokens; the same one the activities
	// sign them with. At least 16 bytes. Required.
	LinkSecret []byte
	// Help answers a customer's HELP text from phone (the help template, signed by their rep
	// when known). Required. Twilio's own opt-out handling may answer too, when enabled.
	Help func(ctx context.Context, phone string) (string, error)
	// Checkout makes the Stripe Checkout Session an accepted offer with a promotion code
	// resubscribes through (billing.Client). Nil when billing is off: the accept link then only
	// records the acceptance.
	Checkout Checkout
	// Tolerance is how far a SendGrid timestamp may be from Now, either way; 10 minutes when zero.
	Tolerance time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives one line per request handled or refused; slog.Default() when nil.
	Logger *slog.Logger

	// Stripe reads the customers and subscriptions of Stripe's events; nil when billing is off.
	// POST /webhooks/stripe is registered only with Stripe and Billing.WebhookSecret (else 404).
	Stripe billing.Stripe
	// Billing is billing's configuration: the webhook's signing secret and tolerance, and the
	// routing that makes a cancellation's row (billing.Cancellation.Row).
	Billing config.Billing
	// Launch checks the row of a cancellation and builds its campaign's input, as a CSV launch
	// does (team, playbook, text-message length, holdout); its Now is set for each event.
	Launch launch.Validator
}

// DefaultTolerance is the SendGrid timestamp window used when Options.Tolerance is zero.
const DefaultTolerance = 10 * time.Minute

// Handler serves the provider webhooks, the unsubscribe page and the offer page (the customer's
// one-click answer to an offer). Make one with New and mount it with Register.
type Handler struct {
	client     campaigns.API
	publicURL  string
	twilio     *twilioclient.RequestValidator // nil: no auth token configured
	sendGrid   *ecdsa.PublicKey               // nil: no public key configured
	linkSecret []byte
	tolerance  time.Duration
	store      Store
	help       func(ctx context.Context, phone string) (string, error)
	checkout   Checkout // nil: billing is off
	now        func() time.Time
	log        *slog.Logger
	warnTwilio throttle
	warnSG     throttle
	stripe     *stripeHook // nil: Stripe webhooks are off
}

// New checks the options.
func New(o Options) (*Handler, error) {
	var errs []error
	if o.Client == nil {
		errs = append(errs, errors.New("webhooks: Client is nil: pass the campaigns client"))
	}
	if o.Help == nil {
		errs = append(errs, errors.New("webhooks: Help is nil: pass the answer to HELP (the help template)"))
	}
	if o.Store == nil {
		errs = append(errs, errors.New("webhooks: Store is nil: pass the store (handled events, opt-outs, contacts)"))
	}
	publicURL, err := checkPublicURL(o.PublicURL)
	if err != nil {
		errs = append(errs, err)
	}
	if len(o.LinkSecret) < 16 {
		errs = append(errs, errors.New("webhooks: LinkSecret is shorter than 16 bytes: pass the same link secret as the activities (WINBACK_LINK_SECRET)"))
	}
	if o.Tolerance < 0 {
		errs = append(errs, fmt.Errorf("webhooks: Tolerance %v is negative", o.Tolerance))
	}
	var sgKey *ecdsa.PublicKey
	if o.SendGridPublicKey != "" {
		if sgKey, err = parseECDSAPublicKey(o.SendGridPublicKey); err != nil {
			errs = append(errs, err)
		}
	}
	sh, err := newStripeHook(o)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	h := &Handler{
		client:     o.Client,
		publicURL:  publicURL,
		sendGrid:   sgKey,
		linkSecret: o.LinkSecret,
		tolerance:  o.Tolerance,
		store:      o.Store,
		help:       o.Help,
		checkout:   o.Checkout,
		now:        o.Now,
		log:        o.Logger,
		stripe:     sh,
	}
	if h.tolerance == 0 {
		h.tolerance = DefaultTolerance
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if o.TwilioAuthToken != "" {
		v := twilioclient.NewRequestValidator(o.TwilioAuthToken)
		h.twilio = &v
	} else {
		h.log.Warn("webhooks: " + twilioNotConfigured)
	}
	if sgKey == nil {
		h.log.Warn("webhooks: " + sendGridNotConfigured)
	}
	return h, nil
}

// Register mounts the webhook routes, the unsubscribe page and the offer page on mux; the
// Stripe webhook only when billing is on with a webhook secret.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /webhooks/twilio/sms", h.twilioSMS)
	mux.HandleFunc("POST /webhooks/twilio/status", h.twilioStatus)
	mux.HandleFunc("POST /webhooks/sendgrid/events", h.sendGridEvents)
	mux.HandleFunc("GET /unsubscribe", h.unsubscribePage)
	mux.HandleFunc("POST /unsubscribe", h.unsubscribe)
	mux.HandleFunc("GET /offer", h.offerShow)
	mux.HandleFunc("POST /offer", h.offerAnswer)
	mux.HandleFunc("POST /offer/checkout", h.offerCheckout)
	mux.HandleFunc("GET "+resubscribedPath, h.resubscribed)
	mux.HandleFunc("GET "+resubscribeLaterPath, h.resubscribeLater)
	if h.stripe != nil {
		mux.HandleFunc("POST /webhooks/stripe", h.stripeEvent)
	}
}

// checkPublicURL accepts an absolute http(s) URL without query or fragment and returns it
// without a trailing slash.
func checkPublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("webhooks: PublicURL %q is not an absolute http(s) URL without query (the URL Twilio calls, like https://winback.example.com)", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// parseECDSAPublicKey parses the key up front: SendGrid's helper panics on a key that is not ECDSA.
func parseECDSAPublicKey(b64 string) (*ecdsa.PublicKey, error) {
	const hint = "webhooks: SendGridPublicKey is not a base64 DER ECDSA public key: copy public_key from SendGrid's Signed Event Webhook settings (SENDGRID_WEBHOOK_PUBLIC_KEY)"
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, errors.New(hint)
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errors.New(hint)
	}
	pk, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New(hint)
	}
	return pk, nil
}
