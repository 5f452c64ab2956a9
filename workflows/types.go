package workflows

import (
	"strings"
	"time"

	"github.com/winback/winback/calendar"
)

// WorkflowType is the registered name of the campaign workflow.
const WorkflowType = "WinBackCampaign"

// Names of the campaign's message handlers. The CLI, the inbox and the webhooks use these.
const (
	// UpdateCompleteTask completes a human task; its validator rejects bad answers before
	// anything is written to the history.
	UpdateCompleteTask = "CompleteTask"
	// UpdateReassignTask moves one task, or the whole account, to another person.
	UpdateReassignTask = "ReassignTask"
	// UpdateMakeOffer makes a new offer after the decision (a manager, after a decline, say);
	// its validator refuses one while another is open, unless the manager says why (Override).
	UpdateMakeOffer = "MakeOffer"
	// SignalCustomerReturned ends the campaign as won back at once.
	SignalCustomerReturned = "CustomerReturned"
	// SignalOptOut stops one channel at once; SignalOptIn restores it.
	SignalOptOut = "OptOut"
	// SignalOptIn restores a channel the customer opted out of (START for SMS).
	SignalOptIn = "OptIn"
	// SignalCancel ends the campaign as cancelled by ops.
	SignalCancel = "Cancel"
	// SignalMessageEvent records a provider event (delivered, open, click, bounce...).
	SignalMessageEvent = "MessageEvent"
	// SignalCustomerReplied brings a message the customer wrote to us (a text that is not a
	// keyword) to the campaign, and gives the rep a task to answer it.
	SignalCustomerReplied = "CustomerReplied"
	// SignalOfferResponse is the customer accepting or declining the campaign's offer (the
	// one-click page of the offer link).
	SignalOfferResponse = "OfferResponse"
	// QueryStatus returns the CampaignStatus.
	QueryStatus = "status"
)

// workflowIDPrefix starts every campaign's workflow ID.
const workflowIDPrefix = "winback:"

// WorkflowID returns the campaign's workflow ID for a customer: one campaign per customer.
func WorkflowID(customerID string) string { return workflowIDPrefix + customerID }

// CustomerID returns the customer of a campaign's workflow ID; false when the ID is not a
// campaign's.
func CustomerID(workflowID string) (string, bool) {
	id, ok := strings.CutPrefix(workflowID, workflowIDPrefix)
	return id, ok && id != ""
}

// Stage is a step of the win-back playbook, as shown in WinBackStage.
type Stage string

// The stages, in playbook order.
const (
	StageBackstory     Stage = "backstory"
	StageExitInterview Stage = "exit_interview"
	StageDecision      Stage = "decision"
	StageRevisitEmail  Stage = "revisit_email"
	StageWait          Stage = "wait"
	StageThankYouCall  Stage = "thank_you_call"
	StageCheckIns      Stage = "check_ins"
	// StageGrow: after a foot in the door, the cadence that aims to grow it.
	StageGrow Stage = "grow"
	// StageHoldout: the customer is held out: nothing is sent, nobody gets a task.
	StageHoldout Stage = "holdout"
	StageClosed  Stage = "closed"
)

// Outcome is how a campaign ended, as shown in WinBackOutcome.
type Outcome string

// The outcomes.
const (
	OutcomeWonBack    Outcome = "won_back"
	OutcomeWalkedAway Outcome = "walked_away"
	OutcomeDeclined   Outcome = "declined"
	OutcomeOptedOut   Outcome = "opted_out"
	OutcomeExpired    Outcome = "expired"
	OutcomeCancelled  Outcome = "cancelled"
	// OutcomeFootInDoor: the customer took a smaller project, not the whole account back (yet).
	OutcomeFootInDoor Outcome = "foot_in_door"
	// OutcomeHoldout: a customer held out of the campaign (no message, no task) who did not
	// come back by the horizon; one who came back on their own closes as won_back.
	OutcomeHoldout Outcome = "holdout"
)

// Reason is why the customer left (seeds: competitor, we let them down, no longer need it...).
type Reason string

