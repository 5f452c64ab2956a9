package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// fakeSender stands in for the providers while recording: the histories depend on what the
// workflow asks for, not on who delivers it.
type fakeSender struct{ n atomic.Int64 }

func (f *fakeSender) SendEmail(_ context.Context, r activities.EmailRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "record", MessageID: fmt.Sprintf("e-%d", f.n.Add(1)), SentAt: time.Now()}, nil
}

func (f *fakeSender) SendSMS(_ context.Context, r activities.SMSRequest) (activities.SendResult, error) {
	return activities.SendResult{Provider: "record", MessageID: fmt.Sprintf("s-%d", f.n.Add(1)), SentAt: time.Now()}, nil
}

// recordPlaybook makes a whole campaign happen in seconds.
func recordPlaybook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "record"
	pb.BackstoryDue, pb.ExitInterviewDue, pb.DecisionDue, pb.CallDue, pb.FixContactDue = 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second
	pb.EscalateAfter, pb.ExpireAfter = 1*time.Second, 2*time.Second
	pb.WaitFixed, pb.CallRetryAfter = 1*time.Second, 1*time.Second
	pb.CheckIns = []workflows.CheckIn{{After: 8 * time.Second, Channel: workflows.ChannelEmail}, {After: 9 * time.Second, Channel: workflows.ChannelSMS}}
	pb.QuietHours = workflows.QuietHours{}
	pb.FrequencyCap = workflows.FrequencyCap{}
	pb.Expiry = 12 * time.Second
	pb.MaxEventsPerRun = 1000
	return pb
}

type recorder struct {
	t      *testing.T
	c      client.Client
	tq     string
	fatalf func(format string, args ...any)
}

func (r *recorder) fail(format string, args ...any) {
	if r.fatalf != nil {
		r.fatalf(format, args...)
		return
	}
	r.t.Fatalf(format, args...)
}

// waitFor polls the status query until cond holds (30 seconds at most).
func (r *recorder) waitFor(wid string, cond func(workflows.CampaignStatus) bool) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		v, err := r.c.QueryWorkflow(context.Background(), wid, "", workflows.QueryStatus)
		if err != nil {
			continue
		}
		var st workflows.CampaignStatus
		if v.Get(&st) == nil && cond(st) {
			return
		}
	}
	v, err := r.c.QueryWorkflow(context.Background(), wid, "", workflows.QueryStatus)
	var st workflows.CampaignStatus
	if err == nil {
		_ = v.Get(&st)
	}
	r.fail("%s: condition not reached in 60s; status %+v (query error %v)", wid, st, err)
}

func (r *recorder) launch(id string, pb workflows.Playbook) string {
	in := workflows.CampaignInput{
		Customer: workflows.Customer{ID: id, Name: "Dana Reyes", Company: "Acme Corp", Email: "dana@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"},
		Departure: workflows.Departure{Date: time.Now(), StatedReason: workflows.ReasonCompetitorPrice},
		Owners: workflows.Owners{Rep: workflows.Person{ID: "alice", Email: "alice@winback.example"},
			Manager: workflows.Person{ID: "maria"}},
		Playbook: pb,
	}
	if _, err := workflows.Start(context.Background(), r.c, r.tq, in); err != nil {
		r.fail("launch %s: %v", id, err)
	}
	return workflows.WorkflowID(id)
}

// complete waits until the task is open, then completes it.
func (r *recorder) complete(wid, task, by string, a workflows.TaskAnswers) {
	ctx := context.Background()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		v, err := r.c.QueryWorkflow(ctx, wid, "", workflows.QueryStatus)
		if err != nil {
			continue
		}
		var st workflows.CampaignStatus
		_ = v.Get(&st)
		for _, t := range st.Tasks {
			if t.ID == task && t.Status == workflows.TaskOpen {
				h, err := r.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.UpdateCompleteTask,
					WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{workflows.CompleteTaskRequest{TaskID: task, By: by, Answers: a}}})
				if err != nil {
					r.fail("complete %s: %v", task, err)
				}
				if err := h.Get(ctx, nil); err != nil {
					r.fail("complete %s: %v", task, err)
				}
				return
			}
		}
	}
	r.fail("task %s never opened in %s", task, wid)
}

