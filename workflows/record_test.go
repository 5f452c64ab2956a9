package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/activities/activitiestest"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// TestRecordHistories records, from the workflow code of the current commit, one history per
// path of the campaign (recordedPaths), for TestReplayRecordedHistories to replay after the
// workflow changes. It runs only when asked, on a real dev server:
//
//	WINBACK_RECORD_HISTORIES=1 go test ./workflows -run TestRecordHistories -v -count=1 -timeout 20m
//
// Record from the released version before changing workflow code, and commit the files with
// RECORDED. Histories already there are never overwritten: they are the campaigns of earlier
// releases, which may still be running.
func TestRecordHistories(t *testing.T) {
	if os.Getenv("WINBACK_RECORD_HISTORIES") == "" {
		t.Skip("set WINBACK_RECORD_HISTORIES=1 to record new replay histories from the dev server")
	}
	commit, head := recordedCommit(t)
	paths := recordedPaths()
	refuseOverwrite(t, paths)

	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	c := server.Client(t)
	sender := &fakeSender{c: c}
	w := worker.New(c, "record", worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(sender)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	// Every path runs as its own campaign, a dozen at a time so the dev server keeps up on two cores; each
	// drives its campaign to a close, checks it took the path it is named after, and saves it
	// into a scratch folder. Only when every path succeeded do the files join the others.
	scratch := t.TempDir()
	var (
		mu    sync.Mutex
		files = map[string]string{} // file name -> the path it covers
		total int
	)
	slots := make(chan struct{}, 12)
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			r := &recorder{t: t, c: c, tq: "record", name: p.name, sender: sender}
			r.fatalf = func(format string, args ...any) {
				t.Errorf("%s: %s", p.name, fmt.Sprintf(format, args...))
				runtime.Goexit() // ends this path only; the others carry on
			}
			began := time.Now()
			wid := p.drive(r)
			saved := r.saveRuns(wid, scratch)
			mu.Lock()
			defer mu.Unlock()
			for i, s := range saved {
				about := p.about
				if len(saved) > 1 {
					about = fmt.Sprintf("%s (run %d of %d)", p.about, i+1, len(saved))
				}
				files[s.file] = about
				total += s.events
				t.Logf("%-45s %4d events  %s", s.file, s.events, time.Since(began).Round(time.Second))
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.Fatal("nothing was written to " + historiesDir + ": fix the failing paths and record again")
	}
	for file := range files {
		data, err := os.ReadFile(filepath.Join(scratch, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(historiesDir, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeRecorded(t, recording{Recorded: time.Now().UTC().Format(time.RFC3339), Commit: commit, Head: head, Files: files})
	t.Logf("recorded %d histories (%d events) of %d paths from commit %s", len(files), total, len(paths), commit)
}

// recordedPath is one way a campaign can go, recorded as <name>-run1.json (and -run2... when it
// continues as new).
type recordedPath struct {
	name  string
	about string // one line: the path, for RECORDED
	// drive launches the campaign, plays the people and the customer until it closes, checks
	// that it went the way about says, and returns its workflow ID.
	drive func(r *recorder) string
}

// recordedCommit is the commit whose code the histories come from: the newest commit that
// changed non-test Go code or the modules (commits of tests, histories and docs alone do not
// change what the workflow does), and HEAD. Uncommitted code changes are refused: the histories
// must come from a commit.
func recordedCommit(t *testing.T) (commit, head string) {
	code := []string{"--", ":(glob)**/*.go", ":(exclude,glob)**/*_test.go", "go.mod", "go.sum"}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = testenv.RepoRoot()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	if dirty := git(append([]string{"status", "--porcelain"}, code...)...); dirty != "" {
		t.Fatalf("uncommitted code changes; record histories from a commit (the released version):\n%s", dirty)
	}
	return git(append([]string{"log", "-1", "--format=%h"}, code...)...), git("rev-parse", "--short", "HEAD")
}

// refuseOverwrite stops before anything runs when a path's histories already exist.
func refuseOverwrite(t *testing.T, paths []recordedPath) {
	var taken []string
	for _, p := range paths {
		found, _ := filepath.Glob(filepath.Join(historiesDir, p.name+"-run*.json"))
		taken = append(taken, found...)
	}
	if len(taken) > 0 {
		t.Fatalf("these histories exist already: %v\nkeep those of a release (its campaigns may still be running): "+
			"rename them, e.g. with the commit they came from as a prefix, and fix RECORDED; delete only ones recorded from unreleased code", taken)
	}
}

// recordedFile is RECORDED: which histories were recorded when, from which commit, and the
// path each covers.
type recordedFile struct {
	Recordings []recording `json:"recordings"`
}

type recording struct {
	Recorded string            `json:"recorded"`
	Commit   string            `json:"commit"`         // the code the histories come from
	Head     string            `json:"head,omitempty"` // HEAD when they were recorded
	Note     string            `json:"note,omitempty"`
	Files    map[string]string `json:"files"`
}

func writeRecorded(t *testing.T, rec recording) {
	file := filepath.Join(historiesDir, "RECORDED")
	var all recordedFile
	if data, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(data, &all); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	all.Recordings = append(all.Recordings, rec)
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stoppedPhone replied STOP to an earlier campaign: the fake store says so (IndexContacts).
const stoppedPhone = "+12125550177"

// IndexContacts finds the standing STOP of stoppedPhone, as the store would.
func (f *fakeSender) IndexContacts(_ context.Context, r activities.ContactsRequest) (activities.ContactsResult, error) {
	if r.Phone != stoppedPhone {
		return activities.ContactsResult{}, nil
	}
	return activities.ContactsResult{OptOuts: []activities.OptOut{{Channel: "sms", Source: "stop", Detail: "STOP",
		At: time.Date(2026, 9, 2, 18, 0, 0, 0, time.UTC), Why: "opted out of sms by stop (STOP) on 2026-09-02"}}}, nil
}

// CustomerHistory knows one customer bought back with an incentive before (the
// bought-back-before path); the others have no earlier campaign.
func (f *fakeSender) CustomerHistory(_ context.Context, r activities.HistoryRequest) (activities.HistoryResult, error) {
	if r.CustomerID != "rec-bought-back-before" {
		return activities.HistoryResult{}, nil
	}
	return activities.HistoryResult{Campaigns: 1, WonBackWithIncentive: 1}, nil
}

// CreateCoupon stands in for billing: it refuses the customer of the billing-coupon-refused
// path, as Stripe refuses bad terms, and makes a coupon for the others.
func (f *fakeSender) CreateCoupon(_ context.Context, r activities.CouponRequest) (activities.CouponResult, error) {
	if r.CustomerID == "cus_refuse" {
		return activities.CouponResult{}, temporal.NewNonRetryableApplicationError("stripe: amount_off is too large", activities.ErrInvalidRequest, nil)
	}
	return activities.CouponResult{Coupon: "WB-" + r.OfferID, PromotionCodeID: "promo_rec", PromotionCode: "COMEBACK-REC"}, nil
}

// fakeSender stands in for the providers while recording: the histories depend on what the
// workflow asks for, not on who delivers it. It refuses the addresses in refuse as a provider
// would, and remembers what went where, per campaign.
type fakeSender struct {
	activitiestest.NoStore // no store: no standing opt-outs
	n                      atomic.Int64
	c                      client.Client
	mu                     sync.Mutex
	// sent lists the messages that went out, by workflow ID.
	sent map[string][]fakeSend
	// before runs once, just before the send with that key (workflow ID + "/" + step).
	before map[string]func()
}

type fakeSend struct {
	step    string
	channel workflows.Channel
	to      string
	staff   bool
}

// refuse: the addresses a provider rejects, and how.
var refuse = map[string]string{
	invalidEmail:   activities.ErrInvalidRecipient,
	invalidPhone:   activities.ErrInvalidRecipient,
	providerOptOut: activities.ErrRecipientOptedOut,
}

const (
	invalidEmail   = "dana@acme.invalid"
	invalidPhone   = "+12125550100"
	providerOptOut = "+12125550199"
)

func (f *fakeSender) SendEmail(_ context.Context, r activities.EmailRequest) (activities.SendResult, error) {
	return f.send(r.WorkflowID+"/"+r.Step, r.WorkflowID, fakeSend{step: r.Step, channel: workflows.ChannelEmail, to: r.To, staff: r.Staff})
}

func (f *fakeSender) SendSMS(_ context.Context, r activities.SMSRequest) (activities.SendResult, error) {
	return f.send(r.WorkflowID+"/"+r.Step, r.WorkflowID, fakeSend{step: r.Step, channel: workflows.ChannelSMS, to: r.To})
}

func (f *fakeSender) send(key, wid string, s fakeSend) (activities.SendResult, error) {
	f.mu.Lock()
	hook := f.before[key]
	delete(f.before, key)
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	if kind, ok := refuse[s.to]; ok {
		return activities.SendResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the provider refused %s (%s)", s.to, kind), kind, nil)
	}
	f.mu.Lock()
	if f.sent == nil {
		f.sent = map[string][]fakeSend{}
	}
	f.sent[wid] = append(f.sent[wid], s)
	f.mu.Unlock()
	return activities.SendResult{Provider: "record", MessageID: fmt.Sprintf("m-%d", f.n.Add(1)), SentAt: time.Now()}, nil
}

func (f *fakeSender) beforeSend(key string, hook func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.before == nil {
		f.before = map[string]func(){}
	}
	f.before[key] = hook
}

// sentTo returns where the campaign's message for step went on a channel ("" when it did not).
func (f *fakeSender) sentTo(wid, step string, ch workflows.Channel) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sent[wid] {
		if s.step == step && s.channel == ch {
			return s.to
		}
	}
	return ""
}

// staffNotices counts the notices sent by email to staff.
func (f *fakeSender) staffNotices(wid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.sent[wid] {
		if s.staff {
			n++
		}
	}
	return n
}

// recordPlaybook makes a whole campaign happen in seconds (BenchmarkFullCampaignHistory).
func recordPlaybook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "record"
	pb.BackstoryDue, pb.ExitInterviewDue, pb.DecisionDue, pb.CallDue, pb.FixContactDue = 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second, 4*time.Second
	pb.BusinessHours = false // seconds of clock time, whatever the hour
	pb.EscalateAfter, pb.ExpireAfter = 1*time.Second, 2*time.Second
	pb.WaitFixed, pb.CallRetryAfter = 1*time.Second, 1*time.Second
	pb.CheckIns = []workflows.CheckIn{{After: 8 * time.Second, Channel: workflows.ChannelEmail}, {After: 9 * time.Second, Channel: workflows.ChannelSMS}}
	pb.QuietHours = workflows.QuietHours{}
	pb.FrequencyCap = workflows.FrequencyCap{}
	pb.Expiry = 12 * time.Second
	pb.MaxEventsPerRun = 1000
	return pb
}

// recorder plays the people and the customer of one campaign on the dev server.
type recorder struct {
	t      *testing.T
	c      client.Client
	tq     string
	fatalf func(format string, args ...any)
	name   string // the path being recorded; the customer ID derives from it
	sender *fakeSender
}

func (r *recorder) fail(format string, args ...any) {
	if r.fatalf != nil {
		r.fatalf(format, args...)
		return
	}
	r.t.Fatalf(format, args...)
}

// check fails the path when ok is false.
func (r *recorder) check(ok bool, format string, args ...any) {
	if !ok {
		r.fail(format, args...)
	}
}

// status queries the campaign's status (of its latest run).
func (r *recorder) status(wid string) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	v, err := r.c.QueryWorkflow(context.Background(), wid, "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// waitFor polls the status query until cond holds (60 seconds at most).
func (r *recorder) waitFor(wid string, cond func(workflows.CampaignStatus) bool) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if st, err := r.status(wid); err == nil && cond(st) {
			return
		}
	}
	st, err := r.status(wid)
	r.fail("%s: condition not reached in 60s; status %+v (query error %v)", wid, st, err)
}

func (r *recorder) waitStage(wid string, s workflows.Stage) {
	r.waitFor(wid, func(st workflows.CampaignStatus) bool { return st.Stage == s })
}

// waitTask waits until the task exists and cond holds for it.
func (r *recorder) waitTask(wid, id string, cond func(workflows.Task) bool) {
	r.waitFor(wid, func(st workflows.CampaignStatus) bool {
		t := taskIn(st, id)
		return t != nil && cond(*t)
	})
}

func taskIn(st workflows.CampaignStatus, id string) *workflows.Task {
	for i := range st.Tasks {
		if st.Tasks[i].ID == id {
			return &st.Tasks[i]
		}
	}
	return nil
}

func isOpen(t workflows.Task) bool { return t.Status == workflows.TaskOpen }

// waitTimer waits until the campaign's current run has started a timer whose summary (the
// text the Temporal UI shows) contains text.
func (r *recorder) waitTimer(wid, text string) {
	ctx := context.Background()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		it := r.c.GetWorkflowHistory(ctx, wid, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				break
			}
			if e.GetEventType() == enums.EVENT_TYPE_TIMER_STARTED && strings.Contains(summaryOf(e), text) {
				return
			}
		}
	}
	r.fail("%s: no timer %q started in 60s", wid, text)
}

// launch starts a campaign for customer id with the playbook (BenchmarkFullCampaignHistory).
func (r *recorder) launch(id string, pb workflows.Playbook) string {
	in := r.input()
	in.Customer.ID, in.Playbook = id, pb
	return r.start(in)
}

// input is the campaign every path starts from: Dana at Acme left for a cheaper competitor;
// alice (who has an email address) is the rep, maria (who has none) the manager.
func (r *recorder) input() workflows.CampaignInput {
	return workflows.CampaignInput{
		Customer: workflows.Customer{ID: "rec-" + r.name, Name: "Dana Reyes", Company: "Acme Corp", Email: "dana@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"},
		Departure: workflows.Departure{Date: time.Now(), StatedReason: workflows.ReasonCompetitorPrice,
			Competitor: "Globex", CompetitorOffer: "20% off"},
		Owners: workflows.Owners{Rep: workflows.Person{ID: "alice", Name: "Alice Kim", Email: "alice@winback.example"},
			Manager: workflows.Person{ID: "maria", Name: "Maria Lopez"}},
		Playbook: pathPlaybook(),
	}
}

func (r *recorder) start(in workflows.CampaignInput) string {
	if _, err := workflows.Start(context.Background(), r.c, r.tq, in); err != nil {
		r.fail("launch %s: %v", in.Customer.ID, err)
	}
	return workflows.WorkflowID(in.Customer.ID)
}

// update sends an update and waits for its result.
func (r *recorder) update(wid, name string, arg, result any) error {
	ctx := context.Background()
	h, err := r.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: name,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{arg}})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}

