package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sendgrid/sendgrid-go/helpers/eventwebhook"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// maxSendGridBody bounds one batch of events.
const maxSendGridBody = 1 << 20

// sendGridOptOuts are the events that stop email to the customer; sendGridTracked are recorded
// on the message (and a bounce or drop acted on by the campaign). Other events (processed,
// deferred...) are ignored.
var (
	sendGridOptOuts = map[string]bool{"spamreport": true, "unsubscribe": true, "group_unsubscribe": true}
	// A bounce or a drop is not an opt-out: it says the address does not work, and the campaign
	// acts on it as on a refusal at send time (the other channel, a task to fix the address).
	sendGridTracked = map[string]bool{"delivered": true, "open": true, "click": true, "bounce": true, "dropped": true}
)

// sendGridEvent is the part of a SendGrid event the campaigns use.
type sendGridEvent struct {
	Event      string
	ID         string    // sg_event_id
	MessageID  string    // sg_message_id up to the first ".": the X-Message-Id the send recorded
	WorkflowID string    // our custom arg activities.ArgWorkflowID
	Email      string    // the recipient; never logged
	At         time.Time // zero when the event has no timestamp
}

// sendGridEvents handles a batch of the Signed Event Webhook. It checks the signature over the
// raw body and the timestamp window before reading anything, then signals each event of ours
// once. It answers 200 when every event is handled (a closed campaign included) and 503 only
// when Temporal cannot be reached, so SendGrid retries the batch; events already handled are
// then skipped.
func (h *Handler) sendGridEvents(w http.ResponseWriter, r *http.Request) {
	if h.sendGrid == nil {
		if h.warnSG.allow(h.now()) {
			h.log.Warn("webhooks: " + sendGridNotConfigured)
		}
		retryLater(w, "SendGrid events are not configured on this server")
		return
	}
	sig := strings.TrimSpace(r.Header.Get(eventwebhook.VerificationHTTPHeader))
	ts := strings.TrimSpace(r.Header.Get(eventwebhook.TimestampHTTPHeader))
	if sig == "" || ts == "" {
		h.log.Warn("webhooks: SendGrid request refused: signature or timestamp header missing")
		refuse(w, http.StatusUnauthorized, "missing "+eventwebhook.VerificationHTTPHeader+" or "+eventwebhook.TimestampHTTPHeader)
		return
	}
	body, ok := h.readBody(w, r, "SendGrid", maxSendGridBody)
	if !ok {
		return
	}
	if reason := h.checkSendGridTimestamp(ts); reason != "" {
		h.log.Warn("webhooks: SendGrid request refused: " + reason)
		refuse(w, http.StatusForbidden, reason)
		return
	}
	// The signature covers timestamp ‖ the raw bytes received: never a re-serialized body.
	if ok, err := eventwebhook.VerifySignature(h.sendGrid, body, sig, ts); !ok || err != nil {
		h.log.Warn("webhooks: SendGrid request refused: signature does not verify (forged, altered, or SENDGRID_WEBHOOK_PUBLIC_KEY is not this account's key)")
		refuse(w, http.StatusForbidden, "signature does not verify")
		return
	}
	events, err := parseSendGridEvents(body)
	if err != nil {
		h.log.Warn("webhooks: SendGrid request refused", "reason", err)
		refuse(w, http.StatusBadRequest, err.Error())
		return
	}

	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	var handled, ignored, replays int
	busy := false
	for _, ev := range events {
		if ev.At.IsZero() {
			ev.At = h.now()
		}
		name, arg, source := sendGridSignal(ev)
		if ev.WorkflowID == "" || name == "" {
			ignored++
			continue
		}
		var ids []string
		if ev.ID != "" {
			ids = append(ids, "sendgrid:"+ev.ID)
		}
		c, state, err := h.claim(ctx, ids...)
		switch {
		case err != nil:
			h.log.Error("webhooks: SendGrid batch not fully handled, the store did not answer; SendGrid will retry it", "handled", handled, "error", err)
			retryLater(w, "could not record the events; try again")
			return
		case state == store.ClaimSeen:
			replays++
			continue
		case state == store.ClaimBusy:
			busy = true
			continue
		}
		err = h.suppressEmail(ctx, ev)
		if err == nil {
			err = h.signal(ctx, ev.WorkflowID, name, arg, source)
		}
		if err != nil {
			c.release(ctx)
			h.log.Error("webhooks: SendGrid batch not fully handled, SendGrid will retry it", "handled", handled, "error", err)
			retryLater(w, "could not reach the campaigns; try again")
			return
		}
		c.commit(ctx)
		handled++
	}
	h.log.Info("webhooks: SendGrid batch handled", "events", len(events), "signalled", handled, "ignored", ignored, "replays", replays)
	if busy {
		retryLater(w, "some events are being handled; try again")
	}
}

