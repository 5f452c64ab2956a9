package webhooks_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

const (
	publicURL   = "https://winback.example.com"
	twilioToken = "testauthtoken0123456789abcdef012"
	phone       = "+14155550123"
	email       = "dana@northwind.example"
	workflowID  = "winback:cust-42"
)

var (
	linkSecret = []byte("test-link-secret-0123456789")
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
)

// sent is one Signal the fake recorded, to a campaign's workflow ID.
type sent struct {
	WorkflowID, Name string
	Arg              any
}

// customerID is the campaign of the test phone (workflowID).
const customerID = "cust-42"

// newFakeTemporal is the campaigns the webhooks reach: one running campaign.
func newFakeTemporal() *campaignstest.Fake {
	f := campaignstest.New()
	f.Put(campaignstest.Campaign{Status: workflows.CampaignStatus{CustomerID: customerID}, Running: true})
	return f
}

// newStore is an SQLite store in a temporary folder where the campaign indexed the test phone
// and email, as it does at launch.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, c := range []struct{ contact, channel string }{{phone, "sms"}, {email, "email"}} {
		if err := s.IndexContact(context.Background(), c.contact, c.channel, customerID, workflowID); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// sentTo is what the fake received, by workflow ID.
func sentTo(f *campaignstest.Fake) []sent {
	var out []sent
	for _, c := range f.Signals() {
		out = append(out, sent{workflows.WorkflowID(c.CustomerID), c.Name, c.Arg})
	}
	return out
}

// env is a Handler on a mux with a fake Temporal, a SendGrid key pair and captured logs.
type env struct {
	temporal *campaignstest.Fake
	store    *store.Store
	mux      *http.ServeMux
	h        *webhooks.Handler
	sgKey    *ecdsa.PrivateKey
	logs     *syncBuffer
	now      time.Time
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, edit ...func(*webhooks.Options)) *env {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{temporal: newFakeTemporal(), mux: http.NewServeMux(), sgKey: key, logs: &syncBuffer{}, now: testNow}
	o := webhooks.Options{
		Client:            e.temporal,
		Store:             nil, // below: newStore, unless a test gives one
		PublicURL:         publicURL,
		TwilioAuthToken:   twilioToken,
		SendGridPublicKey: base64.StdEncoding.EncodeToString(der),
		LinkSecret:        linkSecret,
		Help: func(context.Context, string) (string, error) {
			return "Acme: your contact is Sam Ortiz. Reply STOP to opt out, START to opt back in.", nil
		},
		Now:    func() time.Time { return e.now },
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range edit {
		f(&o)
	}
	if o.Store == nil {
		o.Store = newStore(t)
	}
	e.store, _ = o.Store.(*store.Store)
	h, err := webhooks.New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	h.Register(e.mux)
	return e
}

func (e *env) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	return rec
}

// twilioSignature computes X-Twilio-Signature as Twilio documents it, independently of
// twilio-go: base64(HMAC-SHA1(token, URL + each POST name and value, sorted by name)).
func twilioSignature(token, fullURL string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	s := fullURL
	for _, k := range names {
		for _, v := range form[k] {
			s += k + v
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// twilioRequest is a signed Twilio form POST to pathAndQuery.
func twilioRequest(pathAndQuery string, form url.Values, idempotency string) *http.Request {
	req := rawTwilioRequest(pathAndQuery, form.Encode())
	req.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+pathAndQuery, form))
	if idempotency != "" {
		req.Header.Set("I-Twilio-Idempotency-Token", idempotency)
	}
	return req
}

func rawTwilioRequest(pathAndQuery, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, pathAndQuery, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// inbound is the form of an inbound text from the test phone.
func inbound(sid, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {"AC00000000000000000000000000000000"},
		"From": {phone}, "To": {"+15005550006"}, "Body": {body}, "NumMedia": {"0"},
	}
}

// sendGridRequest is a SendGrid event POST signed at ts with the env's key, over body exactly.
// It never fails a test itself, so a fuzz target may call it.
func (e *env) sendGridRequest(body string, ts time.Time) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	digest := sha256.Sum256(append([]byte(stamp), body...))
	sig, err := ecdsa.SignASN1(rand.Reader, e.sgKey, digest[:])
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/sendgrid/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Twilio-Email-Event-Webhook-Signature", base64.StdEncoding.EncodeToString(sig))
	req.Header.Set("X-Twilio-Email-Event-Webhook-Timestamp", stamp)
	return req
}

func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

func wantSignals(t testing.TB, f *campaignstest.Fake, want ...sent) {
	t.Helper()
	got := sentTo(f)
	if len(got) != len(want) {
		t.Fatalf("signals = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].WorkflowID != want[i].WorkflowID || got[i].Name != want[i].Name || !equalArg(got[i].Arg, want[i].Arg) {
			t.Errorf("signal %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// equalArg compares two signal arguments, times by instant.
func equalArg(a, b any) bool {
	ma, okA := a.(workflows.MessageEventSignal)
	mb, okB := b.(workflows.MessageEventSignal)
	if okA && okB {
		return ma.Channel == mb.Channel && ma.MessageID == mb.MessageID && ma.Event == mb.Event && ma.At.Equal(mb.At)
	}
	oa, okA := a.(workflows.OfferResponseSignal)
	ob, okB := b.(workflows.OfferResponseSignal)
	if okA && okB {
		return oa.OfferID == ob.OfferID && oa.Accept == ob.Accept && oa.Source == ob.Source && oa.At.Equal(ob.At)
	}
	return a == b
}