// complete waits until the task is open, then completes it.
func (r *recorder) complete(wid, task, by string, a workflows.TaskAnswers) {
	r.waitTask(wid, task, isOpen)
	var res workflows.CompleteTaskResult
	if err := r.update(wid, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: task, By: by, Answers: a}, &res); err != nil {
		r.fail("%s: complete %s as %s: %v", wid, task, by, err)
	}
}

func (r *recorder) reassign(wid string, req workflows.ReassignRequest) {
	if err := r.update(wid, workflows.UpdateReassignTask, req, nil); err != nil {
		r.fail("%s: reassign %+v: %v", wid, req, err)
	}
}

// refused sends an update its validator must reject with an error that contains want.
func (r *recorder) refused(wid, name string, arg any, want string) {
	err := r.update(wid, name, arg, nil)
	if err == nil {
		r.fail("%s: %s %+v was accepted; want it refused with %q", wid, name, arg, want)
	}
	if !strings.Contains(err.Error(), want) {
		r.fail("%s: %s %+v refused with %q; want %q in it", wid, name, arg, err, want)
	}
}

func (r *recorder) signal(wid, name string, arg any) {
	if err := r.c.SignalWorkflow(context.Background(), wid, "", name, arg); err != nil {
		r.fail("%s: signal %s: %v", wid, name, err)
	}
}

