package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
)

// crashingStore is a store whose RecordSent fails: the process "dies" after the provider
// accepted the message and before the ledger write (the intent is written; the result is not).
type crashingStore struct{ *store.Store }

func (crashingStore) RecordSent(context.Context, string, store.Sent) error {
	return errors.New("killed before the ledger write")
}

// sandboxOptions are the activities of another worker against the same sandbox and store.
func sandboxOptions(e *env, st activities.Store) activities.Options {
	return activities.Options{
		SendGridAPIKey: "sandbox", SendGridBaseURL: e.srv.URL + "/sandbox/sendgrid", SendGridEmailActivity: true,
		FromEmail: "hello@acme.example", FromName: "Acme Supplies",
		TwilioAccountSID: accountSID, TwilioAuthToken: authToken, TwilioBaseURL: e.srv.URL + "/sandbox/twilio",
		TwilioFrom: "+15005550006", PublicURL: "http://127.0.0.1:8080",
		LinkSecret: []byte("0123456789abcdef0123456789abcdef"), Store: st,
		HTTPTimeout: 2 * time.Second, Logger: quiet,
	}
}

// The crash window itself, against the sandbox: the first worker's attempt reaches the provider,
// then dies before the ledger write. Another worker (a fresh Activities on the same store)
// retries the step: it finds the intent, asks the provider, finds the message, records it
// and sends nothing. For both channels.
func TestRetryAfterCrashInTheSendWindowFindsTheMessageAtTheProvider(t *testing.T) {
	st := testStore(t)
	e := newEnv(t, "", func(o *activities.Options) {
		o.Store = crashingStore{st}
		o.SendGridEmailActivity = true
	})
	ctx := context.Background()
	email1, err := e.act.SendEmail(ctx, emailReq("winback:cust-42", "revisit-email"))
	if err != nil {
		t.Fatalf("first SendEmail: %v", err)
	}
	sms1, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2"))
	if err != nil {
		t.Fatalf("first SendSMS: %v", err)
	}
	// The worker is gone.

	retry, err := activities.New(sandboxOptions(e, st))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second round is served by the ledger alone
		email2, err := retry.SendEmail(ctx, emailReq("winback:cust-42", "revisit-email"))
		if err != nil {
			t.Fatalf("retried SendEmail: %v", err)
		}
		sms2, err := retry.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2"))
		if err != nil {
			t.Fatalf("retried SendSMS: %v", err)
		}
		if !email2.Deduplicated || email2.MessageID != email1.MessageID || email2.Provider != "sandbox-sendgrid" {
			t.Errorf("round %d: retried email = %+v, want the first message %q, Deduplicated", i, email2, email1.MessageID)
		}
		if !sms2.Deduplicated || sms2.MessageID != sms1.MessageID || sms2.Provider != "sandbox-twilio" {
			t.Errorf("round %d: retried SMS = %+v, want the first message %q, Deduplicated", i, sms2, sms1.MessageID)
		}
	}
	if n := len(e.outbox(t, "?key=winback:cust-42/revisit-email")); n != 1 {
		t.Errorf("the sandbox holds %d emails of the key, want 1", n)
	}
	if n := len(e.outbox(t, "?key=winback:cust-42/check-in-2")); n != 1 {
		t.Errorf("the sandbox holds %d texts of the key, want 1", n)
	}
}

// An intent whose send never reached the provider (the process died between the intent and the
// request): the retry asks, finds nothing, and sends exactly once.
func TestRetryAfterCrashBeforeTheProviderSendsOnce(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	at := time.Now().UTC()
	_ = st.IntendToSend(ctx, "winback:cust-42/revisit-email", activities.Intent{Channel: "email", To: "dana@northwind.example", At: at})
	_ = st.IntendToSend(ctx, "winback:cust-42/check-in-2", activities.Intent{Channel: "sms", To: "+14155550123", At: at, BodySHA256: "not-sent"})

	e := newEnv(t, "", func(o *activities.Options) { o.Store = st; o.SendGridEmailActivity = true })
	for range 3 {
		if _, err := e.act.SendEmail(ctx, emailReq("winback:cust-42", "revisit-email")); err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
		if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2")); err != nil {
			t.Fatalf("SendSMS: %v", err)
		}
	}
	if n := len(e.outbox(t, "?key=winback:cust-42/revisit-email")); n != 1 {
		t.Errorf("the sandbox holds %d emails of the key, want 1", n)
	}
	if n := len(e.outbox(t, "?key=winback:cust-42/check-in-2")); n != 1 {
		t.Errorf("the sandbox holds %d texts of the key, want 1", n)
	}
}

