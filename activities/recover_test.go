package activities_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

// pendingIntent leaves an intent for key in the store of o, as an attempt that died after
// writing it would (on this worker or another).
func pendingIntent(t *testing.T, o activities.Options, key string, i activities.Intent) {
	t.Helper()
	if err := o.Store.IntendToSend(context.Background(), key, i); err != nil {
		t.Fatal(err)
	}
}

func countMethod(reqs []captured, method string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method {
			n++
		}
	}
	return n
}

// With the Email Activity API off (the default for real SendGrid), a pending intent cannot be
// checked: the retry sends again (at-least-once, documented) and asks nothing.
func TestEmailRetryWithEmailActivityOffSendsAgain(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	o := testOptions(t, sg.URL, "")
	pendingIntent(t, o, emailRequest("revisit-email").Key, activities.Intent{Channel: "email", To: "dana@northwind.example", At: time.Now()})
	a := newTestActivities(t, sg.URL, "", func(x *activities.Options) { x.Store = o.Store })
	res, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
	if err != nil || res.Deduplicated {
		t.Fatalf("SendEmail = %+v, %v; want a new send", res, err)
	}
	if reqs := sg.requests(); len(reqs) != 1 || reqs[0].Method != http.MethodPost {
		t.Errorf("SendGrid got %+v, want one POST (no lookup)", reqs)
	}
}

// Without the add-on, Email Activity answers 403 (or 404): the retry falls back to sending.
func TestEmailRetryWithoutTheEmailActivityAddOnSendsAgain(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			sg := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Method == http.MethodGet {
					w.WriteHeader(status)
					_, _ = io.WriteString(w, `{"errors":[{"field":null,"message":"access forbidden"}]}`)
					return
				}
				sendGridAccepts(w, r, n)
			})
			o := testOptions(t, sg.URL, "")
			pendingIntent(t, o, emailRequest("revisit-email").Key, activities.Intent{Channel: "email", To: "dana@northwind.example", At: time.Now()})
			a := newTestActivities(t, sg.URL, "", func(x *activities.Options) { x.Store = o.Store; x.SendGridEmailActivity = true })
			if _, err := a.SendEmail(context.Background(), emailRequest("revisit-email")); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			reqs := sg.requests()
			if countMethod(reqs, http.MethodGet) != 1 || countMethod(reqs, http.MethodPost) != 1 {
				t.Fatalf("SendGrid got %d requests, want one lookup then one send", len(reqs))
			}
			if q := reqs[0].RawQuery; !strings.Contains(q, "query=%28unique_args%5B%27winback_key%27%5D%3D%22winback%3Acust-42%2Frevisit-email%22%29") || !strings.Contains(q, "limit=") {
				t.Errorf("Email Activity query = %s", q)
			}
			if reqs[0].Header.Get("Authorization") != "Bearer "+testSendGridKey {
				t.Error("Email Activity lookup without the API key")
			}
		})
	}
}

// Email Activity finds the message: nothing is sent, and the found message is recorded.
func TestEmailRetryFindsTheMessageInEmailActivity(t *testing.T) {
	sg := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, `{"messages":[{"from_email":"hello@acme.example","msg_id":"abc123.filter0001-1-0","subject":"x","to_email":"Dana@Northwind.example","status":"delivered","opens_count":0,"clicks_count":0,"last_event_time":"2026-03-02T09:00:00Z"}]}`)
			return
		}
		sendGridAccepts(w, r, n)
	})
	o := testOptions(t, sg.URL, "")
	pendingIntent(t, o, emailRequest("revisit-email").Key, activities.Intent{Channel: "email", To: "dana@northwind.example", At: time.Now()})
	a := newTestActivities(t, sg.URL, "", func(x *activities.Options) { x.Store = o.Store; x.SendGridEmailActivity = true })
	for range 2 {
		res, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
		if err != nil || !res.Deduplicated || res.MessageID != "abc123" || res.Provider != "sendgrid" {
			t.Fatalf("SendEmail = %+v, %v; want the found message abc123, Deduplicated", res, err)
		}
	}
	if reqs := sg.requests(); len(reqs) != 1 || reqs[0].Method != http.MethodGet {
		t.Errorf("SendGrid got %d requests, want one lookup and no send", len(reqs))
	}
}

// A lookup that fails is a retryable error, never a send.
func TestFailedLookupIsRetryableAndSendsNothing(t *testing.T) {
	fail := func(status int) func(w http.ResponseWriter, r *http.Request, n int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if r.Method == http.MethodGet {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = fmt.Fprintf(w, `{"code":0,"message":"failed","status":%d}`, status)
				return
			}
			if strings.Contains(r.URL.Path, "Messages.json") {
				twilioAccepts(w, r, n)
			} else {
				sendGridAccepts(w, r, n)
			}
		}
	}
	for _, status := range []int{500, 401, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			sg := newFakeProvider(t, fail(status))
			tw := newFakeProvider(t, fail(status))
			o := testOptions(t, sg.URL, tw.URL)
			pendingIntent(t, o, emailRequest("revisit-email").Key, activities.Intent{Channel: "email", To: "dana@northwind.example", At: time.Now()})
			pendingIntent(t, o, smsRequest("check-in-1").Key, activities.Intent{Channel: "sms", To: "+14155550123", At: time.Now(), BodySHA256: "x"})
			a := newTestActivities(t, sg.URL, tw.URL, func(x *activities.Options) { x.Store = o.Store; x.SendGridEmailActivity = true })

			wantType := activities.ErrProviderUnavailable
			if status == 429 {
				wantType = activities.ErrProviderRateLimited
			}
			_, err := a.SendEmail(context.Background(), emailRequest("revisit-email"))
			wantAppError(t, err, wantType, false)
			_, err = a.SendSMS(context.Background(), smsRequest("check-in-1"))
			wantAppError(t, err, wantType, false, testAccountSID)
			if n := countMethod(append(sg.requests(), tw.requests()...), http.MethodPost); n != 0 {
				t.Errorf("%d sends after a failed lookup, want none", n)
			}
		})
	}
	// No answer at all (the provider is down): retryable too.
	o := testOptions(t, "http://127.0.0.1:1", "http://127.0.0.1:1")
	pendingIntent(t, o, smsRequest("check-in-1").Key, activities.Intent{Channel: "sms", To: "+14155550123", At: time.Now(), BodySHA256: "x"})
	a := newTestActivities(t, "http://127.0.0.1:1", "http://127.0.0.1:1", func(x *activities.Options) { x.Store = o.Store })
	_, err := a.SendSMS(context.Background(), smsRequest("check-in-1"))
	wantAppError(t, err, activities.ErrProviderUnavailable, false)
}

