package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/workflows"
)

// status asks a customer's campaign (its latest run, running or closed) for its status.
func (a *app) status(ctx context.Context, api campaigns.API, customerID string) (workflows.CampaignStatus, error) {
	st, err := api.Status(ctx, customerID)
	if err != nil {
		return st, a.campaignError(ctx, customerID, "query its status", err)
	}
	return st, nil
}

// campaignError words a failed call to a customer's campaign so the user knows what to do.
// A refusal by the campaign (an Update validator) is bad input, exit 2, printed as given.
func (a *app) campaignError(ctx context.Context, customerID, doing string, err error) error {
	wid := workflows.WorkflowID(customerID)
	var rejected *campaigns.RejectedError
	switch {
	case errors.As(err, &rejected):
		return badInputf("customer %s: the campaign refused: %s", customerID, rejected.Message)
	case errors.Is(err, campaigns.ErrClosed):
		return fmt.Errorf("customer %s: the campaign (workflow %s) has closed; see it with: winback status %s", customerID, wid, customerID)
	case errors.Is(err, campaigns.ErrNotFound):
		return fmt.Errorf("customer %s has no campaign (workflow %s not found); launch one with: winback launch --customer-id %s ...", customerID, wid, customerID)
	case ctx.Err() == nil && errors.Is(err, campaigns.ErrTimeout):
		return fmt.Errorf("customer %s: no answer within %s (--timeout) while trying to %s: is the winback worker running?", customerID, a.timeout, doing)
	}
	return fmt.Errorf("customer %s: %s: %w", customerID, doing, err)
}

// customer checks a CUSTOMER argument and connects to the campaigns, for a command about one
// customer's campaign.
func (a *app) customer(ctx context.Context, arg string) (string, campaigns.API, error) {
	id, err := customerArg(arg)
	if err != nil {
		return "", nil, err
	}
	api, err := a.campaigns(ctx)
	return id, api, err
}

// customerArg checks a CUSTOMER argument like a CSV customer_id.
func customerArg(id string) (string, error) {
	if err := launch.CheckCustomerID(id); err != nil {
		return "", badInputf("CUSTOMER: %v", err)
	}
	return id, nil
}

// nextLine shows what the campaign says happens next, as "Next: ...".
func nextLine(next string) string {
	if strings.HasPrefix(next, "Next:") {
		return next
	}
	return "Next: " + dash(next)
}
