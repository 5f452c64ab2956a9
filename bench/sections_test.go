package bench

import (
	"fmt"
	"strings"
	"time"
)

// Figures 6 and 7 compare winback with itself (on another store, on another server) rather than
// with bare Temporal, so each has a section of its own after the figures table.

// printer writes formatted markdown.
type printer func(format string, args ...any)

// sendsSection is figure 6: sends per second through each store backend against the old file
// ledger.
func (r *report) sendsSection(p printer) {
	s := r.Sends
	p("## 6. Sends per second: the store's backends against the old file ledger\n\n")
	base := s.Backends[0] // the file ledger
	p("| Ledger | Concurrency | Sends/s | Ratio to the file ledger | Latency p50 | Latency p99 |\n|---|---|---|---|---|---|\n")
	for _, c := range sendLevels {
		b0, _ := base.at(c)
		for _, b := range s.Backends {
			name := b.Name
			if b.Key == backendPostgres && s.Postgres != "" {
				name = strings.Replace(name, "PostgreSQL", "PostgreSQL "+strings.Fields(s.Postgres)[0], 1)
			}
			f, ok := b.at(c)
			switch {
			case !ok:
				p("| %s | %d | not measured | – | – | – |\n", name, c)
			case b.Key == backendFile:
				p("| %s | %d | %.0f | 1 (baseline) | %s | %s |\n", name, c, f.Rate, ms(f.Latency.P50), ms(f.Latency.P99))
			default:
				p("| %s | %d | %.0f | %.2f | %s | %s |\n", name, c, f.Rate, f.Rate/b0.Rate, ms(f.Latency.P50), ms(f.Latency.P99))
			}
		}
	}
	p("\nLoad average (1, 5, 15 min): %s before, %s after; the figure took %s.\n\n", s.LoadBefore, s.LoadAfter, s.Took.Round(time.Second))
	p("How to read it: a ratio is the share of the old ledger's send rate the store keeps on the same\n")
	p("send path (1 is as fast, 0.5 half as many sends per second); the latencies are whole `SendEmail`\n")
	p("calls against a provider that answers at once, so a real SendGrid or Twilio round trip comes on top of each.\n\n")
	p("How: `activities.SendEmail` as the worker runs it (ledger lookup, suppression check, intent, the\n")
	p("SendGrid call, record) sends the revisit email to %d customers per ledger and concurrency level, each\n", s.N)
	p("with a key and address of its own, to an `httptest` server answering 202 at once; no codec keys, logs\n")
	p("discarded. Every ledger starts empty at each level and makes %d untimed sends first; the timed sends\n", sendsWarmup)
	p("run in two halves, file, SQLite, PostgreSQL, then the other way round; sends/s is %d over the two\n", s.N)
	p("halves' wall time. The file ledger is the pre-store `FileLedger` (`git show 48086c8^:activities/ledger.go`,\n")
	p("kept in bench/fileledger_test.go as the baseline only): an in-memory map over a JSON-lines file, fsync on\n")
	p("each record, none on an intent; behind `activities.Store`, its suppression check answers at once, as the\n")
	p("old path had none. SQLite is `store.Open` on a file in the same temporary folder (%s; WAL, synchronous=full,\n", s.Filesystem)
	p("8 connections); PostgreSQL is a server of its own on 127.0.0.1, its data on the same filesystem, with\n")
	p("fsync, synchronous_commit and full_page_writes on, as `make cluster` and production run it (the tests'\n")
	p("throwaway one has them off), through the store's pool of 16. The fake provider answered %d requests,\n", s.Provider)
	p("one per send: none was skipped or sent twice.")
	for _, b := range s.Backends {
		if b.Missing != "" {
			p(" %s: not measured: %s.", b.Name, b.Missing)
		}
	}
	p("\n\n")
}

