package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/winback/winback/activities"
)

// The Stripe stand-in is a TEST STAND-IN for demos and end-to-end tests, not a Stripe: it
// forwards every request under /sandbox/stripe to stripe-mock unchanged, so stripe-mock still
// checks each one against Stripe's OpenAPI spec and answers from its fixtures. stripe-mock is
// stateless and answers every customer with a null email and phone, so no campaign could ever
// be launched from it; the sandbox therefore answers GET /v1/customers/{id} itself for the
// customers registered with it (POST /sandbox/stripe/customers), in Stripe's customer shape:
// stripe-mock's answer to the same request (checked as any other) with the registered fields
// put in. Registered customers live in memory: register them again after a restart.

// stripePrefix is where the stand-in serves Stripe's API: point STRIPE_API_BASE at
// <public URL>/sandbox/stripe (config does when WINBACK_STRIPE_MOCK_URL is set).
const stripePrefix = "/sandbox/stripe"

// ProviderStripe is the Stripe stand-in in faults.
const ProviderStripe = "stripe"

// StripeCustomer is a customer registered with the stand-in: what GET /v1/customers/{id}
// answers with instead of stripe-mock's nulls.
type StripeCustomer struct {
	ID       string            `json:"id"`
	Name     string            `json:"name,omitempty"`
	Email    string            `json:"email,omitempty"`
	Phone    string            `json:"phone,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Validate says what is wrong with c, naming the field.
func (c StripeCustomer) Validate() error {
	switch {
	case c.ID == "":
		return fmt.Errorf("id: required (a Stripe customer ID, cus_...)")
	case strings.ContainsAny(c.ID, "/?#% \t\r\n"):
		return fmt.Errorf("id: %q has characters a customer ID cannot hold", c.ID)
	}
	return nil
}

// stripeStandIn forwards to stripe-mock and keeps the registered customers.
type stripeStandIn struct {
	mock  *url.URL
	proxy *httputil.ReverseProxy
	http  *http.Client

	mu        sync.Mutex
	customers map[string]StripeCustomer
}

func newStripeStandIn(mockURL string) (*stripeStandIn, error) {
	mock, err := url.Parse(strings.TrimRight(mockURL, "/"))
	if err != nil || (mock.Scheme != "http" && mock.Scheme != "https") || mock.Host == "" {
		return nil, fmt.Errorf("StripeMockURL %q is not an http(s) URL", mockURL)
	}
	st := &stripeStandIn{mock: mock, http: &http.Client{Timeout: 30 * time.Second}, customers: map[string]StripeCustomer{}}
	st.proxy = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.Out.URL = st.upstream(pr.In.URL)
		pr.Out.Host = ""
	}}
	return st, nil
}

// upstream is the stripe-mock URL of a request to the stand-in: the same path without the
// prefix, the same query.
func (st *stripeStandIn) upstream(in *url.URL) *url.URL {
	out := *st.mock
	out.RawPath = ""
	out.Path = st.mock.Path + strings.TrimPrefix(in.Path, stripePrefix)
	out.RawQuery = in.RawQuery
	return &out
}

// RegisterStripeCustomer makes GET /v1/customers/{c.ID} answer with c's name, email, phone
// and metadata; registering an ID again replaces it.
func (s *Sandbox) RegisterStripeCustomer(c StripeCustomer) error {
	if s.stripe == nil {
		return fmt.Errorf("the Stripe stand-in is off: set StripeMockURL (WINBACK_STRIPE_MOCK_URL)")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	s.stripe.mu.Lock()
	s.stripe.customers[c.ID] = c
	s.stripe.mu.Unlock()
	s.log.Info("sandbox: Stripe customer registered", "id", c.ID)
	return nil
}

func (s *Sandbox) handleStripeRegister(w http.ResponseWriter, r *http.Request) {
	var c StripeCustomer
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON customer like " +
			`{"id":"cus_123","name":"Dana Reyes","email":"dana@acme.example","phone":"+12125550142","metadata":{"rep":"alice"}}: ` + err.Error()})
		return
	}
	if err := s.RegisterStripeCustomer(c); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Sandbox) handleStripeCustomers(w http.ResponseWriter, _ *http.Request) {
	s.stripe.mu.Lock()
	out := make([]StripeCustomer, 0, len(s.stripe.customers))
	for _, c := range s.stripe.customers {
		out = append(out, c)
	}
	s.stripe.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeJSON(w, http.StatusOK, out)
}

// handleStripe serves Stripe's API: a fault when one is set, a registered customer, or
// whatever stripe-mock answers.
func (s *Sandbox) handleStripe(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(activities.SandboxHeader, ProviderStripe)
	if f, ok := s.faults.take(ProviderStripe, time.Now()); ok {
		s.log.Info("sandbox: Stripe fault", "mode", f.Mode)
		switch f.Mode {
		case Mode5xx:
			writeStripeError(w, http.StatusInternalServerError, "api_error", "", "Internal server error (sandbox fault)")
		case Mode429:
			writeStripeError(w, http.StatusTooManyRequests, "invalid_request_error", "rate_limit", "Too many requests (sandbox fault)")
		case ModeTimeout:
			s.hold(w, r)
		}
		return
	}
	if r.Method == http.MethodGet {
		if id, ok := strings.CutPrefix(r.URL.Path, stripePrefix+"/v1/customers/"); ok && !strings.Contains(id, "/") {
			s.stripe.mu.Lock()
			c, registered := s.stripe.customers[id]
			s.stripe.mu.Unlock()
			if registered {
				s.serveStripeCustomer(w, r, c)
				return
			}
		}
	}
	s.stripe.proxy.ServeHTTP(w, r)
}

// serveStripeCustomer asks stripe-mock the same question (so the request is checked, the key
// too) and answers with its customer, the registered fields put in.
func (s *Sandbox) serveStripeCustomer(w http.ResponseWriter, r *http.Request, c StripeCustomer) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.stripe.upstream(r.URL).String(), nil)
	if err != nil {
		writeStripeError(w, http.StatusInternalServerError, "api_error", "", "sandbox: "+err.Error())
		return
	}
	req.Header = r.Header.Clone()
	resp, err := s.stripe.http.Do(req)
	if err != nil {
		writeStripeError(w, http.StatusBadGateway, "api_error", "", "sandbox: stripe-mock did not answer: "+err.Error())
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	var customer map[string]any
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(body, &customer) != nil {
		// stripe-mock refused the request (no key, a bad parameter): its answer stands.
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
		return
	}
	customer["id"] = c.ID
	customer["name"] = nullIfEmpty(c.Name)
	customer["email"] = nullIfEmpty(c.Email)
	customer["phone"] = nullIfEmpty(c.Phone)
	metadata := c.Metadata
	if metadata == nil {
		metadata = map[string]string{}
	}
	customer["metadata"] = metadata
	s.log.Info("sandbox: Stripe customer answered", "id", c.ID)
	writeJSON(w, http.StatusOK, customer)
}

// writeStripeError answers as Stripe does when it refuses a request.
func writeStripeError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]string{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": e})
}
