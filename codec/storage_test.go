package codec_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/activities/activitiestest"
	"github.com/winback/winback/codec"
	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// The test customer and the rep's answers: every string here is PII or a customer's own words,
// and recognisable enough that finding it in the database file means it was stored in clear.
var (
	pii = map[string]string{
		"name":            "Dana Quillfeather",
		"company":         "Quillfeather Logistics",
		"email":           "dana.quillfeather@acme.example",
		"phone":           "2125550142", // of +12125550142, however it is quoted
		"backstory":       "three late shipments to the Tulsa depot",
		"exit interview":  "Globex quoted thirty percent less",
		"keep you":        "match the Globex price for a year",
		"decision":        "we moved her account to the Dallas hub",
		"signal note":     "Dana phoned back on Tuesday to renew",
		"departure notes": "left after the October invoice dispute",
	}
	customer = workflows.Customer{ID: "cust-4711", Name: pii["name"], Company: pii["company"], Email: pii["email"],
		Phone: "+1" + pii["phone"], TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"}
)

// TestDatabaseHoldsNoCustomerData is the proof the codec is for: a campaign runs on the real
// dev server (launch, two tasks and a decision answered, an email sent, a signal) and then its
// SQLite file is searched, byte by byte, for the customer's name, email, phone and the
// answers. With a key, none may be there. Without one (the control), all of them are, which
// shows the search would have found them.
func TestDatabaseHoldsNoCustomerData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	for _, tc := range []struct {
		name      string
		keys      string
		encrypted bool
	}{
		{"with a key", "2026-06=" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 32)), true},
		{"without a key (control)", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "temporal.db")
			server := testenv.StartDevServer(t, testenv.DevServerOptions{DBFile: db})
			_, _ = runCampaign(t, server, tc.keys)
			server.Stop()

			files, _ := filepath.Glob(db + "*") // the database, and its -wal or -journal if any
			var stored []byte
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %d bytes", filepath.Base(f), len(data))
				stored = append(stored, data...)
			}
			// The campaign is in these files: its workflow ID is never encrypted.
			if !bytes.Contains(stored, []byte(workflows.WorkflowID(customer.ID))) {
				t.Fatalf("workflow %s is not in %v: the search below would prove nothing", workflows.WorkflowID(customer.ID), files)
			}
			if got := bytes.Contains(stored, []byte("binary/encrypted")); got != tc.encrypted {
				t.Errorf("encrypted payloads in the database: %v, want %v", got, tc.encrypted)
			}
			for what, s := range pii {
				found := bytes.Contains(stored, []byte(s))
				switch {
				case tc.encrypted && found:
					t.Errorf("the database holds the %s in clear: %q", what, s)
				case !tc.encrypted && !found:
					t.Errorf("control: the %s (%q) is not in the unencrypted database, so finding nothing proves nothing", what, s)
				}
			}
		})
	}
}

