package workflows_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// BenchmarkFullCampaignHistory runs whole campaigns (every stage, twelve check-ins, won back)
// on the dev server and reports the history events and workflow tasks each one cost, summed
// over its continue-as-new runs. The aim is 120 events or fewer.
//
//	go test ./workflows -run '^$' -bench FullCampaignHistory -benchtime 3x
func BenchmarkFullCampaignHistory(b *testing.B) {
	server := testenv.StartDevServer(b, testenv.DevServerOptions{})
	c := server.Client(b)
	r := &recorder{t: nil, c: c, tq: "bench-history"}
	w := worker.New(c, r.tq, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(&fakeSender{})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	tb := &tbAdapter{b}
	r.fatalf = tb.Fatalf

	pb := recordPlaybook()
	pb.CheckIns = nil
	for i := 1; i <= 12; i++ {
		ch := workflows.ChannelEmail
		if i%3 == 0 {
			ch = workflows.ChannelSMS
		}
		pb.CheckIns = append(pb.CheckIns, workflows.CheckIn{After: 12*time.Second + time.Duration(i)*2*time.Second, Channel: ch})
	}
	pb.Expiry = 2 * time.Minute
	ctx := context.Background()
	var events, tasks int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wid := r.launch("bench-"+time.Now().Format("150405.000000"), pb)
		r.complete(wid, "backstory", "alice", workflows.TaskAnswers{OurSide: "late deliveries"})
		r.complete(wid, "exit-interview", "alice", workflows.TaskAnswers{WhyLeaving: "price", WhatWouldKeepYou: "match it",
			Reason: workflows.ReasonCompetitorPrice, Scope: workflows.ScopeSystemic})
		r.complete(wid, "decision", "maria", workflows.TaskAnswers{Pursue: yes(), WhatWeChanged: "cut the price", Offer: workflows.OfferBeatOffer})
		r.complete(wid, "thank-you-call", "alice", workflows.TaskAnswers{Outcome: workflows.CallConsidering})
		r.waitFor(wid, func(st workflows.CampaignStatus) bool { return st.CheckInsDone == 12 })
		if err := c.SignalWorkflow(ctx, wid, "", workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "bench"}); err != nil {
			b.Fatal(err)
		}
		if err := c.GetWorkflow(ctx, wid, "").Get(ctx, nil); err != nil {
			b.Fatal(err)
		}
		e, t := countHistory(b, r, wid)
		events += e
		tasks += t
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/campaign")
	b.ReportMetric(float64(tasks)/float64(b.N), "workflow-tasks/campaign")
}

// countHistory sums events and completed workflow tasks over every run of a campaign.
func countHistory(b *testing.B, r *recorder, wid string) (events, tasks int) {
	ctx := context.Background()
	byType := map[string]int{}
	defer func() { b.Logf("events by type: %v", byType) }()
	for runID := ""; ; {
		it := r.c.GetWorkflowHistory(ctx, wid, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var prev string
		first := true
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				b.Fatal(err)
			}
			if first {
				prev = e.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
				first = false
			}
			events++
			byType[e.GetEventType().String()]++
			if e.GetEventType() == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
				tasks++
			}
		}
		if prev == "" {
			return events, tasks
		}
		runID = prev
	}
}

type tbAdapter struct{ b *testing.B }

func (a *tbAdapter) Fatalf(format string, args ...any) { a.b.Helper(); a.b.Fatalf(format, args...) }
