package workflows

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
)

// A campaign checks the playbook it was given, however it was started: a broken one stops it
// before any task or message, with the rule it broke.
func TestAnInvalidPlaybookStopsTheCampaignAtOnce(t *testing.T) {
	h := newHarness(t)
	h.in.Playbook.MaxCallAttempts = 0
	h.env.ExecuteWorkflow(WorkflowType, h.in)

	var appErr *temporal.ApplicationError
	err := h.env.GetWorkflowError()
	if !errors.As(err, &appErr) || appErr.Type() != "InvalidInput" || !appErr.NonRetryable() ||
		!strings.Contains(err.Error(), "maxCallAttempts: 0 is less than 1") {
		t.Fatalf("error %v: want a non-retryable InvalidInput naming maxCallAttempts", err)
	}
	if len(h.sent) != 0 {
		t.Errorf("sent %+v before failing", h.sent)
	}
}
