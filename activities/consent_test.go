package activities_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
)

// A customer who replied STOP to an earlier campaign is on the suppression list: a text from a
// later campaign (another key, another worker) is refused before Twilio is called, and says why.
func TestASuppressedCustomerGetsNothingAndTheRefusalSaysWhy(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	tw := newFakeProvider(t, twilioAccepts)
	o := testOptions(t, sg.URL, tw.URL)
	stopped := time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC)
	if err := o.Store.Suppress(context.Background(), smsRequest("x").To, store.Suppression{Channel: "sms", Source: store.SourceStop,
		Detail: "STOP", By: "customer", WorkflowID: "winback:cust-42", At: stopped}); err != nil {
		t.Fatal(err)
	}
	if err := o.Store.Suppress(context.Background(), "DANA@northwind.example", store.Suppression{Channel: "email", Source: store.SourceUnsubscribe, At: stopped}); err != nil {
		t.Fatal(err)
	}
	a := newTestActivities(t, sg.URL, tw.URL, func(x *activities.Options) { x.Store = o.Store })

	_, err := a.SendSMS(context.Background(), smsRequest("relaunch/check-in-1"))
	ae := wantAppError(t, err, activities.ErrSuppressed, true, "+14155550123")
	var got activities.OptOut
	if err := ae.Details(&got); err != nil {
		t.Fatalf("the refusal carries no opt-out: %v", err)
	}
	if got.Source != store.SourceStop || got.Detail != "STOP" || !got.At.Equal(stopped) || !strings.Contains(got.Why, "opted out of sms by stop (STOP) on 2026-11-02") {
		t.Errorf("opt-out %+v", got)
	}
	_, err = a.SendEmail(context.Background(), emailRequest("relaunch/revisit-email"))
	wantAppError(t, err, activities.ErrSuppressed, true)
	if n := len(tw.requests()) + len(sg.requests()); n != 0 {
		t.Errorf("the providers got %d requests for a suppressed customer", n)
	}

	// Staff notices are ours, not the customer's: an opt-out of the rep's address is not ours to honour.
	staff := emailRequest("reminder-backstory-alice")
	staff.Template, staff.Staff = "reminder", true
	staff.Data.TaskTitle, staff.Data.TaskDue = "Backstory", "Tue 3 Mar 17:00"
	if _, err := a.SendEmail(context.Background(), staff); err != nil {
		t.Errorf("staff notice: %v", err)
	}
}

// Twilio refusing with 21610 (the number replied STOP to our sender) is remembered: the next
// campaign does not call Twilio for that number at all.
func TestAnOptOutAtTheProviderIsRemembered(t *testing.T) {
	tw := newFakeProvider(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`))
	})
	a := newTestActivities(t, "", tw.URL)
	_, err := a.SendSMS(context.Background(), smsRequest("check-in-1"))
	wantAppError(t, err, activities.ErrRecipientOptedOut, true)
	_, err = a.SendSMS(context.Background(), smsRequest("later-campaign/check-in-1"))
	ae := wantAppError(t, err, activities.ErrSuppressed, true)
	var got activities.OptOut
	if err := ae.Details(&got); err != nil || got.Source != store.SourceProvider {
		t.Errorf("opt-out %+v (%v), want source provider", got, err)
	}
	if n := len(tw.requests()); n != 1 {
		t.Errorf("Twilio got %d requests, want 1", n)
	}
}

// At launch a campaign indexes its contacts (an inbound SMS then finds it) and learns which of
// them opted out before.
func TestIndexContactsReturnsTheStandingOptOuts(t *testing.T) {
	o := testOptions(t, "", "")
	a := newTestActivities(t, "", "", func(x *activities.Options) { x.Store = o.Store })
	ctx := context.Background()
	if err := o.Store.Suppress(ctx, "+14155550123", store.Suppression{Channel: "sms", Source: store.SourceStop, Detail: "STOPALL"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.IndexContacts(ctx, activities.ContactsRequest{WorkflowID: "winback:cust-42", CustomerID: "cust-42",
		Email: "dana@northwind.example", Phone: "+14155550123"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.OptOuts) != 1 || res.OptOuts[0].Channel != "sms" || res.OptOuts[0].Detail != "STOPALL" {
		t.Errorf("opt-outs %+v, want the SMS STOPALL only", res.OptOuts)
	}
	if ids, _ := o.Store.(*store.Store).CampaignsOf(ctx, "+14155550123", "sms"); len(ids) != 1 || ids[0] != "winback:cust-42" {
		t.Errorf("the number routes to %v", ids)
	}
	if _, err := a.IndexContacts(ctx, activities.ContactsRequest{Email: "x@y.example"}); err == nil {
		t.Error("a request without the campaign was accepted")
	}

	// The customer says "stop calling, stop writing" on a call: both channels, for good.
	if err := a.RecordOptOut(ctx, activities.OptOutRequest{WorkflowID: "winback:cust-42", Email: "dana@northwind.example",
		Phone: "+14155550123", Channels: []string{"email", "sms"}, Source: store.SourceByHand, Detail: "on the thank-you call", By: "alice"}); err != nil {
		t.Fatal(err)
	}
	if p, ok, _ := o.Store.Suppressed(ctx, "dana@northwind.example", "email"); !ok || p.By != "alice" {
		t.Errorf("email after RecordOptOut: %+v %v", p, ok)
	}
}
