package bench

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// suiteArgs run every Test function of the workflows package: the playbook scenarios under time
// skipping and the replay of recorded histories (TestRecordHistories skips unless asked).
var suiteArgs = []string{"test", "-count=1", "-run", "Test", "-v", "./workflows"}

// suiteResult is figure 5.
type suiteResult struct {
	Wall     time.Duration // the whole `go test` command, building included
	Binary   time.Duration // the test binary's own run, from go test's "ok" line
	Passed   int           // top-level tests passed
	Skipped  []string
	Replay   time.Duration // TestReplayRecordedHistories alone
	Slowest  string
	Scenario time.Duration // the sum of the other tests' own times
}

var (
	topLevelResult = regexp.MustCompile(`(?m)^--- (PASS|SKIP|FAIL): (\S+) \(([\d.]+)s\)`)
	okLine         = regexp.MustCompile(`(?m)^ok\s+\S+\s+([\d.]+)s`)
)

// measureSuite times the workflow tests. The package is built once first, so the timed run
// mostly measures the tests.
func measureSuite(t *testing.T) suiteResult {
	t.Helper()
	root := testenv.RepoRoot()
	if out, err := run(root, "go", "test", "-count=1", "-run", "^$", "./workflows"); err != nil {
		t.Fatalf("building the workflow tests: %v\n%s", err, out)
	}
	progress("suite: go %s", strings.Join(suiteArgs, " "))
	began := time.Now()
	out, err := run(root, "go", suiteArgs...)
	r := suiteResult{Wall: time.Since(began)}
	if err != nil {
		t.Fatalf("the workflow tests failed: %v\n%s", err, tail(out, 60))
	}
	if m := okLine.FindStringSubmatch(out); m != nil {
		s, _ := strconv.ParseFloat(m[1], 64)
		r.Binary = time.Duration(s * float64(time.Second))
	}
	var slowest time.Duration
	for _, m := range topLevelResult.FindAllStringSubmatch(out, -1) {
		s, _ := strconv.ParseFloat(m[3], 64)
		d := time.Duration(s * float64(time.Second))
		switch {
		case m[1] == "SKIP":
			r.Skipped = append(r.Skipped, m[2])
		case m[2] == "TestReplayRecordedHistories":
			r.Passed++
			r.Replay = d
		default:
			r.Passed++
			r.Scenario += d
			if d > slowest {
				slowest, r.Slowest = d, fmt.Sprintf("`%s` (%s)", m[2], d)
			}
		}
	}
	progress("suite: %d tests passed; the test binary ran %s (the go test command %s)", r.Passed, r.Binary, r.Wall.Round(time.Millisecond))
	return r
}
