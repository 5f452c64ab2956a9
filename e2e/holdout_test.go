package e2e

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

// The report's JSON as a script reads it: the parts about the holdout and the lift.
type (
	cliHoldoutReport struct {
		Totals           cliHoldoutGroup `json:"totals"`
		HeldOut          cliHoldoutGroup `json:"heldOut"`
		ByOutcome        map[string]int  `json:"byOutcome"`
		ByOutcomeHeldOut map[string]int  `json:"byOutcomeHeldOut"`
		Funnel           []struct {
			Stage     string `json:"stage"`
			Campaigns int    `json:"campaigns"`
		} `json:"funnel"`
		Lift struct {
			All      cliLift   `json:"all"`
			ByReason []cliLift `json:"byReason"`
		} `json:"lift"`
	}
	cliHoldoutGroup struct {
		Campaigns int     `json:"campaigns"`
		Open      int     `json:"open"`
		Closed    int     `json:"closed"`
		WonBack   int     `json:"wonBack"`
		Rate      float64 `json:"winBackRate"`
	}
	cliLift struct {
		Key     string  `json:"key"`
		Worked  cliArm  `json:"worked"`
		HeldOut cliArm  `json:"heldOut"`
		Lift    float64 `json:"lift"`
		Low     float64 `json:"ciLow"`
		High    float64 `json:"ciHigh"`
		Enough  bool    `json:"enough"`
		Clear   bool    `json:"clear"`
		Says    string  `json:"says"`
	}
	cliArm struct {
		Campaigns int     `json:"campaigns"`
		Returns   int     `json:"returns"`
		Rate      float64 `json:"rate"`
	}
)

