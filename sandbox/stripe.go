package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
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
// put in. Likewise GET /v1/subscriptions/{id} for registered subscriptions, and the list of a
// registered customer's subscriptions (GET /v1/subscriptions?customer=), from what was registered
// (POST
// /sandbox/stripe/subscriptions): stripe-mock answers every one with the same customer and no
// discount, so a customer's return could never be told apart, nor its coupon credited.
// Registrations live in memory: register them again after a restart.

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

// StripeSubscription is a subscription registered with the stand-in: what GET
// /v1/subscriptions/{id} answers with, in stripe-mock's subscription, instead of its fixed
// customer and empty discounts. Its items stay stripe-mock's, priced as registered.
type StripeSubscription struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	// Coupons are the coupon IDs of its discounts (a promotion code redeemed at checkout).
	Coupons []string `json:"coupons,omitempty"`
	// Seats, UnitAmount (in the currency's minor unit: cents) and Currency price each item
	// monthly; zero keeps stripe-mock's prices.
	Seats      int64  `json:"seats,omitempty"`
	UnitAmount int64  `json:"unitAmount,omitempty"`
	Currency   string `json:"currency,omitempty"`
	// Status is Stripe's: active (when empty), trialing, past_due, canceled...
	Status string `json:"status,omitempty"`

	registered time.Time // its created and start_date: a subscription begins when registered
}

func (s StripeSubscription) status() string {
	if s.Status == "" {
		return "active"
	}
	return s.Status
}

// Validate says what is wrong with s, naming the field.
func (s StripeSubscription) Validate() error {
	for _, f := range []struct{ name, value string }{{"id", s.ID}, {"customer", s.Customer}} {
		switch {
		case f.value == "":
			return fmt.Errorf("%s: required", f.name)
		case strings.ContainsAny(f.value, "/?#% \t\r\n"):
			return fmt.Errorf("%s: %q has characters a Stripe ID cannot hold", f.name, f.value)
		}
	}
	if s.Seats < 0 || s.UnitAmount < 0 {
		return fmt.Errorf("seats, unitAmount: must not be negative")
	}
	if (s.UnitAmount > 0) != (s.Currency != "") {
		return fmt.Errorf("unitAmount and currency: give both, or neither")
	}
	for i, c := range s.Coupons {
		if c == "" || strings.ContainsAny(c, "/?#% \t\r\n") {
			return fmt.Errorf("coupons[%d]: %q is not a coupon ID", i, c)
		}
	}
	return nil
}

// stripeStandIn forwards to stripe-mock and keeps the registered customers and subscriptions.
type stripeStandIn struct {
	mock  *url.URL
	proxy *httputil.ReverseProxy
	http  *http.Client

	mu            sync.Mutex
	customers     map[string]StripeCustomer
	subscriptions map[string]StripeSubscription
}

func newStripeStandIn(mockURL string) (*stripeStandIn, error) {
	mock, err := url.Parse(strings.TrimRight(mockURL, "/"))
	if err != nil || (mock.Scheme != "http" && mock.Scheme != "https") || mock.Host == "" {
		return nil, fmt.Errorf("StripeMockURL %q is not an http(s) URL", mockURL)
	}
	st := &stripeStandIn{mock: mock, http: &http.Client{Timeout: 30 * time.Second}, customers: map[string]StripeCustomer{},
		subscriptions: map[string]StripeSubscription{}}
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
	handleRegistration(w, r, s.RegisterStripeCustomer, "customer",
		`{"id":"cus_123","name":"Dana Reyes","email":"dana@acme.example","phone":"+12125550142","metadata":{"rep":"alice"}}`)
}

// handleRegistration decodes a registration of what (its fields strictly), registers it, and
// answers 201 with it, or 400 saying what is wrong, with an example.
func handleRegistration[T any](w http.ResponseWriter, r *http.Request, register func(T) error, what, example string) {
	var v T
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a JSON " + what + " like " + example + ": " + err.Error()})
		return
	}
	if err := register(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// RegisterStripeSubscription makes GET /v1/subscriptions/{sub.ID} answer with sub's customer
// and coupons; registering an ID again replaces it.
func (s *Sandbox) RegisterStripeSubscription(sub StripeSubscription) error {
	if s.stripe == nil {
		return fmt.Errorf("the Stripe stand-in is off: set StripeMockURL (WINBACK_STRIPE_MOCK_URL)")
	}
	if err := sub.Validate(); err != nil {
		return err
	}
	sub.registered = time.Now()
	s.stripe.mu.Lock()
	s.stripe.subscriptions[sub.ID] = sub
	s.stripe.mu.Unlock()
	s.log.Info("sandbox: Stripe subscription registered", "id", sub.ID, "customer", sub.Customer)
	return nil
}

func (s *Sandbox) handleStripeRegisterSubscription(w http.ResponseWriter, r *http.Request) {
	handleRegistration(w, r, s.RegisterStripeSubscription, "subscription",
		`{"id":"sub_123","customer":"cus_123","coupons":["winback_1a2b"],"seats":3,"unitAmount":1500,"currency":"usd"}`)
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
		if r.URL.Path == stripePrefix+"/v1/subscriptions" {
			customer := r.URL.Query().Get("customer")
			s.stripe.mu.Lock()
			_, registered := s.stripe.customers[customer]
			var subs []StripeSubscription
			for _, sub := range s.stripe.subscriptions {
				if sub.Customer == customer {
					subs = append(subs, sub)
				}
			}
			s.stripe.mu.Unlock()
			if registered {
				slices.SortFunc(subs, func(a, b StripeSubscription) int { return b.registered.Compare(a.registered) })
				s.serveStripeSubscriptions(w, r, subs)
				return
			}
		}
		if id, ok := strings.CutPrefix(r.URL.Path, stripePrefix+"/v1/subscriptions/"); ok && !strings.Contains(id, "/") {
			s.stripe.mu.Lock()
			sub, registered := s.stripe.subscriptions[id]
			s.stripe.mu.Unlock()
			if registered {
				s.serveStripeSubscription(w, r, sub)
				return
			}
		}
	}
	s.stripe.proxy.ServeHTTP(w, r)
}

