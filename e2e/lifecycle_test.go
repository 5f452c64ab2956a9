package e2e

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// TestCampaignLaunchToClose drives one campaign from launch to close through the CLI: the
// revisit email goes through the SendGrid SDK into the sandbox, the durable wait passes, the
// rep completes the thank-you call, a check-in goes out, and the customer comes back.
func TestCampaignLaunchToClose(t *testing.T) {
	s := startStack(t)
	const customer = "e2e-acme"
	wid := workflows.WorkflowID(customer)
	launch := []string{"launch", "--customer-id", customer, "--name", "Dana Reyes", "--company", "Acme Corp",
		"--email", "dana@acme.example", "--phone", "+12125550142", "--timezone", "America/New_York",
		"--account-value", "48000", "--segment", "enterprise", "--reason", "competitor_price",
		"--competitor", "Globex", "--rep", "alice", "--manager", "maria"}

	s.winback(0, launch...)
	sendsBefore, tasksBefore := s.metric("winback_sends_total"), s.metric("winback_tasks_completed_total")
	// A second launch while it runs is refused, and names the customer.
	if out := s.winback(1, launch...); !strings.Contains(out, customer) || !strings.Contains(out, "already running") {
		t.Errorf("second launch said %q: want it to name the customer and say it is already running", out)
	}

	s.eventually("the backstory task", 20*time.Second, func() bool { return s.taskOpen(customer, "backstory") })
	s.winback(0, "complete", customer, "backstory", "--as", "alice", "--our-side", "Two late deliveries in Q3",
		"--landmine", "billing dispute in August")
	s.eventually("the exit interview", 20*time.Second, func() bool { return s.taskOpen(customer, "exit-interview") })
	// A wrong answer is refused with its field named, and changes nothing.
	if out := s.winback(2, "complete", customer, "exit-interview", "--as", "alice", "--why-leaving", "price",
		"--what-would-keep-you", "match Globex", "--reason", "cheaper", "--scope", "systemic"); !strings.Contains(out, "reason") {
		t.Errorf("bad reason answer said %q, want it to name the reason field", out)
	}
	s.winback(0, "complete", customer, "exit-interview", "--as", "alice", "--why-leaving", "Globex is 20% cheaper",
		"--what-would-keep-you", "match Globex", "--reason", "competitor_price", "--scope", "systemic")
	s.eventually("the decision", 20*time.Second, func() bool { return s.taskOpen(customer, "decision") })
	s.winback(0, "complete", customer, "decision", "--as", "maria", "--pursue",
		"--what-we-changed", "cut your renewal price by 25%", "--offer", "beat_offer", "--offer-details", "25% off for two years")

	s.eventually("the revisit email in the outbox", 30*time.Second, func() bool {
		return slices.Contains(steps(s.outbox(wid)), "revisit-email")
	})
	revisit := s.outbox(wid)[0]
	if !strings.Contains(revisit.To, "<dana@acme.example>") || !strings.Contains(revisit.Text, "cut your renewal price by 25%") {
		t.Errorf("revisit email to %q, text %q: want it to Dana, saying exactly what we changed", revisit.To, revisit.Text)
	}

	s.eventually("the thank-you call after the wait", 30*time.Second, func() bool { return s.taskOpen(customer, "thank-you-call") })
	s.winback(0, "complete", customer, "thank-you-call", "--as", "alice", "--outcome", "considering")

	s.eventually("a check-in", 60*time.Second, func() bool {
		return slices.ContainsFunc(steps(s.outbox(wid)), func(step string) bool { return strings.HasPrefix(step, "check-in-") })
	})
	// Ops watching /metrics see the business counters move (tally flushes every second).
	s.eventually("the business counters on /metrics", 10*time.Second, func() bool {
		return s.metric("winback_sends_total") >= sendsBefore+2 && s.metric("winback_tasks_completed_total") >= tasksBefore+4 &&
			s.metric("winback_stage_entered_total") >= 6
	})
	s.winback(0, "won-back", customer, "--note", "signed the renewal")

	s.eventually("the campaign to close", 20*time.Second, func() bool { return s.status(customer).Stage == workflows.StageClosed })
	st := s.status(customer)
	if st.Outcome != workflows.OutcomeWonBack {
		t.Errorf("outcome = %s, want won_back", st.Outcome)
	}
	// Every message reached the sandbox exactly once.
	seen := map[string]int{}
	for _, m := range s.outbox(wid) {
		seen[m.Step]++
	}
	for step, n := range seen {
		if n != 1 {
			t.Errorf("step %s reached the customer %d times", step, n)
		}
	}

	// What ops see in Temporal: the search attributes, no PII.
	attrs := describeSearchAttributes(t, s.server.Temporal(t, "workflow", "describe", "--workflow-id", wid, "--output", "json"))
	for name, want := range map[string]any{"WinBackStage": "closed", "WinBackOutcome": "won_back", "WinBackCustomerID": customer,
		"WinBackReason": "competitor_price", "WinBackScope": "systemic", "WinBackSegment": "enterprise", "WinBackAccountValue": 48000.0} {
		if attrs[name] != want {
			t.Errorf("search attribute %s = %v, want %v", name, attrs[name], want)
		}
	}
	for name, v := range attrs {
		for _, pii := range []string{"Dana", "dana@acme.example", "+12125550142", "Acme"} {
			if strings.Contains(fmt.Sprint(v), pii) {
				t.Errorf("search attribute %s = %v carries PII", name, v)
			}
		}
	}
	// A relaunch after a closed campaign is allowed.
	s.winback(0, launch...)
	s.winback(0, "cancel", customer, "--reason", "test over")
}

