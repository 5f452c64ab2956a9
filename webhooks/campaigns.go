package webhooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/workflows"
)

const (
	// temporalTimeout bounds the Temporal calls of one request: under Twilio's 15 s webhook timeout.
	temporalTimeout = 10 * time.Second
	// maxCampaignPages bounds the visibility pages read for one phone number (100 campaigns a page).
	maxCampaignPages = 10
)

// errTemporal marks a failure to reach Temporal: the request is answered 503 so the provider
// retries it, and it is not recorded as handled.
var errTemporal = errors.New("temporal unreachable")

// campaignsFor returns the workflow IDs of the running campaigns that hold the phone number's
// contact key. The number itself is never indexed or logged: only its keyed hash.
func (h *Handler) campaignsFor(ctx context.Context, phone string) ([]string, error) {
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND %s = '%s'",
		workflows.WorkflowType, workflows.AttrContact.GetName(), activities.ContactKey(h.linkSecret, phone))
	var ids []string
	seen := map[string]bool{}
	var token []byte
	for range maxCampaignPages {
		resp, err := h.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: h.namespace, PageSize: 100, Query: query, NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: list campaigns: %w", errTemporal, err)
		}
		for _, ex := range resp.GetExecutions() {
			if id := ex.GetExecution().GetWorkflowId(); id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	return ids, nil
}

// signal sends one Signal to the campaign's current run (never a run ID: it goes stale after
// continue-as-new). A campaign that is closed or unknown is not a failure for the sender: it is
// logged and nil is returned. Only a failure to reach Temporal returns an error (errTemporal).
func (h *Handler) signal(ctx context.Context, workflowID, name string, arg any, source string) error {
	err := h.client.SignalWorkflow(ctx, workflowID, "", name, arg)
	var notFound *serviceerror.NotFound
	var invalid *serviceerror.InvalidArgument
	switch {
	case err == nil:
		h.log.Info("webhooks: signalled campaign", "workflowID", workflowID, "signal", name, "source", source)
		return nil
	case errors.As(err, &notFound):
		h.log.Info("webhooks: campaign is closed or unknown, nothing to signal", "workflowID", workflowID, "signal", name, "source", source, "error", err)
		return nil
	case errors.As(err, &invalid):
		// Retrying cannot fix it: log for people, and let the provider move on.
		h.log.Error("webhooks: Temporal rejected the signal", "workflowID", workflowID, "signal", name, "source", source, "error", err)
		return nil
	default:
		return fmt.Errorf("%w: signal %s to %s: %w", errTemporal, name, workflowID, err)
	}
}

// temporalContext bounds the Temporal calls of one request.
func temporalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, temporalTimeout)
}
