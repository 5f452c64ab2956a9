package workflows

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// ErrAlreadyRunning is returned by Start when the customer already has a running campaign.
var ErrAlreadyRunning = errors.New("campaign already running")

// StartOptions are the options every campaign starts with (campaigns.Client.Start uses them):
// the workflow ID comes from the customer, a second start while one runs fails, a relaunch
// after a closed campaign is allowed, and the search attributes the workflow then keeps current
// (see upsertAttributes) start set.
func StartOptions(taskQueue string, in CampaignInput) client.StartWorkflowOptions {
	attrs := []temporal.SearchAttributeUpdate{
		AttrCustomerID.ValueSet(in.Customer.ID),
		AttrStage.ValueSet(string(StageBackstory)),
		AttrSegment.ValueSet(in.Customer.Segment),
		AttrAccountValue.ValueSet(in.Customer.AccountValue),
		AttrAssignee.ValueSet(in.Owners.Rep.ID),
		AttrPeople.ValueSet(People(in.Owners.Rep.ID, in.Owners.Manager.ID, nil)),
	}
	if len(in.ContactKeys) > 0 {
		attrs = append(attrs, AttrContact.ValueSet(in.ContactKeys))
	}
	return client.StartWorkflowOptions{
		ID:                                       WorkflowID(in.Customer.ID),
		TaskQueue:                                taskQueue,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    temporal.NewSearchAttributes(attrs...),
		// No PII here: the summary is shown in lists without decoding payloads.
		StaticSummary: fmt.Sprintf("Win-back campaign for customer %s (%s, value %.0f), rep %s",
			in.Customer.ID, orDash(in.Customer.Segment), in.Customer.AccountValue, in.Owners.Rep.ID),
	}
}

// Start launches a campaign on a bare Temporal client. It returns ErrAlreadyRunning (wrapped,
// with the customer ID) when the customer's campaign is still running; nothing is started
// twice. It is for the tests that drive Temporal themselves (the history recorder, the
// benchmarks); the CLI and every other caller go through campaigns.Client.Start, which adds
// the relaunch policies and typed errors.
func Start(ctx context.Context, c client.Client, taskQueue string, in CampaignInput) (client.WorkflowRun, error) {
	run, err := c.ExecuteWorkflow(ctx, StartOptions(taskQueue, in), WorkflowType, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil, fmt.Errorf("customer %s: %w (workflow %s); wait for it to close or cancel it first",
			in.Customer.ID, ErrAlreadyRunning, WorkflowID(in.Customer.ID))
	}
	return run, err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
