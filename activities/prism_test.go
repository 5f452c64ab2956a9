package activities_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/internal/testenv"
)

var (
	prismOnce        sync.Once
	prismSG, prismTW string
)

// prismMocks returns the SendGrid and Twilio mocks: the ones named in the environment, or two
// Prism processes started once for this test binary.
func prismMocks(t *testing.T) (sendgrid, twilio string) {
	if sg, tw := os.Getenv("WINBACK_PRISM_SENDGRID"), os.Getenv("WINBACK_PRISM_TWILIO"); sg != "" && tw != "" {
		return sg, tw
	}
	testenv.RequireProviderSpecs(t, "tsg_mail_v3.json", "twilio_api_v2010.json")
	return testenv.StartPrism(t, "tsg_mail_v3.json"), testenv.StartPrism(t, "twilio_api_v2010.json")
}

// TestRequestsMatchProviderSpecs sends our real requests to Prism mocks of SendGrid's and
// Twilio's official OpenAPI specs, which reject any request the spec does not allow. The specs
// are found in WINBACK_PROVIDER_SPECS (default ../shared/specs beside the clone); `make test`
// installs Prism; WINBACK_PRISM_SENDGRID and WINBACK_PRISM_TWILIO point at mocks already
// running instead.
func TestRequestsMatchProviderSpecs(t *testing.T) {
	sgMock, twMock := prismMocks(t)
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

// TestProviderSpecsCatchMalformedRequests: the mocks are strict enough to be worth trusting.
// A request the spec forbids comes back rejected, with the reason (SendGrid: sl-violations; Twilio:
// 422 with validation details), and our activities treat the rejection as final, not retryable.
func TestProviderSpecsCatchMalformedRequests(t *testing.T) {
	sgMock, twMock := prismMocks(t)
	sg, sgViolations := violationProxy(t, sgMock)
	ctx := context.Background()

	// SendGrid: a mail with no sender, through the real SDK.
	m := mail.NewV3Mail()
	p := mail.NewPersonalization()
	p.AddTos(mail.NewEmail("Dana", "dana@northwind.example"))
	m.AddPersonalizations(p)
	m.Subject = "no sender"
	m.AddContent(mail.NewContent("text/plain", "hello"))
	c := sendgrid.NewSendClient("SG.test")
	c.BaseURL = sg + "/v3/mail/send"
	resp, err := c.SendWithContext(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadRequest || !slices.ContainsFunc(sgViolations(), func(v string) bool { return strings.Contains(v, "from") }) {
		t.Errorf("mail without from: %d, violations %v; want 400 naming 'from'", resp.StatusCode, sgViolations())
	}

	// Twilio: an AccountSid the spec's pattern refuses, through the real SDK.
	bad := newTestActivities(t, sg, twMock, func(o *activities.Options) { o.TwilioAccountSID = "ACnotahexsid00000000000000000000zz" })
	_, err = bad.SendSMS(ctx, smsRequest("bad-sid"))
	wantAppError(t, err, activities.ErrProviderRejected, true)
	if err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("SMS with a malformed AccountSid: %v; want the spec's 422", err)
	}
}
