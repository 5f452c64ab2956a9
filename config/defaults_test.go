package config_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	c, err := config.LoadFrom(vars{}.lookup)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ name, got, want string }{
		{"Temporal address", c.Temporal.ClientOptions.HostPort, "127.0.0.1:7233"},
		{"Temporal namespace", c.Temporal.ClientOptions.Namespace, "default"},
		{"task queue", c.Temporal.TaskQueue, "winback"},
		{"HTTPAddr", c.HTTPAddr, "127.0.0.1:8080"},
		{"PublicURL", c.PublicURL, "http://127.0.0.1:8080"},
		{"DataDir", c.DataDir, ".data"},
		{"TemplatesDir", c.TemplatesDir, ""},
		{"SendGrid.APIKey", c.SendGrid.APIKey, ""},
		{"SendGrid.BaseURL", c.SendGrid.BaseURL, "http://127.0.0.1:8080/sandbox/sendgrid"},
		{"SendGrid.FromEmail", c.SendGrid.FromEmail, "winback@example.com"},
		{"SendGrid.FromName", c.SendGrid.FromName, "winback"},
		{"Twilio.AccountSID", c.Twilio.AccountSID, config.SandboxTwilioAccountSID},
		{"Twilio.AuthToken", c.Twilio.AuthToken, config.SandboxTwilioAuthToken},
		{"Twilio.BaseURL", c.Twilio.BaseURL, "http://127.0.0.1:8080/sandbox/twilio"},
		{"Twilio.From", c.Twilio.From, "+15005550006"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if !c.SendGrid.Sandbox || !c.Twilio.Sandbox {
		t.Errorf("sandbox flags = %v, %v; want both true without provider keys", c.SendGrid.Sandbox, c.Twilio.Sandbox)
	}
	if c.Temporal.ClientOptions.ConnectionOptions.TLS != nil || c.Temporal.ClientOptions.Credentials != nil {
		t.Error("TLS or credentials set without TEMPORAL_API_KEY or TEMPORAL_TLS")
	}
	if c.LogLevel != slog.LevelInfo {
		t.Errorf("LogLevel = %v, want info", c.LogLevel)
	}
	if !reflect.DeepEqual(c.Playbook, workflows.DefaultPlaybook()) {
		t.Error("Playbook is not workflows.DefaultPlaybook()")
	}
	if len(c.Team.People) != 0 || len(c.Codec.Keys) != 0 {
		t.Error("team or codec keys set without their variables")
	}
}

func TestDefaultPublicURLIsBrowsable(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://localhost:8080",
		":9000":          "http://localhost:9000",
		"[::]:8080":      "http://localhost:8080",
		"10.1.2.3:8080":  "http://10.1.2.3:8080",
		"winback:8080":   "http://winback:8080",
		"127.0.0.1:8081": "http://127.0.0.1:8081",
	} {
		c := newVars(t, "WINBACK_HTTP_ADDR", addr).load(t)
		if c.PublicURL != want {
			t.Errorf("WINBACK_HTTP_ADDR=%s: PublicURL = %q, want %q", addr, c.PublicURL, want)
		}
	}
}

func TestPublicURLDrivesSandboxURLs(t *testing.T) {
	c := newVars(t, "WINBACK_PUBLIC_URL", "https://winback.example.com/").load(t)
	if c.PublicURL != "https://winback.example.com" {
		t.Errorf("PublicURL = %q, want the trailing slash gone", c.PublicURL)
	}
	if c.SendGrid.BaseURL != "https://winback.example.com/sandbox/sendgrid" || c.Twilio.BaseURL != "https://winback.example.com/sandbox/twilio" {
		t.Errorf("sandbox URLs = %q, %q", c.SendGrid.BaseURL, c.Twilio.BaseURL)
	}
}

