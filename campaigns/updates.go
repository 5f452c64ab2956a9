package campaigns

import (
	"context"

	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// Complete completes a task with its answers (the CompleteTask Update) and returns what the
// campaign does next. A refusal by the campaign's validator is a *RejectedError whose Fields
// say which answer is wrong; nothing was recorded then.
func (c *Client) Complete(ctx context.Context, customerID string, r workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
	var res workflows.CompleteTaskResult
	err := c.update(ctx, customerID, workflows.UpdateCompleteTask, r, &res)
	return res, err
}

// Reassign moves one task, or the whole account when r.TaskID is empty (the ReassignTask
// Update). Refusals are as Complete's.
func (c *Client) Reassign(ctx context.Context, customerID string, r workflows.ReassignRequest) (workflows.ReassignResult, error) {
	var res workflows.ReassignResult
	err := c.update(ctx, customerID, workflows.UpdateReassignTask, r, &res)
	return res, err
}

// MakeOffer makes a new offer on a customer's campaign after its decision (the MakeOffer
// Update): a manager's, after a decline, say. The campaign refuses one while another offer is
// open unless r.Override says why; a refusal is a *RejectedError whose Fields name the wrong
// field, as Complete's. The result names the new offer and what happens next.
func (c *Client) MakeOffer(ctx context.Context, customerID string, r workflows.MakeOfferRequest) (workflows.MakeOfferResult, error) {
	var res workflows.MakeOfferResult
	err := c.update(ctx, customerID, workflows.UpdateMakeOffer, r, &res)
	return res, err
}

// update runs an Update on a customer's campaign and waits for its result.
func (c *Client) update(ctx context.Context, customerID, name string, arg, result any) error {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	h, err := c.tc.UpdateWorkflow(callCtx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.WorkflowID(customerID),
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(callCtx, result)
	}
	return classify(err)
}