func (r *recorder) save(wid, name string) {
	r.t.Helper()
	ctx := context.Background()
	run := r.c.GetWorkflow(ctx, wid, "")
	var res workflows.CampaignResult
	if err := run.Get(ctx, &res); err != nil {
		r.t.Fatalf("%s: %v", wid, err)
	}
	// Save every run of the chain (continue-as-new), oldest first.
	var runs []*historypb.History
	for runID := run.GetRunID(); runID != ""; {
		h := &historypb.History{}
		it := r.c.GetWorkflowHistory(ctx, wid, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				r.t.Fatal(err)
			}
			h.Events = append(h.Events, e)
		}
		runs = append([]*historypb.History{h}, runs...)
		runID = h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
	}
	for i, h := range runs {
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			r.t.Fatal(err)
		}
		file := filepath.Join(historiesDir, fmt.Sprintf("%s-run%d.json", name, i+1))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.t.Logf("recorded %s (%d events, outcome %s)", file, len(h.Events), res.Outcome)
	}
}

func yes() *bool { v := true; return &v }

// TestRecordHistories records the histories TestReplayRecordedHistories replays. It runs only
// when asked: WINBACK_RECORD_HISTORIES=1 go test ./workflows -run TestRecordHistories -v
func TestRecordHistories(t *testing.T) {
	if os.Getenv("WINBACK_RECORD_HISTORIES") == "" {
		t.Skip("set WINBACK_RECORD_HISTORIES=1 to record new replay histories from the dev server")
	}
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	c := server.Client(t)
	r := &recorder{t: t, c: c, tq: "record"}
	w := worker.New(c, r.tq, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	f := &fakeSender{}
	w.RegisterActivity(f)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := os.MkdirAll(historiesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	backstory := workflows.TaskAnswers{OurSide: "late deliveries"}
	interview := workflows.TaskAnswers{WhyLeaving: "cheaper elsewhere", WhatWouldKeepYou: "match the price",
		Reason: workflows.ReasonCompetitorPrice, Scope: workflows.ScopeSystemic}
	decision := workflows.TaskAnswers{Pursue: yes(), WhatWeChanged: "cut the price by 25%", Offer: workflows.OfferBeatOffer}

	// 1. The happy path: won back on the thank-you call.
	won := r.launch("rec-won", recordPlaybook())
	r.complete(won, "backstory", "alice", backstory)
	r.complete(won, "exit-interview", "alice", interview)
	r.complete(won, "decision", "maria", decision)
	r.complete(won, "thank-you-call", "alice", workflows.TaskAnswers{Outcome: workflows.CallWonBack})
	r.save(won, "won-on-call")

	// 2. Considering, then check-ins across continue-as-new, a STOP, and expiry.
	pb := recordPlaybook()
	pb.MaxEventsPerRun = 10
	checkins := r.launch("rec-checkins", pb)
	r.complete(checkins, "backstory", "alice", backstory)
	r.complete(checkins, "exit-interview", "alice", interview)
	r.complete(checkins, "decision", "maria", decision)
	r.complete(checkins, "thank-you-call", "alice", workflows.TaskAnswers{Outcome: workflows.CallConsidering})
	_ = c.SignalWorkflow(ctx, checkins, "", workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "record"})
	r.save(checkins, "checkins-can-expired")

	// 3. Nobody answers: reminders, escalation to the manager, the policy decides, the customer returns.
	silent := r.launch("rec-silent", recordPlaybook())
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		v, err := c.QueryWorkflow(ctx, silent, "", workflows.QueryStatus)
		if err == nil {
			var st workflows.CampaignStatus
			_ = v.Get(&st)
			if st.Stage == workflows.StageWait || st.Stage == workflows.StageThankYouCall {
				break
			}
		}
	}
	_ = c.SignalWorkflow(ctx, silent, "", workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "record"})
	r.save(silent, "silent-escalated-returned")

	// 4. Walk away by the manager, after a rejected update and a reassignment.
	walk := r.launch("rec-walk", recordPlaybook())
	r.complete(walk, "backstory", "alice", backstory)
	_, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: walk, UpdateName: workflows.UpdateReassignTask,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{workflows.ReassignRequest{TaskID: "exit-interview", To: "bob", By: "alice"}}})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: walk, UpdateName: workflows.UpdateCompleteTask,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{workflows.CompleteTaskRequest{TaskID: "exit-interview", By: "bob"}}})
	if h != nil && h.Get(ctx, nil) == nil {
		t.Fatal("an empty exit interview was accepted")
	}
	r.complete(walk, "exit-interview", "bob", interview)
	r.complete(walk, "decision", "maria", workflows.TaskAnswers{Pursue: new(bool), Rationale: "not worth it"})
	r.save(walk, "walked-away")

	data, _ := json.Marshal(map[string]string{"recorded": time.Now().UTC().Format(time.RFC3339)})
	_ = os.WriteFile(filepath.Join(historiesDir, "RECORDED"), data, 0o644)
}
