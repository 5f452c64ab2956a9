package webhooks_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/winback/winback/workflows"
)

// FuzzTwilioForm posts arbitrary bodies to the inbound SMS route, signed with the right token
// as Twilio would sign their parsed form, and unsigned: no panic, an unsigned body is always
// 403, and any 4xx signals nothing.
func FuzzTwilioForm(f *testing.F) {
	for _, seed := range []string{
		inbound("SM1", "STOP").Encode(), inbound("SM2", "START").Encode(), inbound("SM3", "HELP").Encode(),
		"", "=", "&&&", "Body", "Body=%zz", "a=1;b=2", "MessageSid=SM1&From=%2B1&Body=stop&Body=start",
		"MessageSid=SM1&From=" + url.QueryEscape(phone) + "&Body=%00%ff%fe", strings.Repeat("k=v&", 5000),
		"MessageSid=" + strings.Repeat("S", 300) + "&From=x&Body=STOP",
	} {
		f.Add(seed)
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		before := len(sentTo(e.temporal))
		unsigned := rawTwilioRequest("/webhooks/twilio/sms", body)
		unsigned.Header.Set("X-Twilio-Signature", "AAAA")
		if rec := e.serve(unsigned); rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("unsigned body answered %d, want 403 (or 400/413 before the check)", rec.Code)
		}
		if len(sentTo(e.temporal)) != before {
			t.Fatal("an unsigned request signalled")
		}

		req := rawTwilioRequest("/webhooks/twilio/sms", body)
		if form, err := url.ParseQuery(body); err == nil {
			req.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+"/webhooks/twilio/sms", form))
		} else {
			req.Header.Set("X-Twilio-Signature", "AAAA")
		}
		rec := e.serve(req)
		switch {
		case rec.Code == http.StatusOK:
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/xml") {
				t.Fatalf("200 without TwiML: %q", rec.Header().Get("Content-Type"))
			}
		case rec.Code >= 400 && rec.Code < 500:
			if len(sentTo(e.temporal)) != before || strings.TrimSpace(rec.Body.String()) == "" {
				t.Fatalf("%d with signals or without a reason: %q", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		for _, s := range sentTo(e.temporal)[before:] {
			if s.Name != workflows.SignalOptOut && s.Name != workflows.SignalOptIn {
				t.Fatalf("unexpected signal %+v", s)
			}
		}
	})
}

// FuzzSendGridEvents posts arbitrary bodies, correctly signed, to the SendGrid route: no panic;
// a body that is not an array of events is a 400 with a reason and no signal.
func FuzzSendGridEvents(f *testing.F) {
	for _, seed := range []string{
		batch(sgEvent("ev1", "bounce"), sgEvent("ev2", "open")), "[]", "{}", "null", "", "[", "[1,2]", "[null]",
		`[{"event":5,"sg_event_id":[],"winback_workflow_id":{}}]`, `[{"event":"bounce","winback_workflow_id":"w","timestamp":"x"}]`,
		`[{"event":"open","winback_workflow_id":"w","timestamp":1e400}]`, `[{"event":"click","custom_args":"str"}]`,
		"[\"\xff\"]", strings.Repeat("[", 10000), `[{"event":"bounce","unique_args":{"winback_workflow_id":"w"}}]`,
	} {
		f.Add(seed)
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		before := len(sentTo(e.temporal))
		rec := httptest.NewRecorder()
		e.mux.ServeHTTP(rec, e.sendGridRequest(body, testNow))
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if len(sentTo(e.temporal)) != before || strings.TrimSpace(rec.Body.String()) == "" {
				t.Fatalf("%d with signals or without a reason: %q", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		for _, s := range sentTo(e.temporal)[before:] {
			if s.Name != workflows.SignalOptOut && s.Name != workflows.SignalMessageEvent {
				t.Fatalf("unexpected signal %+v", s)
			}
		}
	})
}
