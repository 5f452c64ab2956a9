package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/activities/activitiestest"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/inbox"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// inboxStack is what the inbox browser tests run against: a real dev server, an in-process
// worker running the real campaign workflow with a fake sender, and the inbox on httptest.
type inboxStack struct {
	t      *testing.T
	server *testenv.DevServer
	client client.Client
	api    *campaigns.Client // the inbox's way in, and the tests'
	store  *store.Store      // the task index the campaigns write and the inbox reads
	sender *inboxSender
	team   config.Team
	url    string // the inbox server's base URL
	queue  string
}

func startInboxStack(t *testing.T, o testenv.DevServerOptions, tweak ...func(*inboxStack, *inbox.Options)) *inboxStack {
	t.Helper()
	server := testenv.StartDevServer(t, o)
	c := server.Client(t)
	s := &inboxStack{t: t, server: server, client: c, sender: &inboxSender{}, queue: "inbox-e2e"}

	// The example team file, with its documented demo passwords.
	env := map[string]string{
		"WINBACK_TEAM":     filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_DATA_DIR": t.TempDir(),
	}
	cfg, err := config.LoadFrom(func(name string) (string, bool) { v, ok := env[name]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	// The store in the data folder, as the worker opens it: the inbox secret and the task index.
	st, err := cfg.OpenStore(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s.store, s.sender.index = st, activities.Indexer{Store: st}

	w := worker.New(c, s.queue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(s.sender)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	s.team = cfg.Team
	s.api = campaigns.New(c, campaigns.Options{Namespace: "default", TaskQueue: s.queue, CallTimeout: 10 * time.Second, Store: st})
	io := inbox.Options{Client: s.api, Namespace: "default", Team: cfg.Team, Secret: cfg.InboxSecret,
		Outbox: s.sender.outbox, TemporalUIURL: "http://127.0.0.1:8233"}
	for _, f := range tweak {
		f(s, &io)
	}
	ib, err := inbox.New(io)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ib.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// playbook gives people time (tasks due in hours) but waits only two seconds before the call.
func (s *inboxStack) playbook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "inbox-e2e"
	pb.WaitFixed = 2 * time.Second
	pb.QuietHours, pb.FrequencyCap = workflows.QuietHours{}, workflows.FrequencyCap{}
	return pb
}

// launch starts a campaign for customer, owned by rep and the rep's manager.
func (s *inboxStack) launch(customer, company, rep string, pb workflows.Playbook) {
	s.t.Helper()
	owners, err := s.team.Owners(rep, "")
	if err != nil {
		s.t.Fatal(err)
	}
	in := workflows.CampaignInput{
		Customer: workflows.Customer{ID: customer, Name: "Dana Reyes", Company: company, Email: "dana@" + customer + ".example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"},
		Departure: workflows.Departure{Date: time.Now().Add(-72 * time.Hour), StatedReason: workflows.ReasonCompetitorPrice,
			Competitor: "Globex", CompetitorOffer: "20% cheaper for two years"},
		Owners: owners, Playbook: pb,
	}
	if _, err := s.api.Start(context.Background(), in, campaigns.Relaunch); err != nil {
		s.t.Fatal(err)
	}
}

// complete answers a task through the campaign's Update, once the task is open.
func (s *inboxStack) complete(customer, taskID, by string, a workflows.TaskAnswers) {
	s.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		st, err := s.api.Status(ctx, customer)
		if err != nil || !slices.ContainsFunc(st.Tasks, func(t workflows.Task) bool { return t.ID == taskID && t.Status == workflows.TaskOpen }) {
			continue
		}
		if _, err := s.api.Complete(ctx, customer, workflows.CompleteTaskRequest{TaskID: taskID, By: by, Answers: a}); err != nil {
			s.t.Fatalf("complete %s of %s: %v", taskID, customer, err)
		}
		return
	}
	s.t.Fatalf("task %s of %s never opened", taskID, customer)
}

// result waits for a campaign to close and returns its result.
func (s *inboxStack) result(customer string, timeout time.Duration) workflows.CampaignResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var res workflows.CampaignResult
	if err := s.client.GetWorkflow(ctx, workflows.WorkflowID(customer), "").Get(ctx, &res); err != nil {
		s.t.Fatalf("campaign %s: %v", customer, err)
	}
	return res
}

// inboxSender stands in for SendGrid and Twilio, and keeps what it sent for the outbox page.
// The campaigns' records go to the stack's real task index.
type inboxSender struct {
	activitiestest.NoStore // no standing opt-outs
	index                  activities.Indexer
	mu                     sync.Mutex
	sent                   []inbox.OutboxMessage
}

// SyncCampaign files the campaign's record in the stack's task index.
func (f *inboxSender) SyncCampaign(ctx context.Context, r activities.CampaignRecord) error {
	return f.index.SyncCampaign(ctx, r)
}

// SendEmail records an email.
func (f *inboxSender) SendEmail(_ context.Context, r activities.EmailRequest) (activities.SendResult, error) {
	text := fmt.Sprintf("Hello %s,\n\n", r.Data.CustomerName)
	if r.Data.WhatWeChanged != "" {
		text += fmt.Sprintf("Because of what you told us, we've decided to %s.\n", r.Data.WhatWeChanged)
	}
	if r.Data.TaskTitle != "" {
		text += r.Data.TaskTitle + "\n"
	}
	return f.record(inbox.OutboxMessage{WorkflowID: r.WorkflowID, Step: r.Step, Provider: "sendgrid", To: r.To,
		Subject: "[" + r.Template + "] " + r.Data.Company, Text: text}), nil
}

// SendSMS records a text message.
func (f *inboxSender) SendSMS(_ context.Context, r activities.SMSRequest) (activities.SendResult, error) {
	return f.record(inbox.OutboxMessage{WorkflowID: r.WorkflowID, Step: r.Step, Provider: "twilio", To: r.To,
		Text: "Hi " + r.Data.CustomerName + ", checking in."}), nil
}

func (f *inboxSender) record(m inbox.OutboxMessage) activities.SendResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	m.At = time.Now()
	f.sent = append(f.sent, m)
	return activities.SendResult{Provider: "fake", MessageID: fmt.Sprintf("fake-%d", len(f.sent)), SentAt: m.At}
}

func (f *inboxSender) outbox(workflowID string) []inbox.OutboxMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []inbox.OutboxMessage
	for _, m := range f.sent {
		if workflowID == "" || m.WorkflowID == workflowID {
			out = append(out, m)
		}
	}
	return out
}

// screenshotDir is where the browser tests save their screenshots: WINBACK_SCREENSHOTS_DIR
// (`make screenshots` sets docs/screenshots, for the README), else a temporary folder.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("WINBACK_SCREENSHOTS_DIR")
	if dir == "" {
		dir = t.TempDir() // `make screenshots` writes them into docs/screenshots for the README
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
