// Package sandbox is the local stand-in for SendGrid and Twilio that the worker serves when no
// provider keys are configured, and, in front of stripe-mock, for Stripe (see stripe.go). It speaks their wire APIs (so the real SDKs talk to it
// unchanged), validates requests the way the real services do on the points that matter to us,
// keeps every accepted message (optionally in a file, so they survive a restart), shows them on
// an outbox page, can be told to fail (5xx, 429, timeouts, invalid numbers) for fault tests, and
// optionally posts Twilio-style signed status callbacks ("sent", "delivered").
//
// It has no authentication of its own beyond the providers' auth shapes: serve it on a local
// address only.
package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
)

// Options configures a Sandbox.
type Options struct {
	// DataFile keeps messages as JSON lines so they survive a restart; "" keeps them in memory.
	DataFile string
	// Logger receives one line per request; slog.Default() when nil.
	Logger *slog.Logger
	// StatusCallbacks makes the sandbox report each accepted text as "sent", then "delivered",
	// to its StatusCallback URL, signed with X-Twilio-Signature under the auth token it was sent
	// with, as Twilio does. Off by default, so tests post nowhere.
	StatusCallbacks bool
	// StripeMockURL turns on the Stripe stand-in (a test stand-in: see stripe.go): stripe-mock's
	// URL, where it forwards Stripe's API (WINBACK_STRIPE_MOCK_URL). Empty: no /sandbox/stripe.
	StripeMockURL string
}

// Sandbox is the SendGrid and Twilio stand-in. Its methods are safe for concurrent use.
type Sandbox struct {
	log       *slog.Logger
	store     *store
	faults    faults
	stripe    *stripeStandIn // nil without Options.StripeMockURL
	callbacks bool
	// closed ends requests held by a timeout fault when the sandbox closes.
	closed    chan struct{}
	closeOnce sync.Once
	// bgCtx ends the status callbacks still running when the sandbox closes; bg waits for them.
	bgCtx    context.Context
	bgCancel context.CancelFunc
	bg       sync.WaitGroup
}

// New opens the sandbox, loading the messages already in o.DataFile.
func New(o Options) (*Sandbox, error) {
	s := &Sandbox{log: o.Logger, callbacks: o.StatusCallbacks, closed: make(chan struct{})}
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.Default()
	}
	if o.StripeMockURL != "" {
		st, err := newStripeStandIn(o.StripeMockURL)
		if err != nil {
			return nil, err
		}
		s.stripe = st
	}
	st, err := openStore(o.DataFile, s.log)
	if err != nil {
		return nil, err
	}
	s.store = st
	return s, nil
}

// Register adds the sandbox's routes to mux:
//
//	POST   /sandbox/sendgrid/v3/mail/send                              SendGrid Mail Send
//	POST   /sandbox/twilio/2010-04-01/Accounts/{AccountSid}/Messages.json  Twilio Messages
//	GET    /sandbox/twilio/2010-04-01/Accounts/{AccountSid}/Messages.json  Twilio Messages list
//	GET    /sandbox/sendgrid/v3/messages                               SendGrid Email Activity
//	GET    /outbox               the messages, newest first (?workflow= filters)
//	GET    /outbox.json          the messages as JSON, in arrival order (?workflow=, ?key= filter)
//	POST   /sandbox/faults       set a fault (JSON Fault)
//	DELETE /sandbox/faults       clear all faults
//	GET    /sandbox/faults       the active faults
//
// and with Options.StripeMockURL, the Stripe stand-in:
//
//   - /sandbox/stripe/v1/...        Stripe's API, forwarded to stripe-mock unchanged
//     GET    /sandbox/stripe/v1/customers/{id}  a registered customer, else as above
//     POST   /sandbox/stripe/customers     register a customer (JSON StripeCustomer)
//     GET    /sandbox/stripe/customers     the registered customers
//
// Point the activities at "<base>/sandbox/sendgrid" and "<base>/sandbox/twilio", and the
// billing client at "<base>/sandbox/stripe".
func (s *Sandbox) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /sandbox/sendgrid/v3/mail/send", s.handleSendGrid)
	mux.HandleFunc("POST /sandbox/twilio/2010-04-01/Accounts/{AccountSid}/Messages.json", s.handleTwilio)
	mux.HandleFunc("GET /sandbox/twilio/2010-04-01/Accounts/{AccountSid}/Messages.json", s.handleTwilioList)
	mux.HandleFunc("GET /sandbox/sendgrid/v3/messages", s.handleSendGridActivity)
	mux.HandleFunc("GET /outbox", s.handleOutbox)
	mux.HandleFunc("GET /outbox.json", s.handleOutboxJSON)
	mux.HandleFunc("POST /sandbox/faults", s.handleSetFault)
	mux.HandleFunc("DELETE /sandbox/faults", s.handleClearFaults)
	mux.HandleFunc("GET /sandbox/faults", s.handleListFaults)
	if s.stripe != nil {
		mux.HandleFunc(stripePrefix+"/", s.handleStripe)
		mux.HandleFunc("POST "+stripePrefix+"/customers", s.handleStripeRegister)
		mux.HandleFunc("GET "+stripePrefix+"/customers", s.handleStripeCustomers)
		mux.HandleFunc("POST "+stripePrefix+"/subscriptions", s.handleStripeRegisterSubscription)
	}
}

// Messages returns the accepted messages of one campaign ("" = all), in arrival order.
func (s *Sandbox) Messages(workflowID string) []Message {
	return s.store.list(func(m *Message) bool { return workflowID == "" || m.WorkflowID == workflowID })
}

// Close releases requests held by a timeout fault, stops status callbacks and closes the data
// file.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	s.bgCancel()
	s.bg.Wait()
	return errors.Join(s.store.close())
}
