package webhooks_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

func optOutSMS(source string) sent {
	return sent{WorkflowID: workflowID, Name: workflows.SignalOptOut, Arg: workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: source}}
}

func TestSignedStopOptsOutOfSMS(t *testing.T) {
	e := newEnv(t)
	rec := e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "idem-1"))
	wantStatus(t, rec, http.StatusOK)
	wantSignals(t, e.temporal, optOutSMS("twilio:STOP"))

	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
	var resp struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Messages) != 0 {
		t.Errorf("want an empty TwiML <Response>, got %q (%v)", rec.Body.String(), err)
	}
	// The STOP holds for every campaign to come, until START.
	p, ok, err := e.store.Suppressed(context.Background(), phone, "sms")
	if err != nil || !ok || p.Source != store.SourceStop || p.Detail != "STOP" {
		t.Errorf("suppression list: %+v %v %v; want the STOP kept", p, ok, err)
	}
}

// A STOP from a number no campaign indexed (a customer whose campaign closed, or never began)
// is still kept: the next campaign for that number will not text it.
func TestAStopWithoutACampaignIsKeptForTheNext(t *testing.T) {
	e := newEnv(t)
	other := "+14155550199"
	form := inbound("SM9", "STOPALL")
	form.Set("From", other)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", form, "")), http.StatusOK)
	wantSignals(t, e.temporal)
	if _, ok, _ := e.store.Suppressed(context.Background(), other, "sms"); !ok {
		t.Error("a STOP from a number without a campaign was forgotten")
	}
	// START from it lifts it.
	form = inbound("SM10", "START")
	form.Set("From", other)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", form, "")), http.StatusOK)
	if _, ok, _ := e.store.Suppressed(context.Background(), other, "sms"); ok {
		t.Error("START did not lift the STOP")
	}
}

func TestReplayedStopSignalsOnce(t *testing.T) {
	e := newEnv(t)
	for range 2 {
		wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "idem-1")), http.StatusOK)
	}
	// Twilio's retry carries the same MessageSid; a captured request replayed without the
	// idempotency header is the same message too.
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "idem-2")), http.StatusOK)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "")), http.StatusOK)
	wantSignals(t, e.temporal, optOutSMS("twilio:STOP"))
}

// A replay that reaches another worker of the deployment (or this one after a restart) is
// recognised through the shared store.
func TestReplayOnAnotherWorkerSignalsNothing(t *testing.T) {
	shared := newStore(t)
	withStore := func(o *webhooks.Options) { o.Store = shared }
	first := newEnv(t, withStore)
	wantStatus(t, first.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "START"), "idem-1")), http.StatusOK)

	second := newEnv(t, withStore)
	wantStatus(t, second.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "START"), "idem-1")), http.StatusOK)
	wantSignals(t, second.temporal)
}

func TestForgedTwilioRequestsChangeNothing(t *testing.T) {
	e := newEnv(t)
	form := inbound("SM1", "START")

	forged := rawTwilioRequest("/webhooks/twilio/sms", form.Encode())
	forged.Header.Set("X-Twilio-Signature", twilioSignature("not-the-token", publicURL+"/webhooks/twilio/sms", form))
	wantStatus(t, e.serve(forged), http.StatusForbidden)

	wantStatus(t, e.serve(rawTwilioRequest("/webhooks/twilio/sms", form.Encode())), http.StatusForbidden)

	// A genuine signature over another body: the text was changed on the way.
	altered := rawTwilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP").Encode())
	altered.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+"/webhooks/twilio/sms", form))
	wantStatus(t, e.serve(altered), http.StatusForbidden)

	// Signed for another URL: a status callback's signature reused on the inbound route.
	other := rawTwilioRequest("/webhooks/twilio/sms", form.Encode())
	other.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+"/webhooks/twilio/status?wf=x", form))
	wantStatus(t, e.serve(other), http.StatusForbidden)

	// A second Body after the signed one: twilio-go checks only the first value of a name.
	smuggled := rawTwilioRequest("/webhooks/twilio/sms", form.Encode()+"&Body=STOP")
	smuggled.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+"/webhooks/twilio/sms", form))
	wantStatus(t, e.serve(smuggled), http.StatusBadRequest)

	wantSignals(t, e.temporal)
	if _, ok, _ := e.store.Suppressed(context.Background(), phone, "sms"); ok {
		t.Error("a refused request changed the suppression list")
	}
	// The forged request did not burn the MessageSid: the genuine one still works.
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", form, "")), http.StatusOK)
	wantSignals(t, e.temporal, sent{WorkflowID: workflowID, Name: workflows.SignalOptIn, Arg: workflows.OptInSignal{Channel: workflows.ChannelSMS, Source: "twilio:START"}})
}

