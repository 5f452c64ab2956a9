package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// updateWarmup is how many updates of each side run before the timed ones (connections,
// caches); they are not counted.
const updateWarmup = 20

// latency sums up one side's update latencies.
type latency struct {
	P50, P99, Mean, Max time.Duration
}

// updatesResult is figure 2: CompleteTask against a bare update, n of each, interleaved.
type updatesResult struct {
	N              int
	Campaign, Bare latency
}

// measureUpdates times n CompleteTask updates (each completes the backstory of a campaign
// waiting on it) and n bare updates on trivial workflows, one at a time, interleaved pair by
// pair with the order flipped every pair, so both sides share the machine's noise. Each update
// is timed from the call to its result (WaitForStage Completed).
func measureUpdates(t *testing.T, c client.Client, n int) updatesResult {
	t.Helper()
	ctx := context.Background()
	total := n + updateWarmup
	stamp := time.Now().Format("150405")
	campaignID := func(i int) string { return fmt.Sprintf("upd-%s-%d", stamp, i) }
	bareID := func(i int) string { return fmt.Sprintf("bare-upd-%s-%d", stamp, i) }

	progress("updates: starting %d campaigns and %d trivial workflows", total, total)
	pb := openPlaybook()
	if err := forEach(total, 8, func(i int) error {
		if _, err := workflows.Start(ctx, c, benchQueue, campaignInput(campaignID(i), pb)); err != nil {
			return err
		}
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: bareID(i), TaskQueue: benchQueue}, bareUpdateWorkflow)
		return err
	}); err != nil {
		t.Fatalf("updates: start: %v", err)
	}
	// Both sides wait until their first workflow task ran: the campaign's backstory task is
	// open, the trivial workflow answers its query. Then both are idle and in the worker's cache.
	sc := &statusClient{c: c}
	if err := forEach(total, 8, func(i int) error {
		if err := sc.waitTaskOpen(ctx, workflows.WorkflowID(campaignID(i)), "backstory", 100*time.Millisecond, time.Minute); err != nil {
			return err
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			_, err := c.QueryWorkflow(ctx, bareID(i), "", bareReadyQuery)
			if err == nil {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: %w", bareID(i), err)
			}
		}
	}); err != nil {
		t.Fatalf("updates: waiting for the first workflow tasks: %v", err)
	}

	progress("updates: timing %d CompleteTask and %d bare updates, interleaved (after %d of each to warm up)", n, n, updateWarmup)
	var campaignTimes, bareTimes []time.Duration
	timeCampaign := func(i int) {
		began := time.Now()
		if err := complete(ctx, c, workflows.WorkflowID(campaignID(i)), "backstory", "alice", backstoryAnswers); err != nil {
			t.Fatalf("updates: %v", err)
		}
		if i >= updateWarmup {
			campaignTimes = append(campaignTimes, time.Since(began))
		}
	}
	timeBare := func(i int) {
		began := time.Now()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: bareID(i), UpdateName: bareUpdateName,
			WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{bareUpdateRequest{Seq: i}}})
		var res bareUpdateResult
		if err == nil {
			err = h.Get(ctx, &res)
		}
		if err != nil || res.Seq != i {
			t.Fatalf("updates: bare update %s: %v (result %+v)", bareID(i), err, res)
		}
		if i >= updateWarmup {
			bareTimes = append(bareTimes, time.Since(began))
		}
	}
	for i := range total {
		if i%2 == 0 {
			timeCampaign(i)
			timeBare(i)
		} else {
			timeBare(i)
			timeCampaign(i)
		}
	}
	r := updatesResult{N: n, Campaign: summarize(campaignTimes), Bare: summarize(bareTimes)}
	progress("updates: CompleteTask p50 %s p99 %s; bare update p50 %s p99 %s; p99 ratio %.2f",
		ms(r.Campaign.P50), ms(r.Campaign.P99), ms(r.Bare.P50), ms(r.Bare.P99), ratio(r.Campaign.P99, r.Bare.P99))
	return r
}

// summarize gives the nearest-rank percentiles, the mean and the maximum.
func summarize(d []time.Duration) latency {
	s := slices.Clone(d)
	slices.Sort(s)
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	return latency{P50: percentile(s, 50), P99: percentile(s, 99), Mean: sum / time.Duration(len(s)), Max: s[len(s)-1]}
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

// ratio is a/b for durations.
func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// ms formats a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
