package config

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	tlog "go.temporal.io/sdk/log"

	"github.com/winback/winback/codec"
)

// Temporal is how to reach the Temporal cluster and which task queue campaigns run on.
type Temporal struct {
	// ClientOptions come from go.temporal.io/sdk/contrib/envconfig: the temporal.toml profile
	// (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), overridden by TEMPORAL_ADDRESS,
	// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* and TEMPORAL_GRPC_META_*. Defaults:
	// 127.0.0.1:7233, namespace "default". Set MetricsHandler or Interceptors here before
	// Dial; DataConverter and FailureConverter too, unless codec keys are set: Dial then
	// installs the codec's.
	ClientOptions client.Options
	// TaskQueue is where campaign workflows and activities run (WINBACK_TASK_QUEUE, default "winback").
	TaskQueue string
}

const (
	defaultTemporalAddress   = "127.0.0.1:7233"
	defaultTemporalNamespace = "default"
	defaultTaskQueue         = "winback"
)

// loadTemporal resolves the client options the way the Temporal CLI does (profile file, then
// environment), and names the variable, or the profile and file, in each error.
func loadTemporal(src *source, p *problems) Temporal {
	t := Temporal{TaskQueue: src.getOr("WINBACK_TASK_QUEUE", defaultTaskQueue)}
	if hasSpace(t.TaskQueue) {
		p.addf("%s: %q contains spaces", src.origin("WINBACK_TASK_QUEUE"), t.TaskQueue)
	}
	for _, name := range []string{"TEMPORAL_TLS", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"} {
		// envconfig silently ignores anything else; a typo must not switch TLS off.
		if v, ok := src.get(name); ok && !isEnvBool(v) {
			p.addf("%s: %q is not a boolean (true, false, 1 or 0)", src.origin(name), v)
		}
	}

	file, fileSet := src.get("TEMPORAL_CONFIG_FILE")
	fileOrigin := src.origin("TEMPORAL_CONFIG_FILE")
	if !fileSet {
		file = envconfig.DefaultConfigFilePath()
		fileOrigin = "temporal.toml " + file
	} else if _, err := os.Stat(file); err != nil {
		// envconfig skips a missing file; one named on purpose is a mistake.
		p.addf("%s: %v", fileOrigin, err)
		return t
	}
	conf, err := envconfig.LoadClientConfig(envconfig.LoadClientConfigOptions{ConfigFilePath: file, EnvLookup: envLookup{src}})
	if err != nil {
		p.addf("%s: %v", fileOrigin, err)
		return t
	}
	profileName, profileSet := src.get("TEMPORAL_PROFILE")
	if !profileSet {
		profileName = envconfig.DefaultConfigFileProfile
	}
	var prof envconfig.ClientConfigProfile
	found := conf.Profiles[profileName]
	switch {
	case found != nil:
		prof = *found
	case profileSet && len(conf.Profiles) == 0:
		p.addf("%s: no profile %q: %s has none (set TEMPORAL_CONFIG_FILE?)", src.origin("TEMPORAL_PROFILE"), profileName, file)
		return t
	case profileSet:
		p.addf("%s: no profile %q in %s", src.origin("TEMPORAL_PROFILE"), profileName, file)
		return t
	}
	if err := prof.ApplyEnvVars(envLookup{src}); err != nil {
		p.addf("TEMPORAL_*: %v", err)
		return t
	}

	// Name the setting behind each value: the variable when set, else the profile.
	from := func(name, key string) string {
		if src.isSet(name) || found == nil {
			return src.origin(name)
		}
		return fmt.Sprintf("%s (profile %q in %s)", key, profileName, file)
	}
	if prof.Address == "" {
		prof.Address = defaultTemporalAddress
	}
	if err := checkHostPort(strings.TrimPrefix(prof.Address, "dns:///")); err != nil {
		p.addf("%s: %v", from("TEMPORAL_ADDRESS", "address"), err)
	}
	if prof.Namespace == "" {
		prof.Namespace = defaultTemporalNamespace
	}
	if hasSpace(prof.Namespace) {
		p.addf("%s: %q contains spaces", from("TEMPORAL_NAMESPACE", "namespace"), prof.Namespace)
	}
	if hasSpace(prof.APIKey) {
		p.addf("%s: contains spaces or line breaks", from("TEMPORAL_API_KEY", "api_key"))
	}
	opts, err := prof.ToClientOptions(envconfig.ToClientOptionsRequest{})
	if err != nil {
		origin := "TEMPORAL_TLS_*"
		if found != nil && found.TLS != nil {
			origin = fmt.Sprintf("TEMPORAL_TLS_* or the tls of profile %q in %s", profileName, file)
		}
		p.addf("%s: %v", origin, err)
		return t
	}
	t.ClientOptions = opts
	return t
}

// isEnvBool reports whether envconfig understands v as a boolean.
func isEnvBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "0", "true", "false":
		return true
	}
	return false
}

// Dial connects to Temporal with the configured client options and a Temporal logger that
// writes through logger (slog.Default when nil). With codec keys set, the client (and every
// worker built on it) encrypts payloads and failure messages, and decrypts them, with the
// payload codec. The error names the address and namespace.
func (c *Config) Dial(ctx context.Context, logger *slog.Logger) (client.Client, error) {
	if logger == nil {
		logger = slog.Default()
	}
	opts := c.Temporal.ClientOptions
	if opts.Logger == nil {
		opts.Logger = tlog.NewStructuredLogger(logger)
	}
	pc, err := c.Codec.PayloadCodec()
	if err != nil {
		return nil, fmt.Errorf("WINBACK_CODEC_KEYS: %w", err)
	}
	if pc != nil {
		if opts.DataConverter != nil || opts.FailureConverter != nil {
			return nil, errors.New("WINBACK_CODEC_KEYS is set and Temporal.ClientOptions already has a data or failure converter: keep one")
		}
		codec.Use(&opts, pc)
	}
	cl, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w", opts.HostPort, opts.Namespace, err)
	}
	return cl, nil
}