// A text with the same body sent to the same number before the intent (an earlier step with the
// same template) is not taken for this step's text.
func TestTwilioLookupIgnoresAnEarlierTextWithTheSameBody(t *testing.T) {
	st := testStore(t)
	e := newEnv(t, "", func(o *activities.Options) { o.Store = st })
	ctx := context.Background()
	if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-1")); err != nil {
		t.Fatal(err)
	}
	body := e.sb.Messages("winback:cust-42")[0].Text
	// check-in-2 renders the same text; its intent comes a minute later.
	_ = st.IntendToSend(ctx, "winback:cust-42/check-in-2", activities.Intent{Channel: "sms", To: "+14155550123", At: time.Now().Add(time.Minute), BodySHA256: activities.SMSBodyHash(body)})
	act, err := activities.New(sandboxOptions(e, st))
	if err != nil {
		t.Fatal(err)
	}
	res, err := act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2"))
	if err != nil || res.Deduplicated {
		t.Fatalf("SendSMS = %+v, %v; want a new text", res, err)
	}
	if n := len(e.sb.Messages("winback:cust-42")); n != 2 {
		t.Errorf("the sandbox holds %d texts, want 2", n)
	}
}

// The list endpoints answer in the providers' shapes, with their filters and auth.
func TestSandboxListsMessagesLikeTheProviders(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	email, _ := e.act.SendEmail(ctx, emailReq("winback:cust-42", "revisit-email"))
	_, _ = e.act.SendEmail(ctx, emailReq("winback:cust-7", "revisit-email"))
	sms, _ := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2"))

	get := func(path string, auth func(*http.Request)) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp, body
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer sandbox") }
	basic := func(r *http.Request) { r.SetBasicAuth(accountSID, authToken) }
	none := func(*http.Request) {}

	q := url.QueryEscape(`(unique_args['winback_key']="winback:cust-42/revisit-email")`)
	resp, body := get("/sandbox/sendgrid/v3/messages?limit=10&query="+q, bearer)
	msgs, _ := body["messages"].([]any)
	if resp.StatusCode != 200 || len(msgs) != 1 {
		t.Fatalf("Email Activity = %d %v, want 1 message", resp.StatusCode, body)
	}
	m := msgs[0].(map[string]any)
	if m["msg_id"] != email.MessageID+".sandbox.0" || m["to_email"] != "dana@northwind.example" || m["status"] != "delivered" {
		t.Errorf("Email Activity message = %v", m)
	}
	if resp, _ := get("/sandbox/sendgrid/v3/messages?query="+q, none); resp.StatusCode != 401 {
		t.Errorf("Email Activity without a key = %d, want 401", resp.StatusCode)
	}
	if resp, _ := get("/sandbox/sendgrid/v3/messages?query="+url.QueryEscape(`subject="x"`), bearer); resp.StatusCode != 400 {
		t.Errorf("Email Activity with an unknown term = %d, want 400", resp.StatusCode)
	}

	list := "/sandbox/twilio/2010-04-01/Accounts/" + accountSID + "/Messages.json?To=" + url.QueryEscape("+14155550123")
	today := time.Now().UTC().Format(time.DateOnly)
	resp, body = get(list+"&"+url.QueryEscape("DateSent>")+"="+today, basic)
	msgs, _ = body["messages"].([]any)
	if resp.StatusCode != 200 || len(msgs) != 1 {
		t.Fatalf("Twilio list = %d %v, want 1 message", resp.StatusCode, body)
	}
	m = msgs[0].(map[string]any)
	if m["sid"] != sms.MessageID || m["to"] != "+14155550123" || m["from"] != "+15005550006" || m["body"] == "" || m["date_created"] == nil {
		t.Errorf("Twilio list message = %v", m)
	}
	tomorrow := time.Now().UTC().Add(24 * time.Hour).Format(time.DateOnly)
	if _, body := get(list+"&"+url.QueryEscape("DateSent>")+"="+tomorrow, basic); len(body["messages"].([]any)) != 0 {
		t.Errorf("Twilio list after tomorrow = %v, want none", body)
	}
	if resp, _ := get(list, none); resp.StatusCode != 401 {
		t.Errorf("Twilio list without auth = %d, want 401", resp.StatusCode)
	}
}
