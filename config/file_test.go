package config_test

import (
	"context"
	"testing"

	"github.com/winback/winback/config"
)

func TestConfigFileAndEnvironmentPrecedence(t *testing.T) {
	file := writeFile(t, "winback.yaml", `
# keys are variable names without WINBACK_, in lower case
http_addr: 0.0.0.0:9090
public_url: https://winback.example.com
temporal_address: temporal:7233
temporal_namespace: campaigns
task_queue: from-file
log_level: debug
from_name: ""
temporal_grpc_meta_x_team: growth
`)
	v := newVars(t, "WINBACK_CONFIG", file, "WINBACK_HTTP_ADDR", "127.0.0.1:7000", "WINBACK_TASK_QUEUE", "")
	c := v.load(t)
	for _, tc := range []struct{ name, got, want string }{
		{"HTTPAddr (environment wins)", c.HTTPAddr, "127.0.0.1:7000"},
		{"PublicURL (file)", c.PublicURL, "https://winback.example.com"},
		{"Temporal address (file, through envconfig)", c.Temporal.ClientOptions.HostPort, "temporal:7233"},
		{"namespace (file)", c.Temporal.ClientOptions.Namespace, "campaigns"},
		{"task queue (empty variable is unset, so the file wins)", c.Temporal.TaskQueue, "from-file"},
		{"from name (empty in the file is the default)", c.SendGrid.FromName, "winback"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if c.LogLevel.String() != "DEBUG" {
		t.Errorf("LogLevel = %v, want debug from the file", c.LogLevel)
	}
	hp := c.Temporal.ClientOptions.HeadersProvider
	if hp == nil {
		t.Fatal("no gRPC headers from temporal_grpc_meta_x_team")
	}
	headers, _ := hp.GetHeaders(context.Background())
	if headers["x-team"] != "growth" {
		t.Errorf("headers = %v, want x-team: growth", headers)
	}
}

func TestConfigFileErrorsNameFileLineAndKey(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		mention       []string
	}{
		{"bad value", "log_level: debug\nhttp_addr: localhost\n", []string{"winback.yaml:2: http_addr:", `"localhost" is not host:port`}},
		{"unknown key", "http_adr: 0.0.0.0:8080\n", []string{"WINBACK_CONFIG", "winback.yaml:1:", `unknown key "http_adr"`}},
		{"prefixed key", "WINBACK_HTTP_ADDR: 0.0.0.0:8080\n", []string{"WINBACK_CONFIG", `unknown key "WINBACK_HTTP_ADDR"`, "did you mean http_addr?"}},
		{"list value", "http_addr: [a, b]\n", []string{"winback.yaml:1:", "http_addr", "single value"}},
		{"not a mapping", "- http_addr\n", []string{"WINBACK_CONFIG", "mapping"}},
		{"duplicate", "http_addr: a:1\nhttp_addr: b:2\n", []string{"winback.yaml", "http_addr"}},
		{"yaml syntax", "http_addr: [\n", []string{"WINBACK_CONFIG", "winback.yaml"}},
		{"secret too short", "link_secret: tiny\n", []string{"winback.yaml:1: link_secret:", "need at least 16"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newVars(t, "WINBACK_CONFIG", writeFile(t, "winback.yaml", tc.content)).loadErr(t)
			assertMentions(t, err, tc.mention...)
		})
	}
	err := newVars(t, "WINBACK_CONFIG", "/nonexistent/winback.yaml").loadErr(t)
	assertMentions(t, err, "WINBACK_CONFIG", "/nonexistent/winback.yaml")
}

func TestEmptyConfigFileSetsNothing(t *testing.T) {
	c := newVars(t, "WINBACK_CONFIG", writeFile(t, "winback.yaml", "# nothing yet\n")).load(t)
	if c.HTTPAddr != "127.0.0.1:8080" {
		t.Errorf("HTTPAddr = %q", c.HTTPAddr)
	}
}

func TestLoadReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv("WINBACK_DATA_DIR", t.TempDir())
	t.Setenv("WINBACK_TASK_QUEUE", "from-env")
	t.Setenv("TEMPORAL_GRPC_META_X_TENANT", "acme")
	c, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.TaskQueue != "from-env" {
		t.Errorf("TaskQueue = %q", c.Temporal.TaskQueue)
	}
	headers, _ := c.Temporal.ClientOptions.HeadersProvider.GetHeaders(context.Background())
	if headers["x-tenant"] != "acme" {
		t.Errorf("headers = %v, want x-tenant from TEMPORAL_GRPC_META_X_TENANT", headers)
	}

	t.Setenv("WINBACK_HTTP_ADDR", "localhost")
	_, err = config.Load()
	assertMentions(t, err, `WINBACK_HTTP_ADDR: "localhost" is not host:port`)
}
