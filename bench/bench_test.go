package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// settings are the bench's knobs, from the environment.
type settings struct {
	Open, Updates, Campaigns, Bares, Sends int
	Lists                                  []int // open campaigns of figure 8, growing
	ListRuns, ListReal                     int   // timed runs per measure and size; real campaigns
	Out                                    string
}

func readSettings(t *testing.T) settings {
	t.Helper()
	number := func(name string, def, least int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < least {
			t.Fatalf("%s=%q: want a whole number of at least %d", name, v, least)
		}
		return n
	}
	s := settings{
		Open:      number("WINBACK_BENCH_OPEN", 10000, 1),
		Updates:   number("WINBACK_BENCH_UPDATES", 250, 10),
		Campaigns: number("WINBACK_BENCH_CAMPAIGNS", 10, 1),
		Bares:     number("WINBACK_BENCH_BARE", 200, 1),
		Sends:     number("WINBACK_BENCH_SENDS", 2000, 2),
		Lists:     listsSizes(t),
		ListRuns:  number("WINBACK_BENCH_LISTS_RUNS", 50, 5),
		ListReal:  number("WINBACK_BENCH_LISTS_REAL", 500, 0),
		Out:       os.Getenv("WINBACK_BENCH_OUT"),
	}
	if s.Out == "" {
		s.Out = filepath.Join(testenv.RepoRoot(), "BENCHMARKS.md")
	}
	return s
}

// TestBench is `make bench`: every figure of issue 9 in one run, winback side by side with
// bare Temporal, printed and written to BENCHMARKS.md. It asserts nothing about speed; it fails
// only when something it drives fails.
//
// Each group of figures is a subtest, so that one can be measured alone, e.g.
// `-run 'TestBench/sends'`; BENCHMARKS.md is written only when every group ran and none failed,
// else the groups that ran are printed.
func TestBench(t *testing.T) {
	if os.Getenv("WINBACK_BENCH") == "" {
		t.Skip("set WINBACK_BENCH=1 to run the benchmarks (make bench); they take several minutes")
	}
	s := readSettings(t)
	rep := report{Settings: s, Machine: readMachine(), Began: time.Now(), Ran: map[string]bool{}}
	rep.collectVersions(t)
	progress("bench: %s cores, %s, load %s; commit %s", rep.Machine.Cores, rep.Machine.Memory, rep.Machine.LoadAvg, rep.Commit)
	group := func(name string, measure func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			measure(t)
			rep.Ran[name] = true // not reached when measure failed
		})
	}

	// The figures that bring their own processes run first, alone.
	group("suite", func(t *testing.T) { rep.Suite = measureSuite(t) })
	group("launch", func(*testing.T) {
		rep.Launch = measureLaunch()
		rep.ClusterLaunch = measureClusterLaunch() // right after, so both see the same machine
	})
	group("sends", func(t *testing.T) { rep.Sends = measureSends(t, s.Sends) })
	group("lists", func(t *testing.T) { rep.Lists = measureLists(t, s.Lists, s.ListRuns, s.ListReal) })

	// The rest share one dev server.
	group("server", func(t *testing.T) {
		server := testenv.StartDevServer(t, testenv.DevServerOptions{})
		c := server.Client(t)
		w := startWorker(t, c)
		rep.Updates = measureUpdates(t, c, s.Updates)
		rep.History = measureHistory(t, server, c, s.Campaigns, s.Bares)
		w.Stop() // figure 4 is the worker binary's alone
		rep.Open = measureOpen(t, server, c, s.Open)
	})

	rep.Took = time.Since(rep.Began)
	rep.LoadAfter = loadAvg()
	if missing := rep.notRan(); len(missing) > 0 {
		fmt.Printf("\n%s\n%s not written: %s did not run or failed\n", rep.partialMarkdown(), s.Out, strings.Join(missing, ", "))
		return
	}
	md := rep.markdown()
	if err := os.WriteFile(s.Out, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\n%s\nwrote %s\n", md, s.Out)
}

// progress prints a timestamped line at once (go test -v streams it).
func progress(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// run runs a command in dir to its end and returns its combined output.
func run(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
