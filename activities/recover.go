package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	twclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"go.temporal.io/sdk/temporal"
)

// clockSlack widens "created after the intent" for the provider's clock and its whole-second
// timestamps (Twilio's date_created is RFC 2822, to the second).
const clockSlack = 5 * time.Second

// Bounds of the Twilio lookup: messages listed per page, and at most for one lookup.
const (
	twilioLookupPageSize = 100
	twilioLookupLimit    = 1000
)

// errNoEmailActivity means the SendGrid Email Activity API cannot answer (switched off, or the
// account lacks the add-on): the caller falls back to sending again (at-least-once).
var errNoEmailActivity = errors.New("SendGrid Email Activity API not available")

// SMSBodyHash is what an SMS Intent keeps of the text (Intent.BodySHA256).
func SMSBodyHash(body string) string { return smsBodyHash(body) }

// smsBodyHash is the hex SHA-256 of body after foldSmart: what an SMS intent keeps to match the
// message in Twilio's list (exactly, up to Twilio's Smart Encoding substitutions).
func smsBodyHash(body string) string {
	sum := sha256.Sum256([]byte(foldSmart(body)))
	return hex.EncodeToString(sum[:])
}

// smartFold maps the Unicode look-alikes that Twilio's Smart Encoding (SetSmartEncoded(true))
// may replace with GSM-7 characters to those characters, so that the body Twilio stores and the
// body we rendered compare equal either way.
var smartFold = strings.NewReplacer(
	"\u00ab", "\"", "\u00bb", "\"", "\u201c", "\"", "\u201d", "\"", "\u02ba", "\"", "\u02ee", "\"",
	"\u201f", "\"", "\u275d", "\"", "\u275e", "\"", "\u301d", "\"", "\u301e", "\"", "\uff02", "\"",
	"\u2018", "'", "\u2019", "'", "\u02bb", "'", "\u02c8", "'", "\u02bc", "'", "\u02bd", "'",
	"\u02b9", "'", "\u201b", "'", "\uff07", "'", "\u00b4", "'", "\u02ca", "'", "\u0060", "'",
	"\u2032", "'", "\u2035", "'", "\u201a", ",", "\u201e", "\"",
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-",
	"\u2212", "-", "\uff0d", "-", "\u2043", "-",
	"\u2026", "...", "\u2039", "<", "\u203a", ">",
	"\u00a0", " ", "\u2000", " ", "\u2001", " ", "\u2002", " ", "\u2003", " ", "\u2004", " ",
	"\u2005", " ", "\u2006", " ", "\u2007", " ", "\u2008", " ", "\u2009", " ", "\u200a", " ",
	"\u200b", "", "\u202f", " ", "\u205f", " ", "\u3000", " ", "\ufeff", "",
	"\u2022", "-", "\u2024", ".", "\u2044", "/", "\u2215", "/", "\uff0f", "/",
)

func foldSmart(s string) string { return smartFold.Replace(s) }

// findTwilioMessage asks Twilio whether the text an earlier attempt intended went out: it lists
// the account's messages to i.To and looks for one with the same body created after the intent.
//
// The list is asked twice at most. First filtered on DateSent >= the intent's UTC day (the
// filter twilio-go sends as "DateSent>"); then, when that finds nothing, without a date: Twilio
// sets date_sent only when it hands the message to the carrier, so a message still queued or
// scheduled may not pass a DateSent filter. The second list reads the newest
// twilioLookupLimit messages to that number. Every error is returned as a retryable error:
// a failed lookup must never turn into a blind resend.
func (a *Activities) findTwilioMessage(ctx context.Context, i Intent) (SendResult, bool, error) {
	day := i.At.UTC().Truncate(24 * time.Hour)
	lists := []*api.ListMessageParams{
		(&api.ListMessageParams{}).SetTo(i.To).SetDateSentAfter(day).SetPageSize(twilioLookupPageSize).SetLimit(twilioLookupLimit),
		(&api.ListMessageParams{}).SetTo(i.To).SetPageSize(twilioLookupPageSize).SetLimit(twilioLookupLimit),
	}
	// One deadline for both lists, so that lookup and send fit the activity's start-to-close.
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	for _, params := range lists {
		res, found, err := a.listTwilio(ctx, i, params)
		if err != nil || found {
			return res, found, err
		}
	}
	return SendResult{}, false, nil
}

func (a *Activities) listTwilio(ctx context.Context, i Intent, params *api.ListMessageParams) (SendResult, bool, error) {
	tr := &twilioTransport{base: a.twilioRT, target: a.twilioBase, ctx: ctx}
	msgs, err := a.twilioService(tr).ListMessage(params)
	last := tr.answer()
	if err != nil {
		return SendResult{}, false, lookupError("Twilio", err, last, a.now())
	}
	var best *api.ApiV2010Message
	var bestAt time.Time
	for k := range msgs {
		m := &msgs[k]
		if m.To == nil || *m.To != i.To || m.Body == nil || smsBodyHash(*m.Body) != i.BodySHA256 {
			continue
		}
		if m.DateCreated == nil {
			return SendResult{}, false, unavailable("Twilio listed a matching message without date_created; cannot tell whether it is this step's text, retrying")
		}
		at, err := parseTwilioTime(*m.DateCreated)
		if err != nil {
			return SendResult{}, false, unavailable("Twilio listed a message whose date_created %q does not parse (%v); retrying", *m.DateCreated, err)
		}
		if at.Before(i.At.Add(-clockSlack)) {
			continue // an earlier message with the same text (another step)
		}
		if best == nil || at.Before(bestAt) {
			best, bestAt = m, at
		}
	}
	if best == nil {
		return SendResult{}, false, nil
	}
	res := SendResult{Provider: "twilio", SentAt: bestAt.UTC()}
	if best.Sid != nil {
		res.MessageID = *best.Sid
	}
	if last != nil && last.header.Get(SandboxHeader) != "" {
		res.Provider = "sandbox-twilio"
	}
	return res, true, nil
}

func parseTwilioTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an RFC 2822 date")
}

// sgActivityMessage is one entry of the Email Activity API's answer.
type sgActivityMessage struct {
	MsgID         string `json:"msg_id"`
	ToEmail       string `json:"to_email"`
	Status        string `json:"status"`
	LastEventTime string `json:"last_event_time"`
}

// findSendGridMessage asks SendGrid's Email Activity API (GET /v3/messages, a paid add-on)
// whether an email with our winback_key custom arg (unique_args in that API's query language)
// went out: query=(unique_args['winback_key']="<key>"). It returns errNoEmailActivity when
// the switch is off, the key cannot be quoted in a query, or SendGrid answers 403/404 (no
// add-on, or an API key without Email Activity access); any other failure is a retryable error.
func (a *Activities) findSendGridMessage(ctx context.Context, key string, i Intent) (SendResult, bool, error) {
	if !a.opts.SendGridEmailActivity {
		return SendResult{}, false, errNoEmailActivity
	}
	if strings.ContainsAny(key, "\"\\") {
		return SendResult{}, false, fmt.Errorf("%w: the key has a quote or backslash", errNoEmailActivity)
	}
	q := fmt.Sprintf(`(unique_args['%s']="%s")`, ArgKey, key)
	rawURL := a.opts.SendGridBaseURL + "/v3/messages?limit=10&query=" + strings.ReplaceAll(url.QueryEscape(q), "+", "%20")
	req := sendgrid.GetRequest(a.opts.SendGridAPIKey, "", "")
	req.BaseURL = rawURL
	req.Method = rest.Get
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	resp, err := a.sendgrid.SendWithContext(cctx, req)
	if err != nil {
		return SendResult{}, false, lookupError("SendGrid Email Activity", err, nil, a.now())
	}
	h := http.Header(resp.Headers)
	switch code := resp.StatusCode; {
	case code == http.StatusForbidden || code == http.StatusNotFound:
		return SendResult{}, false, fmt.Errorf("%w: HTTP %d (the Email Activity add-on, and an API key with Email Activity access, are needed)", errNoEmailActivity, code)
	case code == http.StatusTooManyRequests:
		delay := resetDelay(h.Get("X-RateLimit-Reset"), a.now())
		return SendResult{}, false, rateLimited(delay, "SendGrid Email Activity rate limit reached (HTTP 429) while checking whether an interrupted send went out; retrying after %s", delay)
	case code < 200 || code > 299:
		return SendResult{}, false, unavailable("SendGrid Email Activity answered HTTP %d while checking whether an interrupted send went out; retrying (not sending blind)", code)
	}
	var body struct {
		Messages []sgActivityMessage `json:"messages"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		return SendResult{}, false, unavailable("SendGrid Email Activity answer does not decode (%v); retrying (not sending blind)", err)
	}
	for _, m := range body.Messages {
		if !strings.EqualFold(strings.TrimSpace(m.ToEmail), i.To) || m.MsgID == "" {
			continue
		}
		// msg_id is the X-Message-Id Mail Send answered, then ".filter..." (SendGrid's
		// internal part): keep what a normal send records.
		id, _, _ := strings.Cut(m.MsgID, ".")
		res := SendResult{Provider: "sendgrid", MessageID: id, SentAt: i.At.UTC()}
		if t, err := time.Parse(time.RFC3339, m.LastEventTime); err == nil && t.After(i.At) {
			res.SentAt = t.UTC()
		}
		if h.Get(SandboxHeader) != "" {
			res.Provider = "sandbox-sendgrid"
		}
		return res, true, nil
	}
	return SendResult{}, false, nil
}

// lookupError makes any failure of a provider lookup retryable: rate limits keep their delay,
// everything else (auth included: a key allowed to send may lack read access, and an operator
// can fix that while Temporal retries) is ErrProviderUnavailable. A lookup that fails must not
// end in a send, nor fail the step for good.
func lookupError(provider string, err error, last *httpAnswer, now time.Time) error {
	var te *twclient.TwilioRestError
	status := 0
	if last != nil {
		status = last.status // what the transport saw; the body's "status" may differ
	}
	if errors.As(err, &te) && status == 0 {
		status = te.Status
	}
	if status == 0 {
		var ae *temporal.ApplicationError
		if errors.As(transportError(provider, err), &ae) {
			return unavailable("checking whether an interrupted send went out: %s; not sending until %s answers", ae.Error(), provider)
		}
	}
	if status >= 200 && status <= 299 {
		return unavailable("%s's answer could not be read (%v) while checking whether an interrupted send went out; retrying (not sending blind)", provider, err)
	}
	if status == http.StatusTooManyRequests || (te != nil && te.Code == twilioTooManyRequests) {
		var delay time.Duration
		if last != nil {
			delay = retryAfter(last.header.Get("Retry-After"), now)
		}
		return rateLimited(delay, "%s rate limit reached (HTTP %d) while checking whether an interrupted send went out; retrying", provider, status)
	}
	return unavailable("%s answered HTTP %d while checking whether an interrupted send went out; retrying (not sending blind)", provider, status)
}

// refused reports whether err is the provider's refusal of the message (a 4xx, a rate limit):
// it cannot have been accepted, so the intent can go. A 5xx or a transport error may come after
// the provider accepted it, so the intent stays and the next attempt looks first.
func refused(err error) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() != ErrProviderUnavailable
}
