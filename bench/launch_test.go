package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// launchBench is e2e's CSV launch benchmark, which figure 1 runs as it is.
const (
	launchBenchName = "BenchmarkLaunchFromCSV"
	launchBenchFile = "e2e/launch_bench_test.go"
)

// launchBenchArgs are the `go` arguments that run it.
var launchBenchArgs = []string{"test", "-count=1", "-run", "^$", "-bench", "^" + launchBenchName + "$", "-benchtime", "1x", "./e2e"}

// launchResult is figure 1.
type launchResult struct {
	Missing           string // why there is no figure, when there is none
	N, Concurrency    int
	CLIRate, BareRate float64 // starts per second
	Ratio             float64
	Took              time.Duration
	Detail            string // the benchmark's own summary line
}

var (
	benchLine = regexp.MustCompile(`(?m)^` + launchBenchName + `\S*\s+\d+\s+(.+)$`)
	benchLog  = regexp.MustCompile(`(\d+) campaigns at concurrency (\d+): (.+)`)
)

// measureLaunch runs BenchmarkLaunchFromCSV (the real CLI's `launch --csv` against bare
// ExecuteWorkflow calls at the CLI's default concurrency, both on one dev server it starts) and
// reads its figures. It does not fail the run when the benchmark is missing or fails: the
// other figures still count.
func measureLaunch() launchResult {
	if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), launchBenchFile)); err != nil {
		return launchResult{Missing: launchBenchFile + " is not there"}
	}
	progress("launch: go %s", strings.Join(launchBenchArgs, " "))
	began := time.Now()
	out, err := run(testenv.RepoRoot(), "go", launchBenchArgs...)
	r := launchResult{Took: time.Since(began)}
	if err != nil {
		r.Missing = fmt.Sprintf("%s failed: %v\n%s", launchBenchName, err, tail(out, 30))
		return r
	}
	m := benchLine.FindStringSubmatch(out)
	if m == nil {
		r.Missing = fmt.Sprintf("no %s line in its output:\n%s", launchBenchName, tail(out, 30))
		return r
	}
	metrics := map[string]float64{}
	f := strings.Fields(m[1])
	for i := 0; i+1 < len(f); i += 2 {
		if v, err := strconv.ParseFloat(f[i], 64); err == nil {
			metrics[f[i+1]] = v
		}
	}
	r.CLIRate, r.BareRate, r.Ratio = metrics["cli-starts/s"], metrics["bare-starts/s"], metrics["ratio"]
	if r.CLIRate == 0 || r.BareRate == 0 {
		r.Missing = fmt.Sprintf("no cli-starts/s or bare-starts/s in %q", m[0])
		return r
	}
	if l := benchLog.FindStringSubmatch(out); l != nil {
		r.N, _ = strconv.Atoi(l[1])
		r.Concurrency, _ = strconv.Atoi(l[2])
		r.Detail = strings.TrimSpace(l[3])
	}
	progress("launch: CLI %.1f starts/s, bare %.1f starts/s at concurrency %d, ratio %.2f", r.CLIRate, r.BareRate, r.Concurrency, r.Ratio)
	return r
}