// TestAHoldoutLaunchShowsTheLift is issue 17's report test, done as ops would do it with the
// CLI: a launch with a 20% holdout, the treated customers reached and the held-out ones left
// alone, more returns among the treated, and a report that shows the lift and its 95% interval.
//
// Which customers are held out is a keyed hash of the customer ID under the deployment's key,
// made fresh for this stack, so the test cannot know them in advance. It asks a dry run over a
// list of 200 customers which it would hold out, then launches a file of 60 of them, 12 held
// out and 48 treated: the same dry run over the smaller file must pick the same customers (the
// choice is per customer, not per file or per run), and a split of 12 of 60 gives figures known
// in advance. The playbook lets every task expire within seconds (impatientPlaybook), so each
// treated customer gets a first email with nobody at the keyboard.
func TestAHoldoutLaunchShowsTheLift(t *testing.T) {
	pb := filepath.Join(t.TempDir(), "impatient.yaml")
	if err := os.WriteFile(pb, []byte(impatientPlaybook), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startStackWith(t, "WINBACK_PLAYBOOK="+pb)
	began := time.Now()
	const (
		poolSize = 200
		nHeld    = 12 // of 60 launched: 20%
		nTreated = 48
	)
	record := func(id string) string {
		// Above the playbook's walk-away value, a reason it pursues: the policy keeps in touch.
		return customerRecord(id, map[string]string{"name": "Customer " + id, "email": id + "@example.com",
			"account_value": "12000", "reason": "competitor_price"})
	}

	// The whole list first: how many would a 20% holdout keep out, and which?
	var pool []string
	for i := range poolSize {
		pool = append(pool, fmt.Sprintf("hold-%03d", i))
	}
	poolRecords := map[string]string{}
	for _, id := range pool {
		poolRecords[id] = record(id)
	}
	var poolDry cliLaunchHoldout
	s.runJSON(&poolDry, 0, "launch", "--csv", writeTempFile(t, "pool.csv", customersCSV(mapValues(poolRecords, pool)...)), "--holdout", "20", "--dry-run")
	poolHeld := poolDry.heldIDs()
	if !poolDry.DryRun || len(poolDry.WouldLaunch) != poolSize || poolDry.HeldOut != len(poolHeld) ||
		poolDry.HeldOut < poolSize*5/100 || poolDry.HeldOut > poolSize*40/100 {
		t.Fatalf("dry run over %d customers with --holdout 20: would launch %d, hold out %d (%d marked); want between 5%% and 40%% held out",
			poolSize, len(poolDry.WouldLaunch), poolDry.HeldOut, len(poolHeld))
	}
	if len(poolHeld) < nHeld || poolSize-len(poolHeld) < nTreated {
		t.Fatalf("the dry run holds out %d of %d: too few (or too many) to pick %d held out and %d treated", len(poolHeld), poolSize, nHeld, nTreated)
	}
	t.Logf("dry run: %d of %d held out (%.1f%%)", len(poolHeld), poolSize, 100*float64(len(poolHeld))/poolSize)

	// The launch file: the first 12 the dry run holds out and the first 48 it does not, in
	// the list's order (which is the IDs' order, so held is sorted).
	var file, held, treated []string
	for _, id := range pool {
		switch {
		case poolHeld[id] && len(held) < nHeld:
			held = append(held, id)
		case !poolHeld[id] && len(treated) < nTreated:
			treated = append(treated, id)
		default:
			continue
		}
		file = append(file, id)
	}
	launchFile := writeTempFile(t, "launch.csv", customersCSV(mapValues(poolRecords, file)...))

	// The dry run of that file predicts the same customers, in JSON and in its HOLDOUT column.
	var dry cliLaunchHoldout
	s.runJSON(&dry, 0, "launch", "--csv", launchFile, "--holdout", "20", "--dry-run")
	if got := slices.Sorted(maps.Keys(dry.heldIDs())); dry.HeldOut != nHeld || !slices.Equal(got, held) {
		t.Fatalf("dry run of the launch file: heldOut %d, held out %v; want %d, the pool's dry run's %v", dry.HeldOut, got, nHeld, held)
	}
	text := s.winback(0, "launch", "--csv", launchFile, "--holdout", "20", "--dry-run")
	if want := "Held out: 12 of 60 (20% by --holdout)"; !strings.Contains(text, want) {
		t.Errorf("dry run text lacks %q:\n%s", want, text)
	}
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !slices.Contains(file, f[1]) {
			continue
		}
		rows++
		if marked := strings.HasSuffix(strings.TrimSpace(line), "held out"); marked != slices.Contains(held, f[1]) {
			t.Errorf("dry run row of %s: HOLDOUT column says held out = %v, want %v\n%s", f[1], marked, !marked, line)
		}
	}
	if rows != len(file) {
		t.Errorf("dry run text lists %d of the file's %d customers:\n%s", rows, len(file), text)
	}

	// The launch holds out the customers the dry run said.
	var launched cliLaunchHoldout
	s.runJSON(&launched, 0, "launch", "--csv", launchFile, "--holdout", "20")
	if got := slices.Sorted(maps.Keys(launched.heldIDs())); launched.Launched != len(file) || launched.HeldOut != nHeld ||
		launched.Failed != 0 || !slices.Equal(got, held) {
		t.Fatalf("launch: launched %d, heldOut %d, failed %d, held out %v; want %d launched and the dry run's %d: %v",
			launched.Launched, launched.HeldOut, launched.Failed, got, len(file), nHeld, held)
	}
	t.Logf("launched %d campaigns, %d held out, %s after the stack was up", len(file), nHeld, time.Since(began).Round(time.Millisecond))

	// Every treated customer gets their first email (the first stay-in-touch check-in, 15s
	// after the launch); by then no held-out customer got anything, nor did anyone about them.
	s.eventually("the first email of every treated customer", 90*time.Second, func() bool {
		got := map[string]bool{}
		for _, m := range s.outbox("") {
			if m.Step == "check-in-1" {
				got[m.WorkflowID] = true
			}
		}
		for _, id := range treated {
			if !got[workflows.WorkflowID(id)] {
				return false
			}
		}
		return true
	})
	t.Logf("every treated customer had their first email %s after the stack was up", time.Since(began).Round(time.Millisecond))
	sentTo := map[string][]string{}
	for _, m := range s.outbox("") {
		sentTo[m.WorkflowID] = append(sentTo[m.WorkflowID], m.Step)
	}
	for _, id := range held {
		if got := sentTo[workflows.WorkflowID(id)]; len(got) > 0 {
			t.Errorf("held-out %s: the sandbox got %v for their campaign, want nothing", id, got)
		}
		st := s.status(id)
		if !st.Holdout || st.Stage != workflows.StageHoldout || st.Outcome != "" || len(st.Tasks) != 0 || len(st.Messages) != 0 {
			t.Errorf("status %s: holdout %v, stage %s, outcome %q, %d tasks, %d messages; want held out, stage holdout, open, no task, no message",
				id, st.Holdout, st.Stage, st.Outcome, len(st.Tasks), len(st.Messages))
		}
	}
	if st := s.status(treated[0]); st.Holdout || st.Stage != workflows.StageCheckIns || len(st.Messages) == 0 {
		t.Errorf("status %s (treated): holdout %v, stage %s, %d messages; want worked, in its check-ins, with its email",
			treated[0], st.Holdout, st.Stage, len(st.Messages))
	}

	// Half of the treated come back, and one held-out customer on their own.
	returned := map[string]bool{}
	for i, id := range treated {
		if i%2 == 0 {
			s.winback(0, "won-back", id, "--note", "renewed after the check-in")
			returned[id] = true
		}
	}
	s.winback(0, "won-back", held[0], "--note", "came back on their own")
	returned[held[0]] = true
	t.Logf("%d returns marked, %s after the stack was up", len(returned), time.Since(began).Round(time.Millisecond))

	// The report, once every campaign's last record is in the store's index.
	var r cliHoldoutReport
	s.eventually("the report to count 24 of 48 treated and 1 of 12 held out back", 30*time.Second, func() bool {
		s.runJSON(&r, 0, "report")
		return r.Totals.Campaigns == nTreated && r.Totals.WonBack == nTreated/2 && r.HeldOut.Campaigns == nHeld && r.HeldOut.WonBack == 1
	})
	t.Logf("the report counted every return %s after the stack was up", time.Since(began).Round(time.Millisecond))
	if want := (cliHoldoutGroup{Campaigns: 48, Open: 24, Closed: 24, WonBack: 24, Rate: 1}); r.Totals != want {
		t.Errorf("report totals (the treated): %+v, want %+v", r.Totals, want)
	}
	if want := (cliHoldoutGroup{Campaigns: 12, Open: 11, Closed: 1, WonBack: 1, Rate: 1}); r.HeldOut != want {
		t.Errorf("report heldOut: %+v, want %+v", r.HeldOut, want)
	}
	if r.ByOutcome["won_back"] != 25 || r.ByOutcomeHeldOut["won_back"] != 1 || r.ByOutcome["holdout"] != 0 {
		t.Errorf("report by outcome: %v, held out %v; want 25 won back, 1 of them held out, none closed as holdout yet",
			r.ByOutcome, r.ByOutcomeHeldOut)
	}

	// The treated customers stayed in touch (nobody decided): the funnel counts them in their
	// check-ins, not in a revisit email, wait or thank-you call they never had; the held-out
	// ones are not in it.
	funnel := map[string]int{}
	for _, st := range r.Funnel {
		funnel[st.Stage] = st.Campaigns
	}
	if want := map[string]int{"backstory": 48, "exit_interview": 48, "decision": 48, "revisit_email": 0, "wait": 0, "thank_you_call": 0,
		"check_ins": 48, "won_back": 24}; !maps.Equal(funnel, want) {
		t.Errorf("report funnel: %v, want %v", funnel, want)
	}

	// 24 of 48 (50%) against 1 of 12 (8.3%): a lift of 41.7 points. Its 95% interval by
	// Newcombe's hybrid score method (Newcombe 1998, method 10), worked out apart from the
	// report package: Wilson intervals 0.3639 to 0.6361 (24 of 48) and 0.0149 to 0.3539 (1 of
	// 12), so 0.4167 - sqrt(0.1361² + 0.2705²) = 0.1138 and 0.4167 + sqrt(0.1361² + 0.0685²) = 0.5690.
	wantLift := cliLift{Worked: cliArm{48, 24, 0.5}, HeldOut: cliArm{12, 1, 1.0 / 12}, Lift: 0.5 - 1.0/12,
		Low: 0.11381276925071382, High: 0.5690245747597095, Enough: true, Clear: true}
	checkLift := func(what string, got cliLift) {
		t.Helper()
		if got.Worked != wantLift.Worked || got.HeldOut != wantLift.HeldOut || !got.Enough || !got.Clear ||
			!near(got.Lift, wantLift.Lift) || !near(got.Low, wantLift.Low) || !near(got.High, wantLift.High) {
			t.Errorf("%s: %+v\nwant worked %+v, held out %+v, lift %.4f in [%.4f, %.4f], enough and clear",
				what, got, wantLift.Worked, wantLift.HeldOut, wantLift.Lift, wantLift.Low, wantLift.High)
		}
		if got.Low <= 0 {
			t.Errorf("%s: the interval's lower bound is %v: want above 0", what, got.Low)
		}
		if !strings.HasPrefix(got.Says, "The campaigns bring customers back") {
			t.Errorf("%s says %q, want that the campaigns bring customers back", what, got.Says)
		}
	}
	checkLift("lift over every customer", r.Lift.All)
	// Every customer left for competitor_price: by reason, the one group is the same comparison.
	if len(r.Lift.ByReason) != 1 || r.Lift.ByReason[0].Key != "competitor_price" {
		t.Errorf("lift by reason: %+v, want competitor_price only", r.Lift.ByReason)
	} else {
		checkLift("lift by reason competitor_price", r.Lift.ByReason[0])
	}

	// The same in text, as a manager reads it.
	text = s.winback(0, "report")
	for _, want := range []string{
		"Campaigns:      48 (open 24, closed 24)",
		"Held out:       12 customers, not counted above (no message, no task); 1 returned on their own, 11 still open",
		"Lift over the holdout: The campaigns bring customers back: 50.0% of the customers worked returned, against 8.3% of those held out, " +
			"a lift of +41.7 points (95% confidence interval +11.4 points to +56.9 points).",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
	if row := lineWith(text, "every customer"); !strings.Contains(row, "24 of 48 (50.0%)") || !strings.Contains(row, "1 of 12 (8.3%)") ||
		!strings.Contains(row, "+41.7 points") || !strings.Contains(row, "+11.4 to +56.9 points") || !strings.Contains(row, "clear lift") {
		t.Errorf("report text's lift row for every customer: %q\n%s", row, text)
	}
	if st := s.status(held[0]); !st.Holdout || st.Outcome != workflows.OutcomeWonBack {
		t.Errorf("status %s: holdout %v, outcome %s; want held out, closed won_back", held[0], st.Holdout, st.Outcome)
	}
	t.Logf("done in %s after the stack was up", time.Since(began).Round(time.Millisecond))
}

// cliLaunchHoldout is the launch summary's JSON with what it says about the holdout.
type cliLaunchHoldout struct {
	DryRun   bool `json:"dryRun"`
	Launched int  `json:"launched"`
	HeldOut  int  `json:"heldOut"`
	Failed   int  `json:"failed"`
	Results  []struct {
		CustomerID string `json:"customerId"`
		Status     string `json:"status"`
		Holdout    bool   `json:"holdout"`
	} `json:"results"`
	WouldLaunch []struct {
		Input workflows.CampaignInput `json:"input"`
	} `json:"wouldLaunch"`
}

// heldIDs are the customers the launch held out (or, in a dry run, would hold out).
func (l cliLaunchHoldout) heldIDs() map[string]bool {
	out := map[string]bool{}
	for _, w := range l.WouldLaunch {
		if w.Input.Holdout {
			out[w.Input.Customer.ID] = true
		}
	}
	for _, r := range l.Results {
		if r.Holdout {
			out[r.CustomerID] = true
		}
	}
	return out
}

// mapValues are m's values for keys, in order.
func mapValues(m map[string]string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// lineWith is the first line of text that starts with s, or "".
func lineWith(text, s string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, s) {
			return line
		}
	}
	return ""
}

// near: equal to within 1e-9.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