// signalDuring sends a signal once the campaign is at stage, and checks that it took effect
// (applied) while the campaign was still there.
func (r *recorder) signalDuring(wid string, stage workflows.Stage, name string, arg any, applied func(workflows.CampaignStatus) bool) {
	r.waitStage(wid, stage)
	r.signal(wid, name, arg)
	var at workflows.Stage
	r.waitFor(wid, func(st workflows.CampaignStatus) bool { at = st.Stage; return applied(st) })
	r.check(at == stage, "%s: signal %s took effect at stage %s; want it during %s", wid, name, at, stage)
}

// closed waits for the campaign (across its runs) to close, checks its outcome and returns its
// last status.
func (r *recorder) closed(wid string, want workflows.Outcome) workflows.CampaignStatus {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var res workflows.CampaignResult
	if err := r.c.GetWorkflow(ctx, wid, "").Get(ctx, &res); err != nil {
		r.fail("%s: %v", wid, err)
	}
	st, err := r.status(wid)
	if err != nil {
		r.fail("%s: status after the close: %v", wid, err)
	}
	r.check(res.Outcome == want, "%s closed as %s (%s); want %s; status %+v", wid, res.Outcome, res.Reason, want, st)
	return st
}

// message finds the campaign's message for a step on a channel.
func message(st workflows.CampaignStatus, step string, ch workflows.Channel) *workflows.Message {
	for i := range st.Messages {
		if m := &st.Messages[i]; m.Step == step && m.Channel == ch {
			return m
		}
	}
	return nil
}

