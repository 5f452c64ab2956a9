package workflows

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// Offers that act (v2 campaigns). The decision (or a manager's later MakeOffer) puts an offer on
// the table with its terms; the revisit email and the check-ins carry it with a one-click link;
// the customer accepts or declines on the link's page (OfferResponse); an accepted offer gives
// the rep a task to fulfil it, and fulfilling it wins the customer back, or, for a foot in the
// door, records the smaller yes and runs the cadence that aims to grow it. A decline ends the
// offer, not the campaign: it is not an opt-out. At most one offer is open at a time.

// offerFromAnswers turns the decision's answers into the campaign's first offer ("" kind, or
// stay in touch: none).
func (c *campaign) makeOffer(ctx workflow.Context, by string, kind Offer, a TaskAnswers, override string) *OfferState {
	if !c.offersAct() || kind == "" || kind == OfferStayInTouch {
		return nil
	}
	for i := range c.st.Offers { // a newer offer replaces an open one
		if c.st.Offers[i].Status == OfferOpen {
			c.st.Offers[i].Status = OfferWithdrawn
		}
	}
	o := OfferState{ID: fmt.Sprintf("offer-%d", len(c.st.Offers)+1), Kind: kind, Status: OfferOpen,
		Details: strings.TrimSpace(a.OfferDetails), Value: OfferValueOf(a), Until: strings.TrimSpace(a.OfferUntil),
		Figures: slices.Clone(a.Figures), MadeBy: by, Made: workflow.Now(ctx), Override: override}
	c.st.Offers = append(c.st.Offers, o)
	c.logger.Info("Offer made", "OfferID", o.ID, "Kind", o.Kind, "By", by)
	return &c.st.Offers[len(c.st.Offers)-1]
}

// offer finds an offer by ID (nil when unknown).
func (c *campaign) offer(id string) *OfferState {
	for i := range c.st.Offers {
		if c.st.Offers[i].ID == id {
			return &c.st.Offers[i]
		}
	}
	return nil
}

// openOffer is the offer the customer may still answer, after expiring one whose last day has
// passed (nil when none).
func (c *campaign) openOffer(now time.Time) *OfferState {
	for i := range c.st.Offers {
		o := &c.st.Offers[i]
		if o.Status != OfferOpen {
			continue
		}
		if offerUntilPassed(now, o.Until) != nil {
			o.Status = OfferExpired
			continue
		}
		return o
	}
	return nil
}

// withOffer adds the open offer's terms, and its ID (so the message carries its link), to the
// data of a customer message.
func (c *campaign) withOffer(ctx workflow.Context, d activities.MessageData) activities.MessageData {
	d.CompetitorOffer = c.in.Departure.CompetitorOffer
	if !c.offersAct() {
		return d
	}
	o := c.openOffer(workflow.Now(ctx))
	if o == nil {
		return d
	}
	d.Offer, d.OfferDetails, d.OfferValue, d.OfferUntil, d.Figures, d.OfferID = string(o.Kind), o.Details, o.Value, o.Until, o.Figures, o.ID
	d.PromotionCode = o.PromotionCode
	d.Apology = d.Apology || o.Kind == OfferApology
	return d
}

// offerResponse is the customer's answer from the link's page: an acceptance gives the rep a
// task to fulfil the offer; a decline ends the offer, and the campaign goes on without it.
func (c *campaign) offerResponse(ctx workflow.Context, sig OfferResponseSignal) {
	now := workflow.Now(ctx)
	o := c.openOffer(now)
	if c.closed() || o == nil || o.ID != sig.OfferID {
		c.logger.Warn("An answer to an offer that is not open was ignored", "OfferID", sig.OfferID)
		return
	}
	o.Answered = now
	if !sig.Accept {
		o.Status = OfferDeclined
		c.logger.Info("Offer declined", "OfferID", o.ID)
		c.refresh(ctx)
		return
	}
	o.Status = OfferAccepted
	o.FulfilTask = FulfilTaskID(o.ID)
	c.openTask(ctx, o.FulfilTask, TaskFulfilOffer, fulfilTitle(*o), c.st.Rep, c.pb.CallDue)
	c.logger.Info("Offer accepted", "OfferID", o.ID)
	c.refresh(ctx)
}

