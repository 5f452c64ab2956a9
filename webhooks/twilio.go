package webhooks

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

const (
	// maxTwilioBody bounds a Twilio form: an inbound text with every media URL is a few KiB.
	maxTwilioBody = 64 << 10
	// twilioSignatureHeader and twilioIdempotencyHeader are the headers Twilio sends with
	// every webhook request.
	twilioSignatureHeader   = "X-Twilio-Signature"
	twilioIdempotencyHeader = "I-Twilio-Idempotency-Token"
	// errorOptedOut is Twilio's error code for a recipient who replied STOP.
	errorOptedOut = "21610"
)

// trackedStatuses are the MessageStatus values recorded on the campaign's message.
var trackedStatuses = map[string]bool{"sent": true, "delivered": true, "undelivered": true, "failed": true}

// twilioSMS handles an inbound text: STOP and its synonyms opt out of SMS, START and UNSTOP opt
// back in, HELP gets a short reply. Anything else is a reply for the rep: it goes to the
// number's campaigns, and is answered with an empty TwiML document.
func (h *Handler) twilioSMS(w http.ResponseWriter, r *http.Request) {
	p, ok := h.twilioParams(w, r)
	if !ok {
		return
	}
	sid, from := p["MessageSid"], p["From"]
	if sid == "" || from == "" {
		h.log.Warn("webhooks: inbound text refused: MessageSid or From missing")
		refuse(w, http.StatusBadRequest, "MessageSid and From are required")
		return
	}
	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	c, state, err := h.claim(ctx, append([]string{"twilio-sms:" + sid}, idempotencyIDs(r)...)...)
	switch {
	case err != nil:
		h.log.Error("webhooks: inbound text not handled, the store did not answer; Twilio may retry", "messageSid", sid, "error", err)
		retryLater(w, "could not record the message; try again")
		return
	case state == store.ClaimSeen:
		h.log.Info("webhooks: inbound text already handled, replay ignored", "messageSid", sid)
		twiML(w, "")
		return
	case state == store.ClaimBusy:
		retryLater(w, "this message is being handled; try again")
		return
	}

	action, keyword := classifySMS(p["Body"])
	switch action {
	case smsHelp:
		reply, err := h.help(ctx, from)
		if err != nil {
			c.release(ctx)
			h.log.Error("webhooks: inbound HELP not answered, Twilio may retry", "messageSid", sid, "error", err)
			retryLater(w, "could not answer; try again")
			return
		}
		c.commit(ctx)
		h.log.Info("webhooks: inbound HELP answered", "messageSid", sid)
		twiML(w, reply)
	case smsOther:
		// A reply ("yes, call me tomorrow") goes to the campaigns of the number: each keeps it
		// and gives its rep a task to answer it. Its text is never logged.
		if err := h.reply(ctx, from, sid, p["Body"]); err != nil {
			c.release(ctx)
			h.log.Error("webhooks: inbound reply not handled, Twilio may retry", "messageSid", sid, "error", err)
			retryLater(w, "could not reach the campaigns; try again")
			return
		}
		c.commit(ctx)
		twiML(w, "")
	default:
		if err := h.optByPhone(ctx, from, sid, action, keyword); err != nil {
			c.release(ctx)
			h.log.Error("webhooks: inbound text not handled, Twilio may retry", "messageSid", sid, "keyword", keyword, "error", err)
			retryLater(w, "could not reach the campaigns; try again")
			return
		}
		c.commit(ctx)
		twiML(w, "")
	}
}

// reply brings an inbound text that is not a keyword to every campaign the number reaches.
func (h *Handler) reply(ctx context.Context, phone, sid, body string) error {
	ids, err := h.store.CampaignsOf(ctx, phone, string(workflows.ChannelSMS))
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		h.log.Warn("webhooks: a customer's reply reached no campaign (no campaign indexed this number); it is not kept", "messageSid", sid, "chars", len(body))
		return nil
	}
	for _, id := range ids {
		sig := workflows.CustomerRepliedSignal{Channel: workflows.ChannelSMS, Text: body, MessageID: sid, At: h.now()}
		if err := h.signal(ctx, id, workflows.SignalCustomerReplied, sig, "twilio:reply"); err != nil {
			return err
		}
	}
	return nil
}

