package workflows

import "testing"

// Ops may cancel a campaign with `temporal workflow cancel` (or the UI's button) rather than the
// Cancel signal: it closes as cancelled at once, sends nothing more, and every open task is
// cancelled.
func TestCancelledThroughTemporal(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", backstory)
	h.at(2*hour, func() { h.env.CancelWorkflow() })

	res, st := h.run()

	if res.Outcome != OutcomeCancelled {
		t.Fatalf("outcome = %s (%s), want cancelled", res.Outcome, res.Reason)
	}
	if len(h.sent) != 0 {
		t.Errorf("sent %d messages after the cancellation: %+v", len(h.sent), h.sent)
	}
	if task := taskByID(st, "exit-interview"); task == nil || task.Status != TaskCancelled {
		t.Errorf("exit interview = %+v, want cancelled", task)
	}
	if taskByID(st, "decision") != nil {
		t.Error("the campaign went on to the decision after it was cancelled")
	}
	if h.attrs["WinBackOutcome"] != "cancelled" {
		t.Errorf("WinBackOutcome = %v", h.attrs["WinBackOutcome"])
	}
}