func TestStartOptsBackIn(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM2", " start "), "")), http.StatusOK)
	wantSignals(t, e.temporal, sent{WorkflowID: workflowID, Name: workflows.SignalOptIn, Arg: workflows.OptInSignal{Channel: workflows.ChannelSMS, Source: "twilio:START"}})
}

func TestHelpGetsTwiMLReplyAndNoSignal(t *testing.T) {
	e := newEnv(t)
	rec := e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM3", "help"), ""))
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
	var resp struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("reply is not TwiML: %v\n%s", err, rec.Body.String())
	}
	if len(resp.Messages) != 1 || !strings.Contains(resp.Messages[0], "STOP") || !strings.Contains(resp.Messages[0], "START") {
		t.Errorf("HELP reply = %q, want one message naming STOP and START", resp.Messages)
	}
	wantSignals(t, e.temporal)
}

func TestKeywords(t *testing.T) {
	for body, want := range map[string]string{
		"STOP": "OptOut twilio:STOP", "stopall": "OptOut twilio:STOPALL", "Unsubscribe": "OptOut twilio:UNSUBSCRIBE",
		"cancel": "OptOut twilio:CANCEL", "End": "OptOut twilio:END", "QUIT\n": "OptOut twilio:QUIT", "Stop.": "OptOut twilio:STOP",
		"START": "OptIn twilio:START", "unstop": "OptIn twilio:UNSTOP",
		"please stop": "", "Thanks, see you": "", "": "", "START!": "",
	} {
		e := newEnv(t)
		wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM-kw", body), "")), http.StatusOK)
		got := ""
		if s := sentTo(e.temporal); len(s) == 1 {
			switch a := s[0].Arg.(type) {
			case workflows.OptOutSignal:
				got = s[0].Name + " " + a.Source
			case workflows.OptInSignal:
				got = s[0].Name + " " + a.Source
			}
		} else if len(s) > 1 {
			got = "several signals"
		}
		if got != want {
			t.Errorf("body %q: %q, want %q", body, got, want)
		}
	}
}

func TestStopWithoutCampaignIsFine(t *testing.T) {
	e := newEnv(t)
	form := inbound("SM4", "STOP")
	form.Set("From", "+14155559999")
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", form, "")), http.StatusOK)
	wantSignals(t, e.temporal)
}

func TestStopWhileTemporalIsDownIsRetried(t *testing.T) {
	e := newEnv(t)
	e.temporal.SetDown(true)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM5", "STOP"), "idem-5")), http.StatusServiceUnavailable)
	e.temporal.SetDown(false)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM5", "STOP"), "idem-5")), http.StatusOK)
	wantSignals(t, e.temporal, optOutSMS("twilio:STOP"))
}

func TestStopToClosedCampaignIsFine(t *testing.T) {
	e := newEnv(t)
	e.temporal.Close(customerID, workflows.OutcomeCancelled)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM6", "STOP"), "")), http.StatusOK)
	wantSignals(t, e.temporal)
}

func statusForm(sid, status, errorCode string) url.Values {
	f := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"AccountSid": {"AC00000000000000000000000000000000"}, "To": {phone}, "From": {"+15005550006"}}
	if errorCode != "" {
		f.Set("ErrorCode", errorCode)
	}
	return f
}

const statusPath = "/webhooks/twilio/status?wf=winback%3Acust-42&step=check-in-1"

