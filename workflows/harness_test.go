package workflows

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// monday9 is a Monday morning in New York: campaigns in the tests start here.
var monday9 = time.Date(2026, 11, 2, 9, 0, 0, 0, mustLoad("America/New_York"))

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sent is a message a test saw go out through the send activities.
type sent struct {
	Channel  Channel
	Step     string
	Template string
	To       string
	Staff    bool
	Key      string
	At       time.Time
	Data     activities.MessageData
}

// harness runs one campaign under the time-skipping test environment, playing the people
// (reps, managers, the customer) at given times.
type harness struct {
	t        *testing.T
	suite    testsuite.WorkflowTestSuite
	env      *testsuite.TestWorkflowEnvironment
	in       CampaignInput
	start    time.Time
	mu       sync.Mutex
	sent     []sent
	attrs    map[string]any
	rejected map[string]error // update ID -> rejection
	results  map[string]CompleteTaskResult
	failSend func(Channel, string) error // optional: make a send fail
	runs     int
	// standing are the opt-outs the store holds for the customer's contacts (IndexContacts).
	standing []activities.OptOut
	indexed  []activities.ContactsRequest // what the campaign indexed
	recorded []activities.OptOutRequest   // opt-outs the campaign wrote to the store
	lookedUp []string                     // people the campaign looked up in the team file
	records  []activities.CampaignRecord  // what the campaign filed in the store, in order
	history  activities.HistoryResult     // the customer's earlier campaigns, as the store tells them
	coupons  []activities.CouponRequest   // the coupons the campaign asked billing for, every attempt
	// coupon answers CreateCoupon (attempt counts from 1); nil: billing makes "WB-<offer>".
	coupon func(r activities.CouponRequest, attempt int) (activities.CouponResult, error)
	// suggestCAN makes the server "suggest" continue-as-new (the test env counts no events).
	suggestCAN bool
}

// testTeam is the team file's people beyond the owners of testInput.
var testTeam = map[string]activities.PersonResult{
	"bob": {Name: "Bob Baker", Email: "bob@winback.example", TimeZone: "Europe/London"},
}

func testInput() CampaignInput {
	return CampaignInput{
		Customer: Customer{ID: "c-42", Name: "Dana Reyes", Company: "Acme Corp", Email: "dana@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 48000, Segment: "enterprise"},
		Departure: Departure{Date: monday9, StatedReason: ReasonCompetitorPrice, Competitor: "Globex", CompetitorOffer: "20% off"},
		Owners: Owners{
			Rep:     Person{ID: "alice", Name: "Alice Kim", Email: "alice@winback.example", TimeZone: "America/New_York"},
			Manager: Person{ID: "maria", Name: "Maria Lopez", Email: "maria@winback.example", TimeZone: "America/New_York"},
		},
		Playbook: DefaultPlaybook(),
	}
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, in: testInput(), start: monday9, attrs: map[string]any{},
		rejected: map[string]error{}, results: map[string]CompleteTaskResult{}}
	h.newEnv()
	return h
}

func (h *harness) newEnv() {
	h.suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.RegisterWorkflowWithOptions(WinBackCampaign, workflow.RegisterOptions{Name: WorkflowType})
	h.env.RegisterActivity(&activities.Activities{})
	h.env.SetStartTime(h.start)
	h.env.SetContinueAsNewSuggested(h.suggestCAN)
	// The mocks go by the activities' registered names: the recorded histories' markers carry
	// them, so the workflow must keep calling exactly "SendEmail" and "SendSMS".
	h.env.OnActivity("SendEmail", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.EmailRequest) (activities.SendResult, error) {
			return h.recordSend(ChannelEmail, r.Key, r.Step, r.Template, r.To, r.Staff, r.Data)
		})
	h.env.OnActivity("SendSMS", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.SMSRequest) (activities.SendResult, error) {
			return h.recordSend(ChannelSMS, r.Key, r.Step, r.Template, r.To, false, r.Data)
		})
	h.env.OnActivity("IndexContacts", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.ContactsRequest) (activities.ContactsResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.indexed = append(h.indexed, r)
			var res activities.ContactsResult
			for _, o := range h.standing {
				if (o.Channel == "email" && r.Email != "") || (o.Channel == "sms" && r.Phone != "") {
					res.OptOuts = append(res.OptOuts, o)
				}
			}
			return res, nil
		})
	h.env.OnActivity("LookupPerson", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.PersonRequest) (activities.PersonResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.lookedUp = append(h.lookedUp, r.ID)
			if p, ok := testTeam[r.ID]; ok {
				p.ID, p.Found = r.ID, true
				return p, nil
			}
			return activities.PersonResult{ID: r.ID}, nil
		})
	h.env.OnActivity("SyncCampaign", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.CampaignRecord) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.records = append(h.records, r)
			return nil
		})
	h.env.OnActivity("CustomerHistory", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.HistoryRequest) (activities.HistoryResult, error) {
			return h.history, nil
		})
	h.env.OnActivity("CreateCoupon", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.CouponRequest) (activities.CouponResult, error) {
			h.mu.Lock()
			h.coupons = append(h.coupons, r)
			attempt := len(h.coupons)
			h.mu.Unlock()
			if h.coupon != nil {
				return h.coupon(r, attempt)
			}
			return activities.CouponResult{Coupon: "WB-" + r.OfferID, PromotionCodeID: "promo_1", PromotionCode: "COMEBACK-" + r.OfferID}, nil
		})
	h.env.OnActivity("RecordOptOut", mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r activities.OptOutRequest) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.recorded = append(h.recorded, r)
			return nil
		})
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		h.mu.Lock()
		defer h.mu.Unlock()
		for k, v := range args.Get(0).(temporal.SearchAttributes).GetUntypedValues() {
			h.attrs[k.GetName()] = v
		}
	}).Return(nil)
}

