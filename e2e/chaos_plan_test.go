package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// The fault tests (on the dev server, chaos_test.go; on a real cluster, cluster_faults_test.go)
// share what makes their count exact: a playbook that carries every campaign to its end with
// nobody at the keyboard, campaigns whose outcome and customer messages are known in advance,
// and the tally of what the sandbox received against that.

// chaosPlaybook carries a campaign to its end with nobody at the keyboard: every task expires and
// its default applies (the manager never decides, so the policy keeps in touch, promising
// nothing: the stay-in-touch cadence, an email, an SMS and an email). The first check-in comes after the longest delay the outages below can
// cause (sends retry with backoff up to 5 minutes apart; a storm of 6s costs up to ~30s), and the
// check-ins are spaced wider than any outage, so none is skipped as late.
const chaosPlaybook = `version: chaos
backstoryDue: 1s
businessHours: false
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
stayInTouch:
  - {after: 90s, channel: email}
  - {after: 110s, channel: sms}
  - {after: 130s, channel: email}
expiry: 145s
`

// chaosSettings reads the number of campaigns (WINBACK_CHAOS_CAMPAIGNS, else n) and the seed
// of the random moments (WINBACK_CHAOS_SEED, else the clock), and logs both so a run can be
// repeated.
func chaosSettings(t *testing.T, n int) (int, *rand.Rand) {
	t.Helper()
	if v := os.Getenv("WINBACK_CHAOS_CAMPAIGNS"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n < 4 {
			t.Fatalf("WINBACK_CHAOS_CAMPAIGNS=%q: want a number of campaigns, 4 or more", v)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("WINBACK_CHAOS_SEED"); v != "" {
		if _, err := fmt.Sscan(v, &seed); err != nil {
			t.Fatalf("WINBACK_CHAOS_SEED=%q: want a number", v)
		}
	}
	t.Logf("chaos: %d campaigns, seed %d (WINBACK_CHAOS_CAMPAIGNS and WINBACK_CHAOS_SEED to repeat)", n, seed)
	return n, rand.New(rand.NewPCG(seed, 1))
}

// chaosPlaybookFile writes chaosPlaybook into the test's temp dir and returns its path, for
// WINBACK_PLAYBOOK.
func chaosPlaybookFile(t *testing.T) string {
	t.Helper()
	pb := filepath.Join(t.TempDir(), "chaos.yaml")
	if err := os.WriteFile(pb, []byte(chaosPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	return pb
}

// chaosCampaigns are campaigns of three kinds, with outcomes known in advance: kept in touch to
// expiry (three customer messages, the second by SMS),
// won back at once (none), walked away by policy for a low account value (none).
type chaosCampaigns struct {
	plans   map[string]chaosPlan // by customer ID
	wonBack []string             // marked won back right after the launch
	csv     []byte               // the launch file
}

// chaosPlan is what one campaign must end with.
type chaosPlan struct {
	outcome workflows.Outcome
	steps   []string // the customer messages it sends, each exactly once
}

// newChaosCampaigns plans n campaigns of customers prefix-000, prefix-001...
func newChaosCampaigns(prefix string, n int) chaosCampaigns {
	c := chaosCampaigns{plans: map[string]chaosPlan{}}
	var csv bytes.Buffer
	csv.WriteString("customer_id,name,email,phone,timezone,account_value,reason,rep,manager\n")
	for i := range n {
		id := fmt.Sprintf("%s-%03d", prefix, i)
		value := "50000"
		switch i % 4 {
		case 0, 1:
			c.plans[id] = chaosPlan{workflows.OutcomeExpired, []string{"check-in-1", "check-in-2", "check-in-3"}}
		case 2:
			c.plans[id] = chaosPlan{workflows.OutcomeWonBack, nil}
			c.wonBack = append(c.wonBack, id)
		case 3:
			c.plans[id] = chaosPlan{workflows.OutcomeWalkedAway, nil}
			value = "500"
		}
		fmt.Fprintf(&csv, "%s,Customer %d,%s@example.com,+1212555%04d,UTC,%s,let_down,alice,maria\n", id, i, id, i, value)
	}
	c.csv = csv.Bytes()
	return c
}

// launch launches every campaign through the CLI, then marks the won-back ones, four CLI
// processes at a time (one after another, they took as long as the launch).
func (c chaosCampaigns) launch(s *stack) {
	s.t.Helper()
	csvFile := filepath.Join(s.t.TempDir(), "chaos.csv")
	if err := os.WriteFile(csvFile, c.csv, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.winback(0, "launch", "--csv", csvFile, "--concurrency", "16")
	failed := make([]string, len(c.wonBack))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for i, id := range c.wonBack {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			cmd := exec.Command(s.cli, "won-back", id, "--note", "came back on day one")
			cmd.Env = append(os.Environ(), s.env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				failed[i] = fmt.Sprintf("winback won-back %s: %v\n%s", id, err, out)
			}
		}()
	}
	wg.Wait()
	for _, f := range failed {
		if f != "" {
			s.t.Fatal(f)
		}
	}
}

// chaosTally is what the sandbox received, against the plans.
type chaosTally struct {
	campaigns, expected, lost, dups, wrong, late int
}

// tally compares every campaign's outcome (status) and the messages the provider accepted for
// it (outbox, by workflow ID) with its plan. A planned message is lost when the provider never
// got it and the campaign did not skip it on purpose: a check-in whose date passed while the
// outages held up the earlier stages is skipped by the playbook, visibly (skipped_late), and
// counted apart. Any step that reached its recipient more than once, customer or staff, is a
// duplicate. The first failures are reported on t.
func (c chaosCampaigns) tally(t *testing.T, status func(customer string) workflows.CampaignStatus,
	outbox func(workflowID string) []sandbox.Message) chaosTally {
	t.Helper()
	r := chaosTally{campaigns: len(c.plans)}
	for _, id := range sortedCustomers(c.plans) {
		p := c.plans[id]
		r.expected += len(p.steps)
		st := status(id)
		skipped := map[string]bool{}
		for _, m := range st.Messages {
			if m.Status == "skipped_late" {
				skipped[m.Step] = true
				r.late++
			}
		}
		if st.Outcome != p.outcome {
			r.wrong++
			if r.wrong <= 5 {
				t.Errorf("%s: outcome %s, want %s", id, st.Outcome, p.outcome)
			}
		}
		count := map[string]int{}
		for _, m := range outbox(workflows.WorkflowID(id)) {
			count[m.Step]++
		}
		for _, step := range p.steps {
			if count[step] == 0 && !skipped[step] {
				r.lost++
				if r.lost <= 5 {
					t.Errorf("%s: %s never reached the customer", id, step)
				}
			}
		}
		for step, n := range count {
			if n > 1 {
				r.dups += n - 1
				t.Errorf("%s: %s reached its recipient %d times", id, step, n)
			}
		}
	}
	return r
}

// String is the tally for the summary line.
func (r chaosTally) String() string {
	return fmt.Sprintf("%d messages expected, %d lost, %d duplicates, %d wrong outcomes, %d check-ins skipped as late",
		r.expected, r.lost, r.dups, r.wrong, r.late)
}

// checkLate fails the test when the outages delayed more campaigns than the playbook allows
// for (lost, duplicated and wrong were reported one by one by tally).
func (r chaosTally) checkLate(t *testing.T) {
	t.Helper()
	if r.late > r.campaigns/20 {
		t.Errorf("%d check-ins skipped as late: the outages delayed more campaigns than this playbook allows for", r.late)
	}
}
