// Command testsummary runs `go test -json` and prints what a plain `go test` would (package
// results, and the output of failed tests), then a summary of every test that failed or was
// skipped, with the reason each skip gave. A green run then means what it says: a skip is seen,
// not discovered.
//
// Under CI (CI set to anything but "", "0" or "false") a skip fails the run: CI has everything
// the tests need, so a test that skipped there did not check what it is for.
//
//	go run ./internal/testsummary -- go test -json ./...
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: testsummary -- go test -json [flags] [packages]")
		os.Exit(2)
	}
	os.Exit(run(args, os.Stdout, os.Stderr, inCI(os.Getenv("CI"))))
}

func inCI(v string) bool { return v != "" && v != "0" && !strings.EqualFold(v, "false") }

// run runs the test command, reports as it goes and returns the exit code: the command's own
// when it failed, 1 when a test was skipped under CI, 0 otherwise.
func run(args []string, stdout, stderr io.Writer, ci bool) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(stderr, "testsummary:", err)
		return 2
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "testsummary:", err)
		return 2
	}
	r := newReport(stdout)
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		r.line(sc.Bytes())
	}
	waitErr := cmd.Wait()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(waitErr, &exit):
		code = exit.ExitCode()
	case waitErr != nil:
		fmt.Fprintln(stderr, "testsummary:", waitErr)
		code = 2
	}
	r.summary(ci)
	if code == 0 && ci && len(r.skipped) > 0 {
		fmt.Fprintf(stdout, "FAIL: CI=true and %d test(s) skipped; CI has what every test needs, so nothing may skip there.\n", len(r.skipped))
		return 1
	}
	return code
}

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type testKey struct{ pkg, test string }

// outcome is a test that failed or skipped, with what it printed.
type outcome struct {
	testKey
	reason string
}

type report struct {
	out     io.Writer
	buffers map[testKey][]string
	skipped []outcome
	failed  []outcome
}

func newReport(out io.Writer) *report {
	return &report{out: out, buffers: map[testKey][]string{}}
}

// line handles one line of the test command's output.
func (r *report) line(b []byte) {
	var e event
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &e) != nil {
		fmt.Fprintf(r.out, "%s\n", b) // not an event: pass it on as it is
		return
	}
	k := testKey{e.Package, e.Test}
	switch {
	case e.Action == "build-output":
		fmt.Fprint(r.out, e.Output)
	case e.Test == "" && e.Action == "output":
		if e.Output != "PASS\n" { // plain go test prints only the "ok" line of a passing package
			fmt.Fprint(r.out, e.Output)
		}
	case e.Test == "":
	case e.Action == "output":
		r.buffers[k] = append(r.buffers[k], e.Output)
	case e.Action == "fail":
		fmt.Fprint(r.out, strings.Join(r.buffers[k], ""))
		r.failed = append(r.failed, outcome{k, ""})
		delete(r.buffers, k)
	case e.Action == "skip":
		r.skipped = append(r.skipped, outcome{k, skipReason(r.buffers[k])})
		delete(r.buffers, k)
	case e.Action == "pass":
		delete(r.buffers, k)
	}
}

// skipReason is what the test logged before it skipped (its t.Skip message), on one line.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

func (r *report) summary(ci bool) {
	sortOutcomes(r.failed)
	sortOutcomes(r.skipped)
	fmt.Fprintln(r.out)
	if len(r.failed) > 0 {
		fmt.Fprintf(r.out, "== Failed: %d\n", len(r.failed))
		for _, o := range r.failed {
			fmt.Fprintf(r.out, "- %s %s\n", o.pkg, o.test)
		}
	}
	if len(r.skipped) == 0 {
		fmt.Fprintln(r.out, "== Skipped: none")
		return
	}
	fmt.Fprintf(r.out, "== Skipped: %d\n", len(r.skipped))
	for _, o := range r.skipped {
		fmt.Fprintf(r.out, "- %s %s: %s\n", o.pkg, o.test, o.reason)
	}
}

func sortOutcomes(o []outcome) {
	sort.Slice(o, func(i, j int) bool {
		if o[i].pkg != o[j].pkg {
			return o[i].pkg < o[j].pkg
		}
		return o[i].test < o[j].test
	})
}
