package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// Server CPU is read around each side's batch. The server keeps working a little after the
// last result (visibility, transfer and timer queues): settle is how long the bench waits for
// that before the second reading, and idleWindow how long it watches an idle server first.
const (
	settle     = 3 * time.Second
	idleWindow = 10 * time.Second
)

// historyResult is figure 3: per full campaign and per bare workflow with one activity.
type historyResult struct {
	Campaigns, Bares               int
	CampaignEvents, CampaignTasks  float64 // summed over continue-as-new runs
	BareEvents, BareTasks          float64
	CampaignCPU, BareCPU           time.Duration // server CPU per workflow, net of idle
	CampaignGross, BareGross       time.Duration // server CPU of each batch, idle included
	CampaignWall, BareWall         time.Duration // each batch, settle included
	IdleCPU                        float64       // server CPU seconds per second, idle
	Queries                        float64       // status queries the bench sent per campaign
	QueryCPU                       time.Duration // server CPU per status query, net of idle
	Runs                           float64       // runs per campaign (1 = no continue-as-new)
	CampaignByType, BareEventTypes string        // events by type: one campaign, one bare workflow
}

// measureHistory runs campaigns whole campaigns at once (every stage, twelve check-ins, won
// back: the path of workflows' BenchmarkFullCampaignHistory) and then bares bare workflows with
// one activity at once, and counts each side's history events, workflow tasks and the server's
// CPU time. The server's idle CPU (measured first) is subtracted from both sides.
//
// The campaign side also carries the status queries the bench sends to see when a task opens
// (every 250 ms) and when the check-ins are done (every second after the last is due); their
// number is reported.
func measureHistory(t *testing.T, server *testenv.DevServer, c client.Client, campaigns, bares int) historyResult {
	t.Helper()
	ctx := context.Background()
	pid := server.PID()
	r := historyResult{Campaigns: campaigns, Bares: bares}

	progress("history: watching the idle server for %s", idleWindow)
	cpu0 := mustCPU(t, pid)
	time.Sleep(idleWindow)
	r.IdleCPU = (mustCPU(t, pid) - cpu0).Seconds() / idleWindow.Seconds()

	// Campaigns.
	progress("history: %d full campaigns at once (about %s each)", campaigns, firstCheckIn+fullCheckIns*2*time.Second)
	stamp := time.Now().Format("150405")
	sc := &statusClient{c: c}
	ids := make([]string, campaigns)
	began, cpu0 := time.Now(), mustCPU(t, pid)
	if err := forEach(campaigns, campaigns, func(i int) error {
		ids[i] = workflows.WorkflowID(fmt.Sprintf("full-%s-%d", stamp, i))
		return fullCampaign(ctx, c, sc, fmt.Sprintf("full-%s-%d", stamp, i))
	}); err != nil {
		t.Fatalf("history: %v", err)
	}
	time.Sleep(settle)
	r.CampaignWall, r.CampaignGross = time.Since(began), mustCPU(t, pid)-cpu0
	r.CampaignCPU = netCPU(r.CampaignGross, r.IdleCPU, r.CampaignWall, campaigns)
	r.Queries = float64(sc.queries.Load()) / float64(campaigns)
	var events, tasks, runs int
	for i, wid := range ids {
		h := countHistory(t, c, wid)
		events, tasks, runs = events+h.events, tasks+h.tasks, runs+h.runs
		if i == 0 {
			r.CampaignByType = h.byType()
		}
	}
	r.CampaignEvents, r.CampaignTasks = float64(events)/float64(campaigns), float64(tasks)/float64(campaigns)
	r.Runs = float64(runs) / float64(campaigns)
	progress("history: campaign %.1f events, %.1f workflow tasks, %.3f s server CPU (net of idle %.3f CPU-s/s)",
		r.CampaignEvents, r.CampaignTasks, r.CampaignCPU.Seconds(), r.IdleCPU)

	// Bare workflows with one activity.
	progress("history: %d bare workflows with one activity", bares)
	began, cpu0 = time.Now(), mustCPU(t, pid)
	if err := forEach(bares, 8, func(i int) error {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("bare-act-%s-%d", stamp, i), TaskQueue: benchQueue}, bareActivityWorkflow)
		if err != nil {
			return err
		}
		return run.Get(ctx, nil)
	}); err != nil {
		t.Fatalf("history: bare: %v", err)
	}
	time.Sleep(settle)
	r.BareWall, r.BareGross = time.Since(began), mustCPU(t, pid)-cpu0
	r.BareCPU = netCPU(r.BareGross, r.IdleCPU, r.BareWall, bares)
	events, tasks = 0, 0
	for i := range bares {
		h := countHistory(t, c, fmt.Sprintf("bare-act-%s-%d", stamp, i))
		events, tasks = events+h.events, tasks+h.tasks
		if i == 0 {
			r.BareEventTypes = h.byType()
		}
	}
	r.BareEvents, r.BareTasks = float64(events)/float64(bares), float64(tasks)/float64(bares)
	progress("history: bare %.1f events, %.1f workflow tasks, %.4f s server CPU", r.BareEvents, r.BareTasks, r.BareCPU.Seconds())

	r.QueryCPU = queryCPU(t, c, pid, r.IdleCPU, "query-"+stamp)
	progress("history: a status query costs the server %.4f s of CPU: %.3f s of each campaign's were the bench's %.0f queries",
		r.QueryCPU.Seconds(), r.Queries*r.QueryCPU.Seconds(), r.Queries)
	return r
}

