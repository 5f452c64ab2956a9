package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// openQueue is the task queue of the worker binary in figure 4, so that visibility counts its
// campaigns only.
const openQueue = "bench-open"

// openResult is figure 4.
type openResult struct {
	N                    int
	StartRate            float64       // campaigns started per second
	StartTook            time.Duration // from the first start to the last
	Settled              time.Duration // from the first start until visibility showed every backstory task
	WorkerIdleRSS        uint64        // before any campaign
	WorkerRSS, WorkerHWM uint64        // once every campaign waits on its timers
	DBBefore, DBAfter    int64
	DBPerCampaign        float64
	WAL                  bool              // whether the database had a -wal file
	Metrics              map[string]string // a few of the worker's own metrics, at the end
	WorkerPID, ServerPID int
	CountQuery           string
}

// measureOpen starts the real worker binary (with the environment e2e's stack gives it), starts
// n campaigns whose backstory task is due in a day, waits until visibility shows each of them
// at the backstory stage with a task due (the worker has run every first workflow task), and
// reads the worker's resident memory and the growth of the server's database.
func measureOpen(t *testing.T, server *testenv.DevServer, c client.Client, n int) openResult {
	t.Helper()
	ctx := context.Background()
	workerBin, _ := testenv.Binaries(t)
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	env := []string{
		"TEMPORAL_ADDRESS=" + server.Address,
		"TEMPORAL_NAMESPACE=default",
		"WINBACK_HTTP_ADDR=" + httpAddr,
		"WINBACK_DATA_DIR=" + t.TempDir(),
		"WINBACK_PLAYBOOK=" + filepath.Join(testenv.RepoRoot(), "config", "playbooks", "fast.yaml"),
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LOG_LEVEL=warn",
		"WINBACK_TASK_QUEUE=" + openQueue,
	}
	p := testenv.StartProcess(t, env, workerBin)
	waitHealthy(t, p, httpAddr)
	r := openResult{N: n, WorkerPID: p.PID(), ServerPID: server.PID()}
	time.Sleep(2 * time.Second) // let the worker's start-up garbage go
	r.WorkerIdleRSS, _ = mustMem(t, p.PID())
	var err error
	if r.DBBefore, _, err = dbBytes(server.DBFile); err != nil {
		t.Fatal(err)
	}

	progress("open: starting %d campaigns (backstory due in a day) for the worker binary (pid %d, idle RSS %s)", n, p.PID(), mib(r.WorkerIdleRSS))
	stamp := time.Now().Format("150405")
	pb := openPlaybook()
	began := time.Now()
	started := make(chan struct{}, n)
	go func() {
		done := 0
		for range started {
			if done++; done%1000 == 0 {
				progress("open: %d of %d started (%.0f/s)", done, n, float64(done)/time.Since(began).Seconds())
			}
		}
	}()
	if err := forEach(n, 16, func(i int) error {
		_, err := workflows.Start(ctx, c, openQueue, campaignInput(fmt.Sprintf("open-%s-%05d", stamp, i), pb))
		started <- struct{}{}
		return err
	}); err != nil {
		t.Fatalf("open: start: %v", err)
	}
	close(started)
	r.StartTook = time.Since(began)
	r.StartRate = float64(n) / r.StartTook.Seconds()

	r.CountQuery = fmt.Sprintf("TaskQueue = '%s' AND ExecutionStatus = 'Running' AND %s = '%s' AND %s IS NOT NULL",
		openQueue, workflows.AttrStage.GetName(), workflows.StageBackstory, workflows.AttrTaskDue.GetName())
	progress("open: all started at %.0f/s; waiting until visibility counts %d with: %s", r.StartRate, n, r.CountQuery)
	var count int64
	for deadline := time.Now().Add(20 * time.Minute); ; time.Sleep(2 * time.Second) {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default", Query: r.CountQuery})
		if err != nil {
			t.Fatalf("open: count: %v", err)
		}
		if count = resp.GetCount(); count >= int64(n) {
			break
		}
		if done, code := p.Exited(); done {
			t.Fatalf("open: the worker exited with %d:\n%s", code, tail(p.Log.String(), 40))
		}
		if time.Now().After(deadline) {
			t.Fatalf("open: visibility counts %d of %d after 20 minutes; worker log:\n%s", count, n, tail(p.Log.String(), 40))
		}
	}
	r.Settled = time.Since(began)
	r.WorkerRSS, r.WorkerHWM = mustMem(t, p.PID())
	if r.DBAfter, r.WAL, err = dbBytes(server.DBFile); err != nil {
		t.Fatal(err)
	}
	r.Metrics = scrape(httpAddr, workerMetrics...)
	r.DBPerCampaign = float64(r.DBAfter-r.DBBefore) / float64(n)
	progress("open: %d open campaigns after %s: worker RSS %s (peak %s), database %+.1f KiB per campaign",
		n, r.Settled.Round(time.Second), mib(r.WorkerRSS), mib(r.WorkerHWM), r.DBPerCampaign/1024)
	return r
}

// workerMetrics are the worker's own metrics the report quotes: what its workflow cache holds,
// and what its Go runtime says about its memory.
var workerMetrics = []string{"temporal_sticky_cache_size", "go_goroutines", "go_memstats_heap_inuse_bytes",
	"go_memstats_stack_inuse_bytes", "go_memstats_sys_bytes"}

// scrape reads the first sample of each named metric from the worker's /metrics; a metric the
// worker does not export is left out.
func scrape(addr string, names ...string) map[string]string {
	got := map[string]string{}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return got
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return got
	}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(f[0], "{")
		if _, seen := got[name]; !seen && slices.Contains(names, name) {
			got[name] = f[len(f)-1]
		}
	}
	return got
}

func waitHealthy(t *testing.T, p *testenv.Process, addr string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if done, code := p.Exited(); done {
			t.Fatalf("worker exited with %d:\n%s", code, p.Log.String())
		}
	}
	t.Fatalf("worker not healthy after a minute; its log:\n%s", tail(p.Log.String(), 40))
}

func mustMem(t *testing.T, pid int) (rss, hwm uint64) {
	t.Helper()
	rss, hwm, err := memStatus(pid)
	if err != nil {
		t.Fatalf("memory of %d: %v", pid, err)
	}
	return rss, hwm
}

// mib formats bytes in MiB.
func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
