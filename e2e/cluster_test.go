package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// TestClusterOfTwoWorkersOnPostgres runs winback the way a team does in production: a real
// Temporal server (1.29.1, the dev server's version) on PostgreSQL, two worker processes sharing
// the campaigns, the CLI. Campaigns launch and show in SQL visibility; a task is completed; a
// worker is SIGKILLed and the other takes its campaigns over; PostgreSQL restarts under the
// running server and everything keeps working.
func TestClusterOfTwoWorkersOnPostgres(t *testing.T) {
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	workerBin, cli := testenv.Binaries(t)
	phase("winback binaries built")
	cluster := testenv.StartCluster(t, testenv.ClusterOptions{})
	phase("cluster ready")

	// Every process shares the link and inbox secrets: an unsubscribe link minted by one worker
	// is clicked on another, and the CLI's contact keys must match the workers'.
	shared := []string{
		"TEMPORAL_ADDRESS=" + cluster.Address,
		"TEMPORAL_NAMESPACE=" + cluster.Namespace,
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LINK_SECRET=" + randomSecret(t),
		"WINBACK_INBOX_SECRET=" + randomSecret(t),
		"WINBACK_LOG_LEVEL=warn",
	}
	// The default playbook: tasks are due in days, so campaigns stay where the test puts them.
	s := &stack{t: t, cli: cli, env: append(shared, "WINBACK_DATA_DIR="+t.TempDir())}
	workers := make([]*stack, 2)
	for i := range workers {
		w := &stack{t: t, cli: cli, http: fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))}
		w.env = append(shared, "WINBACK_HTTP_ADDR="+w.http, "WINBACK_DATA_DIR="+t.TempDir())
		w.worker = testenv.StartProcess(t, w.env, workerBin)
		workers[i] = w
	}
	for _, w := range workers {
		w.waitHealthy()
	}
	s.worker = workers[0].worker // for the log in s.eventually's failures
	phase("2 workers healthy")

	// `winback setup` on SQL visibility finds what StartCluster registered.
	if out := s.winback(0, "setup"); !strings.Contains(out, fmt.Sprintf("has the %d winback search attributes", len(workflows.SearchAttributeTypes))) ||
		strings.Contains(out, "added") {
		t.Errorf("winback setup on the cluster:\n%s\nwant every attribute present, none added", out)
	}

	customers := []string{"clu-1", "clu-2", "clu-3", "clu-4", "clu-5", "clu-6"}
	var records []string
	for _, id := range customers {
		records = append(records, customerRecord(id, nil))
	}
	var launched cliLaunchSummary
	s.runJSON(&launched, 0, "launch", "--csv", writeTempFile(t, "cluster.csv", customersCSV(records...)))
	if launched.Launched != len(customers) || launched.Failed != 0 {
		t.Fatalf("launch: %+v, want %d launched", launched, len(customers))
	}
	phase(fmt.Sprintf("%d campaigns launched", len(customers)))
	s.eventuallyListed("clu-", customers, "--stage", string(workflows.StageBackstory))
	phase("all in visibility with WinBackStage = 'backstory'")

	s.completeWhenOpen("clu-1", "backstory", "alice", "--our-side", "They found a cheaper tool")
	s.eventually("clu-1's exit interview", 20*time.Second, func() bool { return s.taskOpen("clu-1", "exit-interview") })
	phase("clu-1's backstory completed through the CLI, exit interview open")

	// Kill the worker that ran clu-2's last workflow task: clu-2 sits in its sticky cache.
	c := cluster.Client(t)
	pids := map[int]int{workers[0].worker.PID(): 0, workers[1].worker.PID(): 1}
	victimPID := lastWorkerPID(t, c, "clu-2")
	victim, ok := pids[victimPID]
	if !ok {
		t.Fatalf("clu-2's last workflow task ran on pid %d, not on a worker of this test (%v)", victimPID, pids)
	}
	survivor := workers[1-victim]
	var stranded []string // every campaign the killed worker had cached
	for _, id := range customers[1:] {
		if lastWorkerPID(t, c, id) == victimPID {
			stranded = append(stranded, id)
		}
	}
	workers[victim].worker.Stop(syscall.SIGKILL)
	phase(fmt.Sprintf("worker %d SIGKILLed; it had %v", victim+1, stranded))
	s.worker = survivor.worker

	// The first query to a campaign whose sticky worker died waits out the sticky
	// schedule-to-start timeout (~5 s), then goes to the normal queue: the CLI's 30 s call
	// timeout covers it. The calls run side by side, so the test waits that out once.
	asked := time.Now()
	answers := make(chan string, len(stranded))
	for _, id := range stranded {
		go func() { answers <- statusStage(s, id) }()
	}
	for range stranded {
		if got := <-answers; !strings.HasSuffix(got, " "+string(workflows.StageBackstory)) {
			t.Errorf("winback status after the kill: %s, want the campaign at backstory", got)
		}
	}
	phase(fmt.Sprintf("status of %v answered by the survivor in %.1fs", stranded, time.Since(asked).Seconds()))
	s.completeWhenOpen("clu-2", "backstory", "alice", "--our-side", "Support was slow for them")
	s.eventually("clu-2's exit interview", 20*time.Second, func() bool { return s.taskOpen("clu-2", "exit-interview") })
	if pid := lastWorkerPID(t, c, "clu-2"); pid != survivor.worker.PID() {
		t.Errorf("clu-2's last workflow task ran on pid %d, want the surviving worker %d", pid, survivor.worker.PID())
	}
	phase("clu-2's backstory completed on the survivor")

	// PostgreSQL restarts under the running server: the server's pools reconnect.
	pgPID := cluster.Postgres.PID()
	restarted := time.Now()
	cluster.RestartPostgres(t)
	phase(fmt.Sprintf("postgres restarted in %.1fs (pid %d, was %d)", time.Since(restarted).Seconds(), cluster.Postgres.PID(), pgPID))
	s.eventually("clu-3's status after the restart", 30*time.Second, func() bool {
		_, _, code := s.run("status", "clu-3")
		return code == 0
	})
	phase("the cluster answers again")
	more := []string{"clu-7", "clu-8"}
	s.runJSON(&launched, 0, "launch", "--csv", writeTempFile(t, "more.csv", customersCSV(customerRecord(more[0], nil), customerRecord(more[1], nil))))
	if launched.Launched != len(more) || launched.Failed != 0 {
		t.Fatalf("launch after the restart: %+v, want %d launched", launched, len(more))
	}
	s.completeWhenOpen("clu-7", "backstory", "alice", "--our-side", "Budget cut")
	s.eventually("clu-7's exit interview", 20*time.Second, func() bool { return s.taskOpen("clu-7", "exit-interview") })
	s.eventuallyListed("clu-", []string{"clu-3", "clu-4", "clu-5", "clu-6", "clu-8"}, "--stage", string(workflows.StageBackstory))
	s.eventuallyListed("clu-", []string{"clu-1", "clu-2", "clu-7"}, "--stage", string(workflows.StageExitInterview))
	phase("after the restart: 2 launched, 1 task completed, visibility current")
	// The server refreshes its connection pools when it finds them broken; it must not exit.
	if err := syscall.Kill(cluster.PID(), 0); err != nil {
		t.Errorf("temporal-server (pid %d) is gone after the postgres restart: %v", cluster.PID(), err)
	}

	t.Logf("memory: temporal-server RSS %s, postgres (all backends) PSS %s, surviving worker RSS %s",
		mib(rssKB(cluster.PID())), mib(treePSSKB(cluster.Postgres.PID())), mib(rssKB(survivor.worker.PID())))
	if exited, code := survivor.worker.Exited(); exited {
		t.Errorf("the surviving worker exited with %d:\n%s", code, survivor.worker.Log.String())
	}
}