// hasMessage reports whether the campaign has a message for step on ch with that status.
func hasMessage(st workflows.CampaignStatus, step string, ch workflows.Channel, status string) bool {
	m := message(st, step, ch)
	return m != nil && m.Status == status
}

func hasEscalation(st workflows.CampaignStatus, task, kind, to string) bool {
	return slices.ContainsFunc(st.Escalations, func(e workflows.Escalation) bool {
		return e.TaskID == task && e.Kind == kind && e.To == to
	})
}

// savedRun is one run's history as written.
type savedRun struct {
	file   string
	events int
}

// histories returns the history of every run of the closed campaign, oldest first.
func (r *recorder) histories(wid string) []*historypb.History {
	ctx := context.Background()
	d, err := r.c.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		r.fail("%s: %v", wid, err)
	}
	var runs []*historypb.History
	for runID := d.GetWorkflowExecutionInfo().GetExecution().GetRunId(); runID != ""; {
		h := &historypb.History{}
		it := r.c.GetWorkflowHistory(ctx, wid, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				r.fail("%s: history of run %s: %v", wid, runID, err)
			}
			h.Events = append(h.Events, e)
		}
		if len(h.Events) == 0 {
			r.fail("%s: run %s has no history", wid, runID)
		}
		if last := h.Events[len(h.Events)-1].GetEventType(); !slices.Contains(closeEvents, last) {
			r.fail("%s: run %s ends with %s, not a close", wid, runID, last)
		}
		runs = append([]*historypb.History{h}, runs...)
		runID = h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
	}
	return runs
}

