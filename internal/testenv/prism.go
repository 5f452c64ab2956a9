package testenv

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// PrismBinary is where `make prism` installs Stoplight Prism 5.14.2.
func PrismBinary() string {
	return filepath.Join(RepoRoot(), ".tools", "prism", "node_modules", ".bin", "prism")
}

// SpecPath is one of the providers' official OpenAPI specs in ../shared/specs.
func SpecPath(name string) string {
	return filepath.Join(RepoRoot(), "..", "shared", "specs", name)
}

// StartPrism serves a spec with Prism's validating mock on a free port and returns its URL.
// Without Prism installed the test is skipped, except in CI (CI=true), where `make test`
// installs it and its absence is a failure.
func StartPrism(t testing.TB, spec string) string {
	t.Helper()
	bin := PrismBinary()
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Prism is not installed at %s: run `make prism`", bin)
		}
		t.Skipf("Prism is not installed at %s: run `make prism` (make test does)", bin)
	}
	if _, err := os.Stat(SpecPath(spec)); err != nil {
		t.Fatalf("spec %s: %v (the specs live in ../shared/specs)", spec, err)
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
