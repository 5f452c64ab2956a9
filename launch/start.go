package launch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// Status is what happened to one customer of a launch.
type Status string

// The launch statuses.
const (
	Launched       Status = "launched"
	AlreadyRunning Status = "already_running"
	SkippedClosed  Status = "skipped_closed" // had a campaign that closed (campaigns.FirstOnly)
	Failed         Status = "failed"
	NotAttempted   Status = "not_attempted" // interrupted before its turn
)

// Result is what happened to one customer of a launch.
type Result struct {
	Row        int    `json:"row,omitempty"`
	CustomerID string `json:"customerId"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
	Status     Status `json:"status"`
	Detail     string `json:"detail,omitempty"`
	// Holdout: the customer is held out of the campaign (no message, no task).
	Holdout bool `json:"holdout,omitempty"`
}

// StartAll starts every launch, concurrency at a time, with the policy, and reports each
// result to done as it comes (one at a time). Results are in the order of launches. After an
// interrupt (ctx done) the launches not yet begun are not attempted.
func StartAll(ctx context.Context, api campaigns.API, launches []Launch, concurrency int, policy campaigns.StartPolicy,
	done func(Result)) []Result {
	results := make([]Result, len(launches))
	next := make(chan int)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for range min(concurrency, len(launches)) {
		wg.Go(func() {
			for i := range next {
				res := Start(ctx, api, launches[i], policy)
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

// Start starts one campaign (campaigns.API.Start: one call to Temporal) and says what
// happened. Nothing starts twice: a running campaign is "already running", and with
// campaigns.FirstOnly a closed one is "skipped closed".
func Start(ctx context.Context, api campaigns.API, l Launch, policy campaigns.StartPolicy) Result {
	id := l.Input.Customer.ID
	res := Result{Row: l.Row, CustomerID: id, WorkflowID: workflows.WorkflowID(id), Holdout: l.Input.Holdout}
	if ctx.Err() != nil {
		res.Status, res.Detail = NotAttempted, "interrupted before its turn; rerun to launch it"
		return res
	}
	runID, err := api.Start(ctx, l.Input, policy)
	var closed *campaigns.ClosedBeforeError
	switch {
	case err == nil:
		res.Status, res.RunID = Launched, runID
		if l.Input.Holdout {
			res.Detail = "held out (no message, no task)"
		}
	case errors.Is(err, campaigns.ErrAlreadyRunning):
		res.Status = AlreadyRunning
	case errors.As(err, &closed):
		res.Status, res.Detail = SkippedClosed, fmt.Sprintf("closed as %s on %s", closed.Ended, closed.Closed.Local().Format(time.DateOnly))
	case ctx.Err() != nil:
		res.Status, res.Detail = Failed, "interrupted; rerun to finish (nothing starts twice)"
	default:
		res.Status, res.Detail = Failed, err.Error()
	}
	return res
}

// Summary is the outcome of a launch, for people and for scripts (JSON).
type Summary struct {
	DryRun   bool `json:"dryRun,omitempty"`
	Launched int  `json:"launched"`
	// HeldOut counts the customers launched (or, in a dry run, who would be) held out.
	HeldOut        int       `json:"heldOut"`
	AlreadyRunning int       `json:"alreadyRunning"`
	Skipped        int       `json:"skipped"` // bad rows plus customers who had a campaign
	Failed         int       `json:"failed"`
	BadRows        []int     `json:"badRows"`
	Problems       []Problem `json:"problems"`
	Results        []Result  `json:"results,omitempty"`
	WouldLaunch    []Launch  `json:"wouldLaunch,omitempty"`
}

// Summarise counts the results of a launch and the rows its problems left out.
func Summarise(results []Result, problems []Problem) Summary {
	s := Summary{Results: results, Problems: problems, BadRows: BadRows(problems)}
	s.Skipped = len(s.BadRows)
	for _, r := range results {
		switch r.Status {
		case Launched:
			s.Launched++
			if r.Holdout {
				s.HeldOut++
			}
		case AlreadyRunning:
			s.AlreadyRunning++
		case SkippedClosed:
			s.Skipped++
		default:
			s.Failed++
		}
	}
	return s
}
