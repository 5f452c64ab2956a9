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
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// TestClusterOfThreeWorkersOnPostgres runs winback the way a team does in production: a real
// Temporal server (1.29.1, the dev server's version) on PostgreSQL, three worker processes
// sharing the campaigns and one store (the winback database on the same PostgreSQL), the CLI.
// Campaigns launch and show in SQL visibility; a task is completed; a worker is SIGKILLed and
// the others take its campaigns over; PostgreSQL restarts under the running server and workers
// and everything keeps working; every campaign's contacts are in the one store, whichever
// worker ran it.
func TestClusterOfThreeWorkersOnPostgres(t *testing.T) {
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	// The default playbook: tasks are due in days, so campaigns stay where the test puts them.
	cs := startClusterStack(t, 3)
	cluster, s := cs.cluster, cs.cli
	phase("cluster ready, 3 workers healthy on the shared store " + cluster.Postgres.URL("winback"))

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
	victimPID := lastWorkerPID(t, c, "clu-2")
	victim := cs.workerOf(victimPID)
	if victim < 0 {
		t.Fatalf("clu-2's last workflow task ran on pid %d, not on a worker of this test (%s)", victimPID, cs.pids())
	}
	var stranded []string // every campaign the killed worker had cached
	for _, id := range customers[1:] {
		if lastWorkerPID(t, c, id) == victimPID {
			stranded = append(stranded, id)
		}
	}
	cs.kill(victim)
	phase(fmt.Sprintf("worker %d SIGKILLed; it had %v", victim+1, stranded))
	survivors := map[int]bool{}
	for i, w := range cs.workers {
		if i != victim {
			survivors[w.worker.PID()] = true
			s.worker = w.worker
		}
	}

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
	phase(fmt.Sprintf("status of %v answered by the survivors in %.1fs", stranded, time.Since(asked).Seconds()))
	s.completeWhenOpen("clu-2", "backstory", "alice", "--our-side", "Support was slow for them")
	s.eventually("clu-2's exit interview", 20*time.Second, func() bool { return s.taskOpen("clu-2", "exit-interview") })
	if pid := lastWorkerPID(t, c, "clu-2"); !survivors[pid] {
		t.Errorf("clu-2's last workflow task ran on pid %d, want a surviving worker (%s)", pid, cs.pids())
	}
	phase("clu-2's backstory completed on a survivor")

	// PostgreSQL restarts under the running server and workers: their pools reconnect.
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

	// One store for all: each campaign indexed its contacts (email and phone) in the winback
	// database, on whichever worker ran it, the killed one included.
	all := slices.Concat(customers, more)
	ran := map[string]int{}
	for _, id := range all {
		ran[fmt.Sprintf("worker %d", cs.workerOf(lastWorkerPID(t, c, id))+1)]++
	}
	got := cluster.Postgres.SQL(t, "winback", "SELECT count(DISTINCT workflow_id) || ' ' || count(*) FROM contacts WHERE workflow_id LIKE 'winback:clu-%'")
	if want := fmt.Sprintf("%d %d", len(all), 2*len(all)); got != want {
		t.Errorf("the shared store's contact index holds %s (campaigns, contacts), want %s", got, want)
	}
	phase(fmt.Sprintf("the shared store indexes all %d campaigns' contacts (last workflow task ran on: %v)", len(all), ran))

	memory := []string{"temporal-server RSS " + mib(rssKB(cluster.PID())), "postgres (all backends) PSS " + mib(treePSSKB(cluster.Postgres.PID()))}
	for i, w := range cs.workers {
		if i == victim {
			continue
		}
		memory = append(memory, fmt.Sprintf("worker %d RSS %s", i+1, mib(rssKB(w.worker.PID()))))
		if exited, code := w.worker.Exited(); exited {
			t.Errorf("surviving worker %d exited with %d:\n%s", i+1, code, w.worker.Log.String())
		}
	}
	t.Logf("memory: %s", strings.Join(memory, ", "))
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
	// A campaign just launched is listed (its attributes are set at start) before a worker has
	// completed its first workflow task: wait for one.
	identity := ""
	for deadline := time.Now().Add(20 * time.Second); identity == "" && time.Now().Before(deadline); {
		identity = lastWorkflowTaskIdentity(t, c, customer)
		if identity == "" {
			time.Sleep(200 * time.Millisecond)
		}
	}
	pid, err := strconv.Atoi(strings.SplitN(identity, "@", 2)[0])
	if err != nil {
		t.Fatalf("history of %s: no workflow task completed by a worker with a pid@host identity in 20s (last: %q)", customer, identity)
	}
	return pid
}

// lastWorkflowTaskIdentity is the identity of the worker that completed the campaign's last
// workflow task ("" when none has).
func lastWorkflowTaskIdentity(t *testing.T, c client.Client, customer string) string {
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
	return identity
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
