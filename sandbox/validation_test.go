package sandbox_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// sendGridSend posts m with the real sendgrid-go client.
func sendGridSend(t *testing.T, e *env, key string, m *mail.SGMailV3) *rest.Response {
	t.Helper()
	c := sendgrid.NewSendClient(key)
	c.BaseURL = e.srv.URL + "/sandbox/sendgrid/v3/mail/send"
	resp, err := c.Send(m)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	return resp
}

// sendGridFields are the fields named by a SendGrid error answer.
func sendGridFields(t *testing.T, resp *rest.Response) []string {
	t.Helper()
	var body struct {
		Errors []struct {
			Field   *string `json:"field"`
			Message string  `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil || len(body.Errors) == 0 {
		t.Fatalf("error body %q is not SendGrid's {\"errors\":[...]}", resp.Body)
	}
	var fields []string
	for _, e := range body.Errors {
		if e.Message == "" {
			t.Errorf("error without a message: %s", resp.Body)
		}
		if e.Field != nil {
			fields = append(fields, *e.Field)
		}
	}
	return fields
}

func validMail() *mail.SGMailV3 {
	return mail.NewSingleEmail(mail.NewEmail("Acme", "hello@acme.example"), "Checking in",
		mail.NewEmail("Dana", "dana@northwind.example"), "Hi Dana", "<p>Hi Dana</p>")
}

func TestSendGridValidation(t *testing.T) {
	e := newEnv(t, "")
	cases := []struct {
		name      string
		mail      func() *mail.SGMailV3
		wantField string
	}{
		{"no from", func() *mail.SGMailV3 { m := validMail(); m.From = nil; return m }, "from"},
		{"bad from", func() *mail.SGMailV3 { m := validMail(); m.From.Address = "acme"; return m }, "from.email"},
		{"no personalizations", func() *mail.SGMailV3 { m := validMail(); m.Personalizations = nil; return m }, "personalizations"},
		{"personalization without to", func() *mail.SGMailV3 { m := validMail(); m.Personalizations[0].To = nil; return m }, "personalizations.0.to"},
		{"bad to", func() *mail.SGMailV3 {
			m := validMail()
			m.Personalizations[0].To[0].Address = "dana@@northwind"
			return m
		}, "personalizations.0.to.0.email"},
		{"bad cc", func() *mail.SGMailV3 {
			m := validMail()
			m.Personalizations[0].AddCCs(mail.NewEmail("", "not-an-address"))
			return m
		}, "personalizations.0.cc.0.email"},
		{"no content nor template", func() *mail.SGMailV3 { m := validMail(); m.Content = nil; return m }, "content"},
		{"empty content", func() *mail.SGMailV3 { m := validMail(); m.Content[0].Value = ""; return m }, "content.0.value"},
		{"no subject", func() *mail.SGMailV3 { m := validMail(); m.Subject = ""; return m }, "subject"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := sendGridSend(t, e, "sandbox", c.mail())
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d %s, want 400", resp.StatusCode, resp.Body)
			}
			if fields := sendGridFields(t, resp); !contains(fields, c.wantField) {
				t.Errorf("error fields %v, want %q", fields, c.wantField)
			}
		})
	}
	if n := len(e.sb.Messages("")); n != 0 {
		t.Errorf("refused requests were kept: %d messages", n)
	}

	t.Run("template without subject or content is accepted", func(t *testing.T) {
		m := validMail()
		m.Subject, m.Content = "", nil
		m.SetTemplateID("d-0123")
		m.Personalizations[0].SetDynamicTemplateData("customerName", "Dana")
		resp := sendGridSend(t, e, "sandbox", m)
		if resp.StatusCode != http.StatusAccepted || resp.Headers["X-Message-Id"] == nil {
			t.Fatalf("status %d, headers %v; want 202 with X-Message-Id", resp.StatusCode, resp.Headers)
		}
		msgs := e.sb.Messages("")
		if len(msgs) != 1 || msgs[0].TemplateID != "d-0123" || msgs[0].TemplateData["customerName"] != "Dana" {
			t.Errorf("kept %+v", msgs)
		}
	})
	t.Run("no key", func(t *testing.T) {
		if resp := sendGridSend(t, e, "", validMail()); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("empty Bearer key: status %d, want 401", resp.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/sandbox/sendgrid/v3/mail/send", strings.NewReader(`{}`))
		req.SetBasicAuth("apikey", "x")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Basic auth: %v %v, want 401", resp.Status, err)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/sandbox/sendgrid/v3/mail/send", strings.NewReader(`{"from":`))
		req.Header.Set("Authorization", "Bearer sandbox")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
			t.Errorf("malformed JSON: %v %v, want 400", resp.Status, err)
		}
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		if resp, err := http.Get(e.srv.URL + "/sandbox/sendgrid/v3/mail/send"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: %v %v, want 405", resp.Status, err)
		}
	})
}

// twilioSend creates a message with the real twilio-go client, sent to the sandbox.
func twilioSend(t *testing.T, e *env, user, token string, p *api.CreateMessageParams) (*api.ApiV2010Message, error) {
	t.Helper()
	target, _ := url.Parse(e.srv.URL + "/sandbox/twilio")
	bc := &client.Client{Credentials: client.NewCredentials(user, token),
		HTTPClient: &http.Client{Transport: rewrite{target}}}
	bc.SetAccountSid(accountSID)
	return api.NewApiServiceWithClient(bc).CreateMessage(p)
}

// rewrite sends https://api.twilio.com requests to the sandbox (PROVIDERS.md's recipe).
type rewrite struct{ target *url.URL }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.URL.Path, r.Host = rw.target.Scheme, rw.target.Host, rw.target.Path+r.URL.Path, ""
	return http.DefaultTransport.RoundTrip(r)
}

func TestTwilioValidation(t *testing.T) {
	e := newEnv(t, "")
	params := func() *api.CreateMessageParams {
		return (&api.CreateMessageParams{}).SetTo("+14155550123").SetFrom("+15005550006").SetBody("Hi Dana")
	}
	cases := []struct {
		name     string
		user     string
		p        *api.CreateMessageParams
		wantCode int
		status   int
	}{
		{"To not E.164", accountSID, params().SetTo("415-555-0123"), 21211, 400},
		{"no To", accountSID, (&api.CreateMessageParams{}).SetFrom("+15005550006").SetBody("Hi"), 21604, 400},
		{"no From nor service", accountSID, (&api.CreateMessageParams{}).SetTo("+14155550123").SetBody("Hi"), 21603, 400},
		{"no Body", accountSID, (&api.CreateMessageParams{}).SetTo("+14155550123").SetFrom("+15005550006"), 21602, 400},
		{"user is not the path's account", "AC99999999999999999999999999999999", params(), 20003, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := twilioSend(t, e, c.user, authToken, c.p)
			var te *client.TwilioRestError
			if !errors.As(err, &te) || te.Code != c.wantCode || te.Status != c.status || te.MoreInfo == "" || te.Message == "" {
				t.Errorf("error = %v, want Twilio error %d with status %d", err, c.wantCode, c.status)
			}
		})
	}
	if n := len(e.sb.Messages("")); n != 0 {
		t.Errorf("refused requests were kept: %d messages", n)
	}

	msg, err := twilioSend(t, e, accountSID, authToken, (&api.CreateMessageParams{}).
		SetTo("+14155550123").SetMessagingServiceSid("MG0123456789abcdef0123456789abcdef").SetBody("Hi Dana"))
	if err != nil {
		t.Fatalf("valid message with a Messaging Service: %v", err)
	}
	if msg.Sid == nil || msg.To == nil || *msg.To != "+14155550123" || msg.NumSegments == nil || *msg.NumSegments != "1" ||
		msg.AccountSid == nil || *msg.AccountSid != accountSID {
		t.Errorf("answer = %+v, want a Twilio-shaped message echoing the request", msg)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
