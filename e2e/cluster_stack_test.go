package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/winback/winback/internal/testenv"
)

// clusterStack is winback as a team deploys it: a real Temporal server on PostgreSQL, several
// worker processes sharing one store (the winback database on that PostgreSQL) and one set of
// secrets, and the CLI with the same settings.
type clusterStack struct {
	t       *testing.T
	cluster *testenv.Cluster
	cli     *stack   // the CLI (its worker is workers[0]'s, for the log of a failed wait)
	workers []*stack // each with its own HTTP address and data folder
	bin     string   // winback-worker
	// started holds, per worker, every process started for it, the killed ones too (their logs).
	started [][]*testenv.Process
}

// startClusterStack starts a cluster, creates the winback database on its PostgreSQL and
// starts n workers that all use it; env is added to every process's settings, the CLI's too
// (a later value of a variable wins).
func startClusterStack(t *testing.T, n int, env ...string) *clusterStack {
	t.Helper()
	workerBin, cli := testenv.Binaries(t)
	cluster := testenv.StartCluster(t, testenv.ClusterOptions{})
	cluster.Postgres.CreateDatabase(t, "winback")
	// Every process shares the store, and the link and inbox secrets: an unsubscribe link
	// minted by one worker is clicked on another, and the CLI's contact keys must match the
	// workers'.
	shared := append([]string{
		"TEMPORAL_ADDRESS=" + cluster.Address,
		"TEMPORAL_NAMESPACE=" + cluster.Namespace,
		"WINBACK_DATABASE_URL=" + cluster.Postgres.URL("winback"),
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LINK_SECRET=" + randomSecret(t),
		"WINBACK_INBOX_SECRET=" + randomSecret(t),
		"WINBACK_LOG_LEVEL=warn",
	}, env...)
	c := &clusterStack{t: t, cluster: cluster, bin: workerBin,
		cli: &stack{t: t, cli: cli, env: append(shared, "WINBACK_DATA_DIR="+t.TempDir())}}
	for range n {
		w := &stack{t: t, cli: cli, http: fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))}
		w.env = append(append([]string(nil), shared...), "WINBACK_HTTP_ADDR="+w.http, "WINBACK_DATA_DIR="+t.TempDir())
		w.worker = testenv.StartProcess(t, w.env, workerBin)
		c.workers = append(c.workers, w)
		c.started = append(c.started, []*testenv.Process{w.worker})
	}
	for _, w := range c.workers {
		w.waitHealthy()
	}
	c.cli.worker = c.workers[0].worker
	return c
}

// kill SIGKILLs worker i.
func (c *clusterStack) kill(i int) { c.workers[i].worker.Stop(syscall.SIGKILL) }

// restart starts worker i again, on its address and data folder, and waits until it is healthy.
func (c *clusterStack) restart(i int) {
	c.t.Helper()
	w := c.workers[i]
	w.worker = testenv.StartProcess(c.t, w.env, c.bin)
	c.started[i] = append(c.started[i], w.worker)
	w.waitHealthy()
}

// workerOf is the index of the worker whose PID this is, or -1.
func (c *clusterStack) workerOf(pid int) int {
	for i, w := range c.workers {
		if w.worker.PID() == pid {
			return i
		}
	}
	return -1
}

// pids lists the workers' process IDs, for messages.
func (c *clusterStack) pids() string {
	var out []string
	for i, w := range c.workers {
		out = append(out, fmt.Sprintf("worker %d: pid %d", i+1, w.worker.PID()))
	}
	return strings.Join(out, ", ")
}
