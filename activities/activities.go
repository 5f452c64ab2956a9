// Package activities sends the campaign's emails through SendGrid and its text messages through
// Twilio, with the real SDKs. Every send carries a deterministic key; a send ledger makes a retried
// activity return the first result instead of reaching the customer twice. Errors are classified
// for the workflow: non-retryable application errors (ErrInvalidRecipient, ErrRecipientOptedOut,
// ErrProviderAuth, ErrProviderRejected, ErrInvalidRequest) and retryable ones
// (ErrProviderRateLimited, ErrProviderUnavailable).
package activities

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/sendgrid/rest"

	"github.com/winback/winback/contact"
)

// Default provider endpoints, used when Options leaves a base URL empty.
const (
	DefaultSendGridBaseURL = "https://api.sendgrid.com"
	DefaultTwilioBaseURL   = "https://api.twilio.com"
)

// Options configures the send activities. Secrets (API key, auth token, link secret) are never
// logged nor put in an error.
type Options struct {
	// SendGrid. SendGridBaseURL is e.g. "https://api.sendgrid.com" (the default) or
	// "http://127.0.0.1:8080/sandbox/sendgrid". With SendGridTemplateID set, customer emails use
	// that dynamic template and the MessageData as its dynamic_template_data.
	SendGridAPIKey, SendGridBaseURL, FromEmail, FromName, SendGridTemplateID string
	// SendGridEmailActivity lets a retried email whose previous attempt died mid-send (a pending
	// intent in the ledger) ask SendGrid's Email Activity API (GET /v3/messages, on the
	// winback_key custom arg) whether it went out, before sending again. The API is a paid
	// add-on ("additional email activity history") and needs an API key with Email Activity
	// (read) access; it is limited to a few requests a minute (a 429 is retried). When false, or
	// when the API answers 403/404, such a retry sends again and logs a warning: at-least-once
	// across a crash in the send window. The worker sets it in sandbox mode (the sandbox serves
	// the API); for real SendGrid it must be wired from configuration (e.g.
	// WINBACK_SENDGRID_EMAIL_ACTIVITY=true) once the add-on is bought and the key has access.
	SendGridEmailActivity bool
	// Twilio. TwilioBaseURL is e.g. "https://api.twilio.com" (the default) or
	// "http://127.0.0.1:8080/sandbox/twilio". TwilioMessagingServiceSID, when set, is used
	// instead of TwilioFrom.
	TwilioAccountSID, TwilioAuthToken, TwilioBaseURL, TwilioFrom, TwilioMessagingServiceSID string
	// PublicURL is where our HTTP server is reachable: unsubscribe links, Twilio StatusCallback URLs.
	PublicURL string
	// LinkSecret is the HMAC key of unsubscribe tokens (at least 16 bytes).
	LinkSecret []byte
	// Store keeps the send ledger, the suppression list and the contact index, shared by every
	// worker (store.Store). Required; New does not close it.
	Store Store
	// Team finds a person of the team file by ID (config.Team); nil when there is none, and
	// every person is then known by ID only.
	Team func(id string) (PersonResult, bool)
	// TemplatesDir optionally overrides the embedded templates, file by file.
	TemplatesDir string
	// Billing makes the coupons of incentives in billing (billing.Client); nil when billing is
	// not configured, and CreateCoupon then refuses.
	Billing Coupons
	// HTTPTimeout bounds one provider request; 10s when zero.
	HTTPTimeout time.Duration
	// Logger receives one line per send; slog.Default() when nil.
	Logger *slog.Logger
}

// Activities holds the provider clients, the templates and the store. Register it with a
// Temporal worker: its methods SendEmail and SendSMS are the activities.
type Activities struct {
	opts       Options
	log        *slog.Logger
	store      Store
	tmpl       *templateSet
	timeout    time.Duration
	sendgrid   *rest.Client
	twilioBase *url.URL // nil: the real api.twilio.com, no rewrite
	twilioRT   http.RoundTripper
	keys       keyLocks
	now        func() time.Time
}

