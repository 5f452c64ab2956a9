package activities_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

func TestSendSMSRequestThroughRewrittenBaseURL(t *testing.T) {
	tw := newFakeProvider(t, twilioAccepts)
	a := newTestActivities(t, "", tw.URL+"/sandbox/twilio")

	res, err := a.SendSMS(context.Background(), smsRequest("check-in-1"))
	if err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if res.Provider != "twilio" || res.MessageID != "SM00000000000000000000000000000001" {
		t.Errorf("result = %+v, want the Twilio message SID", res)
	}
	reqs := tw.requests()
	if len(reqs) != 1 {
		t.Fatalf("provider got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if want := "/sandbox/twilio/2010-04-01/Accounts/" + testAccountSID + "/Messages.json"; r.Method != http.MethodPost || r.Path != want {
		t.Errorf("request %s %s, want POST %s", r.Method, r.Path, want)
	}
	user, pass, ok := (&http.Request{Header: r.Header}).BasicAuth()
	if !ok || user != testAccountSID || pass != testAuthToken {
		t.Errorf("Basic auth = %q/%v, want the account SID and auth token", user, ok)
	}
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		t.Fatalf("body is not a form: %v", err)
	}
	if form.Get("To") != "+14155550123" || form.Get("From") != "+15005550006" || form.Get("MessagingServiceSid") != "" {
		t.Errorf("To/From/MessagingServiceSid = %q/%q/%q", form.Get("To"), form.Get("From"), form.Get("MessagingServiceSid"))
	}
	if want := testPublicURL + "/webhooks/twilio/status?wf=winback%3Acust-42&step=check-in-1"; form.Get("StatusCallback") != want {
		t.Errorf("StatusCallback = %q, want %q", form.Get("StatusCallback"), want)
	}
	body := form.Get("Body")
	if !strings.Contains(body, "Dana") || !strings.Contains(body, "Sam Ortiz") || !strings.Contains(body, "STOP") {
		t.Errorf("Body = %q, want the customer, the rep and how to opt out", body)
	}
	if n := activities.SMSSegments(body); n > 2 {
		t.Errorf("Body is %d segments, want at most 2: %q", n, body)
	}
}

func TestSendSMSUsesMessagingServiceWhenSet(t *testing.T) {
	tw := newFakeProvider(t, twilioAccepts)
	a := newTestActivities(t, "", tw.URL, func(o *activities.Options) {
		o.TwilioMessagingServiceSID = "MG0123456789abcdef0123456789abcdef"
	})
	if _, err := a.SendSMS(context.Background(), smsRequest("check-in-1")); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	form, _ := url.ParseQuery(string(tw.requests()[0].Body))
	if form.Get("MessagingServiceSid") != "MG0123456789abcdef0123456789abcdef" || form.Has("From") {
		t.Errorf("MessagingServiceSid = %q, From present = %v; want the service and no From", form.Get("MessagingServiceSid"), form.Has("From"))
	}
}

func TestSendSMSErrorClasses(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		header       map[string]string
		body         string
		errType      string
		nonRetryable bool
		wantDelay    time.Duration
	}{
		{"21211 invalid To", 400, nil,
			`{"code":21211,"message":"The 'To' number +14155550123 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`,
			activities.ErrInvalidRecipient, true, 0},
		{"21614 not a mobile", 400, nil,
			`{"code":21614,"message":"'To' number is not a valid mobile number","more_info":"","status":400}`,
			activities.ErrInvalidRecipient, true, 0},
		{"21610 opted out", 400, nil,
			`{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`,
			activities.ErrRecipientOptedOut, true, 0},
		{"20003 auth", 401, nil,
			`{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`,
			activities.ErrProviderAuth, true, 0},
		{"other 4xx", 400, nil,
			`{"code":21606,"message":"The From phone number is not a valid, SMS-capable inbound phone number","status":400}`,
			activities.ErrProviderRejected, true, 0},
		{"20429 with Retry-After", 429, map[string]string{"Retry-After": "7"},
			`{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`,
			activities.ErrProviderRateLimited, false, 7 * time.Second},
		{"500", 500, nil, `{"code":20500,"message":"Internal Server Error","status":500}`, activities.ErrProviderUnavailable, false, 0},
		{"503 from a proxy", 503, nil, `<html>unavailable</html>`, activities.ErrProviderUnavailable, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tw := newFakeProvider(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			a := newTestActivities(t, "", tw.URL)
			_, err := a.SendSMS(context.Background(), smsRequest("check-in-1"))
			ae := wantAppError(t, err, c.errType, c.nonRetryable, "+14155550123", testAccountSID)
			if c.wantDelay > 0 && ae.NextRetryDelay() != c.wantDelay {
				t.Errorf("NextRetryDelay = %v, want %v (Retry-After)", ae.NextRetryDelay(), c.wantDelay)
			}
		})
	}
}

func TestSendSMSTimeoutIsRetryable(t *testing.T) {
	tw := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	a := newTestActivities(t, "", tw.URL, func(o *activities.Options) { o.HTTPTimeout = 150 * time.Millisecond })
	start := time.Now()
	_, err := a.SendSMS(context.Background(), smsRequest("check-in-1"))
	wantAppError(t, err, activities.ErrProviderUnavailable, false, testAccountSID)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SendSMS took %v, want it bounded by HTTPTimeout", took)
	}
}

func TestSendSMSStopsWhenTheActivityIsCancelled(t *testing.T) {
	tw := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	a := newTestActivities(t, "", tw.URL, func(o *activities.Options) { o.HTTPTimeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.SendSMS(ctx, smsRequest("check-in-1"))
	wantAppError(t, err, activities.ErrProviderUnavailable, false)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SendSMS took %v after its context ended; twilio-go has no context, the transport must carry it", took)
	}
}

func TestSendSMSRejectsNonE164WithoutCallingTwilio(t *testing.T) {
	tw := newFakeProvider(t, twilioAccepts)
	a := newTestActivities(t, "", tw.URL)
	for _, to := range []string{"", "4155550123", "+1 415 555 0123", "+0155550123"} {
		r := smsRequest("check-in-1")
		r.To = to
		_, err := a.SendSMS(context.Background(), r)
		ae := wantAppError(t, err, activities.ErrInvalidRecipient, true)
		if !strings.Contains(ae.Error(), "E.164") {
			t.Errorf("To %q: message %q does not say what form is expected", to, ae.Error())
		}
	}
	if n := len(tw.requests()); n != 0 {
		t.Errorf("Twilio got %d requests, want none", n)
	}
}