// queryCount is how many status queries queryCPU sends.
const queryCount = 200

// queryCPU is the server CPU one status query costs: queryCount of them, one at a time, to an
// idle campaign waiting on its backstory, as the bench's own polling does.
func queryCPU(t *testing.T, c client.Client, pid int, idlePerSecond float64, customerID string) time.Duration {
	t.Helper()
	ctx := context.Background()
	wid := workflows.WorkflowID(customerID)
	if _, err := workflows.Start(ctx, c, benchQueue, campaignInput(customerID, openPlaybook())); err != nil {
		t.Fatalf("history: %v", err)
	}
	sc := &statusClient{c: c}
	if err := sc.waitTaskOpen(ctx, wid, "backstory", 100*time.Millisecond, time.Minute); err != nil {
		t.Fatalf("history: %v", err)
	}
	time.Sleep(settle)
	began, cpu0 := time.Now(), mustCPU(t, pid)
	for range queryCount {
		if _, err := sc.status(ctx, wid); err != nil {
			t.Fatalf("history: status of %s: %v", wid, err)
		}
	}
	time.Sleep(settle)
	return netCPU(mustCPU(t, pid)-cpu0, idlePerSecond, time.Since(began), queryCount)
}

// fullCampaign drives one campaign through every stage: the four tasks completed as soon as
// each opens, the thank-you call "considering", twelve check-ins, then the customer returns.
func fullCampaign(ctx context.Context, c client.Client, sc *statusClient, customerID string) error {
	wid := workflows.WorkflowID(customerID)
	launched := time.Now()
	if _, err := workflows.Start(ctx, c, benchQueue, campaignInput(customerID, fullPlaybook())); err != nil {
		return err
	}
	for _, step := range []struct {
		task, by string
		a        workflows.TaskAnswers
	}{
		{"backstory", "alice", backstoryAnswers},
		{"exit-interview", "alice", interviewAnswers},
		{"decision", "maria", decisionAnswers},
		{"thank-you-call", "alice", considering},
	} {
		if err := sc.waitTaskOpen(ctx, wid, step.task, 250*time.Millisecond, 30*time.Second); err != nil {
			return err
		}
		if err := complete(ctx, c, wid, step.task, step.by, step.a); err != nil {
			return err
		}
	}
	// The last check-in is due at a known time: look only from then on.
	time.Sleep(time.Until(launched.Add(firstCheckIn + (fullCheckIns-1)*2*time.Second)))
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(time.Second) {
		st, err := sc.status(ctx, wid)
		if err == nil {
			for _, m := range st.Messages {
				if m.Status == "skipped_late" {
					return fmt.Errorf("%s: %s: %w (the machine is too slow for the schedule; try fewer WINBACK_BENCH_CAMPAIGNS)", wid, m.Step, errSkipped)
				}
			}
			if st.CheckInsDone == fullCheckIns {
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %d of %d check-ins done a minute after the last was due (%v)", wid, st.CheckInsDone, fullCheckIns, err)
		}
	}
	if err := c.SignalWorkflow(ctx, wid, "", workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "bench"}); err != nil {
		return err
	}
	var res workflows.CampaignResult
	if err := c.GetWorkflow(ctx, wid, "").Get(ctx, &res); err != nil {
		return err
	}
	if res.Outcome != workflows.OutcomeWonBack {
		return fmt.Errorf("%s: outcome %s, want won_back", wid, res.Outcome)
	}
	return nil
}

// netCPU is a batch's server CPU per workflow once the idle server's share of the time is taken out.
func netCPU(gross time.Duration, idlePerSecond float64, wall time.Duration, n int) time.Duration {
	net := gross - time.Duration(idlePerSecond*float64(wall))
	return net / time.Duration(n)
}

func mustCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	d, err := cpuTime(pid)
	if err != nil {
		t.Fatalf("server CPU: %v", err)
	}
	return d
}

// historyCount is what one workflow's history holds, over every run of its chain.
type historyCount struct {
	events, tasks, runs int
	types               map[string]int
}

// byType lists the event types, most frequent first.
func (h historyCount) byType() string {
	names := slices.Collect(maps.Keys(h.types))
	slices.SortFunc(names, func(a, b string) int {
		if h.types[a] != h.types[b] {
			return h.types[b] - h.types[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, h.types[n])
	}
	return strings.Join(parts, ", ")
}

// countHistory counts the events and completed workflow tasks of a workflow's latest run and,
// following continue-as-new back, of every run before it.
func countHistory(t *testing.T, c client.Client, wid string) historyCount {
	t.Helper()
	ctx := context.Background()
	h := historyCount{types: map[string]int{}}
	for runID := ""; ; {
		it := c.GetWorkflowHistory(ctx, wid, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		prev, first := "", true
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", wid, err)
			}
			if first {
				prev = e.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
				first = false
			}
			h.events++
			h.types[e.GetEventType().String()]++
			if e.GetEventType() == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
				h.tasks++
			}
		}
		h.runs++
		if prev == "" {
			return h
		}
		runID = prev
	}
}
