package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/sandbox"
)

func TestAcceptedSendsAreKept(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	email, err := e.act.SendEmail(ctx, emailReq("winback:cust-42", "check-in-1"))
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	sms, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2"))
	if err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-7", "check-in-1")); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if email.Provider != "sandbox-sendgrid" || sms.Provider != "sandbox-twilio" {
		t.Errorf("providers %q, %q; want the results to say the sandbox sent them", email.Provider, sms.Provider)
	}
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(sms.MessageID) {
		t.Errorf("SMS SID %q, want SM + 32 hex digits", sms.MessageID)
	}

	msgs := e.sb.Messages("winback:cust-42")
	if len(msgs) != 2 {
		t.Fatalf("Messages(winback:cust-42) has %d, want 2: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if m.Provider != "sendgrid" || m.ID != email.MessageID || m.To != `"Dana Whitfield" <dana@northwind.example>` ||
		m.Key != "winback:cust-42/check-in-1" || m.Step != "check-in-1" || m.Subject == "" {
		t.Errorf("email record = %+v", m)
	}
	if !strings.Contains(m.Text, "http://127.0.0.1:8080/unsubscribe?t=") || !strings.Contains(m.HTML, "unsubscribe") {
		t.Errorf("email record lacks the unsubscribe link: %q", m.Text)
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(m.Headers["List-Unsubscribe"], "<http://127.0.0.1:8080/unsubscribe?t=") {
		t.Errorf("email headers = %v", m.Headers)
	}
	s := msgs[1]
	if s.Provider != "twilio" || s.ID != sms.MessageID || s.To != "+14155550123" || s.From != "+15005550006" ||
		s.WorkflowID != "winback:cust-42" || s.Step != "check-in-2" || s.Key != "winback:cust-42/check-in-2" ||
		!strings.Contains(s.Text, "Sam Ortiz") {
		t.Errorf("SMS record = %+v", s)
	}
	if all := e.sb.Messages(""); len(all) != 3 || all[2].WorkflowID != "winback:cust-7" {
		t.Errorf("Messages(\"\") = %d messages, want 3 in arrival order", len(all))
	}
}

func TestOutboxCountsOncePerKey(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	for i := 0; i < 3; i++ { // a retried activity
		if _, err := e.act.SendEmail(ctx, emailReq("winback:cust-42", "revisit-email")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-1")); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"winback:cust-42/revisit-email", "winback:cust-42/check-in-1"} {
		if got := e.outbox(t, "?key="+key); len(got) != 1 {
			t.Errorf("outbox.json?key=%s has %d messages, want exactly 1", key, len(got))
		}
	}
	if got := e.outbox(t, "?workflow=winback:cust-42"); len(got) != 2 {
		t.Errorf("outbox.json?workflow= has %d messages, want 2", len(got))
	}
}

func TestFaultModes(t *testing.T) {
	ctx := context.Background()
	t.Run("5xx", func(t *testing.T) {
		e := newEnv(t, "")
		e.setFault(t, `{"provider":"all","mode":"5xx","count":2}`)
		_, err := e.act.SendEmail(ctx, emailReq("wf", "a"))
		appErr(t, err, activities.ErrProviderUnavailable)
		_, err = e.act.SendSMS(ctx, smsReq("wf", "b"))
		appErr(t, err, activities.ErrProviderUnavailable)
		// The fault is spent: the retries go through.
		if _, err := e.act.SendEmail(ctx, emailReq("wf", "a")); err != nil {
			t.Errorf("retry after the fault: %v", err)
		}
		if _, err := e.act.SendSMS(ctx, smsReq("wf", "b")); err != nil {
			t.Errorf("retry after the fault: %v", err)
		}
		if n := len(e.sb.Messages("wf")); n != 2 {
			t.Errorf("outbox has %d messages, want 2 (failed requests are not kept)", n)
		}
	})
	t.Run("429 announces its reset", func(t *testing.T) {
		e := newEnv(t, "")
		e.setFault(t, `{"provider":"sendgrid","mode":"429","count":1,"resetSeconds":20}`)
		e.setFault(t, `{"provider":"twilio","mode":"429","count":1,"resetSeconds":7}`)
		_, err := e.act.SendEmail(ctx, emailReq("wf", "a"))
		if d := appErr(t, err, activities.ErrProviderRateLimited).NextRetryDelay(); d < 18*time.Second || d > 21*time.Second {
			t.Errorf("SendGrid 429: next retry in %v, want about 20s (X-RateLimit-Reset)", d)
		}
		_, err = e.act.SendSMS(ctx, smsReq("wf", "b"))
		if d := appErr(t, err, activities.ErrProviderRateLimited).NextRetryDelay(); d != 7*time.Second {
			t.Errorf("Twilio 429: next retry in %v, want 7s (Retry-After)", d)
		}
	})
	t.Run("timeout holds past the client's timeout", func(t *testing.T) {
		e := newEnv(t, "", func(o *activities.Options) { o.HTTPTimeout = 200 * time.Millisecond })
		e.setFault(t, `{"provider":"all","mode":"timeout"}`)
		start := time.Now()
		_, err := e.act.SendEmail(ctx, emailReq("wf", "a"))
		appErr(t, err, activities.ErrProviderUnavailable)
		_, err = e.act.SendSMS(ctx, smsReq("wf", "b"))
		appErr(t, err, activities.ErrProviderUnavailable)
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("two timed-out sends took %v", took)
		}
		if n := len(e.sb.Messages("")); n != 0 {
			t.Errorf("outbox has %d messages, want none", n)
		}
	})
	t.Run("invalid_number", func(t *testing.T) {
		e := newEnv(t, "")
		e.setFault(t, `{"provider":"all","mode":"invalid_number","count":2}`)
		_, err := e.act.SendSMS(ctx, smsReq("wf", "b"))
		if ae := appErr(t, err, activities.ErrInvalidRecipient); !ae.NonRetryable() {
			t.Error("invalid number is retryable")
		}
		_, err = e.act.SendEmail(ctx, emailReq("wf", "a"))
		appErr(t, err, activities.ErrInvalidRecipient)
	})
	t.Run("seconds, then clear", func(t *testing.T) {
		e := newEnv(t, "")
		e.setFault(t, `{"provider":"twilio","mode":"5xx","seconds":0.3}`)
		for i := 0; i < 2; i++ {
			_, err := e.act.SendSMS(ctx, smsReq("wf", "b"))
			appErr(t, err, activities.ErrProviderUnavailable)
		}
		if _, err := e.act.SendEmail(ctx, emailReq("wf", "a")); err != nil {
			t.Errorf("a twilio fault failed SendGrid: %v", err)
		}
		time.Sleep(350 * time.Millisecond)
		if _, err := e.act.SendSMS(ctx, smsReq("wf", "b")); err != nil {
			t.Errorf("send after the fault's seconds: %v", err)
		}

		e.setFault(t, `{"provider":"all","mode":"5xx"}`)
		req, _ := http.NewRequest(http.MethodDelete, e.srv.URL+"/sandbox/faults", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE /sandbox/faults = %v, %v", resp, err)
		}
		if _, err := e.act.SendSMS(ctx, smsReq("wf", "c")); err != nil {
			t.Errorf("send after DELETE /sandbox/faults: %v", err)
		}
	})
}

func TestFaultRequestsAreChecked(t *testing.T) {
	e := newEnv(t, "")
	for _, body := range []string{
		`{"provider":"mailgun","mode":"5xx"}`,
		`{"provider":"all","mode":"slow"}`,
		`{"provider":"all","mode":"5xx","count":-1}`,
		`{"provider":"all","mode":"5xx","cuont":1}`,
		`not json`,
	} {
		resp, err := http.Post(e.srv.URL+"/sandbox/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), "error") {
			t.Errorf("POST %s = %d %s, want 400 saying what is wrong", body, resp.StatusCode, msg)
		}
	}
	if _, err := e.act.SendSMS(context.Background(), smsReq("wf", "b")); err != nil {
		t.Errorf("a refused fault still applies: %v", err)
	}
}

func TestMessagesSurviveARestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "outbox", "messages.jsonl")
	e := newEnv(t, file)
	if _, err := e.act.SendEmail(context.Background(), emailReq("winback:cust-42", "revisit-email")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.act.SendSMS(context.Background(), smsReq("winback:cust-42", "check-in-1")); err != nil {
		t.Fatal(err)
	}
	before := e.sb.Messages("")
	if err := e.sb.Close(); err != nil {
		t.Fatal(err)
	}

	again, err := sandbox.New(sandbox.Options{DataFile: file, Logger: quiet})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	after := again.Messages("winback:cust-42")
	if len(after) != 2 || after[0].ID != before[0].ID || after[1].ID != before[1].ID ||
		after[0].Text != before[0].Text || !after[1].At.Equal(before[1].At) {
		t.Errorf("after restart: %+v\nwant %+v", after, before)
	}
	_ = again.Close()

	// A crash mid-write leaves half a line: the sandbox still starts, and appends on a new line.
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"id":"half`)
	_ = f.Close()
	third := newEnv(t, file)
	if n := len(third.sb.Messages("")); n != 2 {
		t.Errorf("after a partial line: %d messages, want 2", n)
	}
	if _, err := third.act.SendSMS(context.Background(), smsReq("winback:cust-43", "check-in-1")); err != nil {
		t.Fatal(err)
	}
	_ = third.sb.Close()
	fourth, err := sandbox.New(sandbox.Options{DataFile: file, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer fourth.Close()
	if n := len(fourth.Messages("")); n != 3 {
		t.Errorf("after appending past a partial line: %d messages, want 3", n)
	}
}
