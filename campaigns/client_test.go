package campaigns_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/activities/activitiestest"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// sender stands in for SendGrid and Twilio: the client's behaviour does not depend on them.
// It files the campaigns' records in a real task index.
type sender struct {
	activitiestest.NoStore // no standing opt-outs
	index                  activities.Indexer
	files                  bool // false: the campaigns file nothing, like those started before the index
	n                      atomic.Int64
}

// SyncCampaign files the campaign's record in the test's store.
func (s *sender) SyncCampaign(ctx context.Context, r activities.CampaignRecord) error {
	if !s.files {
		return nil
	}
	return s.index.SyncCampaign(ctx, r)
}

func (s *sender) SendEmail(context.Context, activities.EmailRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "test", MessageID: fmt.Sprint(s.n.Add(1)), SentAt: time.Now()}, nil
}

func (s *sender) SendSMS(context.Context, activities.SMSRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "test", MessageID: fmt.Sprint(s.n.Add(1)), SentAt: time.Now()}, nil
}

// startClient runs a dev server and an in-process worker, and returns a Client of them.
func startClient(t *testing.T) *campaigns.Client { return startClientFiling(t, true) }

// startClientFiling is startClient whose campaigns file their records in the task index or,
// with files false, do not (as campaigns started before the index did).
func startClientFiling(t *testing.T, files bool) *campaigns.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Temporal dev server")
	}
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	tc := server.Client(t)
	const queue = "campaigns-test"
	w := worker.New(tc, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.RegisterActivity(&sender{index: activities.Indexer{Store: st}, files: files})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return campaigns.New(tc, campaigns.Options{Namespace: "default", TaskQueue: queue, CallTimeout: 10 * time.Second, Store: st})
}