// optByPhone records a STOP (or lifts it on START) on the store's suppression list, for every
// campaign to come, then tells every campaign the number reaches: they stop (or resume) texting
// at once.
func (h *Handler) optByPhone(ctx context.Context, phone, sid string, action smsAction, keyword string) error {
	if action == smsOptIn {
		if _, err := h.store.Lift(ctx, phone, string(workflows.ChannelSMS), store.SourceStop, "customer", "replied "+keyword); err != nil {
			return err
		}
	} else if err := h.store.Suppress(ctx, phone, store.Suppression{Channel: string(workflows.ChannelSMS), Source: store.SourceStop,
		Detail: keyword, By: "customer", At: h.now()}); err != nil {
		return err
	}
	ids, err := h.store.CampaignsOf(ctx, phone, string(workflows.ChannelSMS))
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		h.log.Info("webhooks: no campaign for this number; the opt-out is kept for any to come", "messageSid", sid, "keyword", keyword)
		return nil
	}
	source := "twilio:" + keyword
	for _, id := range ids {
		name, arg := workflows.SignalOptOut, any(workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: source})
		if action == smsOptIn {
			name, arg = workflows.SignalOptIn, workflows.OptInSignal{Channel: workflows.ChannelSMS, Source: source}
		}
		if err := h.signal(ctx, id, name, arg, source); err != nil {
			return err
		}
	}
	return nil
}

// twilioStatus handles a status callback of a text we sent (StatusCallback =
// PublicURL/webhooks/twilio/status?wf=<workflowID>&step=<step>): sent, delivered, undelivered
// and failed are recorded on the message; error 21610 also opts the customer out of SMS.
func (h *Handler) twilioStatus(w http.ResponseWriter, r *http.Request) {
	p, ok := h.twilioParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	wf, step := q.Get("wf"), q.Get("step")
	sid, status := p["MessageSid"], strings.ToLower(p["MessageStatus"])
	if wf == "" || sid == "" || status == "" {
		h.log.Warn("webhooks: status callback refused: wf, MessageSid or MessageStatus missing", "messageSid", sid)
		refuse(w, http.StatusBadRequest, "the wf query parameter, MessageSid and MessageStatus are required")
		return
	}

	type send struct {
		name, source string
		arg          any
	}
	var sends []send
	if trackedStatuses[status] {
		sends = append(sends, send{workflows.SignalMessageEvent, "twilio:" + status,
			workflows.MessageEventSignal{Channel: workflows.ChannelSMS, MessageID: sid, Event: status, At: h.now()}})
	}
	if p["ErrorCode"] == errorOptedOut {
		sends = append(sends, send{workflows.SignalOptOut, "twilio:" + errorOptedOut,
			workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "twilio:" + errorOptedOut}})
	}
	if len(sends) == 0 {
		h.log.Debug("webhooks: status not tracked", "workflowID", wf, "step", step, "messageSid", sid, "status", status)
		return
	}

	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	c, state, err := h.claim(ctx, append([]string{"twilio-status:" + sid + "/" + status}, idempotencyIDs(r)...)...)
	switch {
	case err != nil:
		h.log.Error("webhooks: status callback not handled, the store did not answer; Twilio may retry", "workflowID", wf, "messageSid", sid, "error", err)
		retryLater(w, "could not record the callback; try again")
		return
	case state == store.ClaimSeen:
		h.log.Info("webhooks: status callback already handled, replay ignored", "workflowID", wf, "messageSid", sid, "status", status)
		return
	case state == store.ClaimBusy:
		retryLater(w, "this callback is being handled; try again")
		return
	}
	if to := p["To"]; p["ErrorCode"] == errorOptedOut && to != "" {
		// The number replied STOP to our sender: no campaign texts it again until START.
		if err := h.store.Suppress(ctx, to, store.Suppression{Channel: string(workflows.ChannelSMS), Source: store.SourceProvider,
			Detail: "Twilio " + errorOptedOut, By: "twilio", WorkflowID: wf, At: h.now()}); err != nil {
			c.release(ctx)
			h.log.Error("webhooks: status callback not handled, the store did not answer; Twilio may retry", "workflowID", wf, "messageSid", sid, "error", err)
			retryLater(w, "could not record the opt-out; try again")
			return
		}
	}
	for _, s := range sends {
		if err := h.signal(ctx, wf, s.name, s.arg, s.source); err != nil {
			c.release(ctx)
			h.log.Error("webhooks: status callback not handled, Twilio may retry", "workflowID", wf, "step", step, "messageSid", sid, "status", status, "error", err)
			retryLater(w, "could not reach the campaign; try again")
			return
		}
	}
	c.commit(ctx)
}

