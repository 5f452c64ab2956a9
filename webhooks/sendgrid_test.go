package webhooks_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// sgEvent is one event as SendGrid sends it: our custom_args at the top level.
func sgEvent(id, event string) string {
	return fmt.Sprintf(`{"email":"dana@example.com","timestamp":1780315200,"smtp-id":"<x@ismtpd>","event":%q,`+
		`"sg_event_id":%q,"sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",`+
		`"winback_workflow_id":"winback:cust-42","winback_step":"revisit-email","winback_key":"winback:cust-42/revisit-email"}`, event, id)
}

func batch(events ...string) string { return "[" + strings.Join(events, ",") + "]\r\n" }

func optOutEmail(source string) sent {
	return sent{WorkflowID: workflowID, Name: workflows.SignalOptOut, Arg: workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: source}}
}

// bounced is the signal of the test event's bounce: a late failure for the campaign to act on,
// not an opt-out.
func bounced(event string) sent {
	return sent{WorkflowID: workflowID, Name: workflows.SignalMessageEvent, Arg: workflows.MessageEventSignal{
		Channel: workflows.ChannelEmail, MessageID: "14c5d75ce93", Event: event, At: time.Unix(1780315200, 0)}}
}

func TestSendGridBounceIsALateFailureAndOpenIsRecorded(t *testing.T) {
	e := newEnv(t)
	body := batch(sgEvent("ev1", "processed"), sgEvent("ev2", "bounce"), sgEvent("ev3", "open"),
		`{"event":"delivered","sg_event_id":"ev4","email":"someone@example.com"}`) // not ours
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow)), http.StatusOK)
	wantSignals(t, e.temporal, bounced("bounce"), sent{WorkflowID: workflowID, Name: workflows.SignalMessageEvent,
		Arg: workflows.MessageEventSignal{Channel: workflows.ChannelEmail, MessageID: "14c5d75ce93", Event: "open", At: time.Unix(1780315200, 0)}})
}

func TestSendGridOptOutEvents(t *testing.T) {
	for _, ev := range []string{"bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"} {
		e := newEnv(t)
		wantStatus(t, e.serve(e.sendGridRequest(batch(sgEvent("id-"+ev, ev)), testNow)), http.StatusOK)
		if ev == "bounce" || ev == "dropped" { // the address does not work: not an opt-out
			wantSignals(t, e.temporal, bounced(ev))
		} else {
			wantSignals(t, e.temporal, optOutEmail("sendgrid:"+ev))
		}
		// Kept for the campaigns to come, against the address the event names.
		want := map[string]string{"bounce": "bounce", "dropped": "bounce", "spamreport": "spam_report",
			"unsubscribe": "unsubscribe", "group_unsubscribe": "unsubscribe"}[ev]
		if p, ok, _ := e.store.Suppressed(context.Background(), "DANA@example.com", "email"); !ok || p.Source != want || p.WorkflowID != workflowID {
			t.Errorf("%s: suppression %+v %v, want source %s", ev, p, ok, want)
		}
	}
	for _, ev := range []string{"delivered", "click"} {
		e := newEnv(t)
		wantStatus(t, e.serve(e.sendGridRequest(batch(sgEvent("id-"+ev, ev)), testNow)), http.StatusOK)
		if s := sentTo(e.temporal); len(s) != 1 || s[0].Name != workflows.SignalMessageEvent {
			t.Errorf("%s: signals %+v, want one MessageEvent", ev, s)
		}
		if _, ok, _ := e.store.Suppressed(context.Background(), "dana@example.com", "email"); ok {
			t.Errorf("%s suppressed the address", ev)
		}
	}
}

func TestSendGridNestedCustomArgs(t *testing.T) {
	e := newEnv(t)
	body := `[{"event":"spamreport","sg_event_id":"n1","custom_args":{"winback_workflow_id":"winback:cust-42"}}]`
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow)), http.StatusOK)
	wantSignals(t, e.temporal, optOutEmail("sendgrid:spamreport"))
}

