package config_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/winback/winback/config"
)

// assertMentions fails unless err's message holds every fragment.
func assertMentions(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", fragments)
	}
	t.Logf("error: %v", err)
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

// badValue is one wrong setting and what its error must say.
type badValue struct {
	name    string
	env     []string // variable, value pairs
	mention []string // the first is the variable the error must start a line with
	secret  string   // must not appear in the error
}

func badValues(t *testing.T) []badValue {
	aFile := writeFile(t, "plain-file", "x")
	missing := filepath.Join(t.TempDir(), "missing")
	creds := []string{"TWILIO_ACCOUNT_SID", validSID, "TWILIO_AUTH_TOKEN", validToken, "TWILIO_FROM", "+14155550123"}
	stripe := []string{"STRIPE_API_KEY", stripeKey}
	with := func(base []string, kv ...string) []string { return append(slices.Clone(base), kv...) }
	return []badValue{
		{name: "http addr without port", env: []string{"WINBACK_HTTP_ADDR", "localhost"}, mention: []string{"WINBACK_HTTP_ADDR", `"localhost" is not host:port`}},
		{name: "http addr named port", env: []string{"WINBACK_HTTP_ADDR", "localhost:http"}, mention: []string{"WINBACK_HTTP_ADDR", "not a number"}},
		{name: "public url relative", env: []string{"WINBACK_PUBLIC_URL", "winback.example.com"}, mention: []string{"WINBACK_PUBLIC_URL", "absolute http(s) URL"}},
		{name: "public url ftp", env: []string{"WINBACK_PUBLIC_URL", "ftp://winback.example.com"}, mention: []string{"WINBACK_PUBLIC_URL", "absolute http(s) URL"}},
		{name: "public url query", env: []string{"WINBACK_PUBLIC_URL", "https://x.example.com/?a=b"}, mention: []string{"WINBACK_PUBLIC_URL", "without user, query or fragment"}},
		{name: "data dir is a file", env: []string{"WINBACK_DATA_DIR", aFile}, mention: []string{"WINBACK_DATA_DIR", "not a directory"}},
		{name: "templates dir missing", env: []string{"WINBACK_TEMPLATES_DIR", missing}, mention: []string{"WINBACK_TEMPLATES_DIR", "does not exist"}},
		{name: "templates dir is a file", env: []string{"WINBACK_TEMPLATES_DIR", aFile}, mention: []string{"WINBACK_TEMPLATES_DIR", "not a directory"}},
		{name: "log level", env: []string{"WINBACK_LOG_LEVEL", "loud"}, mention: []string{"WINBACK_LOG_LEVEL", `"loud" is not a log level`}},
		{name: "task queue", env: []string{"WINBACK_TASK_QUEUE", "win back"}, mention: []string{"WINBACK_TASK_QUEUE", "contains spaces"}},
		{name: "temporal address", env: []string{"TEMPORAL_ADDRESS", "temporal"}, mention: []string{"TEMPORAL_ADDRESS", `"temporal" is not host:port`}},
		{name: "temporal namespace", env: []string{"TEMPORAL_NAMESPACE", "my ns"}, mention: []string{"TEMPORAL_NAMESPACE", "contains spaces"}},
		{name: "temporal api key", env: []string{"TEMPORAL_API_KEY", "secret api\nkey"}, mention: []string{"TEMPORAL_API_KEY", "spaces"}, secret: "secret api"},
		{name: "temporal tls", env: []string{"TEMPORAL_TLS", "yes"}, mention: []string{"TEMPORAL_TLS", "not a boolean"}},
		{name: "temporal host verification", env: []string{"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "maybe"}, mention: []string{"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "not a boolean"}},
		{name: "temporal cert without key", env: []string{"TEMPORAL_TLS_CLIENT_CERT_PATH", aFile}, mention: []string{"TEMPORAL_TLS_*", "key"}},
		{name: "temporal ca missing", env: []string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", missing}, mention: []string{"TEMPORAL_TLS_*", "server CA"}},
		{name: "temporal config file missing", env: []string{"TEMPORAL_CONFIG_FILE", missing}, mention: []string{"TEMPORAL_CONFIG_FILE", "no such file"}},
		{name: "temporal config file bad toml", env: []string{"TEMPORAL_CONFIG_FILE", writeFile(t, "bad.toml", "[profile.default\n")}, mention: []string{"TEMPORAL_CONFIG_FILE", "parsing"}},
		{name: "temporal profile missing", env: []string{"TEMPORAL_PROFILE", "staging"}, mention: []string{"TEMPORAL_PROFILE", `no profile "staging"`}},
		{name: "link secret short", env: []string{"WINBACK_LINK_SECRET", "tiny-secret"}, mention: []string{"WINBACK_LINK_SECRET", "is 11 bytes, need at least 16"}, secret: "tiny-secret"},
		{name: "link secret file missing", env: []string{"WINBACK_LINK_SECRET_FILE", missing}, mention: []string{"WINBACK_LINK_SECRET_FILE", "no such file"}},
		{name: "link secret file empty", env: []string{"WINBACK_LINK_SECRET_FILE", writeFile(t, "empty", "\n")}, mention: []string{"WINBACK_LINK_SECRET_FILE", "is empty"}},
		{name: "link secret twice", env: []string{"WINBACK_LINK_SECRET", "0123456789abcdef-inline", "WINBACK_LINK_SECRET_FILE", aFile}, mention: []string{"WINBACK_LINK_SECRET", "both set"}, secret: "0123456789abcdef-inline"},
		{name: "inbox secret short", env: []string{"WINBACK_INBOX_SECRET", "tiny-inbox"}, mention: []string{"WINBACK_INBOX_SECRET", "need at least 16"}, secret: "tiny-inbox"},
		{name: "inbox secret file short", env: []string{"WINBACK_INBOX_SECRET_FILE", writeFile(t, "short", "tiny-inbox\n")}, mention: []string{"WINBACK_INBOX_SECRET_FILE", "need at least 16"}, secret: "tiny-inbox"},
		{name: "codec keys shape", env: []string{"WINBACK_CODEC_KEYS", "supersecretmaterial"}, mention: []string{"WINBACK_CODEC_KEYS", "not id=base64key"}, secret: "supersecretmaterial"},
		{name: "codec key short", env: []string{"WINBACK_CODEC_KEYS", "k1=c2hvcnRrZXk="}, mention: []string{"WINBACK_CODEC_KEYS", `key "k1" is 8 bytes, need 32`}, secret: "c2hvcnRrZXk="},
		{name: "codec key not base64", env: []string{"WINBACK_CODEC_KEYS", "k1=***notbase64***"}, mention: []string{"WINBACK_CODEC_KEYS", "not base64"}, secret: "notbase64"},
		{name: "database URL of another database", env: []string{"WINBACK_DATABASE_URL", "mysql://root:hunter22@db/winback"}, mention: []string{"WINBACK_DATABASE_URL", `scheme "mysql"`}, secret: "hunter22"},
		{name: "database URL without a database", env: []string{"WINBACK_DATABASE_URL", "postgres://winback:hunter22@db.example:5432"}, mention: []string{"WINBACK_DATABASE_URL", "names no database"}, secret: "hunter22"},
		{name: "database URL file missing", env: []string{"WINBACK_DATABASE_URL_FILE", missing}, mention: []string{"WINBACK_DATABASE_URL_FILE", "no such file"}},
		{name: "codec keys file missing", env: []string{"WINBACK_CODEC_KEYS_FILE", missing}, mention: []string{"WINBACK_CODEC_KEYS_FILE", "no such file"}},
		{name: "codec token short", env: []string{"WINBACK_CODEC_TOKEN", "tiny-codec"}, mention: []string{"WINBACK_CODEC_TOKEN", "is 10 characters, need at least 16"}, secret: "tiny-codec"},
		{name: "codec token spaces", env: []string{"WINBACK_CODEC_TOKEN", "codec token with spaces"}, mention: []string{"WINBACK_CODEC_TOKEN", "spaces"}, secret: "token with"},
		{name: "codec token file missing", env: []string{"WINBACK_CODEC_TOKEN_FILE", missing}, mention: []string{"WINBACK_CODEC_TOKEN_FILE", "no such file"}},
		{name: "codec token file short", env: []string{"WINBACK_CODEC_TOKEN_FILE", writeFile(t, "codec-token", "tiny-codec\n")}, mention: []string{"WINBACK_CODEC_TOKEN_FILE", "need at least 16"}, secret: "tiny-codec"},
		{name: "codec origin with path", env: []string{"WINBACK_CODEC_CORS_ORIGINS", "http://localhost:8233,http://localhost:8233/namespaces"}, mention: []string{"WINBACK_CODEC_CORS_ORIGINS", `"http://localhost:8233/namespaces" is not an origin`}},
		{name: "codec origin wildcard", env: []string{"WINBACK_CODEC_CORS_ORIGINS", "*"}, mention: []string{"WINBACK_CODEC_CORS_ORIGINS", `"*" is not allowed`}},
		{name: "codec origin no scheme", env: []string{"WINBACK_CODEC_CORS_ORIGINS", "localhost:8233"}, mention: []string{"WINBACK_CODEC_CORS_ORIGINS", "scheme://host[:port]"}},
		{name: "playbook missing", env: []string{"WINBACK_PLAYBOOK", missing}, mention: []string{"WINBACK_PLAYBOOK", "no such file"}},
		{name: "playbook invalid", env: []string{"WINBACK_PLAYBOOK", writeFile(t, "pb.yaml", "maxCallAttempts: 0\n")}, mention: []string{"WINBACK_PLAYBOOK", "maxCallAttempts: 0 is less than 1"}},
		{name: "holdout too large", env: []string{"WINBACK_PLAYBOOK", writeFile(t, "pb.yaml", "holdoutPercent: 60\n")}, mention: []string{"WINBACK_PLAYBOOK", "holdoutPercent: 60 is not from 0 to 50"}},
		{name: "phone region", env: []string{"WINBACK_PHONE_REGION", "XX"}, mention: []string{"WINBACK_PHONE_REGION", `"XX" is not a region code`}},
		{name: "team missing", env: []string{"WINBACK_TEAM", missing}, mention: []string{"WINBACK_TEAM", "no such file"}},
		{name: "team invalid", env: []string{"WINBACK_TEAM", writeFile(t, "team.yaml", "people: [{id: al, role: boss}]\n")}, mention: []string{"WINBACK_TEAM", `role "boss"`}},
		{name: "sendgrid key shape", env: []string{"SENDGRID_API_KEY", "not-a-sendgrid-key"}, mention: []string{"SENDGRID_API_KEY", `does not start with "SG."`}, secret: "not-a-sendgrid-key"},
		{name: "sendgrid key spaces", env: []string{"SENDGRID_API_KEY", "SG.abc def"}, mention: []string{"SENDGRID_API_KEY", "spaces"}, secret: "SG.abc def"},
		{name: "sendgrid key file missing", env: []string{"SENDGRID_API_KEY_FILE", missing}, mention: []string{"SENDGRID_API_KEY_FILE", "no such file"}},
		{name: "sendgrid key file shape", env: []string{"SENDGRID_API_KEY_FILE", writeFile(t, "sg", "filesecret-key\n")}, mention: []string{"SENDGRID_API_KEY_FILE", "SG."}, secret: "filesecret-key"},
		{name: "sendgrid base url", env: []string{"SENDGRID_BASE_URL", "api.sendgrid.com"}, mention: []string{"SENDGRID_BASE_URL", "absolute http(s) URL"}},
		{name: "sendgrid template", env: []string{"SENDGRID_TEMPLATE_ID", "welcome"}, mention: []string{"SENDGRID_TEMPLATE_ID", "not a dynamic template ID"}},
		{name: "sendgrid webhook key", env: []string{"SENDGRID_WEBHOOK_PUBLIC_KEY", "bm90IGEga2V5"}, mention: []string{"SENDGRID_WEBHOOK_PUBLIC_KEY", "ECDSA"}},
		{name: "from email", env: []string{"WINBACK_FROM_EMAIL", "winback"}, mention: []string{"WINBACK_FROM_EMAIL", `"winback" is not an email address`}},
		{name: "from email with name", env: []string{"WINBACK_FROM_EMAIL", "Winback <w@example.com>"}, mention: []string{"WINBACK_FROM_EMAIL", "WINBACK_FROM_NAME"}},
		{name: "from name", env: []string{"WINBACK_FROM_NAME", "Win\r\nBcc: x@example.com"}, mention: []string{"WINBACK_FROM_NAME", "line break"}},
		{name: "twilio sid shape", env: with(creds, "TWILIO_ACCOUNT_SID", "AC123"), mention: []string{"TWILIO_ACCOUNT_SID", "AC followed by 32 hex digits"}},
		{name: "twilio sid without token", env: []string{"TWILIO_ACCOUNT_SID", validSID, "TWILIO_FROM", "+14155550123"}, mention: []string{"TWILIO_AUTH_TOKEN", "required with TWILIO_ACCOUNT_SID"}},
		{name: "twilio token without sid", env: []string{"TWILIO_AUTH_TOKEN", validToken}, mention: []string{"TWILIO_ACCOUNT_SID", "required with TWILIO_AUTH_TOKEN"}, secret: validToken},
		{name: "twilio token file without sid", env: []string{"TWILIO_AUTH_TOKEN_FILE", writeFile(t, "tok", validToken)}, mention: []string{"TWILIO_ACCOUNT_SID", "required with TWILIO_AUTH_TOKEN_FILE"}, secret: validToken},
		{name: "twilio token shape", env: with(creds, "TWILIO_AUTH_TOKEN", "tok-with-dash"), mention: []string{"TWILIO_AUTH_TOKEN", "letters and digits"}, secret: "tok-with-dash"},
		{name: "twilio token file missing", env: []string{"TWILIO_ACCOUNT_SID", validSID, "TWILIO_FROM", "+14155550123", "TWILIO_AUTH_TOKEN_FILE", missing}, mention: []string{"TWILIO_AUTH_TOKEN_FILE", "no such file"}},
		{name: "twilio no sender", env: []string{"TWILIO_ACCOUNT_SID", validSID, "TWILIO_AUTH_TOKEN", validToken}, mention: []string{"TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID", "one is required"}, secret: validToken},
		{name: "twilio from", env: []string{"TWILIO_FROM", "555-0100"}, mention: []string{"TWILIO_FROM", "E.164"}},
		{name: "twilio messaging service", env: with(creds, "TWILIO_MESSAGING_SERVICE_SID", "MG1"), mention: []string{"TWILIO_MESSAGING_SERVICE_SID", "MG followed by 32 hex digits"}, secret: validToken},
		{name: "twilio base url", env: []string{"TWILIO_BASE_URL", "//api.twilio.com"}, mention: []string{"TWILIO_BASE_URL", "absolute http(s) URL"}},
		{name: "stripe key publishable", env: []string{"STRIPE_API_KEY", "pk_test_publishable"}, mention: []string{"STRIPE_API_KEY", `does not start with "sk_" or "rk_"`}, secret: "pk_test_publishable"},
		{name: "stripe key spaces", env: []string{"STRIPE_API_KEY", "sk_test_abc def"}, mention: []string{"STRIPE_API_KEY", "spaces"}, secret: "abc def"},
		{name: "stripe key file missing", env: []string{"STRIPE_API_KEY_FILE", missing}, mention: []string{"STRIPE_API_KEY_FILE", "no such file"}},
		{name: "stripe key file shape", env: []string{"STRIPE_API_KEY_FILE", writeFile(t, "stripe", "whsec_wrongfile\n")}, mention: []string{"STRIPE_API_KEY_FILE", `"sk_" or "rk_"`}, secret: "whsec_wrongfile"},
		{name: "stripe webhook secret shape", env: with(stripe, "STRIPE_WEBHOOK_SECRET", "sk_test_swapped"), mention: []string{"STRIPE_WEBHOOK_SECRET", `does not start with "whsec_"`}, secret: "sk_test_swapped"},
		{name: "stripe webhook secret without key", env: []string{"STRIPE_WEBHOOK_SECRET", "whsec_alone"}, mention: []string{"STRIPE_WEBHOOK_SECRET", "without STRIPE_API_KEY"}, secret: "whsec_alone"},
		{name: "stripe webhook secret file missing", env: with(stripe, "STRIPE_WEBHOOK_SECRET_FILE", missing), mention: []string{"STRIPE_WEBHOOK_SECRET_FILE", "no such file"}},
		{name: "stripe api base", env: with(stripe, "STRIPE_API_BASE", "api.stripe.com"), mention: []string{"STRIPE_API_BASE", "absolute http(s) URL"}},
		{name: "stripe api base without key", env: []string{"STRIPE_API_BASE", "http://127.0.0.1:12111"}, mention: []string{"STRIPE_API_BASE", "without STRIPE_API_KEY"}},
		{name: "stripe mock url", env: with(stripe, "WINBACK_STRIPE_MOCK_URL", "127.0.0.1:12111"), mention: []string{"WINBACK_STRIPE_MOCK_URL", "absolute http(s) URL"}},
		{name: "stripe default rep not in team", env: with(stripe, "WINBACK_TEAM", "team.example.yaml", "WINBACK_STRIPE_DEFAULT_REP", "zed"), mention: []string{"WINBACK_STRIPE_DEFAULT_REP", `unknown rep "zed"`}},
		{name: "stripe default rep without key", env: []string{"WINBACK_STRIPE_DEFAULT_REP", "alice"}, mention: []string{"WINBACK_STRIPE_DEFAULT_REP", "billing is off"}},
		{name: "stripe reps by segment shape", env: with(stripe, "WINBACK_STRIPE_REPS_BY_SEGMENT", "enterprise=alice,smb"), mention: []string{"WINBACK_STRIPE_REPS_BY_SEGMENT", `"smb" is not segment=rep`}},
		{name: "stripe reps by segment twice", env: with(stripe, "WINBACK_STRIPE_REPS_BY_SEGMENT", "smb=alice, SMB=bob"), mention: []string{"WINBACK_STRIPE_REPS_BY_SEGMENT", `segment "smb" appears twice`}},
		{name: "stripe reps by segment not in team", env: with(stripe, "WINBACK_TEAM", "team.example.yaml", "WINBACK_STRIPE_REPS_BY_SEGMENT", "enterprise=alice,smb=zed"), mention: []string{"WINBACK_STRIPE_REPS_BY_SEGMENT", `smb: unknown rep "zed"`}},
		{name: "stripe timezone", env: with(stripe, "WINBACK_STRIPE_TIMEZONE", "Mars/Olympus"), mention: []string{"WINBACK_STRIPE_TIMEZONE", `"Mars/Olympus" is not an IANA time zone`}},
	}
}

func TestEveryBadValueNamesItsVariable(t *testing.T) {
	for _, tc := range badValues(t) {
		t.Run(tc.name, func(t *testing.T) {
			err := newVars(t, tc.env...).loadErr(t)
			assertMentions(t, err, tc.mention...)
			if !lineStartsWith(err, tc.mention[0]) {
				t.Errorf("no line of %q starts with %s", err, tc.mention[0])
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

// lineStartsWith reports whether some line of err starts with the variable's name.
func lineStartsWith(err error, name string) bool {
	for line := range strings.SplitSeq(err.Error(), "\n") {
		if strings.HasPrefix(line, name) {
			return true
		}
	}
	return false
}

// TestEveryVariableHasABadValueTest keeps the table above honest as variables are added.
func TestEveryVariableHasABadValueTest(t *testing.T) {
	anyValueIsFine := []string{
		"TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_KEY_DATA", "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
		"TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_CLIENT_AUTHORITY",
	}
	tested := map[string]bool{}
	for _, tc := range badValues(t) {
		for i := 0; i < len(tc.env); i += 2 {
			family, isFamily := strings.CutSuffix(tc.mention[0], "*")
			if tc.env[i] == tc.mention[0] || (isFamily && strings.HasPrefix(tc.env[i], family)) {
				tested[tc.env[i]] = true
			}
		}
	}
	for _, name := range config.Variables {
		if !tested[name] && !slices.Contains(anyValueIsFine, name) {
			t.Errorf("%s has no bad-value case in badValues", name)
		}
	}
}

func TestAllProblemsAreReportedAtOnce(t *testing.T) {
	err := newVars(t, "WINBACK_HTTP_ADDR", "x", "WINBACK_LOG_LEVEL", "loud", "TWILIO_FROM", "1").loadErr(t)
	assertMentions(t, err, "WINBACK_HTTP_ADDR", "WINBACK_LOG_LEVEL", "TWILIO_FROM")
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	// Every secret set to a recognisable but invalid value, next to another problem.
	secrets := map[string]string{
		"TEMPORAL_API_KEY":      "TOPSECRET-temporal key",
		"SENDGRID_API_KEY":      "TOPSECRET-sendgrid",
		"TWILIO_AUTH_TOKEN":     "TOPSECRET-twilio",
		"WINBACK_LINK_SECRET":   "TOPSECRET-l",
		"WINBACK_INBOX_SECRET":  "TOPSECRET-i",
		"WINBACK_CODEC_KEYS":    "TOPSECRET-codec",
		"WINBACK_CODEC_TOKEN":   "TOPSECRET-token",
		"STRIPE_API_KEY":        "TOPSECRET-stripe",
		"STRIPE_WEBHOOK_SECRET": "TOPSECRET-whsec",
	}
	v := newVars(t, "TWILIO_ACCOUNT_SID", validSID, "WINBACK_HTTP_ADDR", "x")
	for k, s := range secrets {
		v[k] = s
	}
	err := v.loadErr(t)
	if strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("error shows a secret: %v", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) < len(secrets) {
		t.Errorf("want one problem per bad secret and more, got %v", err)
	}
}

func TestRealProviders(t *testing.T) {
	tokenFile := writeFile(t, "twilio-token", validToken+"\n")
	c := newVars(t,
		"SENDGRID_API_KEY", sendGridKey,
		"SENDGRID_TEMPLATE_ID", "d-0123456789abcdef0123456789abcdef",
		"TWILIO_ACCOUNT_SID", validSID,
		"TWILIO_AUTH_TOKEN_FILE", tokenFile,
		"TWILIO_MESSAGING_SERVICE_SID", validMSID,
	).load(t)
	if c.SendGrid.Sandbox || c.SendGrid.BaseURL != "https://api.sendgrid.com" || c.SendGrid.APIKey != sendGridKey {
		t.Errorf("SendGrid = %+v, want the real API with the key", c.SendGrid)
	}
	if c.Twilio.Sandbox || c.Twilio.BaseURL != "https://api.twilio.com" || c.Twilio.AccountSID != validSID ||
		c.Twilio.AuthToken != validToken || c.Twilio.MessagingServiceSID != validMSID || c.Twilio.From != "" {
		t.Errorf("Twilio = %+v, want the real API with the credentials and no sandbox number", c.Twilio)
	}
}

func TestProviderBaseURLOverride(t *testing.T) {
	c := newVars(t,
		"SENDGRID_API_KEY", "any-key-for-a-mock",
		"SENDGRID_BASE_URL", "http://127.0.0.1:4010/",
		"TWILIO_BASE_URL", "http://127.0.0.1:4011",
	).load(t)
	if c.SendGrid.BaseURL != "http://127.0.0.1:4010" || c.SendGrid.Sandbox {
		t.Errorf("SendGrid = %v; a mock URL takes any key", c.SendGrid)
	}
	if c.Twilio.BaseURL != "http://127.0.0.1:4011" || !c.Twilio.Sandbox {
		t.Errorf("Twilio = %v", c.Twilio)
	}
}

func TestCodecKeys(t *testing.T) {
	k1 := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // bytes 0..31
	k2 := "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo="
	c := newVars(t, "WINBACK_CODEC_KEYS", "2026-06="+k1+", 2025-01="+k2).load(t)
	if len(c.Codec.Keys) != 2 || c.Codec.Keys[0].ID != "2026-06" || c.Codec.Keys[1].ID != "2025-01" || c.Codec.Keys[0].Key[31] != 31 {
		t.Errorf("Codec = %v", c.Codec.Keys)
	}
	err := newVars(t, "WINBACK_CODEC_KEYS", "a="+k1+"\na="+k2).loadErr(t)
	assertMentions(t, err, "WINBACK_CODEC_KEYS", `key ID "a" appears twice`)
}

func TestWorkflowCacheSize(t *testing.T) {
	if c := newVars(t).load(t); c.WorkflowCacheSize != 1000 {
		t.Errorf("default cache size = %d, want 1000", c.WorkflowCacheSize)
	}
	if c := newVars(t, "WINBACK_WORKFLOW_CACHE_SIZE", "250").load(t); c.WorkflowCacheSize != 250 {
		t.Errorf("cache size = %d, want 250", c.WorkflowCacheSize)
	}
	for _, bad := range []string{"0", "-3", "lots", "2000000"} {
		err := newVars(t, "WINBACK_WORKFLOW_CACHE_SIZE", bad).loadErr(t)
		if !strings.Contains(err.Error(), "WINBACK_WORKFLOW_CACHE_SIZE") {
			t.Errorf("%q: %v, want an error naming WINBACK_WORKFLOW_CACHE_SIZE", bad, err)
		}
	}
}
