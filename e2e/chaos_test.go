package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// TestFaultsLoseNothingAndDuplicateNothing runs a few hundred campaigns while the worker is
// killed (SIGKILL) and restarted several times, the dev server is stopped and restarted on its
// database file, and the sandbox answers 5xx and then 429 for a while. At the end every campaign
// has its expected outcome and the sandbox holds exactly the expected messages: the test prints
// how many were lost and how many duplicated (both must be 0).
//
// It runs in `make test` and on its own with `make fault`. WINBACK_CHAOS_CAMPAIGNS sets the
// number of campaigns (default 240) and WINBACK_CHAOS_SEED the random seed.
func TestFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	n, rng := chaosSettings(t, 240)

	s := startStackWith(t, "WINBACK_PLAYBOOK="+chaosPlaybookFile(t), "WINBACK_LOG_LEVEL=error")
	workerBin, _ := testenv.Binaries(t)

	campaigns := newChaosCampaigns("chaos", n)
	start := time.Now()
	campaigns.launch(s)
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

	tally := campaigns.tally(t, s.status, s.outbox)
	summary := fmt.Sprintf("fault test: %d campaigns, %d worker kills (SIGKILL), %d server restart, sandbox 5xx and 429 storms; %s; %s",
		n, kills, restarts, tally, time.Since(start).Round(time.Second))
	t.Log(summary)
	fmt.Println(summary)
	tally.checkLate(t)
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
