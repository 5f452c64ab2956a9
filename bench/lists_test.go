package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	winreport "github.com/winback/winback/report"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// Figure 8: the task lists and the report, which read the store's task index and campaign
// records, at 10,000 and at 50,000 open campaigns. The campaigns' records are filed straight
// into the worker's store (testenv.SeedIndex, through store.SyncCampaigns, the path
// SyncCampaign takes), since launching 50,000 campaigns takes the dev server most of ten
// minutes and what a list costs depends on the index's rows, not on the workflows; a few
// hundred real campaigns run on the dev server all along, so that the worker and the server
// are not idle. Alice owns half of the open campaigns, one open task each.

// listsQueue is the task queue of the worker of figure 8.
const listsQueue = "bench-lists"

// listsMeasures are what figure 8 times, in the order of its table.
var listsMeasures = []struct{ key, what string }{
	{"inbox", "Inbox: alice's first My tasks page (HTTP GET, signed in)"},
	{"cli", "`winback tasks --rep alice` (the CLI process, end to end)"},
	{"report-page", "Inbox: the report page (maria, every campaign)"},
	{"report-cli", "`winback report -o json` (the CLI process, end to end)"},
}

// listsResult is figure 8.
type listsResult struct {
	Sizes                 []listsSize
	N                     int // timed runs of each measure at each size
	Real                  int // real campaigns running on the dev server
	RealTook              time.Duration
	Others                int // reps other than alice
	Took                  time.Duration
	LoadBefore, LoadAfter string
}

// listsSize is figure 8 at one number of open campaigns.
type listsSize struct {
	Open, Closed int // campaign records in the store (closed ones: the report's history)
	AliceTasks   int
	SeedTook     time.Duration // filing this size's new records
	StoreBytes   int64
	InboxBytes   int // alice's first page
	Latency      map[string]tail95
	LoadAfter    string
}

// tail95 sums up timed runs.
type tail95 struct{ P50, P95, Max time.Duration }

func summarize95(d []time.Duration) tail95 {
	s := slices.Clone(d)
	slices.Sort(s)
	return tail95{P50: percentile(s, 50), P95: percentile(s, 95), Max: s[len(s)-1]}
}

