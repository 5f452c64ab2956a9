package config_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

const profiles = `
[profile.default]
address = "default-host:7233"
namespace = "default-ns"

[profile.cloud]
address = "acme.a1b2c.tmprl.cloud:7233"
namespace = "acme.a1b2c"
api_key = "profile-api-key"

[profile.broken]
address = "no-port"
`

func TestTemporalProfiles(t *testing.T) {
	file := writeFile(t, "temporal.toml", profiles)

	c := newVars(t, "TEMPORAL_CONFIG_FILE", file).load(t)
	if c.Temporal.ClientOptions.HostPort != "default-host:7233" || c.Temporal.ClientOptions.Namespace != "default-ns" {
		t.Errorf("default profile: %v", c.Temporal)
	}

	c = newVars(t, "TEMPORAL_CONFIG_FILE", file, "TEMPORAL_PROFILE", "cloud", "TEMPORAL_NAMESPACE", "override-ns").load(t)
	opts := c.Temporal.ClientOptions
	if opts.HostPort != "acme.a1b2c.tmprl.cloud:7233" || opts.Namespace != "override-ns" {
		t.Errorf("cloud profile with TEMPORAL_NAMESPACE: %v", c.Temporal)
	}
	if opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Error("an API key must bring credentials and TLS")
	}

	err := newVars(t, "TEMPORAL_CONFIG_FILE", file, "TEMPORAL_PROFILE", "broken").loadErr(t)
	assertMentions(t, err, `address (profile "broken" in `+file+`)`, `"no-port" is not host:port`)
}

func TestTemporalEnvironment(t *testing.T) {
	c := newVars(t, "TEMPORAL_ADDRESS", "temporal:7233", "TEMPORAL_NAMESPACE", "winback", "TEMPORAL_API_KEY", "env-api-key", "TEMPORAL_TLS", "false").load(t)
	opts := c.Temporal.ClientOptions
	if opts.HostPort != "temporal:7233" || opts.Namespace != "winback" || opts.Credentials == nil {
		t.Errorf("ClientOptions = %v", c.Temporal)
	}
	if !opts.ConnectionOptions.TLSDisabled {
		t.Error("TEMPORAL_TLS=false did not disable TLS")
	}
	if strings.Contains(c.String(), "env-api-key") {
		t.Error("API key in Config.String")
	}
}

func TestDialNamesTheAddress(t *testing.T) {
	c := newVars(t, "TEMPORAL_ADDRESS", "127.0.0.1:1").load(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cl, err := c.Dial(ctx, nil)
	if err == nil {
		cl.Close()
		t.Fatal("Dial succeeded with nothing listening")
	}
	assertMentions(t, err, "127.0.0.1:1", "namespace default")
}