// The Twilio lookup lists To's messages and matches on the body up to Twilio's Smart Encoding,
// and on a creation after the intent; it sends when nothing matches.
func TestSMSRetryMatchesTwilioListOnToBodyAndTime(t *testing.T) {
	intentAt := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var listed []string // the list's rows, as JSON
	tw := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"messages":[`+strings.Join(listed, ",")+`],"page":0,"page_size":100,"next_page_uri":null}`)
			return
		}
		twilioAccepts(w, r, n)
	})
	row := func(sid, to, body string, at time.Time) string {
		return fmt.Sprintf(`{"sid":%q,"to":%q,"from":"+15005550006","body":%q,"status":"delivered","date_created":%q}`, sid, to, body, at.Format(time.RFC1123Z))
	}
	req := smsRequest("check-in-1")
	req.Data.CustomerName = "D’Arcy" // Smart Encoding turns ’ into '
	body, err := activities.RenderSMS("", req.Template, activities.MessageData{CustomerName: "D’Arcy", Company: req.Data.Company, RepName: req.Data.RepName, OurCompany: "Acme Supplies"})
	if err != nil {
		t.Fatal(err)
	}
	smart := strings.ReplaceAll(body, "’", "'")
	intent := activities.Intent{Channel: "sms", To: req.To, At: intentAt, BodySHA256: activities.SMSBodyHash(body)}

	cases := []struct {
		name    string
		rows    []string
		wantSID string // "" = not found: sends
	}{
		{"found, smart-encoded", []string{row("SMother", "+14155550999", smart, intentAt.Add(time.Second)), row("SMfound", req.To, smart, intentAt.Add(time.Second))}, "SMfound"},
		{"same text before the intent", []string{row("SMold", req.To, body, intentAt.Add(-time.Hour))}, ""},
		{"other text", []string{row("SMx", req.To, "something else", intentAt.Add(time.Second))}, ""},
		{"nothing", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			listed = c.rows
			before := len(tw.requests())
			o := testOptions(t, "", tw.URL)
			pendingIntent(t, o, req.Key, intent)
			a := newTestActivities(t, "", tw.URL, func(x *activities.Options) { x.Store = o.Store })
			res, err := a.SendSMS(context.Background(), req)
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			reqs := tw.requests()[before:]
			if c.wantSID != "" {
				if !res.Deduplicated || res.MessageID != c.wantSID || !res.SentAt.Equal(intentAt.Add(time.Second)) || countMethod(reqs, http.MethodPost) != 0 {
					t.Errorf("result %+v after %d sends; want %s found and nothing sent", res, countMethod(reqs, http.MethodPost), c.wantSID)
				}
			} else if res.Deduplicated || countMethod(reqs, http.MethodPost) != 1 {
				t.Errorf("result %+v after %d sends; want one new send", res, countMethod(reqs, http.MethodPost))
			}
			get := reqs[0]
			if get.Method != http.MethodGet || !strings.Contains(get.RawQuery, "To=%2B14155550123") || !strings.Contains(get.RawQuery, "DateSent%3E=2026-03-02T00%3A00%3A00Z") {
				t.Errorf("first lookup %s ?%s, want To and DateSent> the intent's day", get.Method, get.RawQuery)
			}
		})
	}
}

// A refusal (4xx) withdraws the intent: the next attempt asks nothing. A 5xx keeps it: the
// provider may have taken the message, so the next attempt asks first.
func TestRefusalWithdrawsTheIntentAndA5xxKeepsIt(t *testing.T) {
	for _, c := range []struct {
		status     int
		wantLookup bool
	}{{http.StatusBadRequest, false}, {http.StatusTooManyRequests, false}, {http.StatusBadGateway, true}} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			tw := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case r.Method == http.MethodGet:
					_, _ = io.WriteString(w, `{"messages":[]}`)
				case n == 1:
					w.WriteHeader(c.status)
					_, _ = fmt.Fprintf(w, `{"code":0,"message":"no","status":%d}`, c.status)
				default:
					twilioAccepts(w, r, n)
				}
			})
			a := newTestActivities(t, "", tw.URL)
			if _, err := a.SendSMS(context.Background(), smsRequest("check-in-1")); err == nil {
				t.Fatal("first attempt succeeded")
			}
			if _, err := a.SendSMS(context.Background(), smsRequest("check-in-1")); c.status != http.StatusBadRequest && err != nil {
				t.Fatalf("second attempt: %v", err)
			}
			if got := countMethod(tw.requests(), http.MethodGet) > 0; got != c.wantLookup {
				t.Errorf("looked up = %v, want %v", got, c.wantLookup)
			}
		})
	}
}
