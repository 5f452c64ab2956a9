package e2e

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// TestSecretsNeverShow plants recognisable secrets (provider keys, the Twilio token, the link and
// inbox secrets) and runs a campaign with the worker logging at debug level. None of them may
// appear in the worker's log, the CLI's output (text or JSON), the workflow's history, or the
// messages the providers received.
func TestSecretsNeverShow(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	sb.Register(mux)
	providers := httptest.NewServer(mux)
	t.Cleanup(providers.Close)

	secrets := map[string]string{
		"SENDGRID_API_KEY":     "SG.plantedSendgridKey.plantedSendgridKeySecretPart0123456789abcdef",
		"TWILIO_AUTH_TOKEN":    "plantedTwilioToken0123456789abcd",
		"WINBACK_LINK_SECRET":  "planted-link-secret-0123456789",
		"WINBACK_INBOX_SECRET": "planted-inbox-secret-0123456789",
	}
	env := []string{
		"TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef", "TWILIO_FROM=+15005550006",
		"SENDGRID_BASE_URL=" + providers.URL + "/sandbox/sendgrid", "TWILIO_BASE_URL=" + providers.URL + "/sandbox/twilio",
		"WINBACK_LOG_LEVEL=debug",
	}
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	s := startStackWith(t, env...)
	const customer = "e2e-secrets"
	wid := workflows.WorkflowID(customer)

	var outputs strings.Builder
	run := func(args ...string) { outputs.WriteString(s.winback(0, args...)) }
	run("launch", "--customer-id", customer, "--name", "Sec Rets", "--email", "sec@rets.example", "--phone", "+12125550111",
		"--timezone", "UTC", "--account-value", "9000", "--rep", "alice", "--manager", "maria")
	outputs.WriteString(s.completeWhenOpen(customer, "backstory", "alice", "--our-side", "fine"))
	outputs.WriteString(s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "price", "--what-would-keep-you", "a discount",
		"--reason", "competitor_price", "--scope", "systemic"))
	outputs.WriteString(s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--offer", "incentive", "--what-we-changed", "lower the price",
		"--offer-details", "three months free", "--offer-value", "2250", "--offer-until", time.Now().AddDate(0, 1, 0).UTC().Format(time.DateOnly)))
	s.eventually("the revisit email at the provider", 30*time.Second, func() bool { return len(sb.Messages(wid)) > 0 })
	run("status", customer)
	run("status", customer, "-o", "json")
	run("tasks", "-o", "json")
	run("cancel", customer)
	s.eventually("the campaign to close", 20*time.Second, func() bool { return s.status(customer).Stage == workflows.StageClosed })

	history := withDecodedPayloads(s.server.Temporal(t, "workflow", "show", "--workflow-id", wid, "--output", "json"))
	var delivered strings.Builder
	for _, m := range sb.Messages(wid) {
		delivered.WriteString(m.Text + m.HTML + m.StatusCallback)
		for _, h := range m.Headers {
			delivered.WriteString(h)
		}
	}
	places := map[string]string{
		"the worker's log": s.worker.Log.String(), "the CLI's output": outputs.String(),
		"the workflow history": history, "the messages sent": delivered.String(),
	}
	for name, secret := range secrets {
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
			for place, text := range places {
				if strings.Contains(text, form) {
					t.Errorf("%s shows %s", place, name)
				}
			}
		}
	}
	// Controls: the places searched hold the real content (without a codec key, the history shows
	// the customer's email), so a leak would have been seen.
	for place, want := range map[string]string{"the worker's log": "level=DEBUG", "the workflow history": "sec@rets.example",
		"the CLI's output": customer, "the messages sent": "unsubscribe"} {
		if !strings.Contains(places[place], want) {
			t.Errorf("%s does not show %q: the search there would prove little", place, want)
		}
	}
}

var payloadData = regexp.MustCompile(`"data":\s*"([A-Za-z0-9+/=]+)"`)

// withDecodedPayloads appends the decoded bytes of every payload in a history's JSON, where
// `temporal workflow show -o json` keeps them base64-encoded.
func withDecodedPayloads(history string) string {
	var b strings.Builder
	b.WriteString(history)
	for _, m := range payloadData.FindAllStringSubmatch(history, -1) {
		if raw, err := base64.StdEncoding.DecodeString(m[1]); err == nil {
			b.WriteString("\n")
			b.Write(raw)
		}
	}
	return b.String()
}
