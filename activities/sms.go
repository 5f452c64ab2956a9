package activities

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/winback/winback/contact"
)

// SendSMS sends one text message through Twilio, once per r.Key: when the ledger already holds
// the key it returns the recorded result with Deduplicated set and sends nothing. It writes an
// intent to the ledger before calling Twilio; when an earlier attempt left one (it died, or lost
// the answer, after the call), it first lists Twilio's messages to the recipient and, when one
// has the same text and was created after the intent, records it and sends nothing. It sends from
// Options.TwilioMessagingServiceSID when set, else from TwilioFrom, and asks Twilio to post
// delivery status to PublicURL/webhooks/twilio/status?wf=<workflowID>&step=<step>. A text
// whose data names an open offer (MessageData.OfferID) carries the offer's one-click link,
// PublicURL/offer?t=TOKEN, expiring like SendEmail's: at the end of the OfferUntil day (UTC),
// else at the end of the UTC day 60 days (OfferLinkDays) after the send.
// Failures are application errors typed by the constants of this package.
func (a *Activities) SendSMS(ctx context.Context, r SMSRequest) (res SendResult, err error) {
	defer func() { countSend(ctx, "sms", res, err) }()
	if err := checkKeys(r.Key, r.WorkflowID, r.Template); err != nil {
		return SendResult{}, err
	}
	to := strings.TrimSpace(r.To)
	if !contact.IsE164(to) {
		return SendResult{}, nonRetryable(ErrInvalidRecipient, "the recipient phone number in To is missing or not in E.164 form (like +15017122661): correct the customer's phone, then send again")
	}
	log := a.log.With("workflowId", r.WorkflowID, "step", r.Step, "key", r.Key, "template", r.Template)

	unlock := a.keys.lock(r.Key)
	defer unlock()
	if sent, ok, err := a.alreadySent(ctx, log, r.Key, "text"); err != nil || ok {
		return sent, err
	}
	if err := a.refuseSuppressed(ctx, log, to, "sms"); err != nil {
		return SendResult{}, err
	}

	body, err := a.renderer().sms(r)
	if err != nil {
		return SendResult{}, nonRetryable(ErrInvalidRequest, "SMS template %s for step %s: %v", r.Template, r.Step, err)
	}
	if n := SMSSegments(body); n > 2 {
		log.Warn("text message is longer than 2 segments", "segments", n)
	}

	params := (&api.CreateMessageParams{}).
		SetTo(to).
		SetBody(body).
		SetSmartEncoded(true). // lets Twilio swap look-alike Unicode for GSM-7: fewer segments
		SetStatusCallback(a.statusCallbackURL(r.WorkflowID, r.Step))
	if a.opts.TwilioMessagingServiceSID != "" {
		params.SetMessagingServiceSid(a.opts.TwilioMessagingServiceSID)
	} else {
		params.SetFrom(a.opts.TwilioFrom)
	}

	// An intent left by an earlier attempt means it may have died after Twilio accepted the
	// text: ask Twilio before sending again.
	intent := Intent{Channel: "sms", To: to, At: a.now().UTC(), BodySHA256: smsBodyHash(body)}
	if found, sent, err := a.intendToSend(ctx, log, r.Key, "text", "Twilio", intent, contextFind(ctx, a.findTwilioMessage)); err != nil || sent {
		return found, err
	}

	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	tr := &twilioTransport{base: a.twilioRT, target: a.twilioBase, ctx: cctx}
	msg, err := a.twilioService(tr).CreateMessage(params)
	last := tr.answer()
	if err != nil && (last == nil || last.status < 200 || last.status > 299) {
		err := classifyTwilio(err, last, to, a.now())
		log.Warn("Twilio refused the text", "error", err)
		a.withdraw(ctx, log, r.Key, err)
		if errorType(err) == ErrRecipientOptedOut {
			a.suppressAtProvider(ctx, log, to, "sms", r.WorkflowID, "Twilio 21610")
		}
		return SendResult{}, err
	}

	res = SendResult{Provider: "twilio", SentAt: a.now().UTC()}
	if err != nil {
		// Twilio accepted (2xx) but its answer did not decode: the message is on its way, and an
		// error would make Temporal send it again. Record it without a SID.
		log.Error("Twilio accepted the text but its answer could not be read", "status", last.status, "error", err)
	} else if msg.Sid != nil {
		res.MessageID = *msg.Sid
	}
	if last != nil && last.header.Get(SandboxHeader) != "" {
		res.Provider = "sandbox-twilio"
	}
	a.record(ctx, log, r.Key, res)
	return res, nil
}

// twilioService is a Messages API bound to one call: twilio-go has no context parameter, so the
// call's transport carries the activity's context and deadline.
func (a *Activities) twilioService(tr *twilioTransport) *api.ApiService {
	bc := &client.Client{
		Credentials: client.NewCredentials(a.opts.TwilioAccountSID, a.opts.TwilioAuthToken),
		// A custom client loses twilio-go's default timeout and no-redirect policy: set both.
		HTTPClient: &http.Client{Timeout: a.timeout, Transport: tr, CheckRedirect: noRedirect},
	}
	bc.SetAccountSid(a.opts.TwilioAccountSID)
	return api.NewApiServiceWithClient(bc)
}

// statusCallbackURL is where Twilio posts this message's delivery status.
func (a *Activities) statusCallbackURL(workflowID, step string) string {
	return a.opts.PublicURL + "/webhooks/twilio/status?wf=" + url.QueryEscape(workflowID) + "&step=" + url.QueryEscape(step)
}

// httpAnswer is the status and headers of the last HTTP answer (twilio-go drops them on errors,
// and a 429's Retry-After lives there).
type httpAnswer struct {
	status int
	header http.Header
}

// twilioTransport sends twilio-go's requests to target (scheme, host and path prefix) instead of
// https://api.twilio.com when target is set (the SDK hard-codes that host), binds them to ctx,
// and remembers the answer's status and headers.
type twilioTransport struct {
	base   http.RoundTripper
	target *url.URL
	ctx    context.Context

	mu   sync.Mutex
	last *httpAnswer
}

// RoundTrip implements http.RoundTripper.
func (t *twilioTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Cancel on whichever ends first: the http.Client's timeout or the activity's context.
	// Both are released when the call returns (SendSMS cancels t.ctx).
	ctx, cancel := context.WithCancelCause(req.Context())
	context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	r := req.Clone(ctx)
	if t.target != nil {
		r.URL.Scheme = t.target.Scheme
		r.URL.Host = t.target.Host
		r.URL.Path = strings.TrimRight(t.target.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		t.mu.Lock()
		t.last = &httpAnswer{status: resp.StatusCode, header: resp.Header.Clone()}
		t.mu.Unlock()
	}
	return resp, err
}

func (t *twilioTransport) answer() *httpAnswer {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}