// The departure reasons.
const (
	ReasonCompetitorPrice Reason = "competitor_price"
	ReasonLetDown         Reason = "let_down"
	ReasonNoLongerNeeded  Reason = "no_longer_needed"
	ReasonOutgrew         Reason = "outgrew"
	ReasonBadFit          Reason = "bad_fit"
	ReasonOther           Reason = "other"
)

// Reasons lists every valid Reason, in the order people read them.
var Reasons = []Reason{ReasonCompetitorPrice, ReasonLetDown, ReasonNoLongerNeeded, ReasonOutgrew, ReasonBadFit, ReasonOther}

// Scope says whether the root problem is specific to this account or systemic to our business.
type Scope string

// The scopes.
const (
	ScopeSpecific Scope = "specific"
	ScopeSystemic Scope = "systemic"
	// ScopeUnknown is recorded when nobody interviewed the customer: no one knows, and the
	// report must not count it as either.
	ScopeUnknown Scope = "unknown"
)

// Scopes lists every valid Scope.
var Scopes = []Scope{ScopeSpecific, ScopeSystemic}

// Offer is what we put on the table when we decide to pursue.
type Offer string

// The offers (seeds: apologise and conciliate, beat their offer, show the numbers, an incentive,
// foot in the door). OfferStayInTouch is for customers who outgrew us: no offer, a light cadence.
const (
	OfferApology      Offer = "apology"
	OfferBeatOffer    Offer = "beat_offer"
	OfferValueNumbers Offer = "value_numbers"
	OfferIncentive    Offer = "incentive"
	OfferFootInDoor   Offer = "foot_in_door"
	// OfferDifferentProduct: a product or service they did not buy from us before (seed 000 §3).
	OfferDifferentProduct Offer = "different_product"
	OfferStayInTouch      Offer = "stay_in_touch"
)

// Offers lists every valid Offer.
var Offers = []Offer{OfferApology, OfferBeatOffer, OfferValueNumbers, OfferIncentive, OfferFootInDoor, OfferDifferentProduct, OfferStayInTouch}

// Channel is a way of reaching the customer.
type Channel string

// The channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelCall  Channel = "call"
)

// CallOutcome is the result of a thank-you or check-in call.
type CallOutcome string

// The call outcomes.
const (
	CallWonBack     CallOutcome = "won_back"
	CallConsidering CallOutcome = "considering"
	CallDeclined    CallOutcome = "declined"
	CallNoAnswer    CallOutcome = "no_answer"
	CallOptedOut    CallOutcome = "opted_out"
)

// CallOutcomes lists every valid CallOutcome.
var CallOutcomes = []CallOutcome{CallWonBack, CallConsidering, CallDeclined, CallNoAnswer, CallOptedOut}

// Customer is who we want back. Name, email and phone are PII: they travel only in payloads
// (encrypted when a codec key is set), never in search attributes.
type Customer struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Company      string  `json:"company"`
	Email        string  `json:"email"`
	Phone        string  `json:"phone"` // E.164
	TimeZone     string  `json:"timeZone"`
	AccountValue float64 `json:"accountValue"`
	Segment      string  `json:"segment"`
}

// Departure is what we know about the customer leaving when ops launch the campaign.
type Departure struct {
	Date            time.Time `json:"date"`
	StatedReason    Reason    `json:"statedReason,omitempty"`
	Competitor      string    `json:"competitor,omitempty"`
	CompetitorOffer string    `json:"competitorOffer,omitempty"`
	Notes           string    `json:"notes,omitempty"`
}

// Person is a rep or a manager.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	TimeZone string `json:"timeZone,omitempty"` // their calendar, for business days
	// Calendar is their working week (days, hours, days off) in TimeZone; Monday to Friday,
	// 09:00 to 17:00 when nil. Deadlines of their tasks count in it.
	Calendar *calendar.Week `json:"calendar,omitempty"`
}

// Owners are the people responsible for the account.
type Owners struct {
	Rep     Person `json:"rep"`
	Manager Person `json:"manager"`
}

