package campaigns

import (
	"context"
	"fmt"
	"sync"

	"github.com/winback/winback/workflows"
)

// statusConcurrency is how many status queries Statuses runs at a time.
const statusConcurrency = 8

// Status asks a customer's campaign (its latest run, running or closed) for its status. The
// query replays the campaign's history when no worker has it cached: a list asks an index
// (Campaigns, Tasks), not each campaign.
func (c *Client) Status(ctx context.Context, customerID string) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	callCtx, cancel := c.call(ctx)
	defer cancel()
	v, err := c.tc.QueryWorkflow(callCtx, workflows.WorkflowID(customerID), "", workflows.QueryStatus)
	if err != nil {
		return st, classify(err)
	}
	if err := v.Get(&st); err != nil {
		return st, fmt.Errorf("read the status of %s: %w", workflows.WorkflowID(customerID), err)
	}
	if st.CustomerID == "" {
		st.CustomerID = customerID
	}
	return st, nil
}

// Statuses asks each campaign for its status, a few at a time. The campaigns that did not
// answer are in the failures; the statuses are in no particular order.
func (c *Client) Statuses(ctx context.Context, customerIDs []string) ([]workflows.CampaignStatus, []Failure) {
	return statuses(ctx, c.Status, customerIDs)
}

// statuses runs status for each customer, statusConcurrency at a time.
func statuses(ctx context.Context, status func(context.Context, string) (workflows.CampaignStatus, error),
	customerIDs []string) ([]workflows.CampaignStatus, []Failure) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      []workflows.CampaignStatus
		failures []Failure
		sem      = make(chan struct{}, statusConcurrency)
	)
	for _, id := range customerIDs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			st, err := status(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures = append(failures, Failure{CustomerID: id, Err: err})
				return
			}
			out = append(out, st)
		})
	}
	wg.Wait()
	return out, failures
}

// Input reads what the current run of a campaign started with: the customer's contact
// details, the departure and the owners, which the status leaves out. It reads the run's
// first history event, decoded with Options.DataConverter.
func (c *Client) Input(ctx context.Context, customerID string) (workflows.CampaignInput, error) {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	return c.inputOf(callCtx, workflows.WorkflowID(customerID), "")
}