// clusterLaunchSection is figure 7: campaign starts per second on a real cluster against the
// dev server.
func (r *report) clusterLaunchSection(p printer) {
	d, c := r.Launch, r.ClusterLaunch
	p("## 7. Campaign starts per second: a real cluster against the dev server\n\n")
	if d.Missing != "" || c.Missing != "" {
		p("Not measured.\n")
		if d.Missing != "" {
			p("The dev server's side (figure 1): %s\n", indent(d.Missing, ""))
		}
		if c.Missing != "" {
			p("The cluster's side: %s\n", indent(c.Missing, ""))
		}
		p("\n")
		return
	}
	p("| Starts | Dev server | Cluster | Ratio cluster / dev server |\n|---|---|---|---|\n")
	p("| `winback launch --csv`: %d campaigns from a CSV at concurrency %d | %.1f starts/s | %.1f starts/s | %.2f |\n",
		c.N, c.Concurrency, d.CLIRate, c.CLIRate, c.CLIRate/d.CLIRate)
	p("| bare `ExecuteWorkflow` of a trivial workflow, as many at the same concurrency | %.1f starts/s | %.1f starts/s | %.2f |\n",
		d.BareRate, c.BareRate, c.BareRate/d.BareRate)
	p("| CLI / bare on the same server | %.2f | %.2f | – |\n", d.Ratio, c.Ratio)
	p("\nLoad average (1, 5, 15 min): %s before and %s after the dev server's run, %s before and %s after the cluster's.\n\n",
		d.LoadBefore, d.LoadAfter, c.LoadBefore, c.LoadAfter)
	p("How to read it: the first row's ratio is what launching on a real cluster instead of the dev server does\n")
	p("to a batch launch, and the second row's what it does to Temporal alone, so any gap between the two is winback's.\n\n")
	if d.N != c.N || d.Concurrency != c.Concurrency {
		p("**The two sides did not launch alike** (dev server: %d at concurrency %d; cluster: %d at concurrency %d): the ratios mean nothing.\n\n",
			d.N, d.Concurrency, c.N, c.Concurrency)
	}
	p("How: e2e's `BenchmarkCSVLaunchOnCluster`\n(`go %s`, %s), run right after figure 1's\n",
		strings.Join(launchBenchArgs(clusterLaunchBenchName), " "), c.Took.Round(time.Second))
	p("benchmark, whose body it shares: the same CSV, the CLI's default concurrency, bare halves before and after\n")
	p("the CLI, no worker. Its server is `testenv.StartCluster`: `temporal-server` of %s, its four services\n", orUnknown(r.Server))
	p("in one process, 4 history shards, SQL visibility, as `make cluster` runs it, on its own %s.\n", orUnknown(c.Server))
	p("The dev server column is figure 1's. Its own line: %s.\n\n", c.Detail)
}

// partialMarkdown is what a run of some groups only prints: the figures it measured.
func (r *report) partialMarkdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks (some groups only; BENCHMARKS.md is not written)\n\n")
	p("Load average (1, 5, 15 min): %s at the start, %s at the end; %s.\n\n", r.Machine.LoadAvg, r.LoadAfter, r.Took.Round(time.Second))
	if l := r.Launch; r.Ran["launch"] && l.Missing == "" {
		p("1. On the dev server, %d campaigns at concurrency %d: %s.\n\n", l.N, l.Concurrency, l.Detail)
	}
	if r.Ran["sends"] {
		r.sendsSection(p)
	}
	if r.Ran["launch"] {
		r.clusterLaunchSection(p)
	}
	if r.Ran["lists"] {
		r.listsSection(p)
	}
	if r.Ran["suite"] {
		p("5. The workflow test binary ran %s.\n\n", r.Suite.Binary)
	}
	if r.Ran["server"] {
		u, h, o := r.Updates, r.History, r.Open
		p("2. Update latency p99: CompleteTask %s, bare %s.\n", ms(u.Campaign.P99), ms(u.Bare.P99))
		p("3. Per campaign: %.1f events, %.3f s of server CPU; per bare workflow: %.1f events, %.4f s.\n",
			h.CampaignEvents, h.CampaignCPU.Seconds(), h.BareEvents, h.BareCPU.Seconds())
		p("4. Worker RSS %s with %d open campaigns; %.1f KiB of server database each.\n\n", mib(o.WorkerRSS), o.N, o.DBPerCampaign/1024)
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
