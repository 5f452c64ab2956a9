package bench

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// benchCommand is what `make bench` runs.
const benchCommand = "WINBACK_BENCH=1 go test -count=1 -timeout 60m -run '^TestBench$' -v ./bench"

// report is everything BENCHMARKS.md says.
type report struct {
	Settings  settings
	Machine   machine
	Began     time.Time
	Took      time.Duration
	LoadAfter string
	Commit    string // short hash, "+ uncommitted changes" when the tree is dirty
	Temporal  string // the dev server's version line
	Server    string // the go.temporal.io/server module the cluster runs
	SDK       string

	Ran           map[string]bool // the groups of figures measured (benchGroups)
	Suite         suiteResult
	Launch        launchResult
	ClusterLaunch launchResult
	Sends         sendsResult
	Updates       updatesResult
	History       historyResult
	Open          openResult
	Lists         listsResult
}

// benchGroups are TestBench's subtests, in the order they run.
var benchGroups = []string{"suite", "launch", "sends", "lists", "server"}

// notRan lists the groups that did not run to their end.
func (r *report) notRan() []string {
	var missing []string
	for _, g := range benchGroups {
		if !r.Ran[g] {
			missing = append(missing, g)
		}
	}
	return missing
}

// collectVersions reads the commit, the Temporal CLI's version and the SDK's.
func (r *report) collectVersions(t *testing.T) {
	t.Helper()
	root := testenv.RepoRoot()
	if out, err := run(root, "git", "rev-parse", "--short", "HEAD"); err == nil {
		r.Commit = strings.TrimSpace(out)
		if st, err := run(root, "git", "status", "--porcelain"); err == nil && strings.TrimSpace(st) != "" {
			r.Commit += " + uncommitted changes"
		}
	} else {
		r.Commit = "unknown (" + strings.TrimSpace(out) + ")"
	}
	if out, err := run(root, testenv.TemporalBinary(t), "--version"); err == nil {
		r.Temporal = strings.TrimSpace(out)
	}
	if out, err := run(root, "go", "list", "-m", "go.temporal.io/sdk"); err == nil {
		r.SDK = strings.TrimSpace(out)
	}
	if out, err := run(root, "go", "list", "-modfile=tools/go.mod", "-m", "go.temporal.io/server"); err == nil {
		r.Server = strings.TrimSpace(out)
	}
}

// row is one line of the figures table.
type row struct{ num, figure, winback, bare, ratio, aim, verdict string }

// rows are the figures table, one row per figure, with its aim and whether it was met.
func (r *report) rows() []row {
	var rows []row
	if l := r.Launch; l.Missing == "" {
		rows = append(rows, row{"1", fmt.Sprintf("Batch launch rate: %d campaigns from a CSV (`winback launch --csv`) vs bare `ExecuteWorkflow`, both at concurrency %d", l.N, l.Concurrency),
			fmt.Sprintf("%.1f starts/s", l.CLIRate), fmt.Sprintf("%.1f starts/s", l.BareRate), fmt.Sprintf("%.2f", l.Ratio),
			"ratio ≥ 0.9", atLeast(l.Ratio, 0.9, "%.2f")})
	} else {
		rows = append(rows, row{"1", "Batch launch rate from a CSV vs bare StartWorkflow", "not measured", "not measured", "–", "ratio ≥ 0.9", "no figure (see notes)"})
	}
	u := r.Updates
	rows = append(rows,
		row{"2", fmt.Sprintf("Task completion latency p50: `CompleteTask` Update vs a bare Update on a trivial workflow, %d each, interleaved", u.N),
			ms(u.Campaign.P50), ms(u.Bare.P50), fmt.Sprintf("%.2f", ratio(u.Campaign.P50, u.Bare.P50)), "–", ""},
		row{"2", "Task completion latency p99 (same updates)",
			ms(u.Campaign.P99), ms(u.Bare.P99), fmt.Sprintf("%.2f", ratio(u.Campaign.P99, u.Bare.P99)), "ratio ≤ 1.25",
			atMost(ratio(u.Campaign.P99, u.Bare.P99), 1.25, "%.2f")})
	h := r.History
	rows = append(rows,
		row{"3", fmt.Sprintf("History events per full campaign (all stages, twelve check-ins, won back; mean of %d) vs a bare workflow with one activity (mean of %d)", h.Campaigns, h.Bares),
			fmt.Sprintf("%.1f", h.CampaignEvents), fmt.Sprintf("%.1f", h.BareEvents), fmt.Sprintf("%.1f", h.CampaignEvents/h.BareEvents),
			"≤ 120 events", atMost(h.CampaignEvents, 120, "%.0f")},
		row{"3", "Workflow tasks per campaign vs bare",
			fmt.Sprintf("%.1f", h.CampaignTasks), fmt.Sprintf("%.1f", h.BareTasks), fmt.Sprintf("%.1f", h.CampaignTasks/h.BareTasks), "–", ""},
		row{"3", "Server CPU seconds per campaign vs bare (utime+stime of the dev server, idle subtracted)",
			fmt.Sprintf("%.3f s", h.CampaignCPU.Seconds()), fmt.Sprintf("%.4f s", h.BareCPU.Seconds()),
			fmt.Sprintf("%.1f", ratio(h.CampaignCPU, h.BareCPU)), "ratio ≤ 3", atMost(ratio(h.CampaignCPU, h.BareCPU), 3, "%.1f")})
	o := r.Open
	rows = append(rows,
		row{"4", fmt.Sprintf("Worker RSS (the `winback-worker` binary, default settings) with %d open campaigns waiting on timers", o.N),
			mib(o.WorkerRSS), "–", "–", "≤ 150 MiB", atMost(float64(o.WorkerRSS)/(1<<20), 150, "%.0f MiB")},
		row{"4", "Server database bytes per open campaign (growth of the SQLite file, and of its `-wal` if any, / N)",
			fmt.Sprintf("%.1f KiB", o.DBPerCampaign/1024), "–", "–", "–", ""},
		row{"5", "Wall time of the workflow test suite under time skipping (test binary run; see how)",
			r.Suite.Binary.String(), "–", "–", "–", ""})
	return rows
}

