package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// The inbox's calls to Temporal. Reads are the status query (and, for a customer's contact
// details, the first event of the campaign's current run); writes are the campaign's Updates
// and Signals, always with the signed-in person as By or Source.

const (
	callTimeout      = 10 * time.Second
	queryConcurrency = 8 // status queries in flight at once when listing tasks
)

// runningQuery finds every running campaign.
var runningQuery = fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.WorkflowType)

// peopleQuery narrows the running campaigns to those that involve p (as rep, manager or an open
// task's assignee: WinBackPeople) or, for a manager, one of their reps. Those are exactly the
// campaigns canSeeCampaign lets p see, so the page asks only their statuses.
func (i *Inbox) peopleQuery(p config.Person) string {
	ids := []string{p.ID}
	if isManager(p) {
		for _, member := range i.o.Team.People {
			if member.Manager == p.ID {
				ids = append(ids, member.ID)
			}
		}
	}
	quoted := make([]string, len(ids))
	for n, id := range ids {
		quoted[n] = "'" + strings.ReplaceAll(id, "'", "''") + "'"
	}
	return fmt.Sprintf("%s AND WinBackPeople IN (%s)", runningQuery, strings.Join(quoted, ", "))
}

// runningCampaigns lists the workflow IDs of the running campaigns p may see, through
// visibility; the page then asks each for its status. Visibility is eventually consistent, so a
// campaign launched or reassigned a moment ago may be missing for a second or two.
func (i *Inbox) runningCampaigns(ctx context.Context, p config.Person) ([]string, error) {
	var ids []string
	var token []byte
	for {
		callCtx, cancel := context.WithTimeout(ctx, callTimeout)
		resp, err := i.o.Client.ListWorkflow(callCtx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: i.o.Namespace, PageSize: 1000, NextPageToken: token, Query: i.peopleQuery(p),
		})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("list running campaigns: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return ids, nil
		}
	}
}

// status asks a customer's campaign (its latest run, running or closed) for its status.
func (i *Inbox) status(ctx context.Context, customerID string) (workflows.CampaignStatus, error) {
	return i.statusOf(ctx, workflows.WorkflowID(customerID))
}

func (i *Inbox) statusOf(ctx context.Context, workflowID string) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	v, err := i.o.Client.QueryWorkflow(callCtx, workflowID, "", workflows.QueryStatus)
	if err != nil {
		return st, err
	}
	if err := v.Get(&st); err != nil {
		return st, fmt.Errorf("read the status of %s: %w", workflowID, err)
	}
	if st.CustomerID == "" {
		st.CustomerID = strings.TrimPrefix(workflowID, workflows.WorkflowID(""))
	}
	return st, nil
}

// statuses asks each campaign for its status, a few at a time, and counts those that did not
// answer (they are logged and left out).
func (i *Inbox) statuses(ctx context.Context, workflowIDs []string) ([]workflows.CampaignStatus, int) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      []workflows.CampaignStatus
		failures int
		sem      = make(chan struct{}, queryConcurrency)
	)
	for _, id := range workflowIDs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			st, err := i.statusOf(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				i.log.Warn("Inbox: a campaign did not answer its status query", "workflowID", id, "error", err)
				return
			}
			out = append(out, st)
		})
	}
	wg.Wait()
	return out, failures
}

// update runs an Update on a customer's campaign and waits for its result.
func (i *Inbox) update(ctx context.Context, customerID, name string, arg, result any) error {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	h, err := i.o.Client.UpdateWorkflow(callCtx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(customerID), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(callCtx, result)
}

// signal sends a Signal to a customer's running campaign.
func (i *Inbox) signal(ctx context.Context, customerID, name string, arg any) error {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return i.o.Client.SignalWorkflow(callCtx, workflows.WorkflowID(customerID), "", name, arg)
}

// campaignInput reads what the current run of a campaign started with: the customer's
// contact details, the departure and the owners. The status query leaves them out.
func (i *Inbox) campaignInput(ctx context.Context, customerID string) (*workflows.CampaignInput, error) {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	it := i.o.Client.GetWorkflowHistory(callCtx, workflows.WorkflowID(customerID), "", false,
		enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return nil, errors.New("the campaign has no history")
	}
	ev, err := it.Next()
	if err != nil {
		return nil, err
	}
	started := ev.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return nil, errors.New("the campaign's first event is not its start")
	}
	var in workflows.CampaignInput
	if err := i.o.DataConverter.FromPayloads(started.GetInput(), &in); err != nil {
		return nil, fmt.Errorf("decode the campaign's input: %w", err)
	}
	return &in, nil
}

// problem is what kind of failure a call to a campaign met, for the page it deserves.
type problem int

const (
	problemUnavailable problem = iota // Temporal or the worker did not answer
	problemNoCampaign                 // no campaign for this customer
	problemClosed                     // the campaign has ended
	problemRejected                   // the campaign refused (an Update validator): the message says why
)

// classify reads a failed call: a rejection carries the validator's message.
func classify(err error) (problem, string) {
	var (
		appErr   *temporal.ApplicationError
		notFound *serviceerror.NotFound
	)
	switch {
	case errors.As(err, &appErr):
		return problemRejected, appErr.Message()
	case errors.As(err, &notFound) && strings.Contains(err.Error(), "completed"):
		return problemClosed, err.Error()
	case errors.As(err, &notFound):
		return problemNoCampaign, err.Error()
	}
	return problemUnavailable, err.Error()
}
