package webhooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

const (
	// temporalTimeout bounds the Temporal calls of one request: under Twilio's 15 s webhook timeout.
	temporalTimeout = 10 * time.Second
)

// errTemporal marks a failure to reach Temporal: the request is answered 503 so the provider
// retries it, and it is not recorded as handled.
var errTemporal = errors.New("temporal unreachable")

// signal sends one Signal to the campaign's current run (never a run ID: it goes stale after
// continue-as-new). A campaign that is closed or unknown is not a failure for the sender: it is
// logged and nil is returned. Only a failure to reach Temporal returns an error (errTemporal).
func (h *Handler) signal(ctx context.Context, workflowID, name string, arg any, source string) error {
	customerID, ok := workflows.CustomerID(workflowID)
	if !ok {
		h.log.Info("webhooks: not a campaign's workflow ID, nothing to signal", "workflowID", workflowID, "signal", name, "source", source)
		return nil
	}
	var err error
	switch s := arg.(type) {
	case workflows.OptOutSignal:
		err = h.client.OptOut(ctx, customerID, s)
	case workflows.OptInSignal:
		err = h.client.OptIn(ctx, customerID, s)
	case workflows.MessageEventSignal:
		err = h.client.MessageEvent(ctx, customerID, s)
	case workflows.CustomerRepliedSignal:
		err = h.client.CustomerReplied(ctx, customerID, s)
	default:
		return fmt.Errorf("webhooks: no signal %s carries a %T", name, arg) // a bug: caught by the tests
	}
	switch {
	case err == nil:
		h.log.Info("webhooks: signalled campaign", "workflowID", workflowID, "signal", name, "source", source)
		return nil
	case errors.Is(err, campaigns.ErrNotFound), errors.Is(err, campaigns.ErrClosed):
		h.log.Info("webhooks: campaign is closed or unknown, nothing to signal", "workflowID", workflowID, "signal", name, "source", source, "error", err)
		return nil
	case errors.Is(err, campaigns.ErrInvalidRequest):
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
