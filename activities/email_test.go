package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

// mailBody is the part of a Mail Send body the tests look at.
type mailBody struct {
	From             struct{ Email, Name string }  `json:"from"`
	ReplyTo          *struct{ Email, Name string } `json:"reply_to"`
	Subject          string                        `json:"subject"`
	TemplateID       string                        `json:"template_id"`
	Headers          map[string]string             `json:"headers"`
	Personalizations []struct {
		To                  []struct{ Email, Name string } `json:"to"`
		CustomArgs          map[string]string              `json:"custom_args"`
		DynamicTemplateData map[string]any                 `json:"dynamic_template_data"`
	} `json:"personalizations"`
	Content []struct{ Type, Value string } `json:"content"`
}

func decodeMail(t *testing.T, c captured) mailBody {
	t.Helper()
	var m mailBody
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("request body is not JSON: %v\n%s", err, c.Body)
	}
	return m
}

func TestSendEmailRequestCarriesRoutingAndUnsubscribe(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL+"/sandbox/sendgrid", "")

	res, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	if res.Provider != "sendgrid" || res.MessageID != "sg-msg-1" || res.Deduplicated || res.SentAt.IsZero() {
		t.Errorf("result = %+v, want provider sendgrid, message ID from X-Message-Id, not deduplicated", res)
	}

	reqs := sg.requests()
	if len(reqs) != 1 {
		t.Fatalf("provider got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/sandbox/sendgrid/v3/mail/send" {
		t.Errorf("request %s %s, want POST /sandbox/sendgrid/v3/mail/send", r.Method, r.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testSendGridKey {
		t.Errorf("Authorization = %q, want the Bearer API key", got)
	}
	m := decodeMail(t, r)
	want := map[string]string{"winback_workflow_id": "winback:cust-42", "winback_step": "revisit-email", "winback_key": "winback:cust-42/revisit-email"}
	for k, v := range want {
		if got := m.Personalizations[0].CustomArgs[k]; got != v {
			t.Errorf("personalizations[0].custom_args[%s] = %q, want %q", k, got, v)
		}
	}
	if len(m.Personalizations) != 1 || len(m.Personalizations[0].To) != 1 || m.Personalizations[0].To[0].Email != "dana@northwind.example" {
		t.Errorf("personalizations = %+v, want one to dana@northwind.example", m.Personalizations)
	}
	if m.From.Email != "hello@acme.example" || m.From.Name != "Acme Supplies" {
		t.Errorf("from = %+v", m.From)
	}
	if m.ReplyTo == nil || m.ReplyTo.Email != "sam.ortiz@acme.example" {
		t.Errorf("reply_to = %+v, want the rep, so answers reach a person", m.ReplyTo)
	}

	// The unsubscribe link: in the headers (one-click) and in both parts of the body.
	lu := m.Headers["List-Unsubscribe"]
	if !strings.HasPrefix(lu, "<"+testPublicURL+"/unsubscribe?t=") || !strings.HasSuffix(lu, ">") {
		t.Fatalf("List-Unsubscribe = %q, want <%s/unsubscribe?t=...>", lu, testPublicURL)
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", m.Headers["List-Unsubscribe-Post"])
	}
	link := strings.Trim(lu, "<>")
	u, _ := url.Parse(link)
	wf, ch, err := activities.VerifyUnsubscribeToken(testSecret, u.Query().Get("t"))
	if err != nil || wf != "winback:cust-42" || ch != "email" {
		t.Errorf("unsubscribe token verifies to (%q, %q, %v), want (winback:cust-42, email, nil)", wf, ch, err)
	}
	if len(m.Content) != 2 || m.Content[0].Type != "text/plain" || m.Content[1].Type != "text/html" {
		t.Fatalf("content = %+v, want text/plain then text/html", m.Content)
	}
	text, html := m.Content[0].Value, m.Content[1].Value
	if !strings.Contains(text, link) {
		t.Errorf("text part lacks the unsubscribe link %s:\n%s", link, text)
	}
	if !strings.Contains(html, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Errorf("HTML part lacks the unsubscribe link:\n%s", html)
	}
	d := revisitData()
	if m.Subject == "" || !strings.Contains(text, d.WhatWeChanged) || !strings.Contains(text, d.OfferDetails) {
		t.Errorf("subject %q / text lacks what we changed or the offer:\n%s", m.Subject, text)
	}
}

func TestSendEmailToStaffHasNoUnsubscribe(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	_, err := a.SendEmail(context.Background(), activities.EmailRequest{
		Key: "winback:cust-42/reminder-exit-interview", WorkflowID: "winback:cust-42", Step: "reminder-exit-interview",
		To: "sam.ortiz@acme.example", ToName: "Sam Ortiz", Template: "reminder", Staff: true,
		Data: activities.MessageData{CustomerName: "Dana Whitfield", Company: "Northwind Traders",
			TaskID: "exit-interview", TaskTitle: "Exit interview", TaskDue: "Tue 3 Mar 17:00"},
	})
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	m := decodeMail(t, sg.requests()[0])
	if _, ok := m.Headers["List-Unsubscribe"]; ok {
		t.Errorf("staff notice carries List-Unsubscribe: %v", m.Headers)
	}
	if strings.Contains(strings.ToLower(m.Content[0].Value+m.Content[1].Value), "unsubscribe") {
		t.Errorf("staff notice mentions unsubscribe:\n%s", m.Content[0].Value)
	}
	if !strings.Contains(m.Subject, "Exit interview") || !strings.Contains(m.Subject, "Tue 3 Mar 17:00") {
		t.Errorf("subject %q, want the task title and due time", m.Subject)
	}
	if args := m.Personalizations[0].CustomArgs; args["winback_key"] != "winback:cust-42/reminder-exit-interview" {
		t.Errorf("custom_args = %v", args)
	}
}

func TestSendEmailWithDynamicTemplate(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "", func(o *activities.Options) { o.SendGridTemplateID = "d-0123456789abcdef" })
	if _, err := a.SendEmail(context.Background(), emailRequest("revisit-email")); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	m := decodeMail(t, sg.requests()[0])
	if m.TemplateID != "d-0123456789abcdef" || len(m.Content) != 0 {
		t.Errorf("template_id %q with %d content blocks, want the dynamic template and no content", m.TemplateID, len(m.Content))
	}
	data := m.Personalizations[0].DynamicTemplateData
	if data["customerName"] != "Dana Whitfield" || data["whatWeChanged"] != revisitData().WhatWeChanged ||
		data["template"] != "revisit" || data["ourCompany"] != "Acme Supplies" ||
		!strings.HasPrefix(fmt.Sprint(data["unsubscribeUrl"]), testPublicURL+"/unsubscribe?t=") {
		t.Errorf("dynamic_template_data = %v", data)
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("dynamic template email lacks one-click unsubscribe headers: %v", m.Headers)
	}
}

func TestSendEmailErrorClasses(t *testing.T) {
	reset := time.Now().Add(30 * time.Second).Unix()
	cases := []struct {
		name         string
		status       int
		header       map[string]string
		body         string
		errType      string
		nonRetryable bool
		wantDelay    time.Duration // for 429: about this long
		wantInMsg    string
	}{
		{"400 on the recipient", 400, nil,
			`{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":"http://sendgrid.com/docs"}]}`,
			activities.ErrInvalidRecipient, true, 0, "personalizations.0.to.0.email"},
		{"400 naming the recipient address", 400, nil,
			`{"errors":[{"message":"The email dana@northwind.example is invalid","field":null}]}`,
			activities.ErrInvalidRecipient, true, 0, "<recipient>"},
		{"400 on our sender", 400, nil,
			`{"errors":[{"message":"The from email does not contain a valid address.","field":"from.email"}]}`,
			activities.ErrProviderRejected, true, 0, "from.email"},
		{"401 bad key", 401, nil,
			`{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null}]}`,
			activities.ErrProviderAuth, true, 0, "SendGridAPIKey"},
		{"403 unverified sender", 403, nil,
			`{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":null}]}`,
			activities.ErrProviderAuth, true, 0, "verified Sender Identity"},
		{"413 too large", 413, nil, `{"errors":[{"message":"too large"}]}`, activities.ErrProviderRejected, true, 0, "413"},
		{"429 with reset", 429, map[string]string{"X-RateLimit-Reset": strconv.FormatInt(reset, 10)},
			`{"errors":[{"field":null,"message":"too many requests"}]}`,
			activities.ErrProviderRateLimited, false, 30 * time.Second, "429"},
		{"500", 500, nil, `{"errors":[{"message":"internal error"}]}`, activities.ErrProviderUnavailable, false, 0, "500"},
		{"502 from a proxy", 502, nil, `<html>bad gateway</html>`, activities.ErrProviderUnavailable, false, 0, "502"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg := newFakeProvider(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			a := newTestActivities(t, sg.URL, "")
			res, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
			ae := wantAppError(t, err, c.errType, c.nonRetryable, "dana@northwind.example")
			if !strings.Contains(ae.Error(), c.wantInMsg) {
				t.Errorf("message %q does not mention %q", ae.Error(), c.wantInMsg)
			}
			if c.wantDelay > 0 {
				if d := ae.NextRetryDelay(); d < c.wantDelay-3*time.Second || d > c.wantDelay+time.Second {
					t.Errorf("NextRetryDelay = %v, want about %v (X-RateLimit-Reset)", d, c.wantDelay)
				}
			}
			if res.MessageID != "" {
				t.Errorf("failed send returned a message ID: %+v", res)
			}
		})
	}
}

func TestSendEmailTimeoutIsRetryable(t *testing.T) {
	sg := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		<-r.Context().Done() // never answers in time
	})
	a := newTestActivities(t, sg.URL, "", func(o *activities.Options) { o.HTTPTimeout = 150 * time.Millisecond })
	start := time.Now()
	_, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
	wantAppError(t, err, activities.ErrProviderUnavailable, false)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SendEmail took %v, want it bounded by HTTPTimeout", took)
	}
}