func input(customer string) workflows.CampaignInput {
	pb := workflows.DefaultPlaybook()
	pb.Version = "campaigns-test"
	return workflows.CampaignInput{
		Customer: workflows.Customer{ID: customer, Name: "Dana Reyes", Company: "Acme", Email: "dana@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "o'brien's"},
		Departure:   workflows.Departure{Date: time.Now().Add(-time.Hour), StatedReason: workflows.ReasonCompetitorPrice},
		Owners:      workflows.Owners{Rep: workflows.Person{ID: "alice"}, Manager: workflows.Person{ID: "maria"}},
		Playbook:    pb,
		ContactKeys: []string{"c1-" + customer},
	}
}

// One Client against a real dev server and worker: every way in to a campaign, and the typed
// errors its users rely on.
func TestClientAgainstTheDevServer(t *testing.T) {
	c := startClient(t)
	ctx := context.Background()

	// Start, and the ID policies.
	if _, err := c.Start(ctx, input("cl-1"), campaigns.Relaunch); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Start(ctx, input("cl-1"), campaigns.Relaunch); !errors.Is(err, campaigns.ErrAlreadyRunning) {
		t.Errorf("second start: %v, want ErrAlreadyRunning", err)
	}
	if _, err := c.Start(ctx, input("cl-1"), campaigns.FirstOnly); !errors.Is(err, campaigns.ErrAlreadyRunning) {
		t.Errorf("second start, first only: %v, want ErrAlreadyRunning", err)
	}

	// Status and input.
	var st workflows.CampaignStatus
	campaignstest.Eventually(t, 20*time.Second, "backstory open", func() (err error) {
		st, err = c.Status(ctx, "cl-1")
		if err == nil && (len(st.Tasks) == 0 || st.Tasks[0].ID != "backstory") {
			err = fmt.Errorf("tasks %+v", st.Tasks)
		}
		return err
	})
	if st.CustomerID != "cl-1" || st.Rep != "alice" {
		t.Errorf("status %+v", st)
	}
	in, err := c.Input(ctx, "cl-1")
	if err != nil || in.Customer.Email != "dana@acme.example" {
		t.Errorf("input %+v, %v", in.Customer, err)
	}
	if _, err := c.Status(ctx, "nobody"); !errors.Is(err, campaigns.ErrNotFound) {
		t.Errorf("status of nobody: %v, want ErrNotFound", err)
	}

	// Updates: a refusal comes back with its fields typed; an accepted one says what is next.
	_, err = c.Complete(ctx, "cl-1", workflows.CompleteTaskRequest{TaskID: "backstory", By: "alice"})
	var rej *campaigns.RejectedError
	if !errors.As(err, &rej) || rej.Closed {
		t.Fatalf("empty backstory: %v, want a rejection", err)
	}
	if f, ok := rej.Field("ourSide"); !ok || f.Code != workflows.CodeRequired {
		t.Errorf("rejection fields %+v", rej.Fields)
	}
	_, err = c.Complete(ctx, "cl-1", workflows.CompleteTaskRequest{TaskID: "backstory", By: "bob",
		Answers: workflows.TaskAnswers{OurSide: "late twice"}})
	if !errors.As(err, &rej) || len(rej.Fields) != 1 || rej.Fields[0].Field != "by" {
		t.Errorf("bob completing alice's task: %v %+v", err, rej)
	}
	res, err := c.Complete(ctx, "cl-1", workflows.CompleteTaskRequest{TaskID: "backstory", By: "alice",
		Answers: workflows.TaskAnswers{OurSide: "late twice"}})
	if err != nil || res.Next == "" {
		t.Fatalf("complete: %+v, %v", res, err)
	}
	moved, err := c.Reassign(ctx, "cl-1", workflows.ReassignRequest{To: "bob", By: "maria", Reason: "test"})
	if err != nil || !slices.Contains(moved.Moved, "exit-interview") {
		t.Errorf("move the account: %+v, %v", moved, err)
	}

	// Lists: campaigns by filter (a quoted value reaches the server intact), counts, tasks.
	campaignstest.Eventually(t, 20*time.Second, "listed", func() error {
		page, err := c.Campaigns(ctx, campaigns.Filter{Status: campaigns.Running, Segment: "o'brien's", People: []string{"bob", "x'y"}}, campaigns.Page{})
		if err != nil || len(page.Campaigns) != 1 || page.Campaigns[0].CustomerID != "cl-1" || page.Campaigns[0].Status != campaigns.StatusRunning {
			return fmt.Errorf("page %+v, %v", page, err)
		}
		n, err := c.Count(ctx, campaigns.Filter{Status: campaigns.Running, Contact: "c1-cl-1"})
		if err != nil || n != 1 {
			return fmt.Errorf("count %d, %v", n, err)
		}
		return nil
	})
	t.Run("the moved task is bob's in the task index", func(t *testing.T) {
		campaignstest.Eventually(t, 20*time.Second, "bob's tasks", func() error {
			l, err := c.Tasks(ctx, campaigns.TaskFilter{Assignees: []string{"bob"}}, campaigns.Page{})
			if err != nil || len(l.Tasks) != 1 || l.Tasks[0].Task.ID != "exit-interview" || l.Tasks[0].Manager != "maria" || l.Total != 1 {
				return fmt.Errorf("tasks %+v, %v", l, err)
			}
			return nil
		})
	})

	// Signals, and a closed campaign.
	if err := c.Cancel(ctx, "cl-1", workflows.CancelSignal{By: "ops", Reason: "test over"}); err != nil {
		t.Fatal(err)
	}
	campaignstest.Eventually(t, 20*time.Second, "closed", func() error {
		err := c.OptOut(ctx, "cl-1", workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "test"})
		if !errors.Is(err, campaigns.ErrClosed) {
			return fmt.Errorf("opt-out after cancel: %v, want ErrClosed", err)
		}
		return nil
	})
	if _, err := c.Complete(ctx, "cl-1", workflows.CompleteTaskRequest{TaskID: "exit-interview", By: "bob"}); !errors.Is(err, campaigns.ErrClosed) {
		t.Errorf("complete after cancel: %v, want ErrClosed", err)
	}
	// The offer page's signal and the CLI's offer Update meet a closed campaign as the others do.
	if err := c.RespondToOffer(ctx, "cl-1", workflows.OfferResponseSignal{OfferID: "offer-1", Accept: true, At: time.Now(), Source: "test"}); !errors.Is(err, campaigns.ErrClosed) {
		t.Errorf("offer response after cancel: %v, want ErrClosed", err)
	}
	if _, err := c.MakeOffer(ctx, "cl-1", workflows.MakeOfferRequest{By: "maria", Offer: workflows.OfferIncentive}); !errors.Is(err, campaigns.ErrClosed) {
		t.Errorf("make an offer after cancel: %v, want ErrClosed", err)
	}
	if st, err := c.Status(ctx, "cl-1"); err != nil || st.Outcome != workflows.OutcomeCancelled {
		t.Errorf("status of the closed campaign: %+v, %v", st.Outcome, err)
	}
	var closed *campaigns.ClosedBeforeError
	if _, err := c.Start(ctx, input("cl-1"), campaigns.FirstOnly); !errors.As(err, &closed) || closed.Ended != "cancelled" {
		t.Errorf("first-only start after a closed campaign: %v, want ClosedBeforeError (cancelled)", err)
	}
	if _, err := c.Start(ctx, input("cl-1"), campaigns.Relaunch); err != nil {
		t.Errorf("relaunch after a closed campaign: %v", err)
	}

	// The namespace has the search attributes (the dev server registered them).
	plan, err := c.SetUpSearchAttributes(ctx)
	if err != nil || len(plan.Add) != 0 || len(plan.Present) != len(workflows.SearchAttributeTypes) {
		t.Errorf("setup: %+v, %v", plan, err)
	}
}

