package testenv

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PrismBinary is where `make prism` installs Stoplight Prism 5.14.2.
func PrismBinary() string {
	return filepath.Join(RepoRoot(), ".tools", "prism", "node_modules", ".bin", "prism")
}

// ProviderSpecsEnv names the folder that holds SendGrid's and Twilio's official OpenAPI specs.
// The project does not copy them in; by default they are looked for in ../shared/specs beside
// the clone, where CI has them.
const ProviderSpecsEnv = "WINBACK_PROVIDER_SPECS"

// providerSpecSources says where each spec the contract tests use comes from.
var providerSpecSources = map[string]string{
	"tsg_mail_v3.json":      "spec/json/tsg_mail_v3.json of github.com/twilio/sendgrid-oai",
	"twilio_api_v2010.json": "spec/json/twilio_api_v2010.json of github.com/twilio/twilio-oai",
}

// ProviderSpecsDir is the folder of the providers' specs: $WINBACK_PROVIDER_SPECS, or
// ../shared/specs beside the clone.
func ProviderSpecsDir() string {
	if dir := os.Getenv(ProviderSpecsEnv); dir != "" {
		return dir
	}
	return filepath.Join(RepoRoot(), "..", "shared", "specs")
}

// SpecPath is one of the providers' official OpenAPI specs in ProviderSpecsDir.
func SpecPath(name string) string {
	return filepath.Join(ProviderSpecsDir(), name)
}

// RequireProviderSpecs skips the test, saying which files are missing and where to get them,
// unless every named spec is in ProviderSpecsDir. `make test` lists the skip in its summary
// (and fails under CI, which has the specs).
func RequireProviderSpecs(t testing.TB, names ...string) {
	t.Helper()
	var missing []string
	for _, name := range names {
		if _, err := os.Stat(SpecPath(name)); err != nil {
			source := providerSpecSources[name]
			if source == "" {
				source = "the provider's public OpenAPI repository"
			}
			missing = append(missing, fmt.Sprintf("%s (%s)", name, source))
		}
	}
	if len(missing) > 0 {
		t.Skipf("the providers' OpenAPI specs are not in %s: missing %s; put them there, or set %s to a folder that holds them",
			ProviderSpecsDir(), strings.Join(missing, ", "), ProviderSpecsEnv)
	}
}

// StartPrism serves a spec with Prism's validating mock on a free port and returns its URL.
// Without the spec or Prism the test is skipped, saying what is missing (`make test` installs
// Prism and lists every skip in its summary).
func StartPrism(t testing.TB, spec string) string {
	t.Helper()
	RequireProviderSpecs(t, spec)
	bin := PrismBinary()
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("Prism is not installed at %s: run `make prism` (make test does)", bin)
	}
	port := FreePort(t)
	log := &SyncBuffer{}
	cmd := exec.Command(bin, "mock", "-h", "127.0.0.1", "-p", fmt.Sprint(port), "--errors", SpecPath(spec))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get(url + "/"); err == nil { // any answer means ready (404 here)
			resp.Body.Close()
			return url
		}
	}
	t.Fatalf("Prism on %s did not start:\n%s", spec, log.String())
	return ""
}
