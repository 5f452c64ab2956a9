package config

import (
	"log/slog"
	"os"

	"github.com/winback/winback/workflows"
)

// Config is everything the worker and the CLI need from their environment, read and validated
// once at start by Load.
type Config struct {
	// Temporal is how to reach the cluster and which task queue campaigns run on.
	Temporal Temporal
	// HTTPAddr is where the worker's HTTP server listens (WINBACK_HTTP_ADDR, default 127.0.0.1:8080).
	HTTPAddr string
	// PublicURL is how customers, providers and browsers reach that server (WINBACK_PUBLIC_URL,
	// default http://HTTPAddr, with localhost for a wildcard host). No trailing slash.
	PublicURL string
	// DataDir holds local state: the default SQLite store, the sandbox outbox, generated
	// secrets (WINBACK_DATA_DIR, default .data).
	DataDir string
	// Database is where the store is (WINBACK_DATABASE_URL, default an SQLite file in DataDir).
	Database Database
	// SendGrid sends email, or the local sandbox does when no API key is set.
	SendGrid SendGrid
	// Twilio sends SMS, or the local sandbox does when no credentials are set.
	Twilio Twilio
	// Billing is Stripe; zero (no STRIPE_API_KEY) turns billing off and changes nothing else.
	Billing Billing
	// Playbook is workflows.DefaultPlaybook overridden by the WINBACK_PLAYBOOK file, validated.
	Playbook workflows.Playbook
	// Team is the reps and managers from the WINBACK_TEAM file; an empty team accepts any IDs.
	Team Team
	// PhoneRegion is the region (ISO 3166) of phone numbers written without their +country code
	// (WINBACK_PHONE_REGION, default US), for the launcher and the inbox.
	PhoneRegion string
	// TemplatesDir overrides the embedded message templates (WINBACK_TEMPLATES_DIR, optional).
	TemplatesDir string
	// WorkflowCacheSize is how many campaigns a worker keeps in memory between their workflow
	// tasks (WINBACK_WORKFLOW_CACHE_SIZE, default 1000). Sleeping campaigns beyond it are evicted
	// and replay their short history when they wake: memory stays flat however many are open.
	WorkflowCacheSize int
	// TemporalUIURL is the Temporal UI's base URL, for links from the inbox to a campaign
	// (WINBACK_TEMPORAL_UI_URL, optional; make run sets it).
	TemporalUIURL string
	// LinkSecret signs unsubscribe links (WINBACK_LINK_SECRET or _FILE, at least 16 bytes);
	// when unset, OpenStore fills it with the deployment's own, kept in the store and shared by
	// every worker and the CLI.
	LinkSecret []byte
	// InboxSecret signs inbox sessions and CSRF tokens (WINBACK_INBOX_SECRET or _FILE, same
	// rules, from the store when unset).
	InboxSecret []byte
	// Codec holds the payload encryption keys (WINBACK_CODEC_KEYS or _FILE); none means plain payloads.
	Codec Codec
	// LogLevel is the minimum level logged (WINBACK_LOG_LEVEL: debug, info, warn or error).
	LogLevel slog.Level
}

// Load reads the process environment and the optional WINBACK_CONFIG file (the environment
// wins), validates everything, and returns every problem at once, each naming its variable.
// It writes nothing.
func Load() (*Config, error) { return load(os.LookupEnv, os.Environ) }

// LoadFrom is Load with another variable lookup, for tests and tools. It cannot list the
// environment, so TEMPORAL_GRPC_META_* headers come only from the WINBACK_CONFIG file.
func LoadFrom(lookup func(string) (string, bool)) (*Config, error) { return load(lookup, nil) }

func load(lookup func(string) (string, bool), environ func() []string) (*Config, error) {
	src, err := newSource(lookup, environ)
	if err != nil {
		return nil, err
	}
	var p problems
	c := &Config{}
	c.Temporal = loadTemporal(src, &p)
	c.HTTPAddr, c.PublicURL = loadHTTP(src, &p)
	c.TemporalUIURL = loadTemporalUIURL(src, &p)
	c.WorkflowCacheSize = loadCacheSize(src, &p)
	c.DataDir, c.TemplatesDir = loadDirs(src, &p)
	c.Database = loadDatabase(src, c.DataDir, &p)
	c.PhoneRegion = loadPhoneRegion(src, &p)
	c.LogLevel = loadLogLevel(src, &p)
	c.SendGrid = loadSendGrid(src, c.PublicURL, &p)
	c.Twilio = loadTwilio(src, c.PublicURL, &p)
	c.Playbook = loadPlaybook(src, &p)
	c.Team = loadTeam(src, &p)
	c.Billing = loadBilling(src, c.PublicURL, c.Team, &p)
	if c.Billing.MockURL != "" && !(c.SendGrid.Sandbox && c.Twilio.Sandbox) {
		// The stand-in comes with the whole sandbox, which has no authentication: a demo's.
		p.addf("%s: the Stripe stand-in is for demos and tests, with the SendGrid and Twilio sandboxes; with real provider keys, point STRIPE_API_BASE at stripe-mock instead",
			src.origin("WINBACK_STRIPE_MOCK_URL"))
	}
	c.Codec = loadCodec(src, &p)
	c.LinkSecret = loadSecret(src, "WINBACK_LINK_SECRET", &p)
	c.InboxSecret = loadSecret(src, "WINBACK_INBOX_SECRET", &p)
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}
