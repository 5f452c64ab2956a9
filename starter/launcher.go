package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// launchStatus is what happened to one customer of a launch.
type launchStatus string

// The launch statuses.
const (
	statusLaunched       launchStatus = "launched"
	statusAlreadyRunning launchStatus = "already_running"
	statusSkippedClosed  launchStatus = "skipped_closed" // had a campaign; --skip-closed
	statusFailed         launchStatus = "failed"
	statusNotAttempted   launchStatus = "not_attempted" // interrupted before its turn
)

// launchResult is what happened to one customer of a launch.
type launchResult struct {
	Row        int          `json:"row,omitempty"`
	CustomerID string       `json:"customerId"`
	WorkflowID string       `json:"workflowId"`
	RunID      string       `json:"runId,omitempty"`
	Status     launchStatus `json:"status"`
	Detail     string       `json:"detail,omitempty"`
}

// launchAll starts every launch, concurrency at a time, and reports each result to done as it
// comes. Results are in the order of launches. After an interrupt (ctx done) the launches not
// yet begun are not attempted.
func (a *app) launchAll(ctx context.Context, c client.Client, taskQueue string, launches []Launch,
	concurrency int, skipClosed bool, done func(launchResult)) []launchResult {
	results := make([]launchResult, len(launches))
	next := make(chan int)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for range min(concurrency, len(launches)) {
		wg.Go(func() {
			for i := range next {
				res := a.launchOne(ctx, c, taskQueue, launches[i], skipClosed)
				results[i] = res
				mu.Lock()
				done(res)
				mu.Unlock()
			}
		})
	}
	for i := range launches {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// launchOne starts one campaign, in one call to Temporal. With skipClosed the start also
// refuses a customer who had a campaign that closed (reuse policy REJECT_DUPLICATE), so
// Temporal checks both cases as it starts, with no lookup first: a lookup per customer cost a
// file launch a quarter of its speed (BenchmarkLaunchFromCSV). Only a refused start asks which
// case it was. A second running campaign is refused either way, so a race with another
// launcher still starts nothing twice.
func (a *app) launchOne(ctx context.Context, c client.Client, taskQueue string, l Launch, skipClosed bool) launchResult {
	id := l.Input.Customer.ID
	res := launchResult{Row: l.Row, CustomerID: id, WorkflowID: workflows.WorkflowID(id)}
	if ctx.Err() != nil {
		res.Status, res.Detail = statusNotAttempted, "interrupted before its turn; rerun to launch it"
		return res
	}
	opts := workflows.StartOptions(taskQueue, l.Input)
	if skipClosed {
		opts.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	}
	callCtx, cancel := a.call(ctx)
	defer cancel()
	run, err := c.ExecuteWorkflow(callCtx, opts, workflows.WorkflowType, l.Input)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &started) && !skipClosed:
		res.Status = statusAlreadyRunning
	case errors.As(err, &started):
		prev, err := a.previousCampaign(ctx, c, res.WorkflowID)
		switch {
		case err != nil:
			res.Status, res.Detail = statusFailed, failureDetail(ctx, err)
		case prev.running:
			res.Status = statusAlreadyRunning
		case prev.exists:
			res.Status, res.Detail = statusSkippedClosed, prev.summary
		default: // Temporal forgot the closed campaign in between (retention)
			res.Status, res.Detail = statusFailed, "its earlier campaign was just deleted by retention; rerun to launch it"
		}
	case err != nil:
		res.Status, res.Detail = statusFailed, failureDetail(ctx, err)
	default:
		res.Status, res.RunID = statusLaunched, run.GetRunID()
	}
	return res
}

// failureDetail explains a failed launch; after an interrupt it says a rerun finishes the job.
func failureDetail(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "interrupted; rerun to finish (nothing starts twice)"
	}
	return err.Error()
}

// campaignRecord is what Temporal remembers of a customer's latest campaign.
type campaignRecord struct {
	exists  bool
	running bool
	summary string // "closed as won_back on 2025-10-01"
}

// previousCampaign describes the latest run of a workflow ID. A closed campaign is summarised
// by its outcome, or by how it ended when the workflow had none (terminated, failed).
func (a *app) previousCampaign(ctx context.Context, c client.Client, workflowID string) (campaignRecord, error) {
	callCtx, cancel := a.call(ctx)
	defer cancel()
	resp, err := c.DescribeWorkflowExecution(callCtx, workflowID, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return campaignRecord{}, nil
	}
	if err != nil {
		return campaignRecord{}, fmt.Errorf("describe %s: %w", workflowID, err)
	}
	info := resp.GetWorkflowExecutionInfo()
	if info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return campaignRecord{exists: true, running: true}, nil
	}
	ended := statusName(info.GetStatus())
	if outcome := keywordAttr(info.GetSearchAttributes(), workflows.AttrOutcome.GetName()); outcome != "" {
		ended = outcome
	}
	return campaignRecord{exists: true, summary: fmt.Sprintf("closed as %s on %s", ended,
		info.GetCloseTime().AsTime().Local().Format(dateLayout))}, nil
}

// statusName is a workflow execution status as people say it: "terminated", "timed_out".
func statusName(s enums.WorkflowExecutionStatus) string {
	var b strings.Builder
	for i, r := range s.String() { // "TimedOut"
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