// statusStage runs `winback status CUSTOMER -o json` and returns "CUSTOMER STAGE", or what
// went wrong. It never fails the test itself, so it can run on its own goroutine.
func statusStage(s *stack, customer string) string {
	cmd := exec.Command(s.cli, "status", customer, "-o", "json")
	cmd.Env = append(os.Environ(), s.env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var st workflows.CampaignStatus
	if err == nil {
		err = json.Unmarshal(out, &st)
	}
	if err != nil {
		return fmt.Sprintf("%s: %v %s", customer, err, stderr.String())
	}
	return customer + " " + string(st.Stage)
}

func randomSecret(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// lastWorkerPID is the process ID of the worker that completed the campaign's latest workflow
// task, read from its history: the SDK's default identity is "pid@host@".
func lastWorkerPID(t *testing.T, c client.Client, customer string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.GetWorkflowHistory(ctx, workflows.WorkflowID(customer), "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	identity := ""
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", customer, err)
		}
		if a := e.GetWorkflowTaskCompletedEventAttributes(); a != nil {
			identity = a.GetIdentity()
		}
	}
	pid, err := strconv.Atoi(strings.SplitN(identity, "@", 2)[0])
	if err != nil {
		t.Fatalf("history of %s: no workflow task completed by a worker with a pid@host identity (last: %q)", customer, identity)
	}
	return pid
}

// rssKB is a process's resident memory from /proc, 0 when unknown.
func rssKB(pid int) int {
	return procField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
}

// treePSSKB sums the proportional memory of a process and its children (PostgreSQL's
// backends share its buffers: summing RSS would count them once per backend).
func treePSSKB(pid int) int {
	total := procField(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:")
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, child := range strings.Fields(string(children)) {
		if n, err := strconv.Atoi(child); err == nil {
			total += procField(fmt.Sprintf("/proc/%d/smaps_rollup", n), "Pss:")
		}
	}
	return total
}

func procField(path, field string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 2 && fields[0] == field {
			n, _ := strconv.Atoi(fields[1])
			return n
		}
	}
	return 0
}

func mib(kb int) string {
	if kb == 0 {
		return "?"
	}
	return fmt.Sprintf("%d MiB", kb/1024)
}
