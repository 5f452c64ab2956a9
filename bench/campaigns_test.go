package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// campaignInput is one customer's campaign with the given playbook; rep alice, manager maria
// (the example team's people, which the worker binary is given).
func campaignInput(customerID string, pb workflows.Playbook) workflows.CampaignInput {
	return workflows.CampaignInput{
		Customer: workflows.Customer{ID: customerID, Name: "Dana Reyes", Company: "Acme Corp", Email: "dana@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"},
		Departure: workflows.Departure{Date: time.Now(), StatedReason: workflows.ReasonCompetitorPrice, Competitor: "Globex"},
		Owners: workflows.Owners{Rep: workflows.Person{ID: "alice", Email: "alice@example.com"},
			Manager: workflows.Person{ID: "maria", Email: "maria@example.com"}},
		Playbook: pb,
	}
}

// openPlaybook is the default playbook with the backstory due in a day: a campaign started
// with it opens its first task and then sleeps on timers for a day.
func openPlaybook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "bench-open"
	pb.BackstoryDue = 24 * time.Hour
	return pb
}

// fullPlaybook makes a whole campaign (every stage, twelve check-ins) play out in about a
// minute: the timings of workflows' BenchmarkFullCampaignHistory, with a few more seconds before
// the first check-in so that a loaded machine does not make the bench skip one as late.
func fullPlaybook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "bench-full"
	pb.BackstoryDue, pb.ExitInterviewDue, pb.DecisionDue, pb.CallDue, pb.FixContactDue = 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second
	pb.BusinessHours = false // seconds of clock time, whatever the hour
	pb.EscalateAfter, pb.ExpireAfter = 1*time.Second, 2*time.Second
	pb.WaitFixed, pb.CallRetryAfter = 1*time.Second, 1*time.Second
	pb.CheckIns = nil
	for i := 1; i <= fullCheckIns; i++ {
		ch := workflows.ChannelEmail
		if i%3 == 0 {
			ch = workflows.ChannelSMS
		}
		pb.CheckIns = append(pb.CheckIns, workflows.CheckIn{After: firstCheckIn + time.Duration(i-1)*2*time.Second, Channel: ch})
	}
	pb.QuietHours = workflows.QuietHours{}
	pb.FrequencyCap = workflows.FrequencyCap{}
	pb.Expiry = 2 * time.Minute
	pb.MaxEventsPerRun = 1000
	return pb
}

// The check-in schedule of fullPlaybook: twelve, two seconds apart, the first this long after launch.
const (
	fullCheckIns = 12
	firstCheckIn = 20 * time.Second
)

// forEach calls fn for 0..n-1 on concurrency goroutines and returns the first error.
func forEach(n, concurrency int, fn func(i int) error) error {
	next := make(chan int)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for range concurrency {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// statusClient asks campaigns for their status and completes their tasks, counting the
// queries it sends (they cost the server too).
type statusClient struct {
	c       client.Client
	queries atomic.Int64
}

func (s *statusClient) status(ctx context.Context, wid string) (workflows.CampaignStatus, error) {
	s.queries.Add(1)
	var st workflows.CampaignStatus
	v, err := s.c.QueryWorkflow(ctx, wid, "", workflows.QueryStatus)
	if err != nil {
		return st, err
	}
	return st, v.Get(&st)
}

// waitTaskOpen polls the status every interval until the task is open.
func (s *statusClient) waitTaskOpen(ctx context.Context, wid, task string, interval, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		st, err := s.status(ctx, wid)
		if err == nil {
			for _, t := range st.Tasks {
				if t.ID == task && t.Status == workflows.TaskOpen {
					return nil
				}
			}
			last = fmt.Errorf("stage %s", st.Stage)
		} else {
			last = err
		}
		time.Sleep(interval)
	}
	return fmt.Errorf("%s: task %s not open after %s (%v)", wid, task, timeout, last)
}

// complete completes a task with the CompleteTask update and waits for its result.
func complete(ctx context.Context, c client.Client, wid, task, by string, a workflows.TaskAnswers) error {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.UpdateCompleteTask,
		WaitForStage: client.WorkflowUpdateStageCompleted,
		Args:         []any{workflows.CompleteTaskRequest{TaskID: task, By: by, Answers: a}}})
	if err != nil {
		return fmt.Errorf("%s: complete %s: %w", wid, task, err)
	}
	var res workflows.CompleteTaskResult
	if err := h.Get(ctx, &res); err != nil {
		return fmt.Errorf("%s: complete %s: %w", wid, task, err)
	}
	if res.TaskID != task {
		return fmt.Errorf("%s: complete %s: result is for task %q", wid, task, res.TaskID)
	}
	return nil
}

// The answers the bench gives, valid for every validator.
var (
	backstoryAnswers = workflows.TaskAnswers{OurSide: "two late deliveries in Q3", Landmines: []string{"billing dispute"}}
	interviewAnswers = workflows.TaskAnswers{WhyLeaving: "Globex is 20% cheaper", WhatWouldKeepYou: "match the price",
		Reason: workflows.ReasonCompetitorPrice, Scope: workflows.ScopeSystemic}
	decisionAnswers = workflows.TaskAnswers{Pursue: new(true), WhatWeChanged: "cut the renewal price by 25%",
		Offer: workflows.OfferBeatOffer, OfferDetails: "25% off for two years"}
	considering = workflows.TaskAnswers{Outcome: workflows.CallConsidering}
)

var errSkipped = errors.New("a check-in was skipped as late")