// measureLists starts a dev server and the worker binary, runs real campaigns on them, then
// for each size files campaign records into the worker's store until it holds that many open
// campaigns (and a quarter as many closed), and times each measure n times, interleaved.
func measureLists(t *testing.T, sizes []int, n, real int) listsResult {
	t.Helper()
	ctx := context.Background()
	r := listsResult{N: n, Real: real, LoadBefore: loadAvg()}
	began := time.Now()
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	c := server.Client(t)
	workerBin, cliBin := testenv.Binaries(t)
	dataDir := t.TempDir()
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	env := []string{
		"TEMPORAL_ADDRESS=" + server.Address,
		"TEMPORAL_NAMESPACE=default",
		"WINBACK_HTTP_ADDR=" + httpAddr,
		"WINBACK_DATA_DIR=" + dataDir,
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LOG_LEVEL=warn",
		"WINBACK_TASK_QUEUE=" + listsQueue,
	}
	p := testenv.StartProcess(t, env, workerBin)
	waitHealthy(t, p, httpAddr)

	progress("lists: starting %d real campaigns (backstory due in a day) on the dev server", real)
	stamp := time.Now().Format("150405")
	pb := openPlaybook()
	if err := forEach(real, 16, func(i int) error {
		// bob's, not alice's: the campaigns file their records too, and alice's count must be
		// the seeded one whatever the real campaigns have filed by then.
		in := campaignInput(fmt.Sprintf("lists-%s-%05d", stamp, i), pb)
		in.Owners.Rep = workflows.Person{ID: "bob", Email: "bob@example.com"}
		_, err := workflows.Start(ctx, c, listsQueue, in)
		return err
	}); err != nil {
		t.Fatalf("lists: start: %v", err)
	}
	r.RealTook = time.Since(began)

	st, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(dataDir, "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	others := []string{"bob"}
	for k := range 19 {
		others = append(others, fmt.Sprintf("rep-%02d", k+1))
	}
	r.Others = len(others)
	base := "http://" + httpAddr
	open, alice := 0, 0
	for k, size := range sizes {
		more := size - open
		seedBegan := time.Now()
		got, err := testenv.SeedIndex(ctx, st, testenv.Seed{Prefix: fmt.Sprintf("s%d-", k), Open: more, Closed: more / 4,
			Rep: "alice", Others: others, Manager: "maria", Now: time.Now()})
		if err != nil {
			t.Fatalf("lists: seeding %d: %v", size, err)
		}
		open, alice = size, alice+got
		sz := listsSize{Open: size, Closed: size / 4, AliceTasks: alice, SeedTook: time.Since(seedBegan), Latency: map[string]tail95{}}
		sz.StoreBytes, _, _ = dbBytes(filepath.Join(dataDir, "winback.db"))
		progress("lists: %d open campaigns filed (%d of them alice's) in %s; store %s", size, alice, sz.SeedTook.Round(time.Millisecond), mib(uint64(sz.StoreBytes)))

		aliceC, err := testenv.InboxSignIn(base, "alice", "alice-demo")
		if err != nil {
			t.Fatal(err)
		}
		mariaC, err := testenv.InboxSignIn(base, "maria", "maria-demo")
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("of %d tasks", alice)
		measures := map[string]func() error{
			"inbox": func() error {
				body, err := fetch(aliceC, base+"/inbox/tasks")
				if err == nil && !strings.Contains(body, want) {
					err = fmt.Errorf("alice's page does not say %q", want)
				}
				sz.InboxBytes = len(body)
				return err
			},
			"cli": func() error {
				out, err := runCLI(env, cliBin, "tasks", "--rep", "alice")
				if err == nil && !strings.Contains(out, want) {
					err = fmt.Errorf("winback tasks does not say %q:\n%s", want, out)
				}
				return err
			},
			"report-page": func() error {
				body, err := fetch(mariaC, base+"/inbox/report")
				if err == nil && strings.Count(body, `role="img"`) != 3 {
					err = fmt.Errorf("the report page has no charts")
				}
				return err
			},
			"report-cli": func() error {
				_, err := runCLI(env, cliBin, "report", "-o", "json")
				return err
			},
		}
		times := map[string][]time.Duration{}
		for i := range n + 3 { // three to warm up, then n timed, each round in a rotated order
			for j := range listsMeasures {
				m := listsMeasures[(i+j)%len(listsMeasures)].key
				t0 := time.Now()
				if err := measures[m](); err != nil {
					t.Fatalf("lists: %s at %d: %v\nworker log:\n%s", m, size, err, tail(p.Log.String(), 20))
				}
				if i >= 3 {
					times[m] = append(times[m], time.Since(t0))
				}
			}
		}
		for _, m := range listsMeasures {
			sz.Latency[m.key] = summarize95(times[m.key])
			progress("lists: %d open, %s: p50 %s, p95 %s", size, m.key, ms(sz.Latency[m.key].P50), ms(sz.Latency[m.key].P95))
		}
		sz.LoadAfter = loadAvg()
		r.Sizes = append(r.Sizes, sz)
	}
	r.Took, r.LoadAfter = time.Since(began), loadAvg()
	return r
}

// thousands writes n with its thousands separated: 50,000.
func thousands(n int) string { return winreport.Money(float64(n)) }

// fetch GETs url and returns its body; a status other than 200 is an error.
func fetch(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return string(body), err
}

// runCLI runs the CLI to its end and returns its output; an exit other than 0 is an error.
func runCLI(env []string, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("winback %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// listsSizes reads WINBACK_BENCH_LISTS: the numbers of open campaigns, growing.
func listsSizes(t *testing.T) []int {
	v := os.Getenv("WINBACK_BENCH_LISTS")
	if v == "" {
		return []int{10000, 50000}
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 2 || (len(sizes) > 0 && n <= sizes[len(sizes)-1]) {
			t.Fatalf("WINBACK_BENCH_LISTS=%q: want growing numbers of open campaigns, e.g. 10000,50000", v)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// listsSection is figure 8 in BENCHMARKS.md.
func (r *report) listsSection(p printer) {
	l := r.Lists
	p("## 8. Task lists and the report from the store's index, by the number of open campaigns\n\n")
	if len(l.Sizes) == 0 {
		p("Not measured.\n\n")
		return
	}
	first, last := l.Sizes[0], l.Sizes[len(l.Sizes)-1]
	p("| Measure |")
	for _, s := range l.Sizes {
		p(" %s open: p50 / p95 |", thousands(s.Open))
	}
	p(" p95 ratio %s / %s | aim | |\n|---|", thousands(last.Open), thousands(first.Open))
	for range l.Sizes {
		p("---|")
	}
	p("---|---|---|\n")
	for _, m := range listsMeasures {
		p("| %s |", m.what)
		worst := time.Duration(0)
		for _, s := range l.Sizes {
			x := s.Latency[m.key]
			worst = max(worst, x.P95)
			p(" %s / %s |", ms(x.P50), ms(x.P95))
		}
		q := ratio(last.Latency[m.key].P95, first.Latency[m.key].P95)
		verdict := atMost(float64(worst)/float64(time.Millisecond), 300, "%.0f ms")
		if strings.HasPrefix(m.key, "report") {
			p(" %.2f | p95 < 300 ms | %s (p95; no ratio aim: the report adds up the distinct groups of its range and reads each campaign won back, so it grows with the campaigns) |\n", q, verdict)
			continue
		}
		if v := atMost(q, 1.5, "%.2f"); v != "met" {
			verdict += "; ratio " + v
		}
		p(" %.2f | p95 < 300 ms, ratio ≤ 1.5 | %s |\n", q, verdict)
	}
	p("\nLoad average (1, 5, 15 min): %s before, ", l.LoadBefore)
	for _, s := range l.Sizes {
		p("%s after %s open, ", s.LoadAfter, thousands(s.Open))
	}
	p("%s at the end; the figure took %s.\n\n", l.LoadAfter, l.Took.Round(time.Second))
	p("How to read it: before this index, a task list walked visibility and queried every open campaign (issue 15:\n")
	p("54 s for `winback tasks --rep alice` at 4,991 campaigns, 14 s and 1.2 MB for the inbox page); now each list is\n")
	p("one query of the store for its page and its counts, so its time follows the page (50 tasks) and the count of\n")
	p("the person's tasks, not the campaigns. The CLI's figures are whole processes (start, configuration, store\n")
	p("and Temporal connections, one query, print).\n\n")
	p("How: a dev server (its SQLite file) and the `winback-worker` binary (default settings, the SQLite store in its\n")
	p("data folder: WAL, synchronous=full), %d real campaigns of bob's started on it first (default playbook, backstory due in a\n", l.Real)
	p("day; %s). Then, for each size, campaign records filed straight into the worker's store with\n", l.RealTook.Round(time.Second))
	p("`store.SyncCampaigns` (500 a transaction; `internal/testenv.SeedIndex`), as the campaigns file them through the\n")
	p("`SyncCampaign` activity, until it held that many open campaigns: one open rep task each (backstory, exit\n")
	p("interview, thank-you call, check-in call in turn, due within three days, one in ten overdue), every other one\n")
	p("alice's and the rest shared by %d other reps; plus a quarter as many closed campaigns over the past year (won\n", l.Others)
	p("back, walked away, declined, expired, opted out, cancelled), each with a record of the stage before it closed.\n")
	p("The real campaigns are bob's and file their own records (one open backstory each) through `SyncCampaign`.\n\n")
	p("| Open campaigns | Closed | alice's open tasks | Records filed in | Store file | alice's first page |\n|---|---|---|---|---|---|\n")
	for _, s := range l.Sizes {
		p("| %s | %s | %s | %s | %s | %.1f KiB |\n", thousands(s.Open), thousands(s.Closed), thousands(s.AliceTasks),
			s.SeedTook.Round(time.Millisecond), mib(uint64(s.StoreBytes)), float64(s.InboxBytes)/1024)
	}
	p("\nEach measure ran %d times at each size after three untimed runs, the four measures interleaved in a rotating\n", l.N)
	p("order; the inbox requests reuse one signed-in session each (alice for My tasks, maria for the report).\n\n")
}
