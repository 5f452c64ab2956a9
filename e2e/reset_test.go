package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// TestResetAfterFixingATemplate follows docs/RUNBOOK.md: a broken revisit template makes the
// revisit email fail and the campaign move on; ops fix the template, restart the worker and
// reset the campaign to before the send. The email then goes out, once. A second reset to the
// same point re-runs the send, and the send ledger keeps the customer from getting it twice.
func TestResetAfterFixingATemplate(t *testing.T) {
	templates := t.TempDir()
	// An override that demands the competitor's offer: it renders with the start-up check's
	// complete sample data, and fails at send time for a customer launched without one.
	broken := "Subject: What we changed\n\nHi {{.CustomerName}}, we've decided to {{.WhatWeChanged}}. " +
		"Against their {{required \"CompetitorOffer\" .CompetitorOffer}}.\n"
	if err := os.WriteFile(filepath.Join(templates, "revisit.email.tmpl"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startStackWith(t, "WINBACK_TEMPLATES_DIR="+templates)
	const customer = "e2e-reset"
	wid := workflows.WorkflowID(customer)
	s.winback(0, "launch", "--customer-id", customer, "--name", "Rita Reset", "--email", "rita@reset.example",
		"--timezone", "UTC", "--account-value", "9000", "--rep", "alice", "--manager", "maria")
	s.completeWhenOpen(customer, "backstory", "alice", "--our-side", "fine")
	s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "price",
		"--what-would-keep-you", "a discount", "--reason", "competitor_price", "--scope", "systemic")
	s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--offer", "incentive",
		"--what-we-changed", "lower your price by a fifth", "--offer-details", "three months free",
		"--offer-value", "2250", "--offer-until", time.Now().AddDate(0, 1, 0).UTC().Format(time.DateOnly))

	// The broken template fails the send; the campaign records it and moves on to the call.
	s.eventually("the failed revisit email", 30*time.Second, func() bool { return revisitStatus(s.status(customer)) == "failed" })
	if n := len(s.outbox(wid)); n != 0 {
		t.Fatalf("%d messages in the outbox after a failed send", n)
	}

	// Ops fix the template and restart the worker, then reset to before the send.
	fixed := "Subject: What we changed\n\nHi {{.CustomerName}}, we've decided to {{.WhatWeChanged}}." +
		"{{with .OfferDetails}} Our offer: {{.}}.{{end}}\n"
	if err := os.WriteFile(filepath.Join(templates, "revisit.email.tmpl"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	workerBin, _ := testenv.Binaries(t)
	s.worker.Stop(9)
	s.worker = testenv.StartProcess(t, s.env, workerBin)
	s.waitHealthy()
	point := resetPointBeforeRevisit(t, s, wid)
	s.server.Temporal(t, "workflow", "reset", "--workflow-id", wid, "--event-id", fmt.Sprint(point), "--reason", "fixed the revisit template")

	s.eventually("the revisit email after the reset", 30*time.Second, func() bool { return len(s.outbox(wid)) == 1 })
	if got := s.outbox(wid)[0]; got.Step != "revisit-email" || !strings.Contains(got.Text, "lower your price by a fifth") {
		t.Errorf("after the reset the outbox holds %+v", got)
	}
	if st := revisitStatus(s.status(customer)); st != "sent" {
		t.Errorf("revisit email status after the reset = %q, want sent", st)
	}

	// Reset to the same point again: the send runs again, and the ledger stops a second email.
	point = resetPointBeforeRevisit(t, s, wid)
	s.server.Temporal(t, "workflow", "reset", "--workflow-id", wid, "--event-id", fmt.Sprint(point), "--reason", "second reset")
	s.eventually("the re-run send to be deduplicated", 30*time.Second, func() bool {
		return revisitStatus(s.status(customer)) == "sent_deduplicated"
	})
	if n := len(s.outbox(wid)); n != 1 {
		t.Errorf("%d messages after the second reset, want still 1", n)
	}
	s.winback(0, "cancel", customer)
}

// revisitStatus is the status of the campaign's last revisit email attempt by email.
func revisitStatus(st workflows.CampaignStatus) string {
	status := ""
	for _, m := range st.Messages {
		if m.Step == "revisit-email" && m.Channel == workflows.ChannelEmail {
			status = m.Status
		}
	}
	return status
}

// resetPointBeforeRevisit finds, in the current run's history, the last WorkflowTaskCompleted
// event before the revisit email's local-activity marker: the point the runbook resets to.
func resetPointBeforeRevisit(t *testing.T, s *stack, wid string) int64 {
	t.Helper()
	raw := s.server.Temporal(t, "workflow", "show", "--workflow-id", wid, "--output", "json")
	var h struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatal(err)
	}
	var lastCompleted int64
	for _, raw := range h.Events {
		var e struct {
			EventID   string `json:"eventId"`
			EventType string `json:"eventType"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		switch e.EventType {
		case "EVENT_TYPE_WORKFLOW_TASK_COMPLETED":
			fmt.Sscan(e.EventID, &lastCompleted)
		case "EVENT_TYPE_MARKER_RECORDED":
			// The local activity's summary and input name the step.
			if strings.Contains(withDecodedPayloads(string(raw)), "revisit-email") {
				return lastCompleted
			}
		}
	}
	t.Fatalf("no revisit email marker in the history of %s", wid)
	return 0
}
