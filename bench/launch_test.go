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

// The launch benchmarks of e2e: figure 1 runs the dev server's as it is, figure 7 the same on
// a real cluster, right after it.
const (
	launchBenchName        = "BenchmarkLaunchFromCSV"
	clusterLaunchBenchName = "BenchmarkCSVLaunchOnCluster"
	launchBenchFile        = "e2e/launch_bench_test.go"
)

// launchBenchArgs are the `go` arguments that run the benchmark called name.
func launchBenchArgs(name string) []string {
	return []string{"test", "-count=1", "-run", "^$", "-bench", "^" + name + "$", "-benchtime", "1x", "./e2e"}
}

// launchResult is figure 1, or one side of figure 7.
type launchResult struct {
	Missing           string // why there is no figure, when there is none
	N, Concurrency    int
	CLIRate, BareRate float64 // starts per second
	Ratio             float64
	Took              time.Duration
	Detail            string // the benchmark's own summary line
	Server            string // the benchmark's line about its server, when it logs one
	LoadBefore        string
	LoadAfter         string
}

var (
	benchLog    = regexp.MustCompile(`(\d+) campaigns at concurrency (\d+): (.+)`)
	benchServer = regexp.MustCompile(`cluster: (.+)`)
)

// measureLaunch runs BenchmarkLaunchFromCSV (the real CLI's `launch --csv` against bare
// ExecuteWorkflow calls at the CLI's default concurrency, both on one dev server it starts) and
// reads its figures.
func measureLaunch() launchResult { return runLaunchBench(launchBenchName) }

// measureClusterLaunch runs BenchmarkCSVLaunchOnCluster: the same, on a real Temporal server on
// PostgreSQL that it starts.
func measureClusterLaunch() launchResult { return runLaunchBench(clusterLaunchBenchName) }

// runLaunchBench runs one of e2e's launch benchmarks in its own process and reads its figures.
// It does not fail the run when the benchmark is missing, skips or fails: the other figures
// still count.
func runLaunchBench(name string) launchResult {
	if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), launchBenchFile)); err != nil {
		return launchResult{Missing: launchBenchFile + " is not there"}
	}
	args := launchBenchArgs(name)
	progress("launch: go %s", strings.Join(args, " "))
	r := launchResult{LoadBefore: loadAvg()}
	began := time.Now()
	out, err := run(testenv.RepoRoot(), "go", args...)
	r.Took, r.LoadAfter = time.Since(began), loadAvg()
	if err != nil {
		r.Missing = fmt.Sprintf("%s failed: %v\n%s", name, err, tail(out, 30))
		return r
	}
	m := regexp.MustCompile(`(?m)^` + name + `\S*\s+\d+\s+(.+)$`).FindStringSubmatch(out)
	if m == nil {
		r.Missing = fmt.Sprintf("no %s line in its output:\n%s", name, tail(out, 30))
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
	if l := benchServer.FindStringSubmatch(out); l != nil {
		r.Server = strings.TrimSpace(l[1])
	}
	progress("launch: %s: CLI %.1f starts/s, bare %.1f starts/s at concurrency %d, ratio %.2f", name, r.CLIRate, r.BareRate, r.Concurrency, r.Ratio)
	return r
}
