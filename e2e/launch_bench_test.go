package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/internal/testenv"
)

// benchCampaigns is how many campaigns each side of the launch benchmarks starts (2000);
// WINBACK_BENCH_LAUNCH sets another number, to try them at a small size.
func benchCampaigns(b *testing.B) int {
	b.Helper()
	v := os.Getenv("WINBACK_BENCH_LAUNCH")
	if v == "" {
		return 2000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 {
		b.Fatalf("WINBACK_BENCH_LAUNCH=%q: want a whole number of at least 2", v)
	}
	return n
}

// BenchmarkLaunchFromCSV compares launching campaigns from a CSV through the real CLI process
// (`winback launch --csv FILE`, its default concurrency and --skip-closed) with bare
// client.ExecuteWorkflow calls of a trivial workflow at the same concurrency, on one dev server
// in one run. It prints both rates and their ratio (aim: 0.9 or better); it asserts nothing
// about time.
//
// No worker runs: both sides measure starts only, and every started workflow waits for a
// worker that never comes. The bare starts are split in two halves, one before and one after
// the CLI's launch, so the server's growing database weighs on both sides alike.
//
//	go test ./e2e -run '^$' -bench LaunchFromCSV -benchtime 1x
func BenchmarkLaunchFromCSV(b *testing.B) {
	_, cli := testenv.Binaries(b)
	server := testenv.StartDevServer(b, testenv.DevServerOptions{})
	compareLaunch(b, cli, server.Address, "default", server.Client(b))
}

// BenchmarkCSVLaunchOnCluster is BenchmarkLaunchFromCSV, same CSV, same concurrency, on a real
// Temporal server (testenv.StartCluster: temporal-server 1.29.1, 4 history shards, as `make
// cluster` runs it) on its own PostgreSQL, which flushes to disk as a production one does.
// Without PostgreSQL installed it skips. The bench compares its CLI rate with the dev server's.
//
//	go test ./e2e -run '^$' -bench CSVLaunchOnCluster -benchtime 1x
func BenchmarkCSVLaunchOnCluster(b *testing.B) {
	_, cli := testenv.Binaries(b)
	pg := testenv.StartPostgresWith(b, testenv.PostgresOptions{Durable: true})
	cluster := testenv.StartCluster(b, testenv.ClusterOptions{Postgres: pg})
	b.Logf("cluster: PostgreSQL %s, fsync %s, synchronous_commit %s",
		pg.SQL(b, "postgres", "SHOW server_version"), pg.SQL(b, "postgres", "SHOW fsync"),
		pg.SQL(b, "postgres", "SHOW synchronous_commit"))
	compareLaunch(b, cli, cluster.Address, cluster.Namespace, cluster.Client(b))
}

// compareLaunch is the body of both launch benchmarks: on the server at address, bare starts
// (half), the CLI's launch of a CSV, bare starts (the other half), each side at the CLI's
// default concurrency, after a warm-up.
func compareLaunch(b *testing.B, cli, address, namespace string, c client.Client) {
	b.Helper()
	env := []string{
		"TEMPORAL_ADDRESS=" + address,
		"TEMPORAL_NAMESPACE=" + namespace,
		"WINBACK_DATA_DIR=" + b.TempDir(),
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LOG_LEVEL=warn",
	}
	concurrency := cliDefaultConcurrency(b, cli, env)
	campaigns := benchCampaigns(b)
	ctx := context.Background()

	// Warm the server up (namespace caches, its database) before anything is timed.
	bareStarts(b, ctx, c, "warmup", 100, concurrency)

	for i := range b.N {
		file := writeBenchCSV(b, fmt.Sprintf("bench%d-", i), campaigns)

		bare1 := bareStarts(b, ctx, c, fmt.Sprintf("bare%d-a", i), campaigns/2, concurrency)

		began := time.Now()
		out, errOut, code := testenv.Run(b, env, cli, "launch", "--csv", file, "-o", "json")
		cliTime := time.Since(began)
		var summary struct {
			Launched, AlreadyRunning, Skipped, Failed int
		}
		if err := json.Unmarshal([]byte(out), &summary); err != nil || code != 0 || summary.Launched != campaigns {
			b.Fatalf("winback launch --csv: exit %d, summary %+v (%v); want %d launched\nstderr: %s",
				code, summary, err, campaigns, errOut)
		}

		bare2 := bareStarts(b, ctx, c, fmt.Sprintf("bare%d-b", i), campaigns-campaigns/2, concurrency)

		cliRate := float64(campaigns) / cliTime.Seconds()
		bareRate := float64(campaigns) / (bare1 + bare2).Seconds()
		b.ReportMetric(cliRate, "cli-starts/s")
		b.ReportMetric(bareRate, "bare-starts/s")
		b.ReportMetric(cliRate/bareRate, "ratio")
		b.ReportMetric(0, "ns/op") // one op is a whole comparison; its time says nothing
		b.Logf("%d campaigns at concurrency %d: CLI launch --csv %.1f starts/s (%s); bare ExecuteWorkflow %.1f starts/s (%s before, %s after the CLI); ratio %.2f",
			campaigns, concurrency, cliRate, cliTime.Round(time.Millisecond), bareRate,
			bare1.Round(time.Millisecond), bare2.Round(time.Millisecond), cliRate/bareRate)
	}
}

// benchTrivialWorkflow is the bare side's workflow. No worker runs it: the benchmark times
// starts only.
func benchTrivialWorkflow(workflow.Context) error { return nil }

// bareStarts starts n trivial workflows, concurrency at a time, and returns how long it took.
func bareStarts(b *testing.B, ctx context.Context, c client.Client, prefix string, n, concurrency int) time.Duration {
	b.Helper()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	began := time.Now()
	for range concurrency {
		wg.Go(func() {
			for i := range next {
				_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: fmt.Sprintf("%s-%d", prefix, i), TaskQueue: "bench-bare",
				}, benchTrivialWorkflow)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(began)
	if firstErr != nil {
		b.Fatalf("bare start: %v", firstErr)
	}
	return took
}

// cliDefaultConcurrency reads the default of `winback launch --concurrency` from its help, so
// the bare side always runs at the concurrency the CLI launches with by default.
func cliDefaultConcurrency(b *testing.B, cli string, env []string) int {
	b.Helper()
	out, _, _ := testenv.Run(b, env, cli, "launch", "--help")
	m := regexp.MustCompile(`--concurrency int[^\n]*\(default (\d+)\)`).FindStringSubmatch(out)
	if m == nil {
		b.Fatalf("no --concurrency default in winback launch --help:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// writeBenchCSV writes n valid customers, IDs starting with prefix, with the varied values a
// real export has (national and E.164 phones, zones, reasons, both reps).
func writeBenchCSV(b *testing.B, prefix string, n int) string {
	b.Helper()
	zones := []string{"America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo"}
	phones := []string{"+1212555%04d", "(415) 555-%04d", "+1617555%04d"}
	reasons := []string{"competitor_price", "let_down", "no_longer_needed", "outgrew", "bad_fit", "other", ""}
	departed := time.Now().AddDate(0, 0, -30).Format("2006-01-02")
	var sb strings.Builder
	sb.WriteString("customer_id,name,company,email,phone,timezone,account_value,segment,departed,reason,competitor,notes,rep\n")
	for i := range n {
		fmt.Fprintf(&sb, "%s%d,Customer %d,Company %d Ltd,c%d@example.com,%s,%s,%d,%s,%s,%s,%s,%s,%s\n",
			prefix, i, i, i, i, fmt.Sprintf(phones[i%len(phones)], 100+i%100), zones[i%len(zones)],
			500+i*7, []string{"smb", "mid-market", "enterprise"}[i%3], departed, reasons[i%len(reasons)],
			[]string{"", "Globex"}[i%2], `"left after the Q3 price rise, see CRM"`, []string{"alice", "bob"}[i%2])
	}
	path := filepath.Join(b.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}
