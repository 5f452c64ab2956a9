package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/winback/winback/config"
)

func TestMain(m *testing.M) {
	// Keep the developer's own ~/.config/temporalio/temporal.toml out of the tests.
	home, err := os.MkdirTemp("", "config-test-home")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", home)
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// vars is a fake environment. Every test environment gets its own data folder, so generated
// secrets never land in the source tree.
type vars map[string]string

func newVars(t *testing.T, kv ...string) vars {
	t.Helper()
	v := vars{"WINBACK_DATA_DIR": t.TempDir()}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = kv[i+1]
	}
	return v
}

func (v vars) lookup(name string) (string, bool) {
	s, ok := v[name]
	return s, ok
}

func (v vars) load(t *testing.T) *config.Config {
	t.Helper()
	c, err := config.LoadFrom(v.lookup)
	if err != nil {
		t.Fatalf("LoadFrom: %v", err)
	}
	return c
}

func (v vars) loadErr(t *testing.T) error {
	t.Helper()
	c, err := config.LoadFrom(v.lookup)
	if err == nil {
		t.Fatalf("LoadFrom succeeded, want an error; got %v", c)
	}
	return err
}

// writeFile writes content to a new file in a temporary folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	validSID    = "AC0123456789abcdef0123456789abcdef"
	validToken  = "0123456789abcdef0123456789abcdef"
	validMSID   = "MG0123456789abcdef0123456789abcdef"
	sendGridKey = "SG.secret-sendgrid-key.abcdef"
	stripeKey   = "sk_test_secretstripekey123"
)
