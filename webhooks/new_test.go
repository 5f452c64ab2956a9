package webhooks_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/webhooks"
)

func TestNewSaysWhatIsWrong(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	_, err := webhooks.New(webhooks.Options{
		PublicURL:         "winback.example.com",
		LinkSecret:        []byte("short"),
		SendGridPublicKey: base64.StdEncoding.EncodeToString(der),
	})
	if err == nil {
		t.Fatal("New accepted empty options")
	}
	for _, want := range []string{"Client", "PublicURL", "LinkSecret", "SendGridPublicKey", "SENDGRID_WEBHOOK_PUBLIC_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestPublicURLWithTrailingSlash(t *testing.T) {
	e := newEnv(t, func(o *webhooks.Options) { o.PublicURL = publicURL + "/" })
	wantStatus(t, e.serve(twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "")), http.StatusOK)
	wantSignals(t, e.temporal, optOutSMS("twilio:STOP"))
}

// TestLogsHoldNoSecrets runs every route and checks that no token, signature, secret or phone
// number reaches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	stop := twilioRequest("/webhooks/twilio/sms", inbound("SM1", "STOP"), "idem-secret-token")
	e.serve(stop)
	forged := twilioRequest("/webhooks/twilio/sms", inbound("SM2", "STOP"), "")
	forged.Header.Set("X-Twilio-Signature", "Zm9yZ2VkLXNpZ25hdHVyZQ==")
	e.serve(forged)
	sg := e.sendGridRequest(batch(sgEvent("ev1", "bounce")), testNow)
	e.serve(sg)
	token := activities.UnsubscribeToken(linkSecret, workflowID, "email")
	e.serve(httptestRequest(http.MethodGet, "/unsubscribe?t="+url.QueryEscape(token)))
	e.serve(httptestRequest(http.MethodPost, "/unsubscribe?t="+url.QueryEscape(token)))
	e.serve(httptestRequest(http.MethodPost, "/unsubscribe?t="+url.QueryEscape(token)+"broken"))

	logs := e.logs.String()
	for name, secret := range map[string]string{
		"auth token": twilioToken, "link secret": string(linkSecret), "phone": phone, "phone (escaped)": url.QueryEscape(phone),
		"Twilio signature": stop.Header.Get("X-Twilio-Signature"), "forged signature": "Zm9yZ2VkLXNpZ25hdHVyZQ==",
		"idempotency token": "idem-secret-token", "SendGrid signature": sg.Header.Get("X-Twilio-Email-Event-Webhook-Signature"),
		"unsubscribe token": token, "token signature": token[strings.LastIndex(token, ".")+1:],
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds the %s:\n%s", name, logs)
		}
	}
	if !strings.Contains(logs, "signalled campaign") {
		t.Errorf("nothing was logged:\n%s", logs)
	}
}