// saveRuns writes every run of the closed campaign into dir, oldest first, as
// <name>-run<N>.json.
func (r *recorder) saveRuns(wid, dir string) []savedRun {
	var saved []savedRun
	for i, h := range r.histories(wid) {
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			r.fail("%s: %v", wid, err)
		}
		file := fmt.Sprintf("%s-run%d.json", r.name, i+1)
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			r.fail("%s: %v", wid, err)
		}
		saved = append(saved, savedRun{file: file, events: len(h.Events)})
	}
	return saved
}

// timerCancelled reports whether the closed campaign cancelled a timer whose summary contains
// text: a wait or a hold that a signal or a cancellation cut short.
func (r *recorder) timerCancelled(wid, text string) bool {
	for _, h := range r.histories(wid) {
		summaries := map[string]string{}
		for _, e := range h.Events {
			switch e.GetEventType() {
			case enums.EVENT_TYPE_TIMER_STARTED:
				summaries[e.GetTimerStartedEventAttributes().GetTimerId()] = summaryOf(e)
			case enums.EVENT_TYPE_TIMER_CANCELED:
				if strings.Contains(summaries[e.GetTimerCanceledEventAttributes().GetTimerId()], text) {
					return true
				}
			}
		}
	}
	return false
}

// summaryOf is an event's summary, as the Temporal UI shows it.
func summaryOf(e *historypb.HistoryEvent) string {
	var s string
	if p := e.GetUserMetadata().GetSummary(); p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &s)
	}
	return s
}

// closeEvents are how a recorded run may end: every path closes its campaign with an outcome
// (a cancellation through Temporal too), and earlier runs of a chain continue as new.
var closeEvents = []enums.EventType{enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enums.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW}

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }
