package webhooks

import (
	"context"

	"github.com/winback/winback/store"
)

// Store is what the webhooks keep in the deployment's store (store.Store), shared by every
// worker: which events were handled (so a retry or a replay changes nothing, whichever worker
// it reaches), the suppression list (a STOP holds until START, whatever campaign comes next),
// the contact index that finds a phone number's campaigns, and the billing events that could
// not be acted on.
type Store interface {
	Claim(ctx context.Context, ids ...string) (*store.Claim, store.ClaimState, error)
	Suppress(ctx context.Context, contact string, p store.Suppression) error
	Lift(ctx context.Context, contact, channel, source, by, why string) (bool, error)
	SuppressCampaign(ctx context.Context, workflowID string, p store.Suppression) (int, error)
	CampaignsOf(ctx context.Context, contact, channel string) ([]string, error)
	// RecordBillingProblem keeps, for ops, a billing event that could not be acted on.
	RecordBillingProblem(ctx context.Context, p store.BillingProblem) error
}

// claim is a request's hold on the IDs of the events it handles: it commits them once the
// events are acted on, or releases them so the provider's retry is handled.
type claim struct {
	h   *Handler
	c   *store.Claim
	ids []string
}

// claim holds ids in the store. A store that cannot answer is an error: the request is then
// answered 503 and the provider retries it.
func (h *Handler) claim(ctx context.Context, ids ...string) (*claim, store.ClaimState, error) {
	c, state, err := h.store.Claim(ctx, ids...)
	if err != nil || state != store.ClaimNew {
		return nil, state, err
	}
	return &claim{h: h, c: c, ids: ids}, state, nil
}

// commit marks the events handled. A store that fails now is logged: the events were acted
// on, and a replay would be acted on again (every signal the webhooks send is safe to repeat).
func (c *claim) commit(ctx context.Context) {
	if err := c.c.Commit(context.WithoutCancel(ctx)); err != nil {
		c.h.log.Error("webhooks: events handled but not recorded as handled: a replay would be handled again", "error", err)
	}
}

// release gives the events back unhandled.
func (c *claim) release(ctx context.Context) {
	if err := c.c.Release(context.WithoutCancel(ctx)); err != nil {
		c.h.log.Warn("webhooks: a claim could not be released; the provider's retry waits for it to lapse", "error", err, "after", store.ClaimTTL)
	}
}
