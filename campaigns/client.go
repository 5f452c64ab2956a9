// Package campaigns is the one way in to win-back campaigns from outside the workflow and its
// worker: start one (with its ID policies), read its status and input, complete and reassign its
// tasks (Updates whose refusals come back as typed field errors), send it the signals, and page
// through campaigns with one filter. Task lists and the win-back report read the store's task
// index and campaign records, which the campaigns keep current, never each campaign. The CLI,
// the inbox, the webhooks and the worker's metrics all go through it, as Temporal's reference
// app goes through its api.go; their tests fake it once (campaignstest.Fake).
//
// A customer's campaign is addressed by customer ID (its workflow ID is workflows.WorkflowID),
// always on its current run: a run ID goes stale after continue-as-new.
package campaigns

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/report"
	"github.com/winback/winback/workflows"
)

// API is what the clients of campaigns use: a *Client, or campaignstest.Fake in tests.
type API interface {
	// Start launches a campaign; see Client.Start.
	Start(ctx context.Context, in workflows.CampaignInput, policy StartPolicy) (runID string, err error)
	// Status asks a campaign (its latest run, running or closed) for its status.
	Status(ctx context.Context, customerID string) (workflows.CampaignStatus, error)
	// Statuses asks each campaign for its status, a few at a time.
	Statuses(ctx context.Context, customerIDs []string) ([]workflows.CampaignStatus, []Failure)
	// Input is what the campaign's current run started with (the customer's contact details).
	Input(ctx context.Context, customerID string) (workflows.CampaignInput, error)

	// Complete completes a task (the CompleteTask Update) and says what happens next.
	Complete(ctx context.Context, customerID string, r workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error)
	// Reassign moves a task or the whole account (the ReassignTask Update).
	Reassign(ctx context.Context, customerID string, r workflows.ReassignRequest) (workflows.ReassignResult, error)
	// MakeOffer makes a new offer after the decision (the MakeOffer Update).
	MakeOffer(ctx context.Context, customerID string, r workflows.MakeOfferRequest) (workflows.MakeOfferResult, error)

	// CustomerReturned ends the campaign as won back.
	CustomerReturned(ctx context.Context, customerID string, s workflows.CustomerReturnedSignal) error
	// OptOut stops a channel.
	OptOut(ctx context.Context, customerID string, s workflows.OptOutSignal) error
	// OptIn restores a channel.
	OptIn(ctx context.Context, customerID string, s workflows.OptInSignal) error
	// RecordOptOut keeps a person's record of the customer's opt-out for every campaign to come,
	// and stops the channel now.
	RecordOptOut(ctx context.Context, customerID string, r ConsentRequest) error
	// RecordOptIn lifts the customer's opt-out, saying who and why, and restores the channel.
	RecordOptIn(ctx context.Context, customerID string, r ConsentRequest) error
	// Cancel ends the campaign as cancelled.
	Cancel(ctx context.Context, customerID string, s workflows.CancelSignal) error
	// MessageEvent records what a provider said about a message.
	MessageEvent(ctx context.Context, customerID string, s workflows.MessageEventSignal) error
	// CustomerReplied brings a message the customer wrote to the campaign's rep.
	CustomerReplied(ctx context.Context, customerID string, s workflows.CustomerRepliedSignal) error
	// RespondToOffer brings the customer's answer to an offer (accept or decline, from the
	// offer link's page) to the campaign.
	RespondToOffer(ctx context.Context, customerID string, s workflows.OfferResponseSignal) error

	// Campaigns reads one page of the campaigns the filter finds, newest first.
	Campaigns(ctx context.Context, f Filter, p Page) (CampaignPage, error)
	// Count counts the campaigns the filter finds.
	Count(ctx context.Context, f Filter) (int64, error)
	// Tasks reads one page of a task list from the store's task index, soonest due first.
	Tasks(ctx context.Context, f TaskFilter, p Page) (TaskList, error)
	// Report reads the win-back report from the store's campaign records.
	Report(ctx context.Context, f ReportFilter) (report.Report, error)
	// RebuildIndex files a record for every campaign the task index lacks (an ops command).
	RebuildIndex(ctx context.Context, o RebuildOptions) (RebuildReport, error)

	// SetUpSearchAttributes registers the WinBack* search attributes the namespace lacks.
	SetUpSearchAttributes(ctx context.Context) (AttributePlan, error)
}

var _ API = (*Client)(nil)

// Options say where the campaigns run.
type Options struct {
	// Namespace is the Temporal namespace of the campaigns; client.DefaultNamespace when empty.
	Namespace string
	// TaskQueue is where new campaigns start (config Temporal.TaskQueue).
	TaskQueue string
	// DataConverter decodes a campaign's input from its history: the one the Temporal client
	// was dialed with when payloads are encrypted. The SDK's default when nil.
	DataConverter converter.DataConverter
	// CallTimeout bounds each call to Temporal (a query or an update waits for the worker);
	// none when zero, beyond the caller's context.
	CallTimeout time.Duration
	// Store keeps consent beside Temporal, and the task index and campaign records
	// (store.Store); without it RecordOptOut, RecordOptIn, Tasks and Report return ErrNoStore.
	Store Store
}

// Client reaches campaigns through a Temporal client. Make one with New.
type Client struct {
	tc      client.Client
	o       Options
	closers []func() // what Dial opened: Close closes it
}

// New returns a Client over a dialed Temporal client (config.Config.Dial). Closing tc is the
// caller's business.
func New(tc client.Client, o Options) *Client {
	if o.Namespace == "" {
		o.Namespace = client.DefaultNamespace
	}
	if o.DataConverter == nil {
		o.DataConverter = converter.GetDefaultDataConverter()
	}
	return &Client{tc: tc, o: o}
}

// call bounds one call to Temporal by Options.CallTimeout.
func (c *Client) call(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.o.CallTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.o.CallTimeout)
}

// Failure is a campaign that did not answer, and why.
type Failure struct {
	CustomerID string
	Err        error
}