// fulfilTitle says what the rep does for an accepted offer, in its kind's words and terms.
func fulfilTitle(o OfferState) string {
	terms := orDash(o.Details)
	if o.Value > 0 {
		terms += fmt.Sprintf(" (worth %s)", amount(o.Value))
	}
	if o.PromotionCode != "" {
		return fmt.Sprintf("The customer accepted the incentive and is resubscribing with code %s: check they did (billing closes the campaign when they pay): %s", o.PromotionCode, terms)
	}
	switch o.Kind {
	case OfferIncentive:
		return "The customer accepted the incentive: set it up on their account: " + terms
	case OfferFootInDoor:
		return "The customer said yes to the smaller project: schedule it: " + terms
	case OfferDifferentProduct:
		return "The customer wants the other product or service: set it up: " + terms
	case OfferBeatOffer:
		return "The customer accepted our terms against the competitor's: put them in the contract: " + terms
	case OfferApology:
		return "The customer accepted our apology and its offer: do what we promised: " + terms
	case OfferValueNumbers:
		return "The customer accepted after the numbers: renew them on the terms we sent: " + terms
	}
	return "Fulfil the offer the customer accepted: " + o.Kind.Label()
}

// amount writes an amount as the emails do (activities.Money, which workflowcheck cannot see
// through): 1,200 or 1,200.50.
func amount(v float64) string {
	cents := int64(math.Round(math.Abs(v) * 100))
	whole := strconv.FormatInt(cents/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if c := cents % 100; c != 0 {
		whole += "." + strconv.FormatInt(c/10, 10) + strconv.FormatInt(c%10, 10)
	}
	if v < 0 && cents > 0 {
		whole = "-" + whole
	}
	return whole
}

// offerFulfilled closes the campaign on an accepted offer the rep fulfilled: won back, or for
// a foot in the door the smaller yes, with its value, and the cadence that aims to grow it.
func (c *campaign) offerFulfilled(ctx workflow.Context, t Task) {
	for i := range c.st.Offers {
		o := &c.st.Offers[i]
		if o.FulfilTask != t.ID {
			continue
		}
		o.Status, o.Fulfilled = OfferFulfilled, workflow.Now(ctx)
		if o.Kind == OfferFootInDoor {
			c.st.FootInDoorValue = o.Value
			c.end(OutcomeFootInDoor, fmt.Sprintf("a foot in the door: the customer took %s (worth %s), set up by %s", orDash(o.Details), amount(o.Value), t.CompletedBy))
			return
		}
		c.end(OutcomeWonBack, fmt.Sprintf("won back: the customer accepted %s, fulfilled by %s", o.Kind.Label(), t.CompletedBy))
	}
}

// closeOffers expires what is still open when the campaign closes.
func (c *campaign) closeOffers() {
	for i := range c.st.Offers {
		if c.st.Offers[i].Status == OfferOpen {
			c.st.Offers[i].Status = OfferExpired
		}
	}
}

// runGrow is the cadence after a foot in the door: touches that aim to turn the smaller yes
// into the whole account. The customer coming back wins the account; an opt-out or a cancel
// stops it; otherwise the campaign closes as foot_in_door when the cadence ends.
func (c *campaign) runGrow(ctx workflow.Context) {
	if !c.offersAct() || c.st.Outcome != OutcomeFootInDoor || len(c.pb.Grow) == 0 || c.root.Err() != nil {
		return
	}
	var from time.Time
	for _, o := range c.st.Offers {
		if o.Kind == OfferFootInDoor && o.Status == OfferFulfilled {
			from = o.Fulfilled
		}
	}
	c.growing = true
	defer func() { c.growing = false }()
	c.enterStage(ctx, StageGrow)
	for i, g := range c.pb.Grow {
		n := i + 1
		c.wait(ctx, from.Add(g.After), fmt.Sprintf("Grow %d of %d (%s) after the foot in the door", n, len(c.pb.Grow), g.Channel))
		if c.closed() {
			return
		}
		if g.Channel == ChannelCall {
			id := fmt.Sprintf("grow-call-%d", n)
			c.openTask(ctx, id, TaskCheckInCall, fmt.Sprintf("Grow call %d: from the smaller project to the whole account", n), c.st.Rep, c.pb.CallDue)
			c.refresh(ctx)
			c.afterCall(ctx, c.awaitTask(ctx, id))
			continue
		}
		c.reach(ctx, fmt.Sprintf("grow-%d", n), g.Channel, "check_in")
	}
}

// repeatIncentives asks the store how often the customer was won back with an incentive within
// the playbook's window, and warns the manager on the decision task (seed 002: a customer you
// must buy back every few months is more work than they are worth).
func (c *campaign) repeatIncentives(ctx workflow.Context) string {
	if !c.offersAct() {
		return ""
	}
	window := c.pb.RepeatIncentiveWindow
	if window <= 0 {
		window = 365 * day
	}
	info := workflow.GetInfo(ctx)
	var r activities.HistoryResult
	err := workflow.ExecuteLocalActivity(storeOptions(ctx, "Read the customer's earlier campaigns"), acts.CustomerHistory, activities.HistoryRequest{
		CustomerID: c.in.Customer.ID, CampaignID: info.FirstRunID, Since: workflow.Now(ctx).Add(-window),
	}).Get(ctx, &r)
	if err != nil || r.WonBackWithIncentive == 0 {
		return ""
	}
	w := fmt.Sprintf("bought back with an incentive %d time(s) in the last %d days: an incentive again may make them come back for the next one",
		r.WonBackWithIncentive, int(window/day))
	c.st.Warnings = append(c.st.Warnings, w)
	return w
}

// offerUntilPassed refuses an offer whose last day (UTC) is already over: its link would be
// dead before the email arrives.
func offerUntilPassed(now time.Time, until string) *FieldError {
	last, err := time.Parse(time.DateOnly, strings.TrimSpace(until))
	if err != nil || !now.After(last.Add(24*time.Hour)) {
		return nil // none, or not a date (the answers' checks say so)
	}
	return &FieldError{Field: "offerUntil", Code: CodeInvalid, Message: fmt.Sprintf(
		"%s has passed (today is %s): give a last day from today on", last.Format(time.DateOnly), now.UTC().Format(time.DateOnly))}
}

// offerFields are the decision's answers that make an offer.
var offerFields = []string{"offer", "offerDetails", "offerValue", "offerUntil", "figures"}

// ValidateOffer checks an offer and its terms as the decision checks them: the kind, then what
// that kind needs (the terms; a value for an incentive or a foot in the door; a last day for an
// incentive; the figures for the numbers). It is pure: the CLI checks before sending.
func ValidateOffer(r MakeOfferRequest) error {
	a := r.answers()
	d, _ := KindOf(TaskDecision)
	var errs []FieldError
	if r.Offer == OfferStayInTouch {
		errs = append(errs, FieldError{Field: "offer", Code: CodeInvalid, Message: "stay_in_touch is not an offer: it is the cadence without one"})
	}
	for _, f := range d.Fields {
		if !slices.Contains(offerFields, f.Name) || !f.Required(a) {
			continue
		}
		switch {
		case f.Type == FieldChoice && !slices.Contains(f.Values(), f.Text(a)):
			errs = append(errs, FieldError{Field: f.Name, Code: CodeInvalid, Message: fmt.Sprintf("%q is not one of %s", f.Text(a), strings.Join(f.Values(), ", "))})
		case f.Type != FieldChoice && !f.Given(a):
			errs = append(errs, FieldError{Field: f.Name, Message: f.Missing, Code: CodeRequired})
		}
	}
	errs = append(errs, checkOfferTerms(a)...)
	if len(errs) == 0 {
		return nil
	}
	for i := range errs { // named as the request names them
		errs[i].Field = offerRequestField[errs[i].Field]
	}
	return AnswerErrors(errs)
}

// offerRequestField maps the decision's answer names to MakeOfferRequest's.
var offerRequestField = map[string]string{"offer": "offer", "offerDetails": "details", "offerValue": "value", "offerUntil": "until", "figures": "figures"}

// answers are the request as the decision's answers.
func (r MakeOfferRequest) answers() TaskAnswers {
	a := TaskAnswers{Pursue: new(bool), Offer: r.Offer, OfferDetails: r.Details, OfferUntil: r.Until, Figures: r.Figures}
	*a.Pursue = true
	if r.Value != 0 {
		a.OfferValue = strconv.FormatFloat(r.Value, 'f', -1, 64)
	}
	return a
}

// validateMakeOffer refuses, before anything is written, an offer from someone other than the
// manager, before the decision to pursue, with terms its kind lacks, or while another offer is
// open (unless the manager says why) or accepted.
func (c *campaign) validateMakeOffer(ctx workflow.Context, r MakeOfferRequest) error {
	if c.closed() {
		return c.closedRejection("no offer can be made")
	}
	switch {
	case !c.offersAct():
		return rejection(FieldError{Field: "offer", Code: CodeInvalid, Message: "this campaign started before offers could be made after the decision"})
	case r.By != c.st.Manager:
		return rejection(FieldError{Field: "by", Code: CodeInvalid, Message: fmt.Sprintf("only the account's manager %s makes offers", c.st.Manager)})
	case c.st.Decision == nil || !c.st.Decision.Pursue:
		return rejection(FieldError{Field: "offer", Code: CodeInvalid, Message: "the campaign has not decided to pursue: the decision task makes the first offer"})
	}
	if err := ValidateOffer(r); err != nil {
		return rejection(err.(AnswerErrors)...)
	}
	if fe := offerUntilPassed(workflow.Now(ctx), r.Until); fe != nil {
		fe.Field = "until"
		return rejection(*fe)
	}
	for _, o := range c.st.Offers {
		switch {
		case o.Status == OfferAccepted:
			return rejection(FieldError{Field: "offer", Code: CodeInvalid, Message: fmt.Sprintf("%s was accepted: fulfil it first (task %s)", o.ID, o.FulfilTask)})
		case o.Status == OfferOpen && strings.TrimSpace(r.Override) == "":
			return rejection(FieldError{Field: "override", Code: CodeRequired, Message: fmt.Sprintf(
				"%s is still open: one offer at a time, unless you say why this one replaces it", o.ID)})
		}
	}
	return nil
}

// newOffer makes the offer and sends it at once by email (or SMS when email cannot carry it),
// with its link.
func (c *campaign) newOffer(ctx workflow.Context, r MakeOfferRequest) (MakeOfferResult, error) {
	o := c.makeOffer(ctx, r.By, r.Offer, r.answers(), strings.TrimSpace(r.Override))
	id := o.ID
	c.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { c.sending-- }()
		c.makeCoupon(ctx, id) // the email waits for its code
		// Since release 3 an offer withdrawn meanwhile (its coupon refused, or replaced) is not
		// sent; before it, the email went whatever happened, and old histories hold that send.
		if o := c.offer(id); !c.inBilling() || o.Status == OfferOpen {
			c.reach(ctx, id, ChannelEmail, "revisit")
		}
	})
	c.refresh(ctx)
	return MakeOfferResult{OfferID: id, Next: fmt.Sprintf("%s goes to the customer now, with its one-click link; they may accept or decline it.", id)}, nil
}
