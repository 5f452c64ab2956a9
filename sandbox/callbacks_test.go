package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/sandbox"
)

// The worker's Twilio status webhook receives "sent" then "delivered", signed so that
// twilio-go's RequestValidator accepts them under the account's auth token.
func TestStatusCallbacksAreSignedLikeTwilio(t *testing.T) {
	type callback struct {
		url, sig string
		params   map[string]string
	}
	var mu sync.Mutex
	var got []callback
	webhook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		params := map[string]string{}
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
		mu.Lock()
		got = append(got, callback{"http://" + r.Host + r.URL.RequestURI(), r.Header.Get("X-Twilio-Signature"), params})
		mu.Unlock()
	}))
	defer webhook.Close()

	e := newEnvWith(t, sandbox.Options{Logger: quiet, StatusCallbacks: true},
		func(o *activities.Options) { o.PublicURL = webhook.URL })
	res, err := e.act.SendSMS(context.Background(), smsReq("winback:cust-42", "check-in-1"))
	if err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("webhook got %d callbacks, want 2 (sent, delivered)", len(got))
	}
	v := client.NewRequestValidator(authToken)
	other := client.NewRequestValidator("another-token")
	for i, status := range []string{"sent", "delivered"} {
		c := got[i]
		if c.params["MessageStatus"] != status || c.params["MessageSid"] != res.MessageID || c.params["AccountSid"] != accountSID {
			t.Errorf("callback %d = %v, want %s for %s", i, c.params, status, res.MessageID)
		}
		if want := webhook.URL + "/webhooks/twilio/status?wf=winback%3Acust-42&step=check-in-1"; c.url != want {
			t.Errorf("callback %d went to %s, want %s", i, c.url, want)
		}
		if !v.Validate(c.url, c.params, c.sig) {
			t.Errorf("callback %d: X-Twilio-Signature does not validate", i)
		}
		if other.Validate(c.url, c.params, c.sig) {
			t.Errorf("callback %d validates under another token", i)
		}
	}
}
