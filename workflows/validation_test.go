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

// A refused Update keeps its field errors typed across the wire: an UpdateRejected application
// error whose details are the []FieldError, so no client parses its message.
func TestRejectionsCarryTheirFieldErrors(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", TaskAnswers{Landmines: []string{"billing"}})
	h.complete(2*hour, "nope", "alice", backstory)
	h.signal(3*hour, SignalCancel, CancelSignal{By: "ops"})
	h.run()

	var appErr *temporal.ApplicationError
	if !errors.As(h.rejected["backstory"], &appErr) || appErr.Type() != UpdateRejected {
		t.Fatalf("rejection %v: want an %s application error", h.rejected["backstory"], UpdateRejected)
	}
	var fields []FieldError
	if err := appErr.Details(&fields); err != nil || len(fields) != 1 || fields[0].Field != "ourSide" || fields[0].Code != CodeRequired {
		t.Errorf("details %+v (%v): want ourSide required", fields, err)
	}
	if !errors.As(h.rejected["nope"], &appErr) || appErr.Details(&fields) != nil || fields[0].Field != "taskId" {
		t.Errorf("unknown task: %v, details %+v", h.rejected["nope"], fields)
	}
}

// A corrected contact must be one the campaign can send to: the clients normalise what people
// type, the campaign checks what arrives.
func TestFixContactAnswersAreCheckedLikeTheLauncherChecksThem(t *testing.T) {
	for _, tc := range []struct {
		a    TaskAnswers
		want string
	}{
		{TaskAnswers{Phone: "212 555 0142"}, `phone: "212 555 0142" is not in E.164 form`},
		{TaskAnswers{Email: "Ann <ann@x.example>"}, `email: "Ann <ann@x.example>" is not a bare address`},
		{TaskAnswers{Email: "ann@localhost"}, "has no domain"},
		{TaskAnswers{Phone: "+12125550142"}, ""},
	} {
		err := ValidateAnswers(TaskFixContact, tc.a)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.a, err, tc.want)
		}
	}
}
