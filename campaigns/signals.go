package campaigns

import (
	"context"

	"github.com/winback/winback/workflows"
)

// Signals tell a running campaign something happened. They return once Temporal has recorded
// them; the campaign acts on them at once. A closed campaign's error matches ErrClosed.

// CustomerReturned ends the campaign as won back, whatever it was waiting for.
func (c *Client) CustomerReturned(ctx context.Context, customerID string, s workflows.CustomerReturnedSignal) error {
	return c.signal(ctx, customerID, workflows.SignalCustomerReturned, s)
}

// OptOut stops a channel at once, even mid-wait.
func (c *Client) OptOut(ctx context.Context, customerID string, s workflows.OptOutSignal) error {
	return c.signal(ctx, customerID, workflows.SignalOptOut, s)
}

// OptIn restores a channel the customer had opted out of.
func (c *Client) OptIn(ctx context.Context, customerID string, s workflows.OptInSignal) error {
	return c.signal(ctx, customerID, workflows.SignalOptIn, s)
}

// Cancel ends the campaign as cancelled.
func (c *Client) Cancel(ctx context.Context, customerID string, s workflows.CancelSignal) error {
	return c.signal(ctx, customerID, workflows.SignalCancel, s)
}

// MessageEvent records what a provider said about a message the campaign sent.
func (c *Client) MessageEvent(ctx context.Context, customerID string, s workflows.MessageEventSignal) error {
	return c.signal(ctx, customerID, workflows.SignalMessageEvent, s)
}

// CustomerReplied brings a message the customer wrote us to the campaign: it is kept there, and
// the rep gets a task to answer it.
func (c *Client) CustomerReplied(ctx context.Context, customerID string, s workflows.CustomerRepliedSignal) error {
	return c.signal(ctx, customerID, workflows.SignalCustomerReplied, s)
}

// RespondToOffer brings the customer's answer to an offer to the campaign: an acceptance opens
// a task for the rep to fulfil it, a decline ends the offer (it is not an opt-out). The offer
// page checks the link, the offer's state and single use before it calls this.
func (c *Client) RespondToOffer(ctx context.Context, customerID string, s workflows.OfferResponseSignal) error {
	return c.signal(ctx, customerID, workflows.SignalOfferResponse, s)
}

// signal sends a signal to the current run of a customer's campaign.
func (c *Client) signal(ctx context.Context, customerID, name string, arg any) error {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	return classify(c.tc.SignalWorkflow(callCtx, workflows.WorkflowID(customerID), "", name, arg))
}