func (h *harness) recordSend(ch Channel, key, step, template, to string, staff bool, d activities.MessageData) (activities.SendResult, error) {
	if h.failSend != nil {
		if err := h.failSend(ch, step); err != nil {
			return activities.SendResult{}, err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sent = append(h.sent, sent{Channel: ch, Step: step, Template: template, To: to, Staff: staff, Key: key, At: h.env.Now(), Data: d})
	return activities.SendResult{Provider: "test", MessageID: "m-" + step + "-" + string(ch), SentAt: h.env.Now()}, nil
}

// at runs f when the campaign has run for d.
func (h *harness) at(d time.Duration, f func()) { h.env.RegisterDelayedCallback(f, d) }

// complete completes a task at d, as person by, recording the result or the rejection under
// the task ID.
func (h *harness) complete(d time.Duration, taskID, by string, a TaskAnswers) {
	h.at(d, func() { h.completeNow(taskID, taskID, by, a) })
}

func (h *harness) completeNow(updateID, taskID, by string, a TaskAnswers) {
	h.env.UpdateWorkflow(UpdateCompleteTask, updateID, &testsuite.TestUpdateCallback{
		OnReject: func(err error) { h.rejected[updateID] = err },
		OnAccept: func() {},
		OnComplete: func(r any, err error) {
			if err != nil {
				h.rejected[updateID] = err
				return
			}
			h.results[updateID] = r.(CompleteTaskResult)
		},
	}, CompleteTaskRequest{TaskID: taskID, By: by, Answers: a})
}

func (h *harness) signal(d time.Duration, name string, arg any) {
	h.at(d, func() { h.env.SignalWorkflow(name, arg) })
}

// run runs the campaign to its end, following continue-as-new into fresh runs, and returns
// the result and the last status.
func (h *harness) run() (CampaignResult, CampaignStatus) {
	h.t.Helper()
	in := h.in
	for {
		h.runs++
		h.env.ExecuteWorkflow(WorkflowType, in)
		if !h.env.IsWorkflowCompleted() {
			h.t.Fatal("workflow did not complete")
		}
		err := h.env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) {
			var next CampaignInput
			if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
				h.t.Fatal(err)
			}
			h.start = h.env.Now()
			in = next
			h.newEnv()
			continue
		}
		if err != nil {
			h.t.Fatalf("campaign failed: %v", err)
		}
		var res CampaignResult
		if err := h.env.GetWorkflowResult(&res); err != nil {
			h.t.Fatal(err)
		}
		return res, h.status()
	}
}

func (h *harness) status() CampaignStatus {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var st CampaignStatus
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

// customerMessages are the messages that reached the customer, in order.
func (h *harness) customerMessages() []sent {
	var out []sent
	for _, s := range h.sent {
		if !s.Staff {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) steps(ch Channel) []string {
	var out []string
	for _, s := range h.customerMessages() {
		if s.Channel == ch {
			out = append(out, s.Step)
		}
	}
	return out
}

func taskByID(st CampaignStatus, id string) *Task {
	for i := range st.Tasks {
		if st.Tasks[i].ID == id {
			return &st.Tasks[i]
		}
	}
	return nil
}

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

const hour = time.Hour

// The people's usual answers, as a happy campaign goes.
var (
	backstory = TaskAnswers{OurSide: "Two late deliveries in Q3", Landmines: []string{"billing dispute in August"}}
	interview = TaskAnswers{WhyLeaving: "Globex is 20% cheaper", WhatWouldKeepYou: "Match the price",
		Reason: ReasonCompetitorPrice, Scope: ScopeSystemic}
	pursue = TaskAnswers{Pursue: yes(), WhatWeChanged: "cut your renewal price by 25%", Offer: OfferBeatOffer,
		OfferDetails: "25% off for two years"}
)

// happyPath plays backstory, exit interview and decision on the first morning.
func (h *harness) happyPath(interviewAnswers, decision TaskAnswers) {
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", interviewAnswers)
	h.complete(3*hour, "decision", "maria", decision)
}

// lastRecord is the newest record the campaign filed: the one with the highest seq, which the
// store keeps. Records are activities of their own and may arrive in any order.
func (h *harness) lastRecord() activities.CampaignRecord {
	h.t.Helper()
	if len(h.records) == 0 {
		h.t.Fatal("the campaign filed no record")
	}
	last := h.records[0]
	for _, r := range h.records[1:] {
		if r.Seq > last.Seq {
			last = r
		}
	}
	return last
}