// atMost and atLeast say whether a figure meets its aim, and by how much it misses.
func atMost(v, aim float64, format string) string {
	if v <= aim {
		return "met"
	}
	return fmt.Sprintf("missed by "+format+" (%.0f%%)", v-aim, (v-aim)/aim*100)
}

func atLeast(v, aim float64, format string) string {
	if v >= aim {
		return "met"
	}
	return fmt.Sprintf("missed by "+format+" (%.0f%%)", aim-v, (aim-v)/aim*100)
}

// markdown renders BENCHMARKS.md.
func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `make bench`; do not edit by hand. Every figure below was measured in one run of\n\n")
	p("    %s\n\n", benchCommand)
	p("and a ratio in the figures table compares winback with bare Temporal measured on the same dev server in\n")
	p("the same run; sections 6 and 7 compare winback with itself, on the old ledger and on the dev server, and\n")
	p("section 8 its task lists and report at two numbers of open campaigns.\n")
	p("Figures from one run on a shared machine: compare ratios, not absolute times, between runs.\n\n")
	p("| | |\n|---|---|\n")
	p("| Date | %s |\n", r.Began.UTC().Format("2006-01-02 15:04 MST"))
	p("| Commit | %s |\n", r.Commit)
	p("| Machine | %s cores (%s), %s memory |\n", r.Machine.Cores, r.Machine.CPU, r.Machine.Memory)
	p("| Load average (1, 5, 15 min) | %s at the start, %s at the end: other engineers' tests shared the machine |\n", r.Machine.LoadAvg, r.LoadAfter)
	p("| Temporal | dev server `%s`, its SQLite file with default pragmas, headless, 127.0.0.1; %s |\n", oneLine(r.Temporal), r.SDK)
	p("| Run took | %s |\n\n", r.Took.Round(time.Second))

	p("## Figures\n\n")
	p("| # | Figure | winback | bare Temporal | ratio | aim | |\n|---|---|---|---|---|---|---|\n")
	for _, x := range r.rows() {
		p("| %s | %s | %s | %s | %s | %s | %s |\n", x.num, x.figure, x.winback, x.bare, x.ratio, x.aim, x.verdict)
	}

	p("\n")
	r.sendsSection(p)
	r.clusterLaunchSection(p)
	r.listsSection(p)
	p("## How figures 1 to 5 were taken\n\n")
	l := r.Launch
	if l.Missing == "" {
		p("1. e2e's `BenchmarkLaunchFromCSV`, run as it is (`go %s`, %s): the real CLI process launches\n", strings.Join(launchBenchArgs(launchBenchName), " "), l.Took.Round(time.Second))
		p("   %d campaigns from a CSV at its default concurrency (%d); bare `ExecuteWorkflow` of a trivial workflow starts\n", l.N, l.Concurrency)
		p("   as many at the same concurrency, half before and half after the CLI. No worker runs: starts only.\n")
		p("   It starts its own dev server (same binary and flags as the one below), so this figure does not share\n")
		p("   the other figures' server; both of its sides share one. Its own line: %s.\n", l.Detail)
	} else {
		p("1. Not measured: %s\n", indent(l.Missing, "   "))
	}
	u := r.Updates
	p("2. %d campaigns (default playbook, backstory due in a day) and %d trivial workflows (an update handler\n", u.N+updateWarmup, u.N+updateWarmup)
	p("   that returns its argument) on one in-process worker; once every first workflow task ran, %d updates of each\n", u.N)
	p("   kind, one at a time, interleaved pair by pair with the order flipped each pair, after %d of each to warm up.\n", updateWarmup)
	p("   Each is timed from `UpdateWorkflow` to its result (`WaitForStage: Completed`). CompleteTask completes the\n")
	p("   campaign's backstory, which also opens the exit interview. Means: %s vs %s; maxima: %s vs %s.\n",
		ms(u.Campaign.Mean), ms(u.Bare.Mean), ms(u.Campaign.Max), ms(u.Bare.Max))
	h := r.History
	p("3. %d full campaigns at once on the same in-process worker, sends to a fake sender, with the timings of\n", h.Campaigns)
	p("   `workflows.BenchmarkFullCampaignHistory` (the first check-in %s after launch): backstory, exit interview,\n", firstCheckIn)
	p("   decision (pursue), revisit email, wait, thank-you call (considering), twelve check-ins (every third by SMS),\n")
	p("   then the CustomerReturned signal: won back. Then %d bare workflows (one activity, then done), 8 at a time.\n", h.Bares)
	p("   Events and completed workflow tasks are summed over every run of a chain (%.1f runs per campaign).\n", h.Runs)
	p("   Server CPU is utime+stime of the dev server process from `/proc/<pid>/stat` before and %s after each\n", settle)
	p("   batch, less the idle server's rate (%.3f CPU-s/s, watched for %s) over the batch's time, divided by the\n", h.IdleCPU, idleWindow)
	p("   batch's size. Gross: %.2f s over %s for the campaigns, %.2f s over %s for the bare workflows.\n",
		h.CampaignGross.Seconds(), h.CampaignWall.Round(time.Millisecond), h.BareGross.Seconds(), h.BareWall.Round(time.Millisecond))
	p("   The campaign side includes the %.0f status queries per campaign the bench sent to see when each task\n", h.Queries)
	p("   opened and when the check-ins were done; %d status queries to an idle campaign cost the server %.4f s each,\n", queryCount, h.QueryCPU.Seconds())
	p("   so about %.3f s of each campaign's figure is the bench watching it.\n", h.Queries*h.QueryCPU.Seconds())
	p("   Per completed workflow task, that is %.1f ms of server CPU for a campaign (%.1f ms without the bench's\n",
		perTask(h.CampaignCPU.Seconds(), h.CampaignTasks), perTask(h.CampaignCPU.Seconds()-h.Queries*h.QueryCPU.Seconds(), h.CampaignTasks))
	p("   queries) and %.1f ms for a bare workflow (whose figure also holds its activity task).\n", perTask(h.BareCPU.Seconds(), h.BareTasks))
	p("   Events of one campaign by type: %s.\n", h.CampaignByType)
	p("   Events of one bare workflow: %s.\n", h.BareEventTypes)
	o := r.Open
	p("4. The `winback-worker` binary as a process with e2e's stack environment (task queue `%s`, default worker\n", openQueue)
	p("   options and cache); %d campaigns (default playbook, backstory due in a day) started 16 at a time at\n", o.N)
	p("   %.0f/s. After %s from the first start, visibility counted all %d with\n", o.StartRate, o.Settled.Round(time.Second), o.N)
	p("   `%s`;\n", o.CountQuery)
	p("   the starts took %s, so the worker caught up %s after the last one. Then VmRSS of the worker was read\n", o.StartTook.Round(time.Second), (o.Settled - o.StartTook).Round(time.Second))
	p("   from `/proc/<pid>/status`: %.0f KiB per open campaign over its idle RSS (%s before the first start; peak\n",
		float64(o.WorkerRSS-min(o.WorkerIdleRSS, o.WorkerRSS))/float64(o.N)/1024, mib(o.WorkerIdleRSS))
	journal := "no `-wal` file: the dev server's default rollback journal"
	if o.WAL {
		journal = "with its `-wal` file"
	}
	p("   VmHWM %s). Database: `temporal.db` (%s) from %.1f MiB to %.1f MiB.\n", mib(o.WorkerHWM), journal, float64(o.DBBefore)/(1<<20), float64(o.DBAfter)/(1<<20))
	if len(o.Metrics) > 0 {
		p("   The worker's own `/metrics` then: %s.\n", metricsLine(o.Metrics))
	}
	s := r.Suite
	p("5. `go %s`, built first, then timed: the test binary ran %s, by go test's own \"ok\" line (the\n", strings.Join(suiteArgs, " "), s.Binary)
	p("   whole command, linking included, %s). %d tests passed: the playbook scenarios (%s of their own as\n", s.Wall.Round(time.Millisecond), s.Passed, s.Scenario)
	p("   `go test -v` reports them, the slowest %s) and `TestReplayRecordedHistories` (%s), which is\n", s.Slowest, s.Replay)
	p("   included. Skipped: %s.\n", strings.Join(s.Skipped, ", "))
	return b.String()
}

// metricsLine quotes the worker's metrics, bytes in MiB.
func metricsLine(m map[string]string) string {
	var parts []string
	for _, name := range workerMetrics {
		v, ok := m[name]
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && strings.HasSuffix(name, "_bytes") {
			v = fmt.Sprintf("%.1f MiB", f/(1<<20))
		}
		parts = append(parts, fmt.Sprintf("`%s` %s", name, v))
	}
	return strings.Join(parts, ", ")
}

// perTask is CPU seconds per workflow task, in milliseconds.
func perTask(seconds, tasks float64) float64 { return seconds / tasks * 1000 }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}
