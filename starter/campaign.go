package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/workflows"
)

// queryStatus asks a customer's campaign (its latest run, running or closed) for its status.
func (a *app) queryStatus(ctx context.Context, c client.Client, customerID string) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	callCtx, cancel := a.call(ctx)
	defer cancel()
	v, err := c.QueryWorkflow(callCtx, workflows.WorkflowID(customerID), "", workflows.QueryStatus)
	if err != nil {
		return st, a.campaignError(ctx, customerID, "query its status", err)
	}
	if err := v.Get(&st); err != nil {
		return st, fmt.Errorf("customer %s: cannot read the status: %w", customerID, err)
	}
	return st, nil
}

// campaignError words a failed call to a customer's campaign so the user knows what to do.
// A rejection by the campaign (an update validator) is bad input, exit 2, printed as given.
func (a *app) campaignError(ctx context.Context, customerID, doing string, err error) error {
	wid := workflows.WorkflowID(customerID)
	var (
		notFound *serviceerror.NotFound
		appErr   *temporal.ApplicationError
	)
	switch {
	case errors.As(err, &appErr):
		return badInputf("customer %s: the campaign refused: %s", customerID, appErr.Message())
	case errors.As(err, &notFound) && strings.Contains(err.Error(), "completed"):
		return fmt.Errorf("customer %s: the campaign (workflow %s) has closed; see it with: winback status %s", customerID, wid, customerID)
	case errors.As(err, &notFound):
		return fmt.Errorf("customer %s has no campaign (workflow %s not found); launch one with: winback launch --customer-id %s ...", customerID, wid, customerID)
	case ctx.Err() == nil && isTimeout(err):
		return fmt.Errorf("customer %s: no answer within %s (--timeout) while trying to %s: is the winback worker running?", customerID, a.timeout, doing)
	}
	return fmt.Errorf("customer %s: %s: %w", customerID, doing, err)
}

// isTimeout reports whether err is a call that ran out of time.
func isTimeout(err error) bool {
	var deadline *serviceerror.DeadlineExceeded
	if errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var updateTimeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	return errors.As(err, &updateTimeout)
}

// customerArg checks a CUSTOMER argument like a CSV customer_id.
func customerArg(id string) (string, error) {
	if err := checkCustomerID(id); err != nil {
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
