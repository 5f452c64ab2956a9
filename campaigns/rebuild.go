package campaigns

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.temporal.io/api/enums/v1"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// A campaign files its own record in the store's task index each time it changes. One that was
// asleep when that began (a deployment of this version, a store copied without its index)
// would be missing from the lists until it next wakes, days later: RebuildIndex files a record
// for each such campaign, read once from the campaign itself. It is the one list that asks each
// campaign, and it is an ops command, run once, never a page.

// RebuildOptions say which campaigns RebuildIndex files.
type RebuildOptions struct {
	// Closed also files the closed campaigns visibility still keeps (for the report's history);
	// a closed campaign's status query replays its history, so this takes longer.
	Closed bool
	// Progress, when set, is told after each campaign.
	Progress func(done, of int)
}

// RebuildReport says what RebuildIndex did.
type RebuildReport struct {
	Campaigns int // looked at
	Filed     int // had no record of their own in the store: now they do
	Current   int // had one already (the campaign's own records are newer than a rebuild's)
	Failures  []Failure
}

// rebuildSeq is the Seq of a rebuilt record: below every record a campaign files itself, so
// the campaign's own next record replaces it and a rebuild never undoes one.
const rebuildSeq = 0

// rebuildBatch is how many records a transaction files.
const rebuildBatch = 200

// RebuildIndex files a record in the store's task index for every running campaign (and, with
// Closed, every closed one visibility keeps) that has none: its tasks, stage, owners, decision
// and the facts of the report, read from its status and the input of its first run.
func (c *Client) RebuildIndex(ctx context.Context, o RebuildOptions) (RebuildReport, error) {
	var r RebuildReport
	if c.o.Store == nil {
		return r, ErrNoStore
	}
	f := Filter{LatestRuns: true, Status: Running}
	if o.Closed {
		f.Status = ""
	}
	var rows []Campaign
	if err := Each(ctx, c, f, 0, func(row Campaign) bool { rows = append(rows, row); return true }); err != nil {
		return r, err
	}
	r.Campaigns = len(rows)
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		batch []store.CampaignRecord
		done  int
		fail  error
		sem   = make(chan struct{}, statusConcurrency)
	)
	flush := func() error { // under mu
		n, err := c.o.Store.SyncCampaigns(ctx, batch)
		r.Filed += n
		r.Current += len(batch) - n
		batch = batch[:0]
		return err
	}
	for _, row := range rows {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			rec, err := c.recordOf(ctx, row)
			mu.Lock()
			defer mu.Unlock()
			done++
			switch {
			case err != nil:
				r.Failures = append(r.Failures, Failure{CustomerID: row.CustomerID, Err: err})
			default:
				batch = append(batch, rec)
				if len(batch) >= rebuildBatch && fail == nil {
					fail = flush()
				}
			}
			if o.Progress != nil {
				o.Progress(done, len(rows))
			}
		})
	}
	wg.Wait()
	if fail == nil && len(batch) > 0 {
		fail = flush()
	}
	return r, fail
}

// recordOf reads a campaign's record from the campaign: its status (of the run listed) and
// the input of its first run (the rep who owned the account when the customer left).
func (c *Client) recordOf(ctx context.Context, row Campaign) (store.CampaignRecord, error) {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	desc, err := c.tc.DescribeWorkflowExecution(callCtx, row.WorkflowID, row.RunID)
	if err != nil {
		return store.CampaignRecord{}, classify(err)
	}
	first := desc.GetWorkflowExecutionInfo().GetFirstRunId()
	if first == "" {
		first = row.RunID
	}
	var st workflows.CampaignStatus
	v, err := c.tc.QueryWorkflow(callCtx, row.WorkflowID, row.RunID, workflows.QueryStatus)
	if err != nil {
		return store.CampaignRecord{}, classify(err)
	}
	if err := v.Get(&st); err != nil {
		return store.CampaignRecord{}, fmt.Errorf("read the status of %s: %w", row.WorkflowID, err)
	}
	in, err := c.inputOf(callCtx, row.WorkflowID, first)
	if err != nil {
		return store.CampaignRecord{}, err
	}
	rec := store.CampaignRecord{WorkflowID: row.WorkflowID, CampaignID: first, Seq: rebuildSeq, CustomerID: row.CustomerID,
		Segment: in.Customer.Segment, AccountValue: in.Customer.AccountValue, Launched: st.Launched, Departed: in.Departure.Date,
		Stage: string(st.Stage), Outcome: string(st.Outcome), Reason: string(st.Reason), Scope: string(st.Scope),
		Rep: st.Rep, Manager: st.Manager, LostBy: in.Owners.Rep.ID}
	if rec.Launched.IsZero() {
		rec.Launched = row.Start
	}
	if row.Status != StatusRunning {
		rec.Closed = row.Close
		if rec.Outcome == "" { // terminated: it never said how it ended
			rec.Stage, rec.Outcome = string(workflows.StageClosed), store.OutcomeEndedUnrecorded
		}
	}
	if d := st.Decision; d != nil {
		pursue := d.Pursue
		rec.Pursue, rec.DecidedBy, rec.Offer, rec.Rationale = &pursue, d.By, string(d.Offer), d.Rationale
	}
	for _, ch := range st.OptedOut {
		rec.OptedOut = append(rec.OptedOut, string(ch))
	}
	for _, t := range st.Tasks {
		rec.Tasks = append(rec.Tasks, store.TaskRecord{ID: t.ID, Kind: string(t.Kind), Title: t.Title, Assignee: t.Assignee,
			Created: t.Created, Due: t.Due, Status: string(t.Status), Escalated: t.Escalated, CompletedBy: t.CompletedBy,
			Completed: t.Completed})
	}
	return rec, nil
}

// inputOf reads what a run of a campaign started with.
func (c *Client) inputOf(ctx context.Context, workflowID, runID string) (workflows.CampaignInput, error) {
	var in workflows.CampaignInput
	it := c.tc.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return in, errors.New("the campaign has no history")
	}
	ev, err := it.Next()
	if err != nil {
		return in, classify(err)
	}
	started := ev.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return in, errors.New("the campaign's first event is not its start")
	}
	if err := c.o.DataConverter.FromPayloads(started.GetInput(), &in); err != nil {
		return in, fmt.Errorf("decode the campaign's input: %w", err)
	}
	return in, nil
}
