package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// WinBackCampaign runs one customer's win-back campaign, from the backstory to the close,
// following the playbook it was launched with. It can run for a year: the check-in stage
// continues-as-new so its history stays small.
func WinBackCampaign(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	c, err := setup(ctx, in)
	if err != nil {
		return CampaignResult{}, err
	}
	return c.run(ctx)
}

// campaign is the state of one campaign run. Only workflow code touches it.
type campaign struct {
	in       CampaignInput
	root     workflow.Context // cancelled when ops cancel the workflow through Temporal
	pb       Playbook
	logger   log.Logger
	customer *time.Location
	repCal   *time.Location

	st          CampaignStatus
	version     workflow.Version           // the release the campaign started with (version.go)
	taskVersion int                        // bumped on any task change; wakes the deadline clock
	sending     int                        // messages sent beside the story (a late failure's fallback)
	growing     bool                       // after a foot in the door, the grow cadence runs past the outcome
	closedAt    time.Time                  // when close recorded the outcome
	lastRecord  *activities.CampaignRecord // the record last filed in the store by this run
	nextCheckIn int
	sentAt      []time.Time
	note        string // why the campaign closed, for people
	lastAttrs   map[string]string
	attrsDirty  bool
	signals     []signalHandler
}

// setup validates the input (the playbook too: a campaign started by any client keeps the
// rules config checks), restores carried state and registers the handlers.
func setup(ctx workflow.Context, in CampaignInput) (*campaign, error) {
	if err := validateInput(in); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("invalid campaign input: "+err.Error(), "InvalidInput", nil)
	}
	c := &campaign{
		in:       in,
		root:     ctx,
		pb:       in.Playbook,
		logger:   log.With(workflow.GetLogger(ctx), "CustomerID", in.Customer.ID),
		customer: location(in.Customer.TimeZone),
		repCal:   location(in.Owners.Rep.TimeZone),
		st: CampaignStatus{
			CustomerID: in.Customer.ID, Launched: workflow.Now(ctx), Stage: StageBackstory,
			Rep: in.Owners.Rep.ID, Manager: in.Owners.Manager.ID,
			Tasks: []Task{}, Messages: []Message{}, Escalations: []Escalation{}, Runs: 1,
		},
	}
	if cs := in.Carried; cs != nil {
		c.st = cs.Status
		c.st.Runs++
		c.nextCheckIn, c.sentAt = cs.NextCheckIn, cs.SentAt
		c.lastAttrs = map[string]string{} // the first refresh shows everything again
		c.repCal = location(c.repTimeZone())
	}
	c.version = campaignVersion(ctx, in)
	// The contact the campaign uses now (a continued run's input carries any correction).
	c.st.Contact = Contact{Email: c.in.Customer.Email, Phone: c.in.Customer.Phone}
	if err := c.registerHandlers(ctx); err != nil {
		return nil, err
	}
	c.startDeadlineClock(ctx)
	c.startVisibility(ctx) // last: see startVisibility
	return c, nil
}

func validateInput(in CampaignInput) error {
	for _, f := range []struct{ name, value string }{
		{"customer.id", in.Customer.ID}, {"owners.rep.id", in.Owners.Rep.ID}, {"owners.manager.id", in.Owners.Manager.ID},
	} {
		if f.value == "" {
			return fmt.Errorf("%s must be set", f.name)
		}
	}
	if in.Customer.Email == "" && in.Customer.Phone == "" {
		return errors.New("customer.email or customer.phone must be set")
	}
	if in.Departure.Date.IsZero() {
		return errors.New("departure.date must be set")
	}
	if err := in.Playbook.validateToRun(); err != nil {
		return fmt.Errorf("playbook: %w", err)
	}
	return nil
}

// run is the playbook, top to bottom. Each stage returns early once the campaign has closed
// (won back, opted out, cancelled), so the story reads straight through.
func (c *campaign) run(ctx workflow.Context) (CampaignResult, error) {
	if c.holdout() {
		c.holdOut(ctx)
		return c.close(ctx)
	}
	if c.in.Carried == nil {
		c.learnStandingOptOuts(ctx)
		c.runBackstory(ctx)
		c.runExitInterview(ctx)
		c.decideWorthIt(ctx)
		if c.pursuing() && !c.stayingInTouch() {
			c.sendRevisitEmail(ctx)
			c.waitBeforeThankYouCall(ctx)
			c.runThankYouCall(ctx)
		}
	}
	if err := c.runCheckIns(ctx); err != nil {
		return CampaignResult{}, err // continue-as-new, or a real failure
	}
	c.runGrow(ctx)
	return c.close(ctx)
}

