package activities

import "time"

// Error types of non-retryable send failures. The workflow acts on them: it moves on to the
// other channel, or opens a task for the rep to fix the contact.
const (
	// ErrInvalidRecipient: the address or number is invalid (SendGrid 400 on a recipient, Twilio 21211).
	ErrInvalidRecipient = "InvalidRecipient"
	// ErrRecipientOptedOut: the recipient opted out at the provider (Twilio 21610).
	ErrRecipientOptedOut = "RecipientOptedOut"
	// ErrProviderAuth: the provider refused our credentials (401/403, Twilio 20003).
	ErrProviderAuth = "ProviderAuthFailed"
	// ErrProviderRejected: any other 4xx that retrying cannot fix.
	ErrProviderRejected = "ProviderRejected"
	// ErrInvalidRequest: the request itself is incomplete (no key, unknown template, a field the
	// template requires is empty). Non-retryable: fix the caller.
	ErrInvalidRequest = "InvalidRequest"
	// ErrSuppressed: the recipient opted out of this channel (in any campaign, any time before)
	// and has not opted back in; nothing was sent. Its details hold the Opt-out.
	ErrSuppressed = "Suppressed"
)

// Error types of retryable send failures. Temporal retries them with the activity's retry
// policy; a rate limit carries the provider's reset time as the next retry delay.
const (
	// ErrProviderRateLimited: the provider answered 429 (SendGrid) or 20429 (Twilio).
	ErrProviderRateLimited = "ProviderRateLimited"
	// ErrProviderUnavailable: a 5xx, a timeout or a network error; the message was not accepted.
	ErrProviderUnavailable = "ProviderUnavailable"
)

// MessageData personalises a template.
type MessageData struct {
	CustomerName  string `json:"customerName"`
	Company       string `json:"company"`
	RepName       string `json:"repName"`
	RepEmail      string `json:"repEmail,omitempty"`
	Reason        string `json:"reason,omitempty"` // workflows.Reason
	Apology       bool   `json:"apology,omitempty"`
	WhatWeChanged string `json:"whatWeChanged,omitempty"`
	Offer         string `json:"offer,omitempty"` // workflows.Offer
	OfferDetails  string `json:"offerDetails,omitempty"`
	Competitor    string `json:"competitor,omitempty"`
	CheckInNumber int    `json:"checkInNumber,omitempty"`
	TaskID        string `json:"taskId,omitempty"`
	TaskTitle     string `json:"taskTitle,omitempty"`
	TaskDue       string `json:"taskDue,omitempty"`
	Note          string `json:"note,omitempty"`
	// The offer, in its terms (the decision's): CompetitorOffer names what the competitor
	// offered (beat_offer); Figures are the numbers that show our value (value_numbers);
	// OfferValue is an incentive's amount or a foot in the door's project value; OfferUntil
	// (YYYY-MM-DD) is when an incentive ends.
	CompetitorOffer string   `json:"competitorOffer,omitempty"`
	Figures         []string `json:"figures,omitempty"`
	OfferValue      float64  `json:"offerValue,omitempty"`
	OfferUntil      string   `json:"offerUntil,omitempty"`
	// OfferID, when set, is the open offer the message carries: the send activities add its
	// signed one-click link (accept or decline) for the customer, expiring with the offer.
	OfferID string `json:"offerId,omitempty"`
	// PromotionCode is the code the customer redeems in billing for the offer (an incentive of a
	// campaign launched from billing), shown beside its link.
	PromotionCode string `json:"promotionCode,omitempty"`
	// OurCompany signs the message; the send activities fill it from Options.FromName when empty.
	OurCompany string `json:"ourCompany,omitempty"`
}

