package activities_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

// TestRequestsMatchProviderSpecs sends our real requests to Prism mocks of SendGrid's and
// Twilio's official OpenAPI specs (see ../shared/specs/PROVIDERS.md), which reject any request
// the spec does not allow. Opt-in:
//
//	WINBACK_PRISM_SENDGRID=http://127.0.0.1:4010 WINBACK_PRISM_TWILIO=http://127.0.0.1:4011 \
//	  go test -run TestRequestsMatchProviderSpecs ./activities/
func TestRequestsMatchProviderSpecs(t *testing.T) {
	sgMock, twMock := os.Getenv("WINBACK_PRISM_SENDGRID"), os.Getenv("WINBACK_PRISM_TWILIO")
	if sgMock == "" || twMock == "" {
		t.Skip("set WINBACK_PRISM_SENDGRID and WINBACK_PRISM_TWILIO to Prism mocks to run")
	}
	sg, sgViolations := violationProxy(t, sgMock)
	tw, twViolations := violationProxy(t, twMock)
	ctx := context.Background()

	slow := func(o *activities.Options) { o.HTTPTimeout = 15 * time.Second } // Prism's first answer is slow
	plain := newTestActivities(t, sg, tw, slow)
	dynamic := newTestActivities(t, sg, tw, slow, func(o *activities.Options) {
		o.SendGridTemplateID = "d-0123456789abcdef0123456789abcdef"
		o.TwilioMessagingServiceSID = "MG0123456789abcdef0123456789abcdef"
	})
	staff := emailRequest("reminder")
	staff.Template, staff.Staff = "reminder", true
	staff.Data.TaskTitle, staff.Data.TaskDue = "Exit interview", "Tue 3 Mar 17:00"

	for name, send := range map[string]func() (activities.SendResult, error){
		"customer email":          func() (activities.SendResult, error) { return plain.SendEmail(ctx, emailRequest("a")) },
		"staff email":             func() (activities.SendResult, error) { return plain.SendEmail(ctx, staff) },
		"dynamic template email":  func() (activities.SendResult, error) { return dynamic.SendEmail(ctx, emailRequest("b")) },
		"SMS from a number":       func() (activities.SendResult, error) { return plain.SendSMS(ctx, smsRequest("c")) },
		"SMS through the service": func() (activities.SendResult, error) { return dynamic.SendSMS(ctx, smsRequest("d")) },
	} {
		if _, err := send(); err != nil {
			t.Errorf("%s: %v\nSendGrid violations: %v\nTwilio violations: %v", name, err, sgViolations(), twViolations())
		}
	}
}

// violationProxy forwards to a Prism mock and keeps the sl-violations header of its answers,
// where Prism says what in the request broke the spec.
func violationProxy(t *testing.T, target string) (string, func() []string) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	p := httputil.NewSingleHostReverseProxy(u)
	p.ModifyResponse = func(r *http.Response) error {
		if v := r.Header.Get("Sl-Violations"); v != "" {
			mu.Lock()
			seen = append(seen, v)
			mu.Unlock()
		}
		return nil
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.URL, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}
