package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/workflows"
)

func httptestRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

func unsubscribeURL(token string) string { return "/unsubscribe?t=" + url.QueryEscape(token) }

func TestUnsubscribeGetShowsFormAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	rec := e.serve(httptest.NewRequest(http.MethodGet, unsubscribeURL(token), nil))
	wantStatus(t, rec, http.StatusOK)
	page := rec.Body.String()
	for _, want := range []string{`<html lang="en">`, `<form method="post">`, `<button type="submit">Unsubscribe</button>`, "emails"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := rec.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer: the token must not leak", got)
	}
	wantSignals(t, e.temporal)
}

func TestUnsubscribePostOptsOutOnce(t *testing.T) {
	e := newEnv(t)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	rec := e.serve(httptest.NewRequest(http.MethodPost, unsubscribeURL(token), nil))
	wantStatus(t, rec, http.StatusOK)
	if !strings.Contains(rec.Body.String(), "You are unsubscribed") {
		t.Errorf("page does not say so:\n%s", rec.Body.String())
	}
	wantSignals(t, e.temporal, sent{WorkflowID: workflowID, Name: workflows.SignalOptOut,
		Arg: workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: "unsubscribe-link"}})
	// The address the campaign wrote to stays unsubscribed for the campaigns to come.
	if p, ok, _ := e.store.Suppressed(context.Background(), email, "email"); !ok || p.Source != "unsubscribe" {
		t.Errorf("suppression %+v %v", p, ok)
	}
	if _, ok, _ := e.store.Suppressed(context.Background(), phone, "sms"); ok {
		t.Error("an email unsubscribe suppressed SMS")
	}
}

func TestOneClickUnsubscribe(t *testing.T) {
	e := newEnv(t)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	req := httptest.NewRequest(http.MethodPost, unsubscribeURL(token), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, e.serve(req), http.StatusOK)
	wantSignals(t, e.temporal, sent{WorkflowID: workflowID, Name: workflows.SignalOptOut,
		Arg: workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: "unsubscribe-link"}})
}

func TestUnsubscribeBadTokenIs400(t *testing.T) {
	e := newEnv(t)
	good := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	for _, token := range []string{
		"", "nonsense", good[:len(good)-3], good + "x",
		activities.UnsubscribeToken([]byte("another-secret-0123456789"), workflowID, "email"),
		activities.UnsubscribeToken(linkSecret, workflowID, "pigeon"),
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			rec := e.serve(httptest.NewRequest(method, unsubscribeURL(token), nil))
			wantStatus(t, rec, http.StatusBadRequest)
			if !strings.Contains(rec.Body.String(), "does not work") || strings.Contains(rec.Body.String(), "<form") {
				t.Errorf("%s %q: page should say the link does not work, with no button:\n%s", method, token, rec.Body.String())
			}
		}
	}
	wantSignals(t, e.temporal)
}

func TestUnsubscribeWhileTemporalIsDown(t *testing.T) {
	e := newEnv(t)
	e.temporal.SetDown(true)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	rec := e.serve(httptest.NewRequest(http.MethodPost, unsubscribeURL(token), nil))
	wantStatus(t, rec, http.StatusServiceUnavailable)
	if !strings.Contains(rec.Body.String(), "try again") {
		t.Errorf("page does not ask to try again:\n%s", rec.Body.String())
	}
}

func TestUnsubscribeFromClosedCampaign(t *testing.T) {
	e := newEnv(t)
	e.temporal.Close(customerID, workflows.OutcomeCancelled)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	wantStatus(t, e.serve(httptest.NewRequest(http.MethodPost, unsubscribeURL(token), nil)), http.StatusOK)
}