// CampaignInput starts a campaign. The playbook is resolved from config at launch, so a
// running campaign keeps the rules it started with.
type CampaignInput struct {
	Customer  Customer  `json:"customer"`
	Departure Departure `json:"departure"`
	Owners    Owners    `json:"owners"`
	Playbook  Playbook  `json:"playbook"`
	// ContactKeys are keyed hashes of the customer's phone (see AttrContact), set by the launcher.
	ContactKeys []string `json:"contactKeys,omitempty"`
	// Holdout holds the customer out of the campaign: no customer message and no rep task; it
	// closes at the playbook's expiry as holdout, or as won_back if they return on their own.
	// The launcher decides it (a stable share of customers, by a keyed hash of the customer ID).
	Holdout bool `json:"holdout,omitempty"`
	// Billing ties the campaign to the customer's subscription in billing, when it was launched
	// from there (a Stripe cancellation): paying again ends it, and an incentive becomes a coupon.
	Billing *Billing `json:"billing,omitempty"`
	// Carried is set only by continue-as-new: the state of the previous run.
	Carried *CarriedState `json:"carried,omitempty"`
}

// Billing is the customer's account in billing, as the launch found it.
type Billing struct {
	Provider       string `json:"provider"`                 // "stripe"
	CustomerID     string `json:"customerId"`               // the billing customer: "cus_..."
	SubscriptionID string `json:"subscriptionId,omitempty"` // the subscription cancelled
	PriceID        string `json:"priceId,omitempty"`        // its price: what a return resubscribes to
	Quantity       int64  `json:"quantity,omitempty"`       // of PriceID (seats); 1 when zero
	Currency       string `json:"currency,omitempty"`       // ISO 4217, lower case: "usd"
	// Scheduled: the cancellation takes effect at the end of the period; until then they pay.
	Scheduled bool `json:"scheduled,omitempty"`
}

// CampaignResult is what a closed campaign returns.
type CampaignResult struct {
	Outcome Outcome   `json:"outcome"`
	Reason  string    `json:"reason,omitempty"` // a sentence for people
	Closed  time.Time `json:"closed"`
}

// TaskStatus is where a task is in its life.
type TaskStatus string

// The task statuses.
const (
	TaskOpen      TaskStatus = "open"
	TaskDone      TaskStatus = "done"
	TaskExpired   TaskStatus = "expired"   // its deadline passed; the playbook default applied
	TaskCancelled TaskStatus = "cancelled" // the campaign ended first
)

// Task is a piece of work for a person. Its ID is stable within the campaign
// ("exit-interview", "check-in-call-3"); address it by workflow ID plus task ID, never run ID.
type Task struct {
	ID          string       `json:"id"`
	Kind        TaskKind     `json:"kind"`
	Title       string       `json:"title"`
	Assignee    string       `json:"assignee"`
	Created     time.Time    `json:"created"`
	Due         time.Time    `json:"due"`
	EscalateAt  time.Time    `json:"escalateAt"`
	ExpireAt    time.Time    `json:"expireAt"`
	Status      TaskStatus   `json:"status"`
	Reminded    bool         `json:"reminded,omitempty"`
	Escalated   bool         `json:"escalated,omitempty"`
	Answers     *TaskAnswers `json:"answers,omitempty"`
	CompletedBy string       `json:"completedBy,omitempty"`
	Completed   time.Time    `json:"completed,omitempty"`
}

// CompleteTaskRequest is the argument of the CompleteTask update.
type CompleteTaskRequest struct {
	TaskID  string      `json:"taskId"`
	By      string      `json:"by"` // the person completing it: its assignee or the manager
	Answers TaskAnswers `json:"answers"`
}

// CompleteTaskResult tells the caller what happens next.
type CompleteTaskResult struct {
	TaskID string `json:"taskId"`
	Next   string `json:"next"`
}

// MakeOfferRequest is the argument of the MakeOffer update: an offer and its terms, as the
// decision gives them.
type MakeOfferRequest struct {
	By       string   `json:"by"` // the account's manager
	Offer    Offer    `json:"offer"`
	Details  string   `json:"details,omitempty"`
	Value    float64  `json:"value,omitempty"`
	Until    string   `json:"until,omitempty"` // YYYY-MM-DD
	Figures  []string `json:"figures,omitempty"`
	Override string   `json:"override,omitempty"` // why, when another offer is still open
}

// MakeOfferResult says which offer was made and what happens next.
type MakeOfferResult struct {
	OfferID string `json:"offerId"`
	Next    string `json:"next"`
}

