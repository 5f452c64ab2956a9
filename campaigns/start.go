package campaigns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/winback/winback/workflows"
)

// StartPolicy says whether a customer whose campaign has closed may start another.
type StartPolicy int

// The start policies. Either way a second campaign while one runs is refused, so nothing
// starts twice, even when two launchers race.
const (
	// Relaunch starts a new campaign after a closed one: a customer named by hand.
	Relaunch StartPolicy = iota
	// FirstOnly also refuses a customer who had a campaign that closed, as far as Temporal
	// remembers it (the namespace's retention): a file launch, so a rerun launches nothing twice.
	FirstOnly
)

// ClosedBeforeError is FirstOnly's refusal: the customer had a campaign, and it closed.
type ClosedBeforeError struct {
	CustomerID string
	// Ended is its outcome ("won_back"), or how it ended when it had none ("terminated").
	Ended  string
	Closed time.Time
}

func (e *ClosedBeforeError) Error() string {
	return fmt.Sprintf("customer %s had a campaign that closed as %s", e.CustomerID, e.Ended)
}

// Start launches a campaign on the configured task queue, with the options every campaign
// starts with (workflows.StartOptions: the workflow ID from the customer, the search
// attributes, the summary). It does it in one call to Temporal, with no lookup first (a
// lookup per customer cost a file launch a quarter of its speed): Temporal refuses a second
// running campaign, and with FirstOnly a closed one too. Only a refused start asks which case
// it was. It returns the run ID; or an error matching ErrAlreadyRunning; or, with FirstOnly,
// a *ClosedBeforeError.
func (c *Client) Start(ctx context.Context, in workflows.CampaignInput, policy StartPolicy) (string, error) {
	id := in.Customer.ID
	opts := workflows.StartOptions(c.o.TaskQueue, in)
	if policy == FirstOnly {
		opts.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	}
	callCtx, cancel := c.call(ctx)
	run, err := c.tc.ExecuteWorkflow(callCtx, opts, workflows.WorkflowType, in)
	cancel()
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		return run.GetRunID(), nil
	case !errors.As(err, &started):
		return "", classify(err)
	case policy == Relaunch:
		return "", alreadyRunning(id)
	}
	prev, err := c.latest(ctx, id)
	switch {
	case err != nil:
		return "", err
	case prev == nil: // Temporal forgot the closed campaign in between (retention)
		return "", fmt.Errorf("customer %s: its earlier campaign was just deleted by retention; start it again", id)
	case prev.Closed.IsZero():
		return "", alreadyRunning(id)
	}
	return "", prev
}

func alreadyRunning(customerID string) error {
	return fmt.Errorf("customer %s: %w (workflow %s); wait for it to close or cancel it first",
		customerID, ErrAlreadyRunning, workflows.WorkflowID(customerID))
}

// latest describes the latest run of a customer's campaign: nil when Temporal has none, a
// zero Closed while it runs.
func (c *Client) latest(ctx context.Context, customerID string) (*ClosedBeforeError, error) {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	resp, err := c.tc.DescribeWorkflowExecution(callCtx, workflows.WorkflowID(customerID), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", workflows.WorkflowID(customerID), classify(err))
	}
	info := resp.GetWorkflowExecutionInfo()
	prev := &ClosedBeforeError{CustomerID: customerID}
	if info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return prev, nil
	}
	prev.Ended, prev.Closed = statusName(info.GetStatus()), info.GetCloseTime().AsTime()
	if outcome := keywordAttr(info.GetSearchAttributes(), workflows.AttrOutcome.GetName()); outcome != "" {
		prev.Ended = outcome
	}
	return prev, nil
}

// statusName is a workflow execution status as people say it: "terminated", "timed_out".
func statusName(s enums.WorkflowExecutionStatus) string {
	var b strings.Builder
	for i, r := range s.String() { // "TimedOut"
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
