package campaigns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// Consent outlives a campaign: an opt-out a person records (the customer asked by phone, a
// manager in the inbox) goes to the store's suppression list, so no later campaign writes on
// that channel either, and to the running campaign at once. An opt-in lifts it, saying who and
// why. Opt-outs that arrive from providers (STOP, unsubscribe links, bounces) are recorded by
// the webhooks against the contact itself.

// Store is the part of the deployment's store the client keeps beside Temporal (store.Store):
// consent, and the task index and campaign records that task lists and the report read.
type Store interface {
	SuppressCampaign(ctx context.Context, workflowID string, p store.Suppression) (int, error)
	LiftCampaign(ctx context.Context, workflowID, channel, source, by, why string) (int, error)
	Tasks(ctx context.Context, q store.TaskQuery) (store.TaskPage, error)
	SyncCampaigns(ctx context.Context, recs []store.CampaignRecord) (int, error)
	ReportFacts(ctx context.Context, q store.ReportQuery) (store.ReportFacts, error)
}

// ConsentRequest is a person recording a customer's opt-out or opt-in of one channel.
type ConsentRequest struct {
	Channel workflows.Channel
	By      string // the person: required
	Why     string // required for an opt-in; kept with an opt-out when given
	Source  string // what the campaign's signal says it came from ("cli:alice"); "by hand: <By>" when empty
}

func (r ConsentRequest) source() string {
	if r.Source != "" {
		return r.Source
	}
	return "by hand: " + r.By
}

// ErrNoStore is returned when consent is recorded, or tasks or the report are read, through a
// client without a store.
var ErrNoStore = errors.New("this client has no store (WINBACK_DATABASE_URL) to keep consent in or read the task index from")

func (r ConsentRequest) check(optIn bool) error {
	var errs []error
	if r.Channel != workflows.ChannelEmail && r.Channel != workflows.ChannelSMS {
		errs = append(errs, fmt.Errorf("%w: channel %q is not email or sms", ErrInvalidRequest, r.Channel))
	}
	if strings.TrimSpace(r.By) == "" {
		errs = append(errs, fmt.Errorf("%w: say who records it", ErrInvalidRequest))
	}
	if optIn && strings.TrimSpace(r.Why) == "" {
		errs = append(errs, fmt.Errorf("%w: an opt-in needs the reason the customer gave", ErrInvalidRequest))
	}
	return errors.Join(errs...)
}

// RecordOptOut puts the customer's contacts on the channel on the suppression list, for every
// campaign to come, and stops the channel in the running campaign at once. A customer whose
// campaign has closed is still recorded; the error then matches ErrClosed only when the store
// knew none of their contacts.
func (c *Client) RecordOptOut(ctx context.Context, customerID string, r ConsentRequest) error {
	if err := r.check(false); err != nil {
		return err
	}
	if c.o.Store == nil {
		return ErrNoStore
	}
	wid := workflows.WorkflowID(customerID)
	n, err := c.o.Store.SuppressCampaign(ctx, wid, store.Suppression{Channel: string(r.Channel), Source: store.SourceByHand,
		Detail: r.Why, By: r.By, WorkflowID: wid})
	if err != nil {
		return err
	}
	err = c.OptOut(ctx, customerID, workflows.OptOutSignal{Channel: r.Channel, Source: r.source()})
	if n > 0 && (errors.Is(err, ErrClosed) || errors.Is(err, ErrNotFound)) {
		return nil
	}
	return err
}

// RecordOptIn lifts the customer's opt-out of the channel (who and why are kept in the consent
// log) and restores the channel in the running campaign.
func (c *Client) RecordOptIn(ctx context.Context, customerID string, r ConsentRequest) error {
	if err := r.check(true); err != nil {
		return err
	}
	if c.o.Store == nil {
		return ErrNoStore
	}
	wid := workflows.WorkflowID(customerID)
	n, err := c.o.Store.LiftCampaign(ctx, wid, string(r.Channel), store.SourceByHand, r.By, r.Why)
	if err != nil {
		return err
	}
	err = c.OptIn(ctx, customerID, workflows.OptInSignal{Channel: r.Channel, Source: r.source()})
	if n > 0 && (errors.Is(err, ErrClosed) || errors.Is(err, ErrNotFound)) {
		return nil
	}
	return err
}