// ReassignRequest is the argument of the ReassignTask update. An empty TaskID moves the whole
// account (every open rep task and every future one) to To.
type ReassignRequest struct {
	TaskID string `json:"taskId,omitempty"`
	To     string `json:"to"`
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// ReassignResult says what moved.
type ReassignResult struct {
	Moved []string `json:"moved"`
	Next  string   `json:"next"`
}

// CustomerReturnedSignal says the customer came back (CRM, CLI or inbox).
type CustomerReturnedSignal struct {
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
	// From billing ("stripe"): what the return is worth a year (a new subscription, annualised,
	// in the subscription's currency), the subscription, and the coupons it used: a coupon of one
	// of the campaign's offers fulfils that offer.
	Revenue      float64  `json:"revenue,omitempty"`
	Currency     string   `json:"currency,omitempty"`
	Subscription string   `json:"subscription,omitempty"`
	Coupons      []string `json:"coupons,omitempty"`
}

// OptOutSignal stops a channel (STOP reply, unsubscribe, bounce, or by hand).
type OptOutSignal struct {
	Channel Channel `json:"channel"`
	Source  string  `json:"source"` // "twilio:STOP", "sendgrid:bounce", "cli:alice"...
}

// OptInSignal restores a channel (START for SMS).
type OptInSignal struct {
	Channel Channel `json:"channel"`
	Source  string  `json:"source"`
}

// CancelSignal ends the campaign as cancelled.
type CancelSignal struct {
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// MessageEventSignal records what a provider told us about a message we sent.
type MessageEventSignal struct {
	Channel   Channel   `json:"channel"`
	MessageID string    `json:"messageId,omitempty"`
	Event     string    `json:"event"` // delivered, open, click, bounce...
	At        time.Time `json:"at"`
}

// CustomerRepliedSignal is a message the customer wrote to us. Its text is theirs: PII, kept
// only in payloads (encrypted with codec keys), never in a task's title or a search attribute.
type CustomerRepliedSignal struct {
	Channel   Channel   `json:"channel"`
	Text      string    `json:"text"`
	MessageID string    `json:"messageId,omitempty"` // the provider's, e.g. Twilio's MessageSid
	At        time.Time `json:"at"`
}

// OfferResponseSignal is the customer's answer to an offer, from its link's page.
type OfferResponseSignal struct {
	OfferID string    `json:"offerId"`
	Accept  bool      `json:"accept"` // false: declined
	At      time.Time `json:"at"`
	Source  string    `json:"source"` // "offer-link"
}

// OfferStatus is where an offer is in its life.
type OfferStatus string

// The offer statuses.
const (
	OfferOpen      OfferStatus = "open"      // made; the customer may accept or decline
	OfferAccepted  OfferStatus = "accepted"  // the customer accepted; a rep fulfils it
	OfferFulfilled OfferStatus = "fulfilled" // the rep did what it promised
	OfferDeclined  OfferStatus = "declined"  // the customer said no (not an opt-out)
	OfferExpired   OfferStatus = "expired"   // its Until passed, or the campaign closed first
	OfferWithdrawn OfferStatus = "withdrawn" // replaced by a newer offer (a manager's override)
)

// OfferState is an offer the campaign made, with its terms and what became of it.
type OfferState struct {
	ID      string      `json:"id"` // "offer-1", "offer-2"
	Kind    Offer       `json:"kind"`
	Status  OfferStatus `json:"status"`
	Details string      `json:"details,omitempty"` // the terms in words: "25% off for two years", the project, the product
	// Value is how much it is worth: an incentive's amount, a foot in the door's project value.
	Value float64 `json:"value,omitempty"`
	// Until is when an incentive ends (YYYY-MM-DD); the link refuses an acceptance after it.
	Until string `json:"until,omitempty"`
	// Figures are the numbers that show our value, as the rep wrote them.
	Figures    []string  `json:"figures,omitempty"`
	MadeBy     string    `json:"madeBy"`
	Made       time.Time `json:"made"`
	Answered   time.Time `json:"answered,omitempty"` // accepted or declined
	Fulfilled  time.Time `json:"fulfilled,omitempty"`
	FulfilTask string    `json:"fulfilTask,omitempty"`
	// Override is the manager's reason for making it while another offer was open.
	Override string `json:"override,omitempty"`
	// In billing (a campaign with Billing, an incentive): the coupon made for it and the
	// promotion code the customer redeems, restricted to them, until the offer's last day.
	Coupon        string `json:"coupon,omitempty"`
	PromotionCode string `json:"promotionCode,omitempty"`
	// PromotionCodeID is billing's ID of the promotion code ("promo_..."): what the offer page's
	// Checkout applies for the customer. Empty for offers made before it was kept.
	PromotionCodeID string `json:"promotionCodeId,omitempty"`
}

// Reply is a message the customer wrote to us, and the task that answers it.
type Reply struct {
	Channel Channel   `json:"channel"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
	TaskID  string    `json:"taskId"`
}

// Message is a message the campaign sent (or tried to send).
type Message struct {
	Step      string    `json:"step"` // "revisit-email", "check-in-2"
	Channel   Channel   `json:"channel"`
	Template  string    `json:"template"`
	Provider  string    `json:"provider,omitempty"`
	MessageID string    `json:"messageId,omitempty"`
	Status    string    `json:"status"` // sent, skipped_opted_out, failed_invalid, deduplicated...
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
	Events    []string  `json:"events,omitempty"`
}

// Decision is the manager's (or the policy's) answer to "is this customer worth it?".
type Decision struct {
	Pursue        bool      `json:"pursue"`
	By            string    `json:"by"` // manager ID, or "policy"
	Rationale     string    `json:"rationale"`
	WhatWeChanged string    `json:"whatWeChanged,omitempty"`
	Offer         Offer     `json:"offer,omitempty"`
	OfferDetails  string    `json:"offerDetails,omitempty"`
	At            time.Time `json:"at"`
}

// Escalation is a reminder or an escalation on an overdue task.
type Escalation struct {
	TaskID string    `json:"taskId"`
	Kind   string    `json:"kind"` // reminder, escalation, reassigned, expired
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// CampaignStatus is what the status query returns.
type CampaignStatus struct {
	CustomerID  string       `json:"customerId"`
	Launched    time.Time    `json:"launched"` // check-in offsets and expiry count from here
	Stage       Stage        `json:"stage"`
	Outcome     Outcome      `json:"outcome,omitempty"`
	Rep         string       `json:"rep"`
	Manager     string       `json:"manager"`
	Reason      Reason       `json:"reason,omitempty"`
	Scope       Scope        `json:"scope,omitempty"`
	Tasks       []Task       `json:"tasks"`
	Messages    []Message    `json:"messages"`
	Decision    *Decision    `json:"decision,omitempty"`
	Escalations []Escalation `json:"escalations"`
	OptedOut    []Channel    `json:"optedOut,omitempty"`
	// RecordSeq counts the records the campaign filed in the store (its task index row and
	// report facts), across runs: the store keeps the newest.
	RecordSeq int64 `json:"recordSeq,omitempty"`
	// Warnings are what the manager should know before deciding ("bought back with an
	// incentive twice in 12 months").
	Warnings []string `json:"warnings,omitempty"`
	// Offers are the offers the campaign made, oldest first; at most one is open or accepted.
	Offers []OfferState `json:"offers,omitempty"`
	// Holdout: the customer is held out of the campaign (no message, no task) to measure the lift.
	Holdout bool `json:"holdout,omitempty"`
	// FootInDoorValue is the value of the smaller project the customer took (outcome foot_in_door).
	FootInDoorValue float64 `json:"footInDoorValue,omitempty"`
	// Revenue is what billing says the customer's return is worth a year (0 when billing did
	// not see it), in RevenueCurrency.
	Revenue         float64 `json:"revenue,omitempty"`
	RevenueCurrency string  `json:"revenueCurrency,omitempty"`
	// Contact is how the campaign reaches the customer now: the launch's email and phone, or
	// what a rep corrected them to.
	Contact Contact `json:"contact"`
	// Replies are the messages the customer wrote to us, oldest first.
	Replies []Reply `json:"replies,omitempty"`
	// People are those the campaign met after its launch (a new rep, someone a task moved to),
	// as the team file describes them; the owners named at launch are in its input.
	People       []Person      `json:"people,omitempty"`
	Consent      []ConsentNote `json:"consent,omitempty"`     // why each opted-out channel is closed
	Unreachable  []Channel     `json:"unreachable,omitempty"` // invalid address or number, until a rep fixes it
	NextCheckIn  time.Time     `json:"nextCheckIn,omitempty"`
	CheckInsDone int           `json:"checkInsDone"`
	Runs         int           `json:"runs"` // how many runs (continue-as-new) this campaign has had
}

// Contact is a customer's email and phone (E.164).
type Contact struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// ConsentNote says why a channel is closed to the campaign: "opted out of sms by stop (STOP)
// on 2026-11-02", from this campaign or an earlier one.
type ConsentNote struct {
	Channel Channel   `json:"channel"`
	Why     string    `json:"why"`
	At      time.Time `json:"at"`
}

// CarriedState is what a campaign carries into its next run by continue-as-new.
type CarriedState struct {
	Status      CampaignStatus `json:"status"`
	NextCheckIn int            `json:"nextCheckIn"`
	SentAt      []time.Time    `json:"sentAt,omitempty"` // recent sends, for the frequency cap
	// Version is the release the campaign started with (version.go), kept across runs: a
	// campaign started before a release keeps its behaviour in every run.
	Version int `json:"version,omitempty"`
}

// Words for people for the values the campaign stores as identifiers. Each Label returns the
// value itself when it has no words.

// Label is how people say the stage: "Waiting before the thank-you call".
func (s Stage) Label() string {
	return labelOf(s, map[Stage]string{
		StageBackstory: "Backstory", StageExitInterview: "Exit interview", StageDecision: "Decision",
		StageRevisitEmail: "Revisit email", StageWait: "Waiting before the thank-you call",
		StageThankYouCall: "Thank-you call", StageCheckIns: "Check-ins", StageGrow: "Growing a foot in the door", StageHoldout: "Held out", StageClosed: "Closed",
	})
}

// Label is how people say the outcome: "Won back".
func (o Outcome) Label() string {
	return labelOf(o, map[Outcome]string{
		OutcomeWonBack: "Won back", OutcomeWalkedAway: "Walked away", OutcomeDeclined: "Declined",
		OutcomeOptedOut: "Opted out", OutcomeExpired: "Expired", OutcomeCancelled: "Cancelled",
		OutcomeFootInDoor: "A foot in the door", OutcomeHoldout: "Held out",
	})
}

// Label is how people say the reason: "Switched to a competitor on price".
func (r Reason) Label() string {
	return labelOf(r, map[Reason]string{
		ReasonCompetitorPrice: "Switched to a competitor on price", ReasonLetDown: "We let them down",
		ReasonNoLongerNeeded: "No longer need it, or took it in-house", ReasonOutgrew: "Outgrew us",
		ReasonBadFit: "Bad fit", ReasonOther: "Other",
	})
}

// Label is how people say the scope.
func (s Scope) Label() string {
	return labelOf(s, map[Scope]string{
		ScopeSpecific: "Specific to this account", ScopeSystemic: "Systemic: it would drive other customers away too",
	})
}

// Label is how people say the offer.
func (o Offer) Label() string {
	return labelOf(o, map[Offer]string{
		OfferApology: "An apology with a conciliatory offer", OfferBeatOffer: "Beat the competitor's offer",
		OfferValueNumbers: "The numbers that show our value", OfferIncentive: "An incentive worth their while",
		OfferFootInDoor:       `A smaller "foot in the door" project`,
		OfferDifferentProduct: "A different product or service",
		OfferStayInTouch:      "No offer: stay in touch (for customers who outgrew us)",
	})
}

// Label is how people say the call's outcome.
func (c CallOutcome) Label() string {
	return labelOf(c, map[CallOutcome]string{
		CallWonBack: "Won back: they are coming back", CallConsidering: "Considering it", CallDeclined: "Declined",
		CallNoAnswer: "No answer (another call task follows)", CallOptedOut: "Asked us to stop contacting them",
	})
}

func labelOf[T ~string](v T, labels map[T]string) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return string(v)
}