func TestSendEmailRejectsBadRequestsWithoutCallingSendGrid(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	cases := []struct {
		name    string
		edit    func(*activities.EmailRequest)
		errType string
		mention string
	}{
		{"invalid address", func(r *activities.EmailRequest) { r.To = "dana@@northwind" }, activities.ErrInvalidRecipient, "To"},
		{"empty address", func(r *activities.EmailRequest) { r.To = "" }, activities.ErrInvalidRecipient, "To"},
		{"no key", func(r *activities.EmailRequest) { r.Key = "" }, activities.ErrInvalidRequest, "Key"},
		{"unknown template", func(r *activities.EmailRequest) { r.Template = "nope" }, activities.ErrInvalidRequest, "nope"},
		{"revisit without what we changed", func(r *activities.EmailRequest) { r.Data.WhatWeChanged = "" }, activities.ErrInvalidRequest, "WhatWeChanged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := emailRequest("revisit-email")
			c.edit(&r)
			_, err := a.SendEmail(context.Background(), r)
			ae := wantAppError(t, err, c.errType, true)
			if !strings.Contains(ae.Error(), c.mention) {
				t.Errorf("message %q does not name %q", ae.Error(), c.mention)
			}
		})
	}
	if n := len(sg.requests()); n != 0 {
		t.Errorf("SendGrid got %d requests, want none", n)
	}
}