func TestSendGridTamperedBodyIsRefused(t *testing.T) {
	e := newEnv(t)
	req := e.sendGridRequest(batch(sgEvent("ev1", "delivered")), testNow)
	tampered := e.sendGridRequest(batch(sgEvent("ev1", "bounce")), testNow)
	tampered.Header.Set("X-Twilio-Email-Event-Webhook-Signature", req.Header.Get("X-Twilio-Email-Event-Webhook-Signature"))
	wantStatus(t, e.serve(tampered), http.StatusForbidden)

	// Re-serialized (the trailing \r\n dropped): no longer the bytes SendGrid signed.
	body := batch(sgEvent("ev1", "bounce"))
	signed := e.sendGridRequest(body, testNow)
	trimmed := e.sendGridRequest(strings.TrimSpace(body), testNow)
	trimmed.Header = signed.Header.Clone()
	wantStatus(t, e.serve(trimmed), http.StatusForbidden)

	garbage := e.sendGridRequest(body, testNow)
	garbage.Header.Set("X-Twilio-Email-Event-Webhook-Signature", "bm90IGEgc2lnbmF0dXJl")
	wantStatus(t, e.serve(garbage), http.StatusForbidden)
	wantSignals(t, e.temporal)
}

func TestSendGridTimestampWindow(t *testing.T) {
	e := newEnv(t)
	body := batch(sgEvent("ev1", "bounce"))
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow.Add(-11*time.Minute))), http.StatusForbidden)
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow.Add(11*time.Minute))), http.StatusForbidden)
	// The timestamp is signed: a fresh one on an old request does not verify.
	old := e.sendGridRequest(body, testNow.Add(-time.Hour))
	old.Header.Set("X-Twilio-Email-Event-Webhook-Timestamp", fmt.Sprint(testNow.Unix()))
	wantStatus(t, e.serve(old), http.StatusForbidden)
	wantSignals(t, e.temporal)

	wantStatus(t, e.serve(e.sendGridRequest(body, testNow.Add(-9*time.Minute))), http.StatusOK)
	wantSignals(t, e.temporal, bounced("bounce"))
}

func TestSendGridDuplicateEventsSignalOnce(t *testing.T) {
	e := newEnv(t)
	body := batch(sgEvent("ev1", "bounce"), sgEvent("ev1", "bounce"))
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow)), http.StatusOK)
	// SendGrid's retry: signed again, later.
	e.now = testNow.Add(time.Hour)
	wantStatus(t, e.serve(e.sendGridRequest(body, e.now)), http.StatusOK)
	wantSignals(t, e.temporal, bounced("bounce"))
}

func TestSendGridHeadersAndSize(t *testing.T) {
	e := newEnv(t)
	body := batch(sgEvent("ev1", "bounce"))
	for _, h := range []string{"X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"} {
		req := e.sendGridRequest(body, testNow)
		req.Header.Del(h)
		wantStatus(t, e.serve(req), http.StatusUnauthorized)
	}
	huge := "[" + strings.Repeat(sgEvent("x", "open")+",", (1<<20)/200) + sgEvent("y", "open") + "]"
	wantStatus(t, e.serve(e.sendGridRequest(huge, testNow)), http.StatusRequestEntityTooLarge)
	wantStatus(t, e.serve(e.sendGridRequest(`{"event":"bounce"}`, testNow)), http.StatusBadRequest)
	wantSignals(t, e.temporal)
}

func TestSendGridWithoutKeyIsRefused(t *testing.T) {
	e := newEnv(t, func(o *webhooks.Options) { o.SendGridPublicKey = "" })
	wantStatus(t, e.serve(e.sendGridRequest(batch(sgEvent("ev1", "bounce")), testNow)), http.StatusServiceUnavailable)
	wantSignals(t, e.temporal)
	if !strings.Contains(e.logs.String(), "SENDGRID_WEBHOOK_PUBLIC_KEY") {
		t.Error("no log line says how to configure the SendGrid key")
	}
}

func TestSendGridRetriedAfterTemporalOutage(t *testing.T) {
	e := newEnv(t)
	body := batch(sgEvent("ev1", "bounce"), sgEvent("ev2", "open"))
	e.temporal.FailSignalsAfter = 1
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow)), http.StatusServiceUnavailable)
	e.temporal.FailSignalsAfter = 0
	wantStatus(t, e.serve(e.sendGridRequest(body, testNow)), http.StatusOK)
	s := sentTo(e.temporal)
	if len(s) != 2 || s[0].Name != workflows.SignalMessageEvent || s[0].Arg.(workflows.MessageEventSignal).Event != "bounce" ||
		s[1].Name != workflows.SignalMessageEvent {
		t.Errorf("signals = %+v: want the bounce once, then the open on the retry", s)
	}
}

func TestSendGridClosedCampaignIsFine(t *testing.T) {
	e := newEnv(t)
	e.temporal.Close(customerID, workflows.OutcomeCancelled)
	wantStatus(t, e.serve(e.sendGridRequest(batch(sgEvent("ev1", "bounce")), testNow)), http.StatusOK)
	wantSignals(t, e.temporal)
}
