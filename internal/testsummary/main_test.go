package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleModule writes a small module whose tests pass, skip (with and without a reason) and,
// when failing is set, fail.
func sampleModule(t *testing.T, failing bool) string {
	t.Helper()
	dir := t.TempDir()
	src := `package sample

import "testing"

func TestPasses(t *testing.T) { t.Log("noise a passing test prints") }

func TestNeedsBrowser(t *testing.T) { t.Skip("chromium is missing: apt-get install -y chromium") }

func TestTable(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("no-specs", func(t *testing.T) { t.Skipf("specs not in %s", "/nowhere") })
}
`
	if failing {
		src += "\nfunc TestBroken(t *testing.T) { t.Error(\"the thing a user would notice is wrong\") }\n"
	}
	for name, body := range map[string]string{"go.mod": "module sample\n\ngo 1.21\n", "sample_test.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runSample(t *testing.T, dir string, ci bool) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run([]string{"go", "-C", dir, "test", "-json", "-count=1", "./..."}, &out, &errOut, ci)
	return out.String() + errOut.String(), code
}

func TestSkipsAreListedWithTheirReasons(t *testing.T) {
	out, code := runSample(t, sampleModule(t, false), false)
	if code != 0 {
		t.Fatalf("exit %d for a run with only passes and skips:\n%s", code, out)
	}
	for _, want := range []string{
		"== Skipped: 2",
		"- sample TestNeedsBrowser: sample_test.go:7: chromium is missing: apt-get install -y chromium",
		"- sample TestTable/no-specs: sample_test.go:11: specs not in /nowhere",
		"ok  \tsample",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "noise a passing test prints") {
		t.Errorf("a passing test's log was printed, unlike plain go test:\n%s", out)
	}
}

func TestUnderCIASkipFailsTheRun(t *testing.T) {
	out, code := runSample(t, sampleModule(t, false), true)
	if code != 1 || !strings.Contains(out, "CI=true and 2 test(s) skipped") {
		t.Fatalf("exit %d under CI with two skips; want 1 and the reason:\n%s", code, out)
	}
}

func TestFailuresKeepTheirOutputAndExitCode(t *testing.T) {
	out, code := runSample(t, sampleModule(t, true), false)
	if code == 0 {
		t.Fatalf("exit 0 for a failing test:\n%s", out)
	}
	for _, want := range []string{"the thing a user would notice is wrong", "== Failed: 1", "- sample TestBroken"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCIValues(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true} {
		if got := inCI(v); got != want {
			t.Errorf("CI=%q: inCI %v, want %v", v, got, want)
		}
	}
}