// EmailRequest asks for one email to a customer or a staff member.
type EmailRequest struct {
	// Key is deterministic per campaign step (workflow ID + "/" + step): a retried activity
	// with the same key never reaches the recipient twice.
	Key        string      `json:"key"`
	WorkflowID string      `json:"workflowId"`
	Step       string      `json:"step"`
	To         string      `json:"to"`
	ToName     string      `json:"toName,omitempty"`
	Template   string      `json:"template"` // revisit, check_in, reminder, escalation
	Data       MessageData `json:"data"`
	// Staff marks internal notices (reminders, escalations): no unsubscribe link.
	Staff bool `json:"staff,omitempty"`
}

// SMSRequest asks for one text message to a customer.
type SMSRequest struct {
	Key        string      `json:"key"`
	WorkflowID string      `json:"workflowId"`
	Step       string      `json:"step"`
	To         string      `json:"to"` // E.164
	Template   string      `json:"template"`
	Data       MessageData `json:"data"`
}

// SendResult is what a send activity returns.
type SendResult struct {
	Provider  string `json:"provider"` // sendgrid, twilio, sandbox-sendgrid, sandbox-twilio
	MessageID string `json:"messageId"`
	// Deduplicated is true when the ledger showed this key was already sent; nothing was sent again.
	Deduplicated bool      `json:"deduplicated,omitempty"`
	SentAt       time.Time `json:"sentAt"`
}

// OptOut is a contact's standing opt-out of a channel, from the store's suppression list, as a
// campaign shows it.
type OptOut struct {
	Channel    string    `json:"channel"` // "email" or "sms"
	Source     string    `json:"source"`  // stop, unsubscribe, spam_report, bounce, by_hand, provider
	Detail     string    `json:"detail,omitempty"`
	By         string    `json:"by,omitempty"`
	WorkflowID string    `json:"workflowId,omitempty"` // the campaign it came through
	At         time.Time `json:"at"`
	// Why says it for people: "opted out of sms by stop (STOP) on 2026-11-02".
	Why string `json:"why"`
}

// ContactsRequest indexes a campaign's contacts (at launch, and when a rep corrects one) and
// asks for their standing opt-outs.
type ContactsRequest struct {
	WorkflowID string `json:"workflowId"`
	CustomerID string `json:"customerId"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// ContactsResult lists the opt-outs that hold for the contacts, one per channel at most.
type ContactsResult struct {
	OptOuts []OptOut `json:"optOuts,omitempty"`
}

// OptOutRequest records, for every campaign to come, that the customer asked us to stop on
// these channels (a rep heard it on a call, say).
type OptOutRequest struct {
	WorkflowID string   `json:"workflowId"`
	Email      string   `json:"email,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	Channels   []string `json:"channels"`
	Source     string   `json:"source"` // store.SourceByHand...
	Detail     string   `json:"detail,omitempty"`
	By         string   `json:"by,omitempty"`
}

