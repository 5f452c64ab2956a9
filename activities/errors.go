package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	twclient "github.com/twilio/twilio-go/client"
	"go.temporal.io/sdk/temporal"
)

// Bounds of a provider-given retry delay: never hammer, never park a send for hours.
const (
	minRetryDelay = time.Second
	maxRetryDelay = 15 * time.Minute
)

// nonRetryable is a failure the workflow acts on (other channel, fix-contact task).
func nonRetryable(errType, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), errType, nil)
}

// rateLimited is retryable after delay (0: the activity's retry policy decides).
func rateLimited(delay time.Duration, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), ErrProviderRateLimited,
		temporal.ApplicationErrorOptions{NextRetryDelay: delay})
}

// unavailable is retryable with the activity's retry policy.
func unavailable(format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), ErrProviderUnavailable)
}

// sendGridError is one entry of SendGrid's 4xx body {"errors":[{"message","field","help"}]}.
type sendGridError struct {
	Message string  `json:"message"`
	Field   *string `json:"field"`
	Help    string  `json:"help"`
}

// classifySendGrid turns a non-2xx Mail Send answer into the error the workflow acts on.
func classifySendGrid(resp *rest.Response, to string, now time.Time) error {
	var body struct {
		Errors []sendGridError `json:"errors"`
	}
	_ = json.Unmarshal([]byte(resp.Body), &body) // a proxy's HTML page leaves it empty
	detail := sendGridDetail(body.Errors, to)
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		delay := resetDelay(http.Header(resp.Headers).Get("X-RateLimit-Reset"), now)
		return rateLimited(delay, "SendGrid rate limit reached (HTTP 429); retrying after the reset time (%s)", delay)
	case code >= 500:
		return unavailable("SendGrid is unavailable (HTTP %d)%s; retrying", code, detail)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nonRetryable(ErrProviderAuth, "SendGrid refused our credentials (HTTP %d)%s: check that SendGridAPIKey is current and has the Mail Send permission, and that FromEmail is a verified sender", code, detail)
	case code == http.StatusBadRequest:
		if f, ok := recipientError(body.Errors, to); ok {
			return nonRetryable(ErrInvalidRecipient, "SendGrid rejected the recipient email address (field %s)%s: correct the customer's email address, then send again", f, detail)
		}
		return nonRetryable(ErrProviderRejected, "SendGrid rejected the email (HTTP 400)%s", detail)
	default:
		return nonRetryable(ErrProviderRejected, "SendGrid rejected the email (HTTP %d)%s; check SendGridBaseURL if this is not a SendGrid answer", code, detail)
	}
}

// recipientError reports whether an error names a recipient field, e.g.
// personalizations.0.to.0.email, or the recipient address itself.
func recipientError(errs []sendGridError, to string) (field string, ok bool) {
	for _, e := range errs {
		f := ""
		if e.Field != nil {
			f = *e.Field
		}
		if f == "to" || (strings.HasPrefix(f, "personalizations") &&
			(strings.Contains(f, ".to") || strings.Contains(f, ".cc") || strings.Contains(f, ".bcc"))) {
			return f, true
		}
		if to != "" && strings.Contains(strings.ToLower(e.Message), strings.ToLower(to)) {
			return orDefault(f, "to"), true
		}
	}
	return "", false
}

// sendGridDetail is ": field: message; ..." with the recipient address masked (no PII in
// errors, which land in the workflow history).
func sendGridDetail(errs []sendGridError, to string) string {
	var parts []string
	for _, e := range errs {
		m := mask(e.Message, to)
		if e.Field != nil && *e.Field != "" {
			m = *e.Field + ": " + m
		}
		if m != "" {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}

// resetDelay turns X-RateLimit-Reset (unix seconds) into a delay from now.
func resetDelay(v string, now time.Time) time.Duration {
	sec, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0
	}
	return clampDelay(time.Unix(sec, 0).Sub(now))
}

// retryAfter parses Retry-After: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if sec, err := strconv.Atoi(v); err == nil {
		return clampDelay(time.Duration(sec) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return clampDelay(t.Sub(now))
	}
	return 0
}

