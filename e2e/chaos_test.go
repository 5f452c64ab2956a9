package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// chaosPlaybook carries a campaign to its end with nobody at the keyboard: every task expires and
// its default applies. The first check-in comes after the longest delay the outages below can
// cause (sends retry with backoff up to 5 minutes apart; a storm of 6s costs up to ~30s), and the
// check-ins are spaced wider than any outage, so none is skipped as late.
const chaosPlaybook = `version: chaos
backstoryDue: 1s
exitInterviewDue: 1s
decisionDue: 1s
callDue: 1s
escalateAfter: 1s
expireAfter: 2s
reassignOnEscalation: false
walkAwayBelowValue: 1000
waitFixed: 2s
maxCallAttempts: 1
quietHours: {start: 0, end: 0}
frequencyCap: {max: 100, per: 1m}
checkIns:
  - {after: 90s, channel: email}
  - {after: 110s, channel: sms}
  - {after: 130s, channel: email}
stayInTouch: [{after: 90s, channel: email}]
expiry: 145s
`

// TestFaultsLoseNothingAndDuplicateNothing runs a few hundred campaigns while the worker is
// killed (SIGKILL) and restarted several times, the dev server is stopped and restarted on its
// database file, and the sandbox answers 5xx and then 429 for a while. At the end every campaign
// has its expected outcome and the sandbox holds exactly the expected messages: the test prints
// how many were lost and how many duplicated (both must be 0).
//
// It runs in `make test` and on its own with `make fault`. WINBACK_CHAOS_CAMPAIGNS sets the
// number of campaigns (default 240) and WINBACK_CHAOS_SEED the random seed.
func TestFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	n := 240
	if v := os.Getenv("WINBACK_CHAOS_CAMPAIGNS"); v != "" {
		fmt.Sscan(v, &n)
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("WINBACK_CHAOS_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("chaos: %d campaigns, seed %d (WINBACK_CHAOS_SEED to repeat)", n, seed)

	pb := filepath.Join(t.TempDir(), "chaos.yaml")
	if err := os.WriteFile(pb, []byte(chaosPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startStackWith(t, "WINBACK_PLAYBOOK="+pb, "WINBACK_LOG_LEVEL=error")
	workerBin, _ := testenv.Binaries(t)

	// Three kinds of campaign with outcomes known in advance: pursued to expiry (four messages:
	// the revisit email and three check-ins), won back at once (none), walked away by policy for
	// a low account value (none).
	type plan struct {
		outcome workflows.Outcome
		steps   []string
	}
	plans := map[string]plan{}
	var csv bytes.Buffer
	csv.WriteString("customer_id,name,email,phone,timezone,account_value,reason,rep,manager\n")
	var wonBack []string
	for i := range n {
		id := fmt.Sprintf("chaos-%03d", i)
		value := "50000"
		switch i % 4 {
		case 0, 1:
			plans[id] = plan{workflows.OutcomeExpired, []string{"revisit-email", "check-in-1", "check-in-2", "check-in-3"}}
		case 2:
			plans[id] = plan{workflows.OutcomeWonBack, nil}
			wonBack = append(wonBack, id)
		case 3:
			plans[id] = plan{workflows.OutcomeWalkedAway, nil}
			value = "500"
		}
		fmt.Fprintf(&csv, "%s,Customer %d,%s@example.com,+1212555%04d,UTC,%s,let_down,alice,maria\n", id, i, id, i, value)
	}
	csvFile := filepath.Join(t.TempDir(), "chaos.csv")
	if err := os.WriteFile(csvFile, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.winback(0, "launch", "--csv", csvFile, "--concurrency", "16")
	for _, id := range wonBack {
		s.winback(0, "won-back", id, "--note", "came back on day one")
	}
	t.Logf("launched %d campaigns in %s", n, time.Since(start).Round(time.Millisecond))

	fault := func(body string) {
		resp, err := http.Post("http://"+s.http+"/sandbox/faults", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode >= 300 {
			t.Fatalf("fault %s: %v %v", body, err, resp)
		}
		resp.Body.Close()
	}
	killWorker := func() {
		s.worker.Stop(syscall.SIGKILL)
		time.Sleep(time.Duration(500+rng.IntN(1500)) * time.Millisecond)
		s.worker = testenv.StartProcess(t, s.env, workerBin)
		s.waitHealthy()
	}
	jitter := func(base time.Duration) { time.Sleep(base + time.Duration(rng.IntN(2000))*time.Millisecond) }

	// The storm, over the first minute of the campaigns' lives.
	kills, restarts := 0, 0
	jitter(2 * time.Second)
	killWorker()
	kills++
	fault(`{"provider":"all","mode":"5xx","seconds":6}`)
	jitter(4 * time.Second)
	killWorker()
	kills++
	jitter(3 * time.Second)
	s.server.Restart() // stopped and started again on its database file
	restarts++
	s.waitHealthy()
	fault(`{"provider":"all","mode":"429","seconds":6,"resetSeconds":2}`)
	jitter(5 * time.Second)
	killWorker()
	kills++
	jitter(8 * time.Second)
	killWorker()
	kills++

	// Wait for every campaign to close.
	s.eventually("every campaign to close", 6*time.Minute, func() bool {
		return s.runningCampaigns() == 0
	})

	// A planned message is lost when the provider never got it and the campaign did not skip it
	// on purpose: a check-in whose date passed while the outages held up the earlier stages is
	// skipped by the playbook, visibly (skipped_late), and counted apart.
	lost, dups, wrong, late := 0, 0, 0, 0
	for id, p := range plans {
		st := s.status(id)
		skipped := map[string]bool{}
		for _, m := range st.Messages {
			if m.Status == "skipped_late" {
				skipped[m.Step] = true
				late++
			}
		}
		if st.Outcome != p.outcome {
			wrong++
			if wrong <= 5 {
				t.Errorf("%s: outcome %s, want %s", id, st.Outcome, p.outcome)
			}
		}
		count := map[string]int{}
		for _, m := range s.outbox(workflows.WorkflowID(id)) {
			count[m.Step]++
		}
		for _, step := range p.steps {
			if count[step] == 0 && !skipped[step] {
				lost++
				if lost <= 5 {
					t.Errorf("%s: %s never reached the customer", id, step)
				}
			}
		}
		for step, c := range count {
			if c > 1 {
				dups += c - 1
				t.Errorf("%s: %s reached its recipient %d times", id, step, c)
			}
		}
	}
	expected := 0
	for _, p := range plans {
		expected += len(p.steps)
	}
	summary := fmt.Sprintf("fault test: %d campaigns, %d worker kills (SIGKILL), %d server restart, sandbox 5xx and 429 storms; "+
		"%d messages expected, %d lost, %d duplicates, %d wrong outcomes, %d check-ins skipped as late; %s",
		n, kills, restarts, expected, lost, dups, wrong, late, time.Since(start).Round(time.Second))
	t.Log(summary)
	fmt.Println(summary)
	if late > n/20 {
		t.Errorf("%d check-ins skipped as late: the outages delayed more campaigns than this playbook allows for", late)
	}
}

// runningCampaigns counts the campaigns still running, by visibility.
func (s *stack) runningCampaigns() int {
	out, _, code := testenv.Run(s.t, s.env, s.cli, "list", "--open", "--limit", "1000", "-o", "json")
	if code != 0 {
		return -1
	}
	var rows []json.RawMessage
	if json.Unmarshal([]byte(out), &rows) != nil {
		return -1
	}
	return len(rows)
}
