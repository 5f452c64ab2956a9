package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"
)

// runBackstory: before anyone calls the customer, the account team writes down what happened
// from our side, and the landmines to avoid. If they never do, the campaign goes on without it.
func (c *campaign) runBackstory(ctx workflow.Context) {
	if c.closed() {
		return
	}
	c.openTask(ctx, TaskIDBackstory, TaskBackstory,
		"Backstory: what happened from our side, the landmines, our strengths and weaknesses", c.st.Rep, c.pb.BackstoryDue)
	c.enterStage(ctx, StageBackstory)
	c.awaitTask(ctx, TaskIDBackstory)
}

// runExitInterview: the rep asks "Why are you leaving us?" and "What would we need to do to keep
// you as a customer?", then reads the answers: the reason, specific or systemic, and "is it
// me?". A yes fires the rep, not the firm: the account moves to someone else.
func (c *campaign) runExitInterview(ctx workflow.Context) {
	if c.closed() {
		return
	}
	c.openTask(ctx, TaskIDExitInterview, TaskExitInterview,
		`Exit interview: ask "Why are you leaving us?" and "What would we need to do to keep you as a customer?"`,
		c.st.Rep, c.pb.ExitInterviewDue)
	c.enterStage(ctx, StageExitInterview)
	t := c.awaitTask(ctx, TaskIDExitInterview)
	if c.closed() {
		return
	}
	if t.Status != TaskDone { // nobody interviewed the customer: go with what ops knew at launch
		c.st.Reason, c.st.Scope = c.in.Departure.StatedReason, ScopeSpecific
		if c.v2() { // and say that nobody knows whether it is specific or systemic
			c.st.Scope = ScopeUnknown
		}
		if c.st.Reason == "" {
			c.st.Reason = ReasonOther
		}
		return
	}
	a := t.Answers
	c.st.Reason, c.st.Scope = a.Reason, a.Scope
	if a.IsItMe {
		to := c.newRepFor(*a)
		from := c.st.Rep
		c.meet(ctx, to)
		c.moveAccount(to)
		c.st.Escalations = append(c.st.Escalations, Escalation{
			TaskID: t.ID, Kind: "reassigned", To: to, At: workflow.Now(ctx),
			Note: fmt.Sprintf(`"is it me?" answered yes: the account moves from %s to %s`, from, to),
		})
	}
}

// decideWorthIt: the manager decides whether the customer is worth winning back, and how. When
// the manager does not answer in time, the playbook's policy decides.
func (c *campaign) decideWorthIt(ctx workflow.Context) {
	if c.closed() {
		return
	}
	title := "Decide: is this customer worth winning back? Walk away, or a plan: what we change and the offer"
	if w := c.repeatIncentives(ctx); w != "" {
		title += ". Careful: " + w
	}
	c.openTask(ctx, TaskIDDecision, TaskDecision, title, c.st.Manager, c.pb.DecisionDue)
	c.enterStage(ctx, StageDecision)
	t := c.awaitTask(ctx, TaskIDDecision)
	if c.closed() {
		return
	}
	d := c.policyDecision()
	if t.Status == TaskDone {
		a := t.Answers
		d = Decision{Pursue: *a.Pursue, By: t.CompletedBy, Rationale: a.Rationale,
			WhatWeChanged: a.WhatWeChanged, Offer: a.Offer, OfferDetails: a.OfferDetails}
		if !d.Pursue {
			d.Offer = ""
		}
	}
	d.At = workflow.Now(ctx)
	c.st.Decision = &d
	if !d.Pursue {
		c.end(OutcomeWalkedAway, "walked away: "+d.Rationale)
	} else if t.Status == TaskDone {
		if o := c.makeOffer(ctx, t.CompletedBy, d.Offer, *t.Answers, ""); o != nil {
			c.makeCoupon(ctx, o.ID) // the revisit email waits for its code
		}
	}
	c.refresh(ctx)
}