// describeSearchAttributes decodes the search attributes from `temporal workflow describe -o json`.
func describeSearchAttributes(t *testing.T, desc string) map[string]any {
	t.Helper()
	var d struct {
		WorkflowExecutionInfo struct {
			SearchAttributes struct {
				IndexedFields map[string]struct {
					Data string `json:"data"`
				} `json:"indexedFields"`
			} `json:"searchAttributes"`
		} `json:"workflowExecutionInfo"`
	}
	if err := json.Unmarshal([]byte(desc), &d); err != nil {
		t.Fatalf("describe JSON: %v", err)
	}
	out := map[string]any{}
	for name, f := range d.WorkflowExecutionInfo.SearchAttributes.IndexedFields {
		raw, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = v
	}
	return out
}

// TestBadConfigurationStopsTheWorker: a bad variable stops the worker at start, naming it.
func TestBadConfigurationStopsTheWorker(t *testing.T) {
	worker, _ := testenv.Binaries(t)
	for _, tc := range []struct{ env, name string }{
		{"WINBACK_HTTP_ADDR=nonsense", "WINBACK_HTTP_ADDR"},
		{"WINBACK_LOG_LEVEL=loud", "WINBACK_LOG_LEVEL"},
		{"TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000", "TWILIO_AUTH_TOKEN"},
		{"WINBACK_DATABASE_URL=mysql://root@db/winback", "WINBACK_DATABASE_URL"},
	} {
		out, errOut, code := testenv.Run(t, []string{tc.env, "WINBACK_DATA_DIR=" + t.TempDir()}, worker)
		if code != 2 || !strings.Contains(out+errOut, tc.name) {
			t.Errorf("%s: exit %d, output %q; want exit 2 naming %s", tc.env, code, out+errOut, tc.name)
		}
	}
}

// A store the worker cannot use stops it at start, naming the variable and what is wrong,
// without its password, before it takes any work.
func TestAStoreThatCannotBeUsedStopsTheWorker(t *testing.T) {
	worker, _ := testenv.Binaries(t)
	newer := filepath.Join(t.TempDir(), "winback.db")
	s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + newer})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Suppress(context.Background(), "+12125550142", store.Suppression{Channel: "sms", Source: store.SourceStop}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (999, 'from a newer winback', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct{ url, want string }{
		{"postgres://winback:hunter22secret@127.0.0.1:1/winback", "cannot reach postgres://127.0.0.1:1/winback"},
		{"sqlite:" + newer, "schema version 999, newer than this winback knows"},
	} {
		out, errOut, code := testenv.Run(t, []string{"WINBACK_DATABASE_URL=" + tc.url, "WINBACK_DATA_DIR=" + t.TempDir()}, worker)
		all := out + errOut
		if code == 0 || !strings.Contains(all, "WINBACK_DATABASE_URL") || !strings.Contains(all, tc.want) || strings.Contains(all, "hunter22secret") {
			t.Errorf("%s: exit %d, output %q; want a failure naming WINBACK_DATABASE_URL and %q, without the password", tc.url, code, all, tc.want)
		}
	}
}