// serveStripeSubscription asks stripe-mock the same question and answers with its
// subscription, the registered customer and discounts put in (expanded when asked).
func (s *Sandbox) serveStripeSubscription(w http.ResponseWriter, r *http.Request, sub StripeSubscription) {
	s.serveStripeObject(w, r, func(obj map[string]any) {
		putSubscription(obj, sub, expandsDiscounts(r))
		s.log.Info("sandbox: Stripe subscription answered", "id", sub.ID)
	})
}

// serveStripeSubscriptions lists a registered customer's registered subscriptions (of the
// status asked, "all" or none meaning every one but cancelled ones, as Stripe does), each in
// the shape of stripe-mock's own.
func (s *Sandbox) serveStripeSubscriptions(w http.ResponseWriter, r *http.Request, subs []StripeSubscription) {
	status := r.URL.Query().Get("status")
	s.serveStripeObject(w, r, func(list map[string]any) {
		data, _ := list["data"].([]any)
		var template []byte
		if len(data) > 0 {
			template, _ = json.Marshal(data[0])
		}
		out := []any{}
		for _, sub := range subs {
			switch {
			case status == "all", status == sub.status():
			case status == "" && sub.status() != "canceled":
			default:
				continue
			}
			var obj map[string]any
			if template == nil || json.Unmarshal(template, &obj) != nil {
				continue
			}
			putSubscription(obj, sub, expandsDiscounts(r))
			out = append(out, obj)
		}
		list["data"], list["has_more"] = out, false
	})
}

// expandsDiscounts reports whether r asks for discounts expanded: expand[]=discounts, or
// expand[0]=discounts as stripe-go writes it.
func expandsDiscounts(r *http.Request) bool {
	for key, values := range r.URL.Query() {
		if strings.HasPrefix(key, "expand[") && slices.Contains(values, "discounts") {
			return true
		}
	}
	return false
}

// putSubscription puts sub's registered fields into obj, stripe-mock's subscription.
func putSubscription(obj map[string]any, sub StripeSubscription, expanded bool) {
	obj["id"] = sub.ID
	obj["customer"] = sub.Customer
	obj["status"] = sub.status()
	obj["created"], obj["start_date"] = sub.registered.Unix(), sub.registered.Unix()
	discounts := make([]any, 0, len(sub.Coupons))
	for i, coupon := range sub.Coupons {
		id := fmt.Sprintf("di_%s_%d", sub.ID, i)
		if !expanded {
			discounts = append(discounts, id)
			continue
		}
		discounts = append(discounts, map[string]any{"object": "discount", "id": id, "customer": sub.Customer,
			"subscription": sub.ID, "start": sub.registered.Unix(),
			"source": map[string]any{"type": "coupon", "coupon": coupon}})
	}
	obj["discounts"] = discounts
	if sub.UnitAmount > 0 {
		obj["currency"] = strings.ToLower(sub.Currency)
		if items, ok := obj["items"].(map[string]any); ok {
			data, _ := items["data"].([]any)
			for _, it := range data {
				item, _ := it.(map[string]any)
				price, _ := item["price"].(map[string]any)
				if item == nil || price == nil {
					continue
				}
				item["quantity"] = max(sub.Seats, 1)
				price["unit_amount"], price["currency"] = sub.UnitAmount, strings.ToLower(sub.Currency)
				price["recurring"] = map[string]any{"interval": "month", "interval_count": 1, "meter": nil, "usage_type": "licensed"}
			}
		}
	}
}

// serveStripeCustomer asks stripe-mock the same question (so the request is checked, the key
// too) and answers with its customer, the registered fields put in.
func (s *Sandbox) serveStripeCustomer(w http.ResponseWriter, r *http.Request, c StripeCustomer) {
	s.serveStripeObject(w, r, func(customer map[string]any) {
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
	})
}

// serveStripeObject asks stripe-mock r's question (so the request is checked, the key too)
// and answers with its object as put changes it; a refusal of stripe-mock's stands.
func (s *Sandbox) serveStripeObject(w http.ResponseWriter, r *http.Request, put func(map[string]any)) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.stripe.upstream(r.URL).String(), nil)
	if err != nil {
		writeStripeError(w, http.StatusInternalServerError, "api_error", "", "sandbox: "+err.Error())
		return
	}
	req.Header = r.Header.Clone()
	req.Header.Del("Accept-Encoding") // the body is read and changed here
	resp, err := s.stripe.http.Do(req)
	if err != nil {
		writeStripeError(w, http.StatusBadGateway, "api_error", "", "sandbox: stripe-mock did not answer: "+err.Error())
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	var obj map[string]any
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(body, &obj) != nil {
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
		return
	}
	put(obj)
	writeJSON(w, http.StatusOK, obj)
}

// writeStripeError answers as Stripe does when it refuses a request.
func writeStripeError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]string{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": e})
}