// policyDecision is the playbook's default when the manager does not answer: walk away below
// an account value or for the listed reasons; stay in touch with customers who outgrew us;
// otherwise pursue with the default offer, acting on what the customer asked for.
func (c *campaign) policyDecision() Decision {
	value, pb := c.in.Customer.AccountValue, c.pb
	assumed := c.assumptions()
	switch {
	case value < pb.WalkAwayBelowValue:
		return Decision{By: "policy", Rationale: fmt.Sprintf(
			"no answer from the manager; account value %.0f is below the playbook's %.0f", value, pb.WalkAwayBelowValue) + assumed}
	case slices.Contains(pb.WalkAwayReasons, c.st.Reason):
		return Decision{By: "policy", Rationale: fmt.Sprintf(
			"no answer from the manager; the playbook walks away from %s", c.st.Reason) + assumed}
	case c.st.Reason == ReasonOutgrew:
		return Decision{Pursue: true, By: "policy", Offer: OfferStayInTouch,
			Rationale: "no answer from the manager; they outgrew us: stay in touch" + assumed}
	}
	if c.v2() {
		// Nobody decided what we change or offer, so no email may say we did: the customer gets
		// the light stay-in-touch cadence, and no revisit email, no thank-you call.
		return Decision{Pursue: true, By: "policy", Offer: OfferStayInTouch,
			Rationale: "no answer from the manager by the deadline: nothing was decided, so no change or offer is promised to the customer; they get the light stay-in-touch cadence" + assumed}
	}
	// The revisit email says "we've decided to <what we changed>".
	changed := "act on what you told us"
	if t := c.task(TaskIDExitInterview); t != nil && t.Answers != nil {
		changed = fmt.Sprintf("act on what you told us you need: %s", t.Answers.WhatWouldKeepYou)
	}
	return Decision{Pursue: true, By: "policy", Offer: pb.DefaultOffer, WhatWeChanged: changed,
		Rationale: "no answer from the manager; the playbook pursues with its default offer"}
}

// assumptions says what the policy assumed, when nobody interviewed the customer ("" when
// someone did).
func (c *campaign) assumptions() string {
	if !c.v2() || c.st.Scope != ScopeUnknown {
		return ""
	}
	return fmt.Sprintf(" (nobody interviewed the customer: the reason %s is what ops knew at launch, and whether the problem is specific or systemic is unknown)", c.st.Reason)
}

// sendRevisitEmail: say exactly what we changed because of their input, with an apology where
// we failed, and the offer. Not "we'd like you back": they know that.
func (c *campaign) sendRevisitEmail(ctx workflow.Context) {
	if c.closed() {
		return
	}
	c.enterStage(ctx, StageRevisitEmail)
	c.reach(ctx, StepRevisitEmail, ChannelEmail, "revisit")
}

// waitBeforeThankYouCall: wait a day or two, counted in business days of the rep's calendar.
func (c *campaign) waitBeforeThankYouCall(ctx workflow.Context) {
	if c.closed() {
		return
	}
	c.enterStage(ctx, StageWait)
	now := workflow.Now(ctx)
	until := afterBusinessDays(now, c.pb.WaitBusinessDays, c.repCal, c.pb.Holidays)
	if c.v2() { // the rep's own working week, whoever the rep is now
		until = c.workWeek(c.st.Rep).AfterWorkDays(now, c.pb.WaitBusinessDays, callHour)
	}
	summary := fmt.Sprintf("Wait %d business day(s) of %s's calendar before the thank-you call", c.pb.WaitBusinessDays, c.st.Rep)
	if c.pb.WaitFixed > 0 {
		until, summary = now.Add(c.pb.WaitFixed), fmt.Sprintf("Wait %s before the thank-you call", c.pb.WaitFixed)
	}
	c.wait(ctx, until, summary)
}

// runThankYouCall: the rep calls to thank the customer and point out what we did. No answer
// means another try, up to the playbook's limit; then the check-ins carry on.
func (c *campaign) runThankYouCall(ctx workflow.Context) {
	for attempt := 1; !c.closed(); attempt++ {
		id := ThankYouCallID(attempt)
		c.openTask(ctx, id, TaskThankYouCall,
			fmt.Sprintf("Thank-you call (attempt %d of %d): thank them and point out what we changed", attempt, c.pb.MaxCallAttempts),
			c.st.Rep, c.pb.CallDue)
		c.enterStage(ctx, StageThankYouCall)
		if c.afterCall(ctx, c.awaitTask(ctx, id)) != CallNoAnswer || attempt >= c.pb.MaxCallAttempts {
			return
		}
		c.wait(ctx, workflow.Now(ctx).Add(c.pb.CallRetryAfter), fmt.Sprintf("Retry the thank-you call in %s", c.pb.CallRetryAfter))
	}
}

