package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

func TestSecretsAreRedacted(t *testing.T) {
	secrets := []string{
		"SG.sendgrid-SECRET-key",
		"TwilioSECRETtoken0123456789abcd",
		"temporal-SECRET-api-key",
		"link-SECRET-0123456789",
		"inbox-SECRET-0123456789",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"$2a$10$bwho1AQ8t7uSkvFzoZGC3", // start of alice's password hash
		"codec-SECRET-token-0123456789",
	}
	c := newVars(t,
		"SENDGRID_API_KEY", secrets[0],
		"TWILIO_ACCOUNT_SID", validSID, "TWILIO_AUTH_TOKEN", secrets[1], "TWILIO_FROM", "+14155550123",
		"TEMPORAL_API_KEY", secrets[2],
		"WINBACK_LINK_SECRET", secrets[3],
		"WINBACK_INBOX_SECRET", secrets[4],
		"WINBACK_CODEC_KEYS", "k1="+secrets[5],
		"WINBACK_CODEC_TOKEN", secrets[7],
		"WINBACK_TEAM", "team.example.yaml",
	).load(t)

	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("start", "config", c, "person", c.Team.People[0])
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("start", "config", *c, "sendgrid", c.SendGrid, "twilio", c.Twilio)
	outputs := map[string]string{
		"slog JSON":     jsonLog.String(),
		"slog text":     textLog.String(),
		"fmt %v":        fmt.Sprintf("%v", *c),
		"fmt %+v":       fmt.Sprintf("%+v", c),
		"fmt %s":        fmt.Sprintf("%s %s %s %s", c.SendGrid, c.Twilio, c.Team, c.Codec),
		"fmt %v person": fmt.Sprintf("%v %+v", c.Team.People[0], c.Team.People),
		"fmt temporal":  fmt.Sprintf("%v", c.Temporal),
	}
	for where, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s shows secret %q:\n%s", where, s, out)
			}
		}
	}

	// The log line still says which secrets are set and where things point.
	var line map[string]any
	if err := json.Unmarshal(jsonLog.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	cfg := line["config"].(map[string]any)
	if cfg["link_secret"] != "[redacted]" || cfg["sendgrid"].(map[string]any)["api_key"] != "[redacted]" ||
		cfg["twilio"].(map[string]any)["auth_token"] != "[redacted]" || cfg["temporal"].(map[string]any)["api_key"] != true ||
		cfg["codec"].(map[string]any)["token"] != "[redacted]" {
		t.Errorf("log line does not show which secrets are set: %s", jsonLog.String())
	}
	if cfg["twilio"].(map[string]any)["account_sid"] != validSID || cfg["http_addr"] != "127.0.0.1:8080" {
		t.Errorf("log line lost the non-secret settings: %s", jsonLog.String())
	}
}
