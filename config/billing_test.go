package config_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"testing"
)

func TestBillingIsOffWithoutAKey(t *testing.T) {
	c := newVars(t).load(t)
	if c.Billing.On() || c.Billing.APIBase != "" || c.Billing.DefaultRep != "" {
		t.Errorf("Billing = %v, want it off and zero without STRIPE_API_KEY", c.Billing)
	}
	if got := c.Billing.String(); strings.Contains(got, "api_base") {
		t.Errorf("billing off logs %s, want only that it is off", got)
	}
}

func TestBillingSettings(t *testing.T) {
	secretFile := writeFile(t, "whsec", "whsec_fromafile\n")
	c := newVars(t,
		"STRIPE_API_KEY", "rk_live_restricted",
		"STRIPE_WEBHOOK_SECRET_FILE", secretFile,
		"WINBACK_TEAM", "team.example.yaml",
		"WINBACK_STRIPE_DEFAULT_REP", "alice",
		"WINBACK_STRIPE_REPS_BY_SEGMENT", " Enterprise = bob ,smb=alice",
		"WINBACK_STRIPE_TIMEZONE", "Europe/Paris",
	).load(t)
	b := c.Billing
	if !b.On() || b.APIKey != "rk_live_restricted" || b.WebhookSecret != "whsec_fromafile" || b.APIBase != "https://api.stripe.com" {
		t.Errorf("Billing = %+v, want the restricted key, the secret from its file and Stripe's API", b)
	}
	if b.DefaultRep != "alice" || b.TimeZone != "Europe/Paris" || b.MockURL != "" {
		t.Errorf("Billing = %+v", b)
	}
	if want := map[string]string{"enterprise": "bob", "smb": "alice"}; !maps.Equal(b.RepBySegment, want) {
		t.Errorf("RepBySegment = %v, want %v (segments in lower case)", b.RepBySegment, want)
	}
}

// Without a team file any rep is accepted, as in a launch.
func TestBillingRepsWithoutATeam(t *testing.T) {
	c := newVars(t, "STRIPE_API_KEY", stripeKey, "WINBACK_STRIPE_DEFAULT_REP", "anyone").load(t)
	if c.Billing.DefaultRep != "anyone" {
		t.Errorf("DefaultRep = %q", c.Billing.DefaultRep)
	}
}

func TestStripeAPIBaseByMode(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		base string
	}{
		{"Stripe", nil, "https://api.stripe.com"},
		{"stripe-mock itself", []string{"STRIPE_API_BASE", "http://127.0.0.1:12111/"}, "http://127.0.0.1:12111"},
		{"the sandbox in front of stripe-mock", []string{"WINBACK_STRIPE_MOCK_URL", "http://127.0.0.1:12111"}, "http://127.0.0.1:8080/sandbox/stripe"},
		{"an explicit base wins", []string{"WINBACK_STRIPE_MOCK_URL", "http://127.0.0.1:12111", "STRIPE_API_BASE", "http://127.0.0.1:9999"}, "http://127.0.0.1:9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newVars(t, append([]string{"STRIPE_API_KEY", stripeKey}, tc.env...)...).load(t)
			if c.Billing.APIBase != tc.base {
				t.Errorf("APIBase = %q, want %q", c.Billing.APIBase, tc.base)
			}
		})
	}
	c := newVars(t, "STRIPE_API_KEY", stripeKey, "WINBACK_STRIPE_MOCK_URL", "http://127.0.0.1:12111/").load(t)
	if c.Billing.MockURL != "http://127.0.0.1:12111" {
		t.Errorf("MockURL = %q", c.Billing.MockURL)
	}
}

func TestBillingSecretsAreRedacted(t *testing.T) {
	key, secret := "sk_test_BILLINGSECRET", "whsec_HOOKSECRET"
	c := newVars(t, "STRIPE_API_KEY", key, "STRIPE_WEBHOOK_SECRET", secret).load(t)
	var log bytes.Buffer
	slog.New(slog.NewJSONHandler(&log, nil)).Info("start", "config", c)
	for where, out := range map[string]string{"slog": log.String(), "fmt %+v": fmt.Sprintf("%+v %v", *c, c.Billing)} {
		if strings.Contains(out, "BILLINGSECRET") || strings.Contains(out, "HOOKSECRET") {
			t.Errorf("%s shows a Stripe secret: %s", where, out)
		}
	}
	if !strings.Contains(log.String(), `"billing":{"on":true,"api_base":"https://api.stripe.com","api_key":"[redacted]","webhook_secret":"[redacted]"`) {
		t.Errorf("the log line does not say billing is on with both secrets set: %s", log.String())
	}
}

// The Stripe stand-in is a demo's: it comes with the whole unauthenticated sandbox, so it is
// refused beside real SendGrid or Twilio keys, and with a live Stripe key it would send to
// stripe-mock.
func TestTheStripeStandInIsForDemosOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     []string
		mention string
	}{
		{"a live key", []string{"STRIPE_API_KEY", "sk_live_abc"}, "live key"},
		{"real SendGrid", []string{"STRIPE_API_KEY", stripeKey, "SENDGRID_API_KEY", "SG.real"}, "with real provider keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newVars(t, append([]string{"WINBACK_STRIPE_MOCK_URL", "http://127.0.0.1:12111"}, tc.env...)...).loadErr(t)
			if !strings.Contains(err.Error(), "WINBACK_STRIPE_MOCK_URL") || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q, want WINBACK_STRIPE_MOCK_URL named and %q", err, tc.mention)
			}
		})
	}
}