// checkSendGridTimestamp returns why the timestamp header is refused, or "".
func (h *Handler) checkSendGridTimestamp(ts string) string {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "the timestamp is not unix seconds"
	}
	age := h.now().Sub(time.Unix(sec, 0))
	switch {
	case age > h.tolerance:
		return fmt.Sprintf("the timestamp is older than %v: a stale or replayed request", h.tolerance)
	case age < -h.tolerance:
		return fmt.Sprintf("the timestamp is more than %v in the future: check this server's clock", h.tolerance)
	}
	return ""
}

// sendGridSources says where an email opt-out came from, by event.
var sendGridSources = map[string]string{
	"unsubscribe": store.SourceUnsubscribe, "group_unsubscribe": store.SourceUnsubscribe,
	"spamreport": store.SourceSpamReport, "bounce": store.SourceBounce, "dropped": store.SourceBounce,
}

// suppressEmail records an opt-out event on the suppression list, for every campaign to come:
// against the event's address, or, when SendGrid left it out, every address the campaign
// indexed. Other events record nothing.
func (h *Handler) suppressEmail(ctx context.Context, ev sendGridEvent) error {
	source, ok := sendGridSources[ev.Event]
	if !ok {
		return nil
	}
	p := store.Suppression{Channel: string(workflows.ChannelEmail), Source: source, Detail: ev.Event, By: "sendgrid",
		WorkflowID: ev.WorkflowID, At: ev.At}
	if ev.Email != "" {
		return h.store.Suppress(ctx, ev.Email, p)
	}
	_, err := h.store.SuppressCampaign(ctx, ev.WorkflowID, p)
	return err
}

// sendGridSignal maps an event to its Signal; name is "" for events the campaigns ignore.
func sendGridSignal(ev sendGridEvent) (name string, arg any, source string) {
	source = "sendgrid:" + ev.Event
	switch {
	case sendGridOptOuts[ev.Event]:
		return workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: source}, source
	case sendGridTracked[ev.Event]:
		return workflows.SignalMessageEvent, workflows.MessageEventSignal{
			Channel: workflows.ChannelEmail, MessageID: ev.MessageID, Event: ev.Event, At: ev.At,
		}, source
	}
	return "", nil, ""
}

// parseSendGridEvents reads a batch: a JSON array of event objects. An event whose fields have
// unexpected types is kept with those fields empty, so it is ignored rather than failing the
// batch. SendGrid puts custom_args at the top level of each event; a nested "custom_args" or
// "unique_args" object is read too.
func parseSendGridEvents(body []byte) ([]sendGridEvent, error) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errors.New("the body is not a JSON array of event objects")
	}
	events := make([]sendGridEvent, 0, len(raw))
	for _, m := range raw {
		ev := sendGridEvent{
			Event:      jsonString(m["event"]),
			ID:         jsonString(m["sg_event_id"]),
			MessageID:  jsonString(m["sg_message_id"]),
			WorkflowID: customArg(m, activities.ArgWorkflowID),
			Email:      jsonString(m["email"]),
		}
		ev.MessageID, _, _ = strings.Cut(ev.MessageID, ".")
		if sec, ok := jsonInt(m["timestamp"]); ok && sec > 0 {
			ev.At = time.Unix(sec, 0).UTC()
		}
		events = append(events, ev)
	}
	return events, nil
}

// customArg finds one of our custom args: at the top level (as SendGrid sends them), or in a
// nested custom_args or unique_args object.
func customArg(m map[string]json.RawMessage, name string) string {
	if v := jsonString(m[name]); v != "" {
		return v
	}
	for _, nest := range []string{"custom_args", "unique_args"} {
		var args map[string]json.RawMessage
		if json.Unmarshal(m[nest], &args) == nil {
			if v := jsonString(args[name]); v != "" {
				return v
			}
		}
	}
	return ""
}

// jsonString returns a JSON string's value, or "" for anything else.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonInt returns a JSON integer (or an integer in a string), reporting whether there was one.
func jsonInt(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// readBody reads a webhook's raw body (its signature covers the bytes), at most limit bytes (whole MiB); it
// refuses the request and returns false when it cannot.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, provider string, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err == nil {
		return body, true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		h.log.Warn(fmt.Sprintf("webhooks: %s request refused: body larger than %d MiB", provider, limit>>20))
		refuse(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d MiB", limit>>20))
		return nil, false
	}
	refuse(w, http.StatusBadRequest, "could not read the body")
	return nil, false
}