// closed reports whether the campaign has an outcome, or is being cancelled through Temporal
// (close records that outcome); every wait gives way to it.
func (c *campaign) closed() bool {
	return (c.st.Outcome != "" && !c.growing) || c.root.Err() != nil
}

// end gives the campaign its outcome (the first one wins) and cancels the open tasks.
func (c *campaign) end(outcome Outcome, note string) {
	if c.growing { // after a foot in the door: the whole account back, or the cadence stops
		c.growing = false
		if outcome != OutcomeWonBack {
			c.logger.Info("The grow cadence stopped; the foot in the door stands", "Why", note)
			c.cancelOpenTasks() // a decline, an opt-out or a cancel: they keep the smaller project
			return
		}
		c.st.Outcome = ""
	}
	if c.st.Outcome != "" {
		return
	}
	c.st.Outcome, c.note = outcome, note
	c.cancelOpenTasks()
}

// cancelOpenTasks cancels every task still open: the campaign has no more use for them.
func (c *campaign) cancelOpenTasks() {
	for i := range c.st.Tasks {
		if c.st.Tasks[i].Status == TaskOpen {
			c.st.Tasks[i].Status = TaskCancelled
		}
	}
	c.taskVersion++
}

// close records the outcome in the search attributes and returns it.
func (c *campaign) close(ctx workflow.Context) (CampaignResult, error) {
	if ctx.Err() != nil { // cancelled by ops through Temporal: record it on a fresh context
		c.end(OutcomeCancelled, "cancelled in Temporal")
		ctx, _ = workflow.NewDisconnectedContext(ctx)
	}
	if !c.closed() {
		c.end(OutcomeExpired, "the check-in schedule ended without a win")
	}
	c.closeOffers()
	_ = workflow.Await(ctx, func() bool { return c.sending == 0 }) // a fallback in flight finishes first
	c.enterStage(ctx, StageClosed)
	c.count(ctx, "winback_campaigns_closed", "outcome", string(c.st.Outcome))
	c.closedAt = workflow.Now(ctx)
	c.upsertAttributes(ctx) // now: the workflow ends before the visibility loop would run
	c.fileRecord(ctx)
	c.logger.Info("Campaign closed", "Outcome", c.st.Outcome, "Note", c.note)
	return CampaignResult{Outcome: c.st.Outcome, Reason: c.note, Closed: c.closedAt}, nil
}

func (c *campaign) pursuing() bool {
	return !c.closed() && c.st.Decision != nil && c.st.Decision.Pursue
}

// stayingInTouch: customers who outgrew us get a light cadence rather than an offer.
func (c *campaign) stayingInTouch() bool {
	return c.st.Decision != nil && c.st.Decision.Offer == OfferStayInTouch
}

func (c *campaign) repTimeZone() string {
	if c.st.Rep == c.in.Owners.Rep.ID {
		return c.in.Owners.Rep.TimeZone
	}
	return c.in.Owners.Manager.TimeZone
}

// wait sleeps until t or until the campaign closes, whichever comes first. The timer carries a
// summary for the Temporal UI.
func (c *campaign) wait(ctx workflow.Context, until time.Time, summary string) {
	if c.closed() {
		return
	}
	sleepUntil(ctx, until, summary, c.closed)
}

// sleepUntil waits until the time comes (true) or wake holds (false), and cancels its timer
// when wake wins. (workflow.AwaitWithOptions leaves the timer running in SDK 1.50, and each
// such timer later fires into a workflow task of its own.)
func sleepUntil(ctx workflow.Context, until time.Time, summary string, wake func() bool) bool {
	d := until.Sub(workflow.Now(ctx))
	if d <= 0 {
		return true
	}
	if wake() {
		return false
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	timer := workflow.NewTimerWithOptions(timerCtx, d, workflow.TimerOptions{Summary: summary})
	_ = workflow.Await(ctx, func() bool { return timer.IsReady() || wake() })
	if timer.IsReady() {
		return true
	}
	cancel()
	return false
}