// alphanumeric matches what twilio-go accepts as credentials (it refuses anything else).
var alphanumeric = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// New validates the options and parses the templates.
func New(o Options) (*Activities, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	o.SendGridBaseURL = strings.TrimRight(orDefault(o.SendGridBaseURL, DefaultSendGridBaseURL), "/")
	o.TwilioBaseURL = strings.TrimRight(orDefault(o.TwilioBaseURL, DefaultTwilioBaseURL), "/")
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	a := &Activities{
		opts:    o,
		log:     o.Logger,
		timeout: o.HTTPTimeout,
		now:     time.Now,
		store:   o.Store,
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.timeout <= 0 {
		a.timeout = 10 * time.Second
	}
	tmpl, err := loadTemplates(o.TemplatesDir)
	if err != nil {
		return nil, err
	}
	a.tmpl = tmpl

	transport := http.DefaultTransport.(*http.Transport).Clone()
	a.sendgrid = &rest.Client{HTTPClient: &http.Client{
		Timeout:       a.timeout,
		Transport:     transport,
		CheckRedirect: noRedirect,
	}}
	a.twilioRT = transport
	if base, _ := url.Parse(o.TwilioBaseURL); !isTwilioHost(base.Hostname()) {
		a.twilioBase = base
	}

	return a, nil
}

func (o Options) validate() error {
	var errs []error
	need := func(v, field, what string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("activities: %s is empty: set %s", field, what))
		}
	}
	need(o.SendGridAPIKey, "SendGridAPIKey", "the SendGrid API key (any non-empty value for the sandbox)")
	need(o.FromEmail, "FromEmail", "the sender address of every email")
	if o.FromEmail != "" {
		if _, err := mail.ParseAddress(o.FromEmail); err != nil {
			errs = append(errs, fmt.Errorf("activities: FromEmail %q is not an email address: use a bare address like winback@example.com", o.FromEmail))
		}
	}
	need(o.TwilioAccountSID, "TwilioAccountSID", "the Twilio account SID (AC...)")
	need(o.TwilioAuthToken, "TwilioAuthToken", "the Twilio auth token")
	if o.TwilioAccountSID != "" && !alphanumeric.MatchString(o.TwilioAccountSID) {
		errs = append(errs, errors.New("activities: TwilioAccountSID must be letters and digits only (twilio-go refuses anything else)"))
	}
	if o.TwilioAuthToken != "" && !alphanumeric.MatchString(o.TwilioAuthToken) {
		errs = append(errs, errors.New("activities: TwilioAuthToken must be letters and digits only (twilio-go refuses anything else)"))
	}
	if o.TwilioFrom == "" && o.TwilioMessagingServiceSID == "" {
		errs = append(errs, errors.New("activities: TwilioFrom and TwilioMessagingServiceSID are both empty: set the sending number (E.164) or a Messaging Service SID"))
	}
	if o.TwilioFrom != "" && o.TwilioMessagingServiceSID == "" && !contact.IsE164(o.TwilioFrom) {
		errs = append(errs, fmt.Errorf("activities: TwilioFrom %q is not an E.164 number like +15017122661", o.TwilioFrom))
	}
	for _, u := range []struct{ field, value string }{
		{"SendGridBaseURL", o.SendGridBaseURL}, {"TwilioBaseURL", o.TwilioBaseURL}, {"PublicURL", o.PublicURL},
	} {
		if u.value == "" && u.field != "PublicURL" {
			continue // the provider default
		}
		if err := checkHTTPURL(u.value); err != nil {
			errs = append(errs, fmt.Errorf("activities: %s %q %v", u.field, u.value, err))
		}
	}
	if len(o.LinkSecret) < 16 {
		errs = append(errs, errors.New("activities: LinkSecret is shorter than 16 bytes: set a random secret of at least 32 bytes for unsubscribe links"))
	}
	if o.Store == nil {
		errs = append(errs, errors.New("activities: Store is nil: pass the store that keeps the send ledger and the suppression list"))
	}
	return errors.Join(errs...)
}

func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("is not an absolute http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must not carry a query or fragment")
	}
	return nil
}

func isTwilioHost(host string) bool {
	return host == "twilio.com" || strings.HasSuffix(host, ".twilio.com")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
