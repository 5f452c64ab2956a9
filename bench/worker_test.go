package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/activities/activitiestest"
	"github.com/winback/winback/workflows"
)

// benchQueue is the task queue of the in-process worker that runs campaigns and the bare
// workflows side by side, for the update and history figures.
const benchQueue = "bench"

// Names of the bare Temporal side.
const (
	bareUpdateWorkflow   = "BenchBareUpdateTarget"
	bareUpdateName       = "Touch"
	bareReadyQuery       = "ready"
	bareActivityWorkflow = "BenchBareOneActivity"
	bareActivityName     = "BenchBareActivity"
)

// startWorker runs, in this process, a worker with the campaign workflow (sends go to a fake
// sender: the figures are about the workflow and the server, not the providers) and the bare
// workflows the campaign is compared with.
func startWorker(t *testing.T, c client.Client) worker.Worker {
	t.Helper()
	w := worker.New(c, benchQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(&fakeSender{})
	w.RegisterWorkflowWithOptions(bareUpdateTarget, workflow.RegisterOptions{Name: bareUpdateWorkflow})
	w.RegisterWorkflowWithOptions(bareOneActivity, workflow.RegisterOptions{Name: bareActivityWorkflow})
	w.RegisterActivityWithOptions(bareActivity, activity.RegisterOptions{Name: bareActivityName})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

// fakeSender stands in for SendGrid and Twilio: it answers at once with a message ID.
type fakeSender struct {
	activitiestest.NoStore // no store: no standing opt-outs
	n                      atomic.Int64
}

// SendEmail pretends to send an email.
func (f *fakeSender) SendEmail(_ context.Context, _ activities.EmailRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "bench", MessageID: fmt.Sprintf("e-%d", f.n.Add(1)), SentAt: time.Now()}, nil
}

// SendSMS pretends to send a text.
func (f *fakeSender) SendSMS(_ context.Context, _ activities.SMSRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "bench", MessageID: fmt.Sprintf("s-%d", f.n.Add(1)), SentAt: time.Now()}, nil
}

// bareUpdateRequest and bareUpdateResult are the bare update's argument and result.
type bareUpdateRequest struct {
	Seq int `json:"seq"`
}

type bareUpdateResult struct {
	Seq int `json:"seq"`
}

// bareUpdateTarget is the trivial workflow of the update comparison: an update handler that
// answers at once, a query that says the first workflow task ran, and a wait that never ends.
func bareUpdateTarget(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, bareReadyQuery, func() (bool, error) { return true, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, bareUpdateName, func(_ workflow.Context, r bareUpdateRequest) (bareUpdateResult, error) {
		return bareUpdateResult(r), nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// bareOneActivity is the bare side of the history and CPU comparison: one activity, then done.
func bareOneActivity(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	return workflow.ExecuteActivity(ctx, bareActivityName).Get(ctx, nil)
}

// bareActivity does nothing.
func bareActivity(context.Context) error { return nil }