// twilioParams reads a Twilio webhook's form and checks its X-Twilio-Signature against
// PublicURL + the request URI. On any problem it answers the refusal itself and returns false.
func (h *Handler) twilioParams(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	if h.twilio == nil {
		if h.warnTwilio.allow(h.now()) {
			h.log.Warn("webhooks: " + twilioNotConfigured)
		}
		retryLater(w, "Twilio webhooks are not configured on this server")
		return nil, false
	}
	sig := r.Header.Get(twilioSignatureHeader)
	if sig == "" {
		h.log.Warn("webhooks: Twilio request refused: no "+twilioSignatureHeader, "path", r.URL.Path)
		refuse(w, http.StatusForbidden, "missing "+twilioSignatureHeader)
		return nil, false
	}
	params, err := parseTwilioForm(http.MaxBytesReader(w, r.Body, maxTwilioBody))
	if err != nil {
		var fe *formError
		errors.As(err, &fe)
		h.log.Warn("webhooks: Twilio request refused", "path", r.URL.Path, "reason", fe.reason)
		refuse(w, fe.status, fe.reason)
		return nil, false
	}
	if !h.twilio.Validate(h.publicURL+r.URL.RequestURI(), params, sig) {
		h.log.Warn("webhooks: Twilio request refused: "+twilioSignatureHeader+" does not match (forged, or PublicURL is not the URL Twilio calls)",
			"path", r.URL.Path, "messageSid", params["MessageSid"])
		refuse(w, http.StatusForbidden, twilioSignatureHeader+" does not match")
		return nil, false
	}
	return params, true
}

// formError is a refusal of a malformed form: its HTTP status and a reason for the sender.
type formError struct {
	status int
	reason string
}

func (e *formError) Error() string { return e.reason }

// parseTwilioForm reads an application/x-www-form-urlencoded body into one value per name.
// A name given twice is refused: the signature check sees only the first value of each name,
// so a second one could smuggle unsigned data past it.
func parseTwilioForm(body io.Reader) (map[string]string, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &formError{http.StatusRequestEntityTooLarge, "the form is larger than 64 KiB"}
		}
		return nil, &formError{http.StatusBadRequest, "could not read the form"}
	}
	values, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, &formError{http.StatusBadRequest, "the body is not an application/x-www-form-urlencoded form"}
	}
	params := make(map[string]string, len(values))
	for name, v := range values {
		if len(v) != 1 {
			return nil, &formError{http.StatusBadRequest, "a form parameter appears more than once"}
		}
		params[name] = v[0]
	}
	return params, nil
}

// idempotencyIDs returns the dedupe ID of Twilio's I-Twilio-Idempotency-Token, when present.
func idempotencyIDs(r *http.Request) []string {
	if t := strings.TrimSpace(r.Header.Get(twilioIdempotencyHeader)); t != "" {
		return []string{"twilio-idem:" + t}
	}
	return nil
}
