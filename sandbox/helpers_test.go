package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/store"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "sandboxToken1"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a sandbox served over HTTP, and send activities pointed at it, as the worker wires them
// when no provider keys are set.
type env struct {
	sb  *sandbox.Sandbox
	srv *httptest.Server
	act *activities.Activities
}

func newEnv(t *testing.T, dataFile string, edit ...func(*activities.Options)) *env {
	t.Helper()
	return newEnvWith(t, sandbox.Options{DataFile: dataFile, Logger: quiet}, edit...)
}

func newEnvWith(t *testing.T, so sandbox.Options, edit ...func(*activities.Options)) *env {
	t.Helper()
	sb, err := sandbox.New(so)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	mux := http.NewServeMux()
	sb.Register(mux)
	srv := httptest.NewServer(mux)
	// Close the sandbox first: it releases requests held by a timeout fault.
	t.Cleanup(func() { _ = sb.Close(); srv.Close() })
	o := activities.Options{
		SendGridAPIKey: "sandbox", SendGridBaseURL: srv.URL + "/sandbox/sendgrid",
		FromEmail: "hello@acme.example", FromName: "Acme Supplies",
		TwilioAccountSID: accountSID, TwilioAuthToken: authToken, TwilioBaseURL: srv.URL + "/sandbox/twilio",
		TwilioFrom: "+15005550006", PublicURL: "http://127.0.0.1:8080",
		LinkSecret: []byte("0123456789abcdef0123456789abcdef"), Store: testStore(t),
		HTTPTimeout: 2 * time.Second, Logger: quiet,
	}
	for _, e := range edit {
		e(&o)
	}
	act, err := activities.New(o)
	if err != nil {
		t.Fatalf("activities.New: %v", err)
	}
	return &env{sb: sb, srv: srv, act: act}
}

// testStore is an SQLite store in a temporary folder; Activities given the same store are
// workers of one deployment.
func testStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func emailReq(wf, step string) activities.EmailRequest {
	return activities.EmailRequest{
		Key: wf + "/" + step, WorkflowID: wf, Step: step, To: "dana@northwind.example", ToName: "Dana Whitfield",
		Template: "check_in",
		Data:     activities.MessageData{CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz"},
	}
}

func smsReq(wf, step string) activities.SMSRequest {
	return activities.SMSRequest{
		Key: wf + "/" + step, WorkflowID: wf, Step: step, To: "+14155550123", Template: "check_in",
		Data: activities.MessageData{CustomerName: "Dana", Company: "Northwind Traders", RepName: "Sam Ortiz"},
	}
}

// setFault posts a fault as a test (or a person with curl) would.
func (e *env) setFault(t *testing.T, f string) {
	t.Helper()
	resp, err := http.Post(e.srv.URL+"/sandbox/faults", "application/json", bytes.NewBufferString(f))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /sandbox/faults %s = %d %s", f, resp.StatusCode, body)
	}
}

// outbox reads /outbox.json with a query ("" for all).
func (e *env) outbox(t *testing.T, query string) []sandbox.Message {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/outbox.json" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []sandbox.Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatalf("outbox.json: %v", err)
	}
	return msgs
}

func appErr(t *testing.T, err error, errType string) *temporal.ApplicationError {
	t.Helper()
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != errType {
		t.Fatalf("error = %v, want an ApplicationError of type %s", err, errType)
	}
	return ae
}