// runCampaign runs one campaign to its end through a client dialed by config.Dial, and a
// worker built on that client, as cmd/worker does. It returns the workflow and run IDs.
func runCampaign(t *testing.T, server *testenv.DevServer, keys string) (workflowID, runID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	emptyToml := filepath.Join(t.TempDir(), "temporal.toml")
	if err := os.WriteFile(emptyToml, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"TEMPORAL_ADDRESS":     server.Address,
		"TEMPORAL_CONFIG_FILE": emptyToml, // not the developer's own profile
		"WINBACK_DATA_DIR":     t.TempDir(),
		"WINBACK_TASK_QUEUE":   "codec-proof",
		"WINBACK_CODEC_KEYS":   keys,
	}
	cfg, err := config.LoadFrom(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	c, err := cfg.Dial(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	sender := &fakeSender{}
	w := worker.New(c, cfg.Temporal.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(sender)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	pb := workflows.DefaultPlaybook()
	pb.QuietHours, pb.FrequencyCap = workflows.QuietHours{}, workflows.FrequencyCap{} // send at once, whatever the hour
	in := workflows.CampaignInput{
		Customer:  customer,
		Departure: workflows.Departure{Date: time.Now(), StatedReason: workflows.ReasonCompetitorPrice, Competitor: "Globex", Notes: pii["departure notes"]},
		Owners: workflows.Owners{Rep: workflows.Person{ID: "alice", Email: "alice@winback.example"},
			Manager: workflows.Person{ID: "maria", Email: "maria@winback.example"}},
		Playbook: pb,
	}
	run, err := workflows.Start(ctx, c, cfg.Temporal.TaskQueue, in)
	if err != nil {
		t.Fatal(err)
	}
	wid := run.GetID()

	complete(ctx, t, c, wid, "backstory", "alice", workflows.TaskAnswers{OurSide: pii["backstory"]})
	complete(ctx, t, c, wid, "exit-interview", "alice", workflows.TaskAnswers{WhyLeaving: pii["exit interview"],
		WhatWouldKeepYou: pii["keep you"], Reason: workflows.ReasonCompetitorPrice, Scope: workflows.ScopeSpecific})
	pursue := true
	complete(ctx, t, c, wid, "decision", "maria", workflows.TaskAnswers{Pursue: &pursue, WhatWeChanged: pii["decision"],
		Offer: workflows.OfferBeatOffer, OfferDetails: pii["decision"]})

	// The worker read the encrypted input: the revisit email went to the customer's address.
	to := sender.waitForEmail(ctx, t)
	if to != customer.Email {
		t.Errorf("revisit email went to %q, want %q", to, customer.Email)
	}
	if err := c.SignalWorkflow(ctx, wid, "", workflows.SignalCustomerReturned,
		workflows.CustomerReturnedSignal{Source: "codec-test", Note: pii["signal note"]}); err != nil {
		t.Fatal(err)
	}
	var res workflows.CampaignResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != workflows.OutcomeWonBack {
		t.Errorf("outcome %q, want %q", res.Outcome, workflows.OutcomeWonBack)
	}

	// Search attributes are never encrypted: none of them may carry the customer's contact
	// details.
	desc, err := c.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		t.Fatal(err)
	}
	fields := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()
	if fields[workflows.AttrCustomerID.GetName()] == nil || fields[workflows.AttrStage.GetName()] == nil {
		t.Errorf("search attributes %v: the check below would prove nothing", fields)
	}
	for name, p := range fields {
		for what, s := range pii {
			if bytes.Contains(p.GetData(), []byte(s)) {
				t.Errorf("search attribute %s holds the %s: %s", name, what, p.GetData())
			}
		}
	}
	return wid, run.GetRunID()
}

// complete waits for a task to open, then completes it with the CompleteTask update.
func complete(ctx context.Context, t *testing.T, c client.Client, wid, task, by string, a workflows.TaskAnswers) {
	t.Helper()
	for ctx.Err() == nil {
		if taskOpen(ctx, c, wid, task) {
			h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: wid, UpdateName: workflows.UpdateCompleteTask,
				WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{workflows.CompleteTaskRequest{TaskID: task, By: by, Answers: a}}})
			if err == nil {
				err = h.Get(ctx, nil)
			}
			if err != nil {
				t.Fatalf("complete %s: %v", task, err)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("task %s never opened in %s", task, wid)
}

func taskOpen(ctx context.Context, c client.Client, wid, task string) bool {
	v, err := c.QueryWorkflow(ctx, wid, "", workflows.QueryStatus)
	if err != nil {
		return false
	}
	var st workflows.CampaignStatus
	if v.Get(&st) != nil {
		return false
	}
	for _, tk := range st.Tasks {
		if tk.ID == task && tk.Status == workflows.TaskOpen {
			return true
		}
	}
	return false
}

// fakeSender stands in for SendGrid and Twilio, and remembers where emails went.
type fakeSender struct {
	activitiestest.NoStore // no store: no standing opt-outs
	mu                     sync.Mutex
	emails                 []string
	n                      int
}

func (f *fakeSender) SendEmail(_ context.Context, r activities.EmailRequest) (activities.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if !r.Staff {
		f.emails = append(f.emails, r.To)
	}
	return activities.SendResult{Provider: "fake", MessageID: fmt.Sprintf("e-%d", f.n), SentAt: time.Now()}, nil
}

func (f *fakeSender) SendSMS(_ context.Context, r activities.SMSRequest) (activities.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return activities.SendResult{Provider: "fake", MessageID: fmt.Sprintf("s-%d", f.n), SentAt: time.Now()}, nil
}

func (f *fakeSender) waitForEmail(ctx context.Context, t *testing.T) string {
	t.Helper()
	for ctx.Err() == nil {
		f.mu.Lock()
		if len(f.emails) > 0 {
			to := f.emails[0]
			f.mu.Unlock()
			return to
		}
		f.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no email to the customer was sent")
	return ""
}

// TestTemporalCLIDecodesThroughTheEndpoint shows an operator's view: the Temporal CLI prints
// ciphertext, unless pointed at the codec endpoint with the token (--codec-auth).
func TestTemporalCLIDecodesThroughTheEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	rawKey := bytes.Repeat([]byte{0x5a}, 32)
	pc, err := codec.New([]codec.Key{{ID: "2026-06", Key: rawKey}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/codec/", codec.Handler(pc, token, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	wid, _ := runCampaign(t, server, "2026-06="+base64.StdEncoding.EncodeToString(rawKey))
	show := []string{"workflow", "show", "--workflow-id", wid, "--output", "json"}

	if out := payloadData(t, server.Temporal(t, show...)); strings.Contains(out, pii["name"]) || strings.Contains(out, pii["email"]) {
		t.Errorf("without the codec the CLI shows the customer:\n%.2000s", out)
	}
	out := payloadData(t, server.Temporal(t, append(show, "--codec-endpoint", srv.URL+"/codec", "--codec-auth", "Bearer "+token)...))
	for _, what := range []string{"name", "email", "backstory", "signal note"} {
		if !strings.Contains(out, pii[what]) {
			t.Errorf("with the codec endpoint and token the CLI does not show the %s (%q)", what, pii[what])
		}
	}
}

// payloadData is the payload data of a `temporal workflow show --output json`, decoded from
// the base64 that the JSON keeps it in.
func payloadData(t *testing.T, out string) string {
	t.Helper()
	var b strings.Builder
	for _, m := range regexp.MustCompile(`"data": "([A-Za-z0-9+/=]*)"`).FindAllStringSubmatch(out, -1) {
		data, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatalf("payload data %q: %v", m[1], err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		t.Fatalf("no payload data in:\n%.2000s", out)
	}
	return b.String()
}