// A campaign asleep when the task index began is missing from the lists until it wakes:
// RebuildIndex files its record once, read from the campaign, and a second run files nothing.
func TestRebuildIndexFilesTheCampaignsTheIndexLacks(t *testing.T) {
	c := startClientFiling(t, false) // campaigns started before the index: they file nothing themselves
	ctx := context.Background()
	for _, id := range []string{"rb-1", "rb-2", "rb-3"} {
		if _, err := c.Start(ctx, input(id), campaigns.Relaunch); err != nil {
			t.Fatal(err)
		}
		campaignstest.Eventually(t, 20*time.Second, id+"'s backstory", func() error {
			st, err := c.Status(ctx, id)
			if err == nil && len(st.Tasks) == 0 {
				err = errors.New("no task yet")
			}
			return err
		})
	}
	if err := c.Cancel(ctx, "rb-3", workflows.CancelSignal{By: "ops", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	campaignstest.Eventually(t, 20*time.Second, "rb-3 closed and listed", func() error {
		page, err := c.Campaigns(ctx, campaigns.Filter{Status: campaigns.Closed}, campaigns.Page{})
		if err != nil || len(page.Campaigns) != 1 {
			return fmt.Errorf("closed: %+v, %v", page.Campaigns, err)
		}
		return nil
	})
	var progress int
	r, err := c.RebuildIndex(ctx, campaigns.RebuildOptions{Progress: func(done, of int) { progress = done }})
	if err != nil || r.Campaigns != 2 || r.Filed != 2 || r.Current != 0 || len(r.Failures) != 0 || progress != 2 {
		t.Fatalf("rebuild of the running: %+v, %v (progress %d)", r, err, progress)
	}
	l, err := c.Tasks(ctx, campaigns.TaskFilter{Assignees: []string{"alice"}}, campaigns.Page{})
	if err != nil || l.Total != 2 || l.Tasks[0].Task.ID != "backstory" || l.Tasks[0].Manager != "maria" {
		t.Errorf("alice's tasks after the rebuild: %+v, %v", l, err)
	}
	r, err = c.RebuildIndex(ctx, campaigns.RebuildOptions{Closed: true})
	if err != nil || r.Campaigns != 3 || r.Filed != 1 || r.Current != 2 {
		t.Errorf("a second rebuild, closed ones too: %+v, %v; want rb-3 filed, the others current", r, err)
	}
	rep, err := c.Report(ctx, campaigns.ReportFilter{})
	if err != nil || rep.Totals.Campaigns != 3 || rep.ByOutcome["cancelled"] != 1 || rep.Totals.ValueLost != 3*48000 ||
		len(rep.ByLostBy) != 1 || rep.ByLostBy[0].Key != "alice" {
		t.Errorf("the report after the rebuild: %+v, %v", rep, err)
	}
}