// afterCall acts on a call's outcome and returns it; a call nobody made counts as no answer.
func (c *campaign) afterCall(ctx workflow.Context, t Task) CallOutcome {
	if c.closed() {
		return ""
	}
	outcome := CallNoAnswer
	if t.Status == TaskDone {
		outcome = t.Answers.Outcome
	}
	switch outcome {
	case CallWonBack:
		c.end(OutcomeWonBack, "won back on the "+string(t.Kind)+" by "+t.CompletedBy)
	case CallDeclined:
		c.end(OutcomeDeclined, "declined on the "+string(t.Kind))
	case CallOptedOut:
		c.recordOptOutHeard(ctx, t)
		c.st.OptedOut = []Channel{ChannelEmail, ChannelSMS}
		c.end(OutcomeOptedOut, "the customer asked us to stop contacting them, on the "+string(t.Kind))
	}
	c.refresh(ctx)
	return outcome
}

// runCheckIns: keep in touch on the written schedule, by email, SMS or a call task, until the
// customer is back, declines, opts out, or the campaign expires. Offsets count from the launch
// (ops launch when the customer leaves, or import past churn later: either way the first touch
// comes days after the launch, not months). A touch whose date passed while the earlier stages
// ran is skipped. Long campaigns continue-as-new so each run's history stays small.
func (c *campaign) runCheckIns(ctx workflow.Context) error {
	if c.closed() {
		return nil
	}
	schedule := c.pb.CheckIns
	if c.stayingInTouch() {
		schedule = c.pb.StayInTouch
	}
	launched := c.st.Launched
	expiry := launched.Add(c.pb.Expiry)
	c.enterStage(ctx, StageCheckIns)
	for ; c.nextCheckIn < len(schedule) && !c.closed(); c.nextCheckIn++ {
		ci := schedule[c.nextCheckIn]
		at := launched.Add(ci.After)
		if at.After(expiry) {
			break
		}
		n := c.nextCheckIn + 1
		if at.Before(workflow.Now(ctx)) {
			c.record(ctx, Message{Step: CheckInStep(n), Channel: ci.Channel, Template: "check_in", Status: "skipped_late"})
			continue
		}
		c.st.NextCheckIn = at
		c.refresh(ctx)
		c.wait(ctx, at, fmt.Sprintf("Check-in %d of %d (%s) on day %d", n, len(schedule), ci.Channel, int(ci.After/day)))
		if c.closed() {
			break
		}
		c.checkIn(ctx, n, ci.Channel)
		c.st.CheckInsDone++
		if c.shouldContinueAsNew(ctx) {
			c.nextCheckIn++
			return c.continueAsNew(ctx)
		}
	}
	c.st.NextCheckIn = time.Time{}
	c.refresh(ctx)
	c.wait(ctx, expiry, "The campaign expires "+c.pb.Expiry.String()+" after its launch")
	return nil
}

// checkIn is one touch: a message, or a call task for the rep.
func (c *campaign) checkIn(ctx workflow.Context, n int, ch Channel) {
	if ch != ChannelCall {
		c.reach(ctx, CheckInStep(n), ch, "check_in")
		return
	}
	id := CheckInCallID(n)
	c.openTask(ctx, id, TaskCheckInCall, fmt.Sprintf("Check-in call %d: see how they are doing", n), c.st.Rep, c.pb.CallDue)
	c.refresh(ctx)
	c.afterCall(ctx, c.awaitTask(ctx, id))
}

func (c *campaign) shouldContinueAsNew(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || (c.pb.MaxEventsPerRun > 0 && info.GetCurrentHistoryLength() > c.pb.MaxEventsPerRun)
}

// continueAsNew starts a fresh run with the campaign's state, once every update handler has
// finished and every delivered signal has been handled.
func (c *campaign) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && c.sending == 0 }); err != nil {
		return err
	}
	c.drainSignals(ctx)
	if c.closed() {
		return nil
	}
	in := c.in
	in.Carried = &CarriedState{Status: c.st, NextCheckIn: c.nextCheckIn, SentAt: c.recentSends(workflow.Now(ctx)),
		Version: int(c.version)}
	c.logger.Info("Continuing as new", "NextCheckIn", c.nextCheckIn, "Run", c.st.Runs)
	return workflow.NewContinueAsNewError(ctx, WinBackCampaign, in)
}

// recentSends keeps the send times the frequency cap still needs.
func (c *campaign) recentSends(now time.Time) []time.Time {
	return slices.DeleteFunc(slices.Clone(c.sentAt), func(t time.Time) bool { return !t.After(now.Add(-c.pb.FrequencyCap.Per)) })
}