// CampaignRecord is what a campaign tells the store about itself each time it changes: the
// rows of the task index (so a task list reads the store, never each campaign) and the facts
// the win-back report counts. SyncCampaign writes it.
type CampaignRecord struct {
	WorkflowID string `json:"workflowId"`
	// CampaignID is the campaign's first run ID: one campaign across continue-as-new, another
	// for a relaunch of the same customer.
	CampaignID string `json:"campaignId"`
	// Seq grows with every record of the campaign: an older record never overwrites a newer
	// one, whatever order retries land in.
	Seq          int64     `json:"seq"`
	CustomerID   string    `json:"customerId"`
	Segment      string    `json:"segment,omitempty"`
	AccountValue float64   `json:"accountValue"`
	Launched     time.Time `json:"launched"`
	Departed     time.Time `json:"departed"`
	Stage        string    `json:"stage"`
	Outcome      string    `json:"outcome,omitempty"` // "" while the campaign runs
	Closed       time.Time `json:"closed,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	Rep          string    `json:"rep"`     // who owns the account now
	Manager      string    `json:"manager"` // the account's manager
	// LostBy is the rep who owned the account when the customer left (at launch): the report
	// credits the loss to them, whoever owns the campaign when it closes.
	LostBy string `json:"lostBy"`
	// The decision, once made.
	Pursue    *bool  `json:"pursue,omitempty"`
	DecidedBy string `json:"decidedBy,omitempty"` // a manager, or "policy"
	Offer     string `json:"offer,omitempty"`
	Rationale string `json:"rationale,omitempty"`
	// OptedOut lists the channels closed to the campaign.
	OptedOut []string `json:"optedOut,omitempty"`
	// Offers are the offers the campaign made and what became of them, for the report.
	Offers []OfferRecord `json:"offers,omitempty"`
	// Holdout: the customer was held out of the campaign (no message, no task), to measure the
	// lift the campaigns cause.
	Holdout bool `json:"holdout,omitempty"`
	// FootInDoorValue is the value of the smaller project the customer took (outcome foot_in_door).
	FootInDoorValue float64 `json:"footInDoorValue,omitempty"`
	// Revenue is what billing says the return is worth a year, in RevenueCurrency (0: billing
	// did not see the return).
	Revenue         float64 `json:"revenue,omitempty"`
	RevenueCurrency string  `json:"revenueCurrency,omitempty"`
	// Tasks are every task the campaign opened, open or not.
	Tasks []TaskRecord `json:"tasks"`
}

// TaskRecord is one task of a CampaignRecord, as a task list shows it.
type TaskRecord struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Assignee    string    `json:"assignee"`
	Created     time.Time `json:"created"`
	Due         time.Time `json:"due"`
	Status      string    `json:"status"` // open, done, expired, cancelled
	CompletedBy string    `json:"completedBy,omitempty"`
	Completed   time.Time `json:"completed,omitempty"`

	// Escalated is set once the task was escalated to the manager: the inbox marks it so.
	Escalated bool `json:"escalated,omitempty"`
}

// OfferRecord is one offer of a CampaignRecord.
type OfferRecord struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"` // open, accepted, fulfilled, declined, expired, withdrawn
	Value     float64   `json:"value,omitempty"`
	Made      time.Time `json:"made"`
	Answered  time.Time `json:"answered,omitempty"`
	Fulfilled time.Time `json:"fulfilled,omitempty"`
}

// HistoryRequest asks for a customer's earlier campaigns, for the decision's guardrails.
type HistoryRequest struct {
	CustomerID string `json:"customerId"`
	// CampaignID is the asking campaign's, left out of the answer.
	CampaignID string `json:"campaignId"`
	// Since bounds how far back "bought back" counts.
	Since time.Time `json:"since"`
}

// HistoryResult is what the store knows of a customer's earlier campaigns.
type HistoryResult struct {
	// Campaigns counts the customer's earlier campaigns, any time.
	Campaigns int `json:"campaigns"`
	// WonBackWithIncentive counts those since Since that won the customer back with an
	// incentive offer accepted: "bought back twice in 12 months" (seed 002).
	WonBackWithIncentive int `json:"wonBackWithIncentive"`
}

// CouponRequest asks billing for a coupon and a promotion code for an incentive: an amount off
// the next invoice, redeemable once, by the customer only, until the offer's last day.
type CouponRequest struct {
	// Key makes the request idempotent: workflow ID, first run ID and offer ID.
	Key        string  `json:"key"`
	WorkflowID string  `json:"workflowId"`
	OfferID    string  `json:"offerId"`
	CustomerID string  `json:"customerId"`      // the billing customer
	Currency   string  `json:"currency"`        // ISO 4217, lower case
	AmountOff  float64 `json:"amountOff"`       // in currency units (12.50), not cents
	Until      string  `json:"until,omitempty"` // YYYY-MM-DD, UTC: the last day it can be redeemed
	Name       string  `json:"name"`            // the offer's terms, shown on the invoice
}

// CouponResult is what billing made.
type CouponResult struct {
	Coupon          string `json:"coupon"`          // the coupon's ID
	PromotionCodeID string `json:"promotionCodeId"` // "promo_..."
	PromotionCode   string `json:"promotionCode"`   // what the customer types: "COMEBACK-7Q2X"
}
