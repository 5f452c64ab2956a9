package billing_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/internal/testenv"
)

// testKey is a test-mode key: stripe-mock takes any sk_test_ key (and refuses live ones).
const testKey = "sk_test_winback"

// request is one request the client sent, as the recorder saw it on its way to stripe-mock.
type request struct {
	Method, Path   string
	Form           url.Values // the query and the form body
	IdempotencyKey string
}

// recorder sits between the client and stripe-mock: it keeps every request and forwards it
// unchanged, so the mock still checks it against Stripe's spec. intercept, when set, may
// answer a request itself (a Stripe error the mock cannot give).
type recorder struct {
	mu        sync.Mutex
	requests  []request
	intercept func(w http.ResponseWriter, r *http.Request) bool
}

func (rec *recorder) sent() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.requests...)
}

// stripeEnv is a Client talking to stripe-mock through a recorder.
type stripeEnv struct {
	client *billing.Client
	rec    *recorder
	mock   *testenv.StripeMock
}

func newStripeEnv(t *testing.T, mock *testenv.StripeMock) *stripeEnv {
	t.Helper()
	target, err := url.Parse(mock.URL)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		for k, v := range r.URL.Query() {
			form[k] = append(form[k], v...)
		}
		rec.mu.Lock()
		rec.requests = append(rec.requests, request{Method: r.Method, Path: r.URL.Path, Form: form, IdempotencyKey: r.Header.Get("Idempotency-Key")})
		intercept := rec.intercept
		rec.mu.Unlock()
		if intercept != nil && intercept(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := billing.New(billing.Config{APIKey: testKey, APIBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return &stripeEnv{client: c, rec: rec, mock: mock}
}

// appErr returns err's Temporal application error, failing unless it has the type.
func appErr(t *testing.T, err error, errType string) *temporal.ApplicationError {
	t.Helper()
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != errType {
		t.Fatalf("error = %v, want an ApplicationError of type %s", err, errType)
	}
	return ae
}