func TestStatusCallbacks(t *testing.T) {
	e := newEnv(t)
	for _, f := range []url.Values{
		statusForm("SM7", "queued", ""), statusForm("SM7", "sent", ""), statusForm("SM7", "delivered", ""),
		statusForm("SM7", "delivered", ""), // Twilio's retry
		statusForm("SM8", "failed", "21610"),
	} {
		wantStatus(t, e.serve(twilioRequest(statusPath, f, "")), http.StatusOK)
	}
	event := func(sid, status string) sent {
		return sent{WorkflowID: workflowID, Name: workflows.SignalMessageEvent,
			Arg: workflows.MessageEventSignal{Channel: workflows.ChannelSMS, MessageID: sid, Event: status, At: testNow}}
	}
	wantSignals(t, e.temporal, event("SM7", "sent"), event("SM7", "delivered"), event("SM8", "failed"), optOutSMS("twilio:21610"))
}

func TestStatusCallbackChecks(t *testing.T) {
	e := newEnv(t)
	f := statusForm("SM9", "delivered", "")
	// The query is signed: pointing a genuine callback at another campaign breaks the signature.
	moved := rawTwilioRequest("/webhooks/twilio/status?wf=winback%3Aother&step=check-in-1", f.Encode())
	moved.Header.Set("X-Twilio-Signature", twilioSignature(twilioToken, publicURL+statusPath, f))
	wantStatus(t, e.serve(moved), http.StatusForbidden)

	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/status?step=x", f, "")), http.StatusBadRequest)
	wantSignals(t, e.temporal)

	e.temporal.Close(customerID, workflows.OutcomeCancelled)
	wantStatus(t, e.serve(twilioRequest(statusPath, f, "")), http.StatusOK)
	wantSignals(t, e.temporal)
}

func TestTwilioRefusals(t *testing.T) {
	e := newEnv(t)
	big := inbound("SM10", strings.Repeat("x", 70<<10))
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", big, "")), http.StatusRequestEntityTooLarge)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", url.Values{"Body": {"STOP"}}, "")), http.StatusBadRequest)
	get := httptest.NewRequest(http.MethodGet, "/webhooks/twilio/sms", nil)
	wantStatus(t, e.serve(get), http.StatusMethodNotAllowed)
	wantSignals(t, e.temporal)

	unconfigured := newEnv(t, func(o *webhooks.Options) { o.TwilioAuthToken = "" })
	wantStatus(t, unconfigured.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM11", "STOP"), "")), http.StatusServiceUnavailable)
	wantSignals(t, unconfigured.temporal)
	if !strings.Contains(unconfigured.logs.String(), "TWILIO_AUTH_TOKEN") {
		t.Error("no log line says how to configure the Twilio auth token")
	}
}

func TestConcurrentDuplicatesSignalOnce(t *testing.T) {
	e := newEnv(t)
	codes := make(chan int, 8)
	for range 8 {
		go func() {
			codes <- e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM12", "STOP"), "idem-12")).Code
		}()
	}
	for range 8 {
		if c := <-codes; c != http.StatusOK && c != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 200 (handled or replay) or 503 (being handled)", c)
		}
	}
	wantSignals(t, e.temporal, optOutSMS("twilio:STOP"))
}

// A text that is not a keyword is the customer talking to us: it reaches their campaign (which
// gives the rep a task to answer it), and its text is never logged.
func TestAReplyReachesTheCampaign(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM7", "yes, call me tomorrow at 10"), "")), http.StatusOK)
	s := sentTo(e.temporal)
	if len(s) != 1 || s[0].Name != workflows.SignalCustomerReplied {
		t.Fatalf("signals %+v: want one CustomerReplied", s)
	}
	if r := s[0].Arg.(workflows.CustomerRepliedSignal); r.Text != "yes, call me tomorrow at 10" || r.MessageID != "SM7" || r.Channel != workflows.ChannelSMS {
		t.Errorf("reply %+v", r)
	}
	if strings.Contains(e.logs.String(), "call me tomorrow") {
		t.Error("the customer's text is in the log")
	}
	// Twilio's retry of the same message changes nothing.
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM7", "yes, call me tomorrow at 10"), "")), http.StatusOK)
	if n := len(sentTo(e.temporal)); n != 1 {
		t.Errorf("%d signals after the retry, want 1", n)
	}
}
