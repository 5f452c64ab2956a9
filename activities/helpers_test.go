package activities_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
)

const (
	testSendGridKey = "SG.test-key-do-not-print"
	testAccountSID  = "AC0123456789abcdef0123456789abcdef"
	testAuthToken   = "authTokenDoNotPrint42"
	testPublicURL   = "https://winback.example.com"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// captured is one request a fake provider received.
type captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// fakeProvider is an httptest server that records requests and answers with respond(n), n being
// the 1-based number of the request.
type fakeProvider struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []captured
	respond func(w http.ResponseWriter, r *http.Request, n int)
}

func newFakeProvider(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *fakeProvider {
	t.Helper()
	f := &fakeProvider{respond: respond}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, captured{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		n := len(f.reqs)
		f.mu.Unlock()
		f.respond(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeProvider) requests() []captured {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]captured(nil), f.reqs...)
}

// sendGridAccepts answers like SendGrid on success: 202, empty body, X-Message-Id.
func sendGridAccepts(w http.ResponseWriter, _ *http.Request, n int) {
	w.Header().Set("X-Message-Id", "sg-msg-"+string(rune('0'+n)))
	w.WriteHeader(http.StatusAccepted)
}

// twilioAccepts answers like Twilio on success: 201 and the message resource.
func twilioAccepts(w http.ResponseWriter, r *http.Request, n int) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"sid":"SM0000000000000000000000000000000`+string(rune('0'+n))+`","status":"queued","to":"`+r.PostForm.Get("To")+`"}`)
}

// newTestActivities builds Activities against the given provider base URLs, with a ledger in a
// temporary folder. edit may change the options.
func newTestActivities(t *testing.T, sendGridBase, twilioBase string, edit ...func(*activities.Options)) *activities.Activities {
	t.Helper()
	o := testOptions(t, sendGridBase, twilioBase)
	for _, e := range edit {
		e(&o)
	}
	a, err := activities.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func testOptions(t *testing.T, sendGridBase, twilioBase string) activities.Options {
	return activities.Options{
		SendGridAPIKey: testSendGridKey, SendGridBaseURL: sendGridBase,
		FromEmail: "hello@acme.example", FromName: "Acme Supplies",
		TwilioAccountSID: testAccountSID, TwilioAuthToken: testAuthToken, TwilioBaseURL: twilioBase,
		TwilioFrom: "+15005550006",
		PublicURL:  testPublicURL, LinkSecret: testSecret,
		Store:       testStore(t),
		HTTPTimeout: 2 * time.Second,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// testStore is an SQLite store in a temporary folder: the send ledger and suppression list of
// one test (two Activities given the same store are two workers of one deployment).
func testStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func revisitData() activities.MessageData {
	return activities.MessageData{
		CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz",
		RepEmail: "sam.ortiz@acme.example", Reason: "let_down", Apology: true,
		WhatWeChanged: "give your account a named support engineer who answers within one business hour",
		Offer:         "apology", OfferDetails: "your next two months at no charge",
	}
}

func emailRequest(key string) activities.EmailRequest {
	return activities.EmailRequest{
		Key: "winback:cust-42/" + key, WorkflowID: "winback:cust-42", Step: key,
		To: "dana@northwind.example", ToName: "Dana Whitfield", Template: "revisit", Data: revisitData(),
	}
}

func smsRequest(key string) activities.SMSRequest {
	return activities.SMSRequest{
		Key: "winback:cust-42/" + key, WorkflowID: "winback:cust-42", Step: key,
		To: "+14155550123", Template: "check_in",
		Data: activities.MessageData{CustomerName: "Dana", Company: "Northwind Traders", RepName: "Sam Ortiz"},
	}
}

// wantAppError asserts err is an ApplicationError of errType, retryable or not, and that its
// message never shows a secret or the recipient.
func wantAppError(t *testing.T, err error, errType string, nonRetryable bool, hidden ...string) *temporal.ApplicationError {
	t.Helper()
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want an ApplicationError of type %s", err, err, errType)
	}
	if ae.Type() != errType || ae.NonRetryable() != nonRetryable {
		t.Fatalf("error type %s nonRetryable=%v (%v), want %s nonRetryable=%v", ae.Type(), ae.NonRetryable(), ae, errType, nonRetryable)
	}
	for _, h := range append(hidden, testSendGridKey, testAuthToken) {
		if strings.Contains(ae.Error(), h) {
			t.Errorf("error message shows %q: %v", h, ae)
		}
	}
	return ae
}