// openStore is what a worker or the CLI does at start: the store of its configuration.
func openStore(t *testing.T, c *config.Config) {
	t.Helper()
	s, err := c.OpenStore(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// Secrets left unset are the deployment's own, made once in the store: a restarted worker, a
// second worker and the CLI all get the same ones, so links and sessions hold across them.
func TestUnsetSecretsAreTheDeploymentsOwn(t *testing.T) {
	v := newVars(t)
	worker := v.load(t)
	if len(worker.LinkSecret) != 0 {
		t.Fatal("Load made a secret: only the store may")
	}
	openStore(t, worker)
	if len(worker.LinkSecret) < 16 || len(worker.InboxSecret) < 16 || string(worker.LinkSecret) == string(worker.InboxSecret) {
		t.Fatalf("secrets from the store: %d and %d bytes, equal %v", len(worker.LinkSecret), len(worker.InboxSecret),
			string(worker.LinkSecret) == string(worker.InboxSecret))
	}
	cli := v.load(t)
	openStore(t, cli)
	if string(cli.LinkSecret) != string(worker.LinkSecret) || string(cli.InboxSecret) != string(worker.InboxSecret) {
		t.Error("two processes of one deployment disagree on its secrets")
	}
	// A secret set in the environment wins over the store's.
	set := newVars(t, "WINBACK_LINK_SECRET", "link-secret-0123456789")
	set["WINBACK_DATA_DIR"] = v["WINBACK_DATA_DIR"]
	c := set.load(t)
	openStore(t, c)
	if string(c.LinkSecret) != "link-secret-0123456789" || string(c.InboxSecret) != string(worker.InboxSecret) {
		t.Errorf("link secret %q: want the environment's; inbox secret from the store", c.LinkSecret)
	}
}

// Secrets an earlier version generated into the data folder are taken into the store, so the
// links it sent keep working.
func TestSecretsOfAnEarlierVersionAreKept(t *testing.T) {
	v := newVars(t)
	if err := os.WriteFile(filepath.Join(v["WINBACK_DATA_DIR"], "link-secret"), []byte("kept-by-v1-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := v.load(t)
	openStore(t, c)
	if string(c.LinkSecret) != "kept-by-v1-0123456789abcdef" {
		t.Errorf("LinkSecret = %q, want the one the earlier version kept", c.LinkSecret)
	}
}

func TestSecretsFromVariablesAndFiles(t *testing.T) {
	link := "link-secret-0123456789"
	inboxFile := writeFile(t, "inbox", "inbox-secret-0123456789\n")
	v := newVars(t, "WINBACK_LINK_SECRET", link, "WINBACK_INBOX_SECRET_FILE", inboxFile)
	c := v.load(t)
	if string(c.LinkSecret) != link {
		t.Errorf("LinkSecret = %q", c.LinkSecret)
	}
	if string(c.InboxSecret) != "inbox-secret-0123456789" {
		t.Errorf("InboxSecret = %q, want the file's content without the newline", c.InboxSecret)
	}
	entries, _ := os.ReadDir(v["WINBACK_DATA_DIR"])
	if len(entries) != 0 {
		t.Errorf("data dir holds %d files; nothing should be generated when secrets are given", len(entries))
	}
}

func TestNothingIsWrittenWhenConfigIsInvalid(t *testing.T) {
	v := newVars(t, "WINBACK_HTTP_ADDR", "nope")
	v["WINBACK_DATA_DIR"] = filepath.Join(v["WINBACK_DATA_DIR"], "state")
	v.loadErr(t)
	if _, err := os.Stat(v["WINBACK_DATA_DIR"]); !os.IsNotExist(err) {
		t.Errorf("data dir created by a failed load (stat: %v)", err)
	}
}

func TestKeptSecretTooShortIsAnError(t *testing.T) {
	v := newVars(t)
	if err := os.WriteFile(filepath.Join(v["WINBACK_DATA_DIR"], "link-secret"), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := v.load(t).OpenStore(context.Background(), slog.New(slog.DiscardHandler))
	assertMentions(t, err, "WINBACK_DATABASE_URL", "link-secret", "delete it")
}

func TestLogLevels(t *testing.T) {
	for raw, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got := newVars(t, "WINBACK_LOG_LEVEL", raw).load(t).LogLevel; got != want {
			t.Errorf("WINBACK_LOG_LEVEL=%s: %v, want %v", raw, got, want)
		}
	}
}

func TestEmptyVariableCountsAsUnset(t *testing.T) {
	c := newVars(t, "WINBACK_HTTP_ADDR", "", "SENDGRID_API_KEY", "", "TEMPORAL_ADDRESS", "").load(t)
	if c.HTTPAddr != "127.0.0.1:8080" || !c.SendGrid.Sandbox || c.Temporal.ClientOptions.HostPort != "127.0.0.1:7233" {
		t.Errorf("empty variables were not defaults: %v", c)
	}
}