func clampDelay(d time.Duration) time.Duration {
	d = d.Round(time.Second)
	return min(max(d, minRetryDelay), maxRetryDelay)
}

// Twilio error codes we act on (https://www.twilio.com/docs/api/errors).
const (
	twilioAuthFailed      = 20003
	twilioTooManyRequests = 20429
	twilioInvalidTo       = 21211
	twilioInvalidToNumber = 21217 // phone number does not appear to be valid
	twilioToRequired      = 21604
	twilioOptedOut        = 21610
	twilioToNotReachable  = 21612
	twilioToNotMobile     = 21614
)

// classifyTwilio turns a CreateMessage error into the error the workflow acts on. last is the
// HTTP answer the transport saw (status and headers), when there was one.
func classifyTwilio(err error, last *httpAnswer, to string, now time.Time) error {
	var te *twclient.TwilioRestError
	if !errors.As(err, &te) {
		if last != nil && last.status != 0 {
			// An answer that is not Twilio's JSON (a proxy page): classify by status.
			te = &twclient.TwilioRestError{Status: last.status}
		} else {
			return transportError("Twilio", err)
		}
	}
	status := te.Status
	if status == 0 && last != nil {
		status = last.status
	}
	detail := ""
	if te.Message != "" {
		detail = ": " + mask(te.Message, to)
	}
	codeText := ""
	if te.Code != 0 {
		codeText = fmt.Sprintf(" %d", te.Code)
	}
	switch {
	case te.Code == twilioOptedOut:
		return nonRetryable(ErrRecipientOptedOut, "Twilio refused the text: the recipient replied STOP (error 21610); nothing more can be sent by SMS until they reply START")
	case te.Code == twilioInvalidTo || te.Code == twilioInvalidToNumber || te.Code == twilioToNotMobile ||
		te.Code == twilioToNotReachable || te.Code == twilioToRequired ||
		(status == http.StatusBadRequest && strings.Contains(te.Message, "'To'")):
		return nonRetryable(ErrInvalidRecipient, "Twilio rejected the recipient phone number in To (error%s)%s: correct the customer's phone (E.164, a mobile number), then send again", codeText, detail)
	case te.Code == twilioAuthFailed || status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nonRetryable(ErrProviderAuth, "Twilio refused our credentials (HTTP %d, error%s)%s: check TwilioAccountSID and TwilioAuthToken", status, codeText, detail)
	case te.Code == twilioTooManyRequests || status == http.StatusTooManyRequests:
		var delay time.Duration
		if last != nil {
			delay = retryAfter(last.header.Get("Retry-After"), now)
		}
		return rateLimited(delay, "Twilio rate limit reached (HTTP %d, error%s); retrying", status, codeText)
	case status >= 500:
		return unavailable("Twilio is unavailable (HTTP %d)%s; retrying", status, detail)
	default:
		return nonRetryable(ErrProviderRejected, "Twilio rejected the text (HTTP %d, error%s)%s", status, codeText, detail)
	}
}

// transportError is a retryable error for a request that got no answer: a timeout, a refused
// connection. It keeps the cause but not the URL (it holds the Twilio account SID).
func transportError(provider string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return unavailable("%s did not answer in time (%v); retrying. If the provider accepted the message before the timeout, the retry finds it there and does not send again (SendGrid: only with the Email Activity API)", provider, err)
	case errors.Is(err, context.Canceled):
		return unavailable("%s request cancelled (%v)", provider, err)
	default:
		return unavailable("%s could not be reached (%v); retrying", provider, err)
	}
}

// mask hides the recipient's address or number in a provider message.
func mask(s, to string) string {
	if to == "" {
		return s
	}
	return strings.ReplaceAll(s, to, "<recipient>")
}

// errorType is the application error type of err ("" for other errors).
func errorType(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Type()
	}
	return ""
}
