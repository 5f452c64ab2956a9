package activities

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/winback/winback/store"
)

// A campaign tells the store about itself each time its tasks, stage, outcome or decision
// change (SyncCampaign), so the task lists and the win-back report read the store's index and
// never ask each campaign: their cost follows the page shown, not the campaigns open.

// IndexStore is the part of the store that files campaign records (store.Store).
type IndexStore interface {
	SyncCampaign(ctx context.Context, rec store.CampaignRecord) (applied bool, err error)
}

// HistoryStore is the part of the store that reads a customer's earlier campaigns (store.Store).
type HistoryStore interface {
	CustomerHistory(ctx context.Context, customerID, excludeCampaignID string, since time.Time) (store.CustomerHistory, error)
}

// SyncCampaign files the campaign's record in the store: its row for the report and the rows
// of its tasks for the task lists. An older record than the one filed changes nothing, so
// retries may land in any order. A store that cannot answer is a retryable error; a record
// without its WorkflowID or CampaignID is ErrInvalidRequest (non-retryable: fix the caller).
func (a *Activities) SyncCampaign(ctx context.Context, rec CampaignRecord) error {
	return Indexer{Store: a.store}.SyncCampaign(ctx, rec)
}

// Indexer files campaign records into a store. The worker's Activities use one; a test worker
// whose fakes stand in for the senders embeds one to keep a real task index.
type Indexer struct {
	Store IndexStore
}

// SyncCampaign files rec (see Activities.SyncCampaign).
func (ix Indexer) SyncCampaign(ctx context.Context, rec CampaignRecord) error {
	if strings.TrimSpace(rec.WorkflowID) == "" || strings.TrimSpace(rec.CampaignID) == "" {
		return nonRetryable(ErrInvalidRequest, "a campaign record needs its WorkflowID and CampaignID (got %q, %q)", rec.WorkflowID, rec.CampaignID)
	}
	_, err := ix.Store.SyncCampaign(ctx, storeRecord(rec))
	switch {
	case errors.Is(err, store.ErrInvalidRecord):
		return nonRetryable(ErrInvalidRequest, "the store refused the record of %s: %v", rec.WorkflowID, err)
	case err != nil:
		return unavailable("the task index could not file the record of %s (%v); retrying", rec.WorkflowID, err)
	}
	return nil
}

// storeRecord converts a campaign's record for the store.
func storeRecord(r CampaignRecord) store.CampaignRecord {
	out := store.CampaignRecord{
		WorkflowID: r.WorkflowID, CampaignID: r.CampaignID, Seq: r.Seq, CustomerID: r.CustomerID, Segment: r.Segment,
		AccountValue: r.AccountValue, Launched: r.Launched, Departed: r.Departed, Stage: r.Stage, Outcome: r.Outcome,
		Closed: r.Closed, Reason: r.Reason, Scope: r.Scope, Rep: r.Rep, Manager: r.Manager, LostBy: r.LostBy,
		Pursue: r.Pursue, DecidedBy: r.DecidedBy, Offer: r.Offer, Rationale: r.Rationale, OptedOut: r.OptedOut,
		Holdout: r.Holdout, FootInDoorValue: r.FootInDoorValue, Revenue: r.Revenue, RevenueCurrency: r.RevenueCurrency,
	}
	for _, o := range r.Offers {
		out.Offers = append(out.Offers, store.OfferRecord{ID: o.ID, Kind: o.Kind, Status: o.Status, Value: o.Value, Made: o.Made,
			Answered: o.Answered, Fulfilled: o.Fulfilled})
	}
	for _, t := range r.Tasks {
		out.Tasks = append(out.Tasks, store.TaskRecord{ID: t.ID, Kind: t.Kind, Title: t.Title, Assignee: t.Assignee,
			Created: t.Created, Due: t.Due, Status: t.Status, Escalated: t.Escalated, CompletedBy: t.CompletedBy, Completed: t.Completed})
	}
	return out
}

// CustomerHistory reads what the store knows of the customer's other campaigns, for the
// decision's guardrail: how many there were, and how many since req.Since won the customer
// back with an incentive they accepted ("bought back twice in 12 months"). A store that
// cannot answer is a retryable error; a request without its CustomerID is ErrInvalidRequest.
func (a *Activities) CustomerHistory(ctx context.Context, req HistoryRequest) (HistoryResult, error) {
	return History{Store: a.store}.CustomerHistory(ctx, req)
}

// History reads customers' histories from a store. The worker's Activities use one; a test
// worker whose fakes stand in for the senders embeds one to read a real store.
type History struct {
	Store HistoryStore
}

// CustomerHistory answers req (see Activities.CustomerHistory).
func (h History) CustomerHistory(ctx context.Context, req HistoryRequest) (HistoryResult, error) {
	if strings.TrimSpace(req.CustomerID) == "" {
		return HistoryResult{}, nonRetryable(ErrInvalidRequest, "a history request needs the CustomerID")
	}
	got, err := h.Store.CustomerHistory(ctx, req.CustomerID, req.CampaignID, req.Since)
	if err != nil {
		return HistoryResult{}, unavailable("the store could not read the history of customer %s (%v); retrying", req.CustomerID, err)
	}
	return HistoryResult{Campaigns: got.Campaigns, WonBackWithIncentive: got.WonBackWithIncentive}, nil
}
