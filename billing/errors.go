package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/stripe/stripe-go/v84"
	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/activities"
)

// Errors of the Client are Temporal application errors, so an activity returns them as they
// are: retryable when a retry may help (Stripe unreachable, rate-limited, 5xx: types
// activities.ErrProviderUnavailable and ErrProviderRateLimited), non-retryable when it cannot
// (activities.ErrInvalidRequest for a request Stripe refused, ErrProviderAuth for the key,
// ErrProviderRejected for other refusals, ErrTypeUnreadable below). Code that is not an
// activity asks Retryable.

// ErrTypeUnreadable is the error type of an answer from Stripe that winback cannot read as a
// campaign's billing: an unknown currency, an interval it cannot annualise, a subscription
// that is neither cancelled nor going to be. Retrying does not help; the error says what.
const ErrTypeUnreadable = "BillingUnreadable"

// Retryable reports whether retrying the call that returned err may succeed: Stripe was
// unreachable, rate-limited or failing (a webhook answers 5xx so Stripe sends it again).
// False for a refusal or an answer winback cannot read, which needs a person.
func Retryable(err error) bool {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return !ae.NonRetryable()
	}
	return err != nil
}

func nonRetryable(errType, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), errType, nil)
}

func unreadable(format string, args ...any) error {
	return nonRetryable(ErrTypeUnreadable, format, args...)
}

func invalid(format string, args ...any) error {
	return nonRetryable(activities.ErrInvalidRequest, format, args...)
}

func unavailable(format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), activities.ErrProviderUnavailable)
}

func rateLimited(format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), activities.ErrProviderRateLimited)
}

// classify turns a stripe-go error into the Client's error. what says what was asked
// ("create the coupon"); ans is the HTTP answer seen, if any (stripe-go drops it when the body
// is not Stripe's JSON, e.g. a proxy's 502 page).
func classify(what string, err error, ans *answer) error {
	var se *stripe.Error
	status, shouldRetry := ans.get()
	if errors.As(err, &se) && se.HTTPStatusCode != 0 {
		status = se.HTTPStatusCode
	}
	detail := ""
	if se != nil {
		if se.Msg != "" {
			detail = ": " + se.Msg
		}
		if se.Param != "" {
			detail = fmt.Sprintf(" (param %s)%s", se.Param, detail)
		}
	}
	switch {
	case status == 0 && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
		return unavailable("Stripe did not answer in time to %s (%v); retrying", what, err)
	case status == 0:
		return unavailable("Stripe could not be reached to %s (%v); retrying", what, stripURL(err))
	case status == http.StatusTooManyRequests:
		return rateLimited("Stripe rate limit reached (HTTP 429) to %s%s; retrying", what, detail)
	case status >= 500 || shouldRetry == "true":
		return unavailable("Stripe failed to %s (HTTP %d)%s; retrying", what, status, detail)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nonRetryable(activities.ErrProviderAuth, "Stripe refused our key to %s (HTTP %d)%s: check STRIPE_API_KEY (a restricted key needs write access to coupons, promotion codes and Checkout Sessions, read access to customers and subscriptions)", what, status, detail)
	case se != nil && (se.Type == stripe.ErrorTypeInvalidRequest || se.Type == stripe.ErrorTypeIdempotency):
		return invalid("Stripe refused to %s (HTTP %d)%s", what, status, detail)
	default:
		return nonRetryable(activities.ErrProviderRejected, "Stripe refused to %s (HTTP %d)%s; check STRIPE_API_BASE if this is not Stripe's answer", what, status, detail)
	}
}

// stripURL keeps a transport error's cause without the URL around it.
func stripURL(err error) error {
	for u := err; u != nil; u = errors.Unwrap(u) {
		if s := u.Error(); !strings.Contains(s, "://") {
			return u
		}
	}
	return err
}

// answer is the HTTP status and Stripe-Should-Retry header of the last answer to one call.
// The transport fills the one its request's context carries.
type answer struct {
	mu          sync.Mutex
	status      int
	shouldRetry string
}

func (a *answer) get() (int, string) {
	if a == nil {
		return 0, ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status, a.shouldRetry
}

type answerKey struct{}

// withAnswer gives a call's context the answer the transport fills.
func withAnswer(ctx context.Context) (context.Context, *answer) {
	a := &answer{}
	return context.WithValue(ctx, answerKey{}, a), a
}

// answerTransport records each answer's status in the answer of its request's context.
type answerTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if a, ok := req.Context().Value(answerKey{}).(*answer); ok && resp != nil {
		a.mu.Lock()
		a.status, a.shouldRetry = resp.StatusCode, resp.Header.Get("Stripe-Should-Retry")
		a.mu.Unlock()
	}
	return resp, err
}
