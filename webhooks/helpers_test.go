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
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

const (
	publicURL   = "https://winback.example.com"
	twilioToken = "testauthtoken0123456789abcdef012"
	phone       = "+14155550123"
	workflowID  = "winback:cust-42"
)

var (
	linkSecret = []byte("test-link-secret-0123456789")
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
)

// sent is one Signal the fake recorded.
type sent struct {
	WorkflowID, RunID, Name string
	Arg                     any
}

// fakeTemporal records Signals and answers visibility queries on WinBackContact.
type fakeTemporal struct {
	mu        sync.Mutex
	signals   []sent
	queries   []string
	campaigns map[string][]string // contact key -> running workflow IDs
	closed    map[string]bool     // workflow IDs that answer NotFound
	down      bool                // every call fails as if Temporal were unreachable
	failAfter int                 // when > 0, signals after this many fail as unreachable
}

func newFakeTemporal() *fakeTemporal {
	return &fakeTemporal{
		campaigns: map[string][]string{activities.ContactKey(linkSecret, phone): {workflowID}},
		closed:    map[string]bool{},
	}
}

var contactInQuery = regexp.MustCompile(`WinBackContact = '([^']*)'`)

func (f *fakeTemporal) SignalWorkflow(_ context.Context, wf, runID, name string, arg interface{}) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down || (f.failAfter > 0 && len(f.signals) >= f.failAfter) {
		return serviceerror.NewUnavailable("connection refused")
	}
	if f.closed[wf] {
		return serviceerror.NewNotFound("workflow execution already completed")
	}
	f.signals = append(f.signals, sent{wf, runID, name, arg})
	return nil
}

func (f *fakeTemporal) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, serviceerror.NewUnavailable("connection refused")
	}
	f.queries = append(f.queries, req.GetQuery())
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	if m := contactInQuery.FindStringSubmatch(req.GetQuery()); m != nil {
		for _, id := range f.campaigns[m[1]] {
			resp.Executions = append(resp.Executions, &workflow.WorkflowExecutionInfo{
				Execution: &common.WorkflowExecution{WorkflowId: id, RunId: "run-1"},
			})
		}
	}
	return resp, nil
}

func (f *fakeTemporal) sent() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.signals...)
}

func (f *fakeTemporal) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// env is a Handler on a mux with a fake Temporal, a SendGrid key pair and captured logs.
type env struct {
	temporal *fakeTemporal
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
		Namespace:         "default",
		PublicURL:         publicURL,
		TwilioAuthToken:   twilioToken,
		SendGridPublicKey: base64.StdEncoding.EncodeToString(der),
		LinkSecret:        linkSecret,
		Now:               func() time.Time { return e.now },
		Logger:            slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range edit {
		f(&o)
	}
	h, err := webhooks.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
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

func wantSignals(t testing.TB, f *fakeTemporal, want ...sent) {
	t.Helper()
	got := f.sent()
	if len(got) != len(want) {
		t.Fatalf("signals = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].WorkflowID != want[i].WorkflowID || got[i].RunID != "" || got[i].Name != want[i].Name || !equalArg(got[i].Arg, want[i].Arg) {
			t.Errorf("signal %d = %+v, want %+v (to the current run)", i, got[i], want[i])
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
	return a == b
}
