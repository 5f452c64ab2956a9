package billing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/launch"
	"github.com/winback/winback/workflows"
)

// Provider names Stripe in a campaign's Billing.
const Provider = "stripe"

// ReasonOf maps the feedback a customer picked when cancelling in Stripe
// (cancellation_details.feedback) to our departure reason:
//
//	too_expensive, switched_service    competitor_price   (price, or a cheaper rival)
//	unused                             no_longer_needed
//	customer_service, low_quality      let_down
//	missing_features, too_complex      bad_fit
//	other, none, or a value Stripe adds later   other
//
// missing_features could also mean they outgrew us; bad_fit is the reading that sends the rep
// to ask, and the exit interview records the stated reason either way.
func ReasonOf(feedback string) workflows.Reason {
	switch stripe.SubscriptionCancellationDetailsFeedback(feedback) {
	case stripe.SubscriptionCancellationDetailsFeedbackTooExpensive, stripe.SubscriptionCancellationDetailsFeedbackSwitchedService:
		return workflows.ReasonCompetitorPrice
	case stripe.SubscriptionCancellationDetailsFeedbackUnused:
		return workflows.ReasonNoLongerNeeded
	case stripe.SubscriptionCancellationDetailsFeedbackCustomerService, stripe.SubscriptionCancellationDetailsFeedbackLowQuality:
		return workflows.ReasonLetDown
	case stripe.SubscriptionCancellationDetailsFeedbackMissingFeatures, stripe.SubscriptionCancellationDetailsFeedbackTooComplex:
		return workflows.ReasonBadFit
	}
	return workflows.ReasonOther
}

// The customer metadata keys Row reads (set them in Stripe, by hand or from the CRM).
const (
	MetaCustomerID = "winback_customer_id" // our customer ID, when it is not Stripe's
	MetaCompany    = "company"
	MetaSegment    = "segment"
	MetaTimeZone   = "timezone" // IANA
	MetaRep        = "rep"
	MetaManager    = "manager"
)

// CampaignID is the customer ID their campaign goes by (its workflow ID is made of it): their
// winback_customer_id metadata when set (the CRM's ID), else their Stripe ID. A launch and a
// return both ask it, so a return finds the campaign its cancellation launched.
func (c Customer) CampaignID() string {
	return firstNonEmpty(strings.TrimSpace(c.Metadata[MetaCustomerID]), c.ID)
}

// Row turns a cancellation into the customer row a CSV launch checks, so that
// launch.Validator.Check reports its problems exactly as for a file: a customer with no email
// is a problem row, reported, not lost. The rep is the customer's rep metadata, else the
// rep of their segment (cfg.RepBySegment), else cfg.DefaultRep; the time zone is their
// timezone metadata, else cfg.TimeZone, else UTC. A scheduled cancellation departs on the day
// of the launch (the day it was scheduled); an ended one on the day it ended, in the
// customer's zone.
func (c Cancellation) Row(cfg Config) launch.CustomerRow {
	meta := func(key string) string { return strings.TrimSpace(c.Customer.Metadata[key]) }
	row := launch.CustomerRow{
		CustomerID: c.Customer.CampaignID(),
		Name:       strings.TrimSpace(c.Customer.Name),
		Company:    meta(MetaCompany),
		Email:      strings.TrimSpace(c.Customer.Email),
		Phone:      strings.TrimSpace(c.Customer.Phone),
		TimeZone:   firstNonEmpty(meta(MetaTimeZone), cfg.TimeZone, "UTC"),
		Segment:    meta(MetaSegment),
		Reason:     string(ReasonOf(c.Feedback)),
		Notes:      c.notes(),
		Manager:    meta(MetaManager),
	}
	row.Rep = firstNonEmpty(meta(MetaRep), cfg.RepBySegment[strings.ToLower(row.Segment)], cfg.DefaultRep)
	if c.Currency != "" {
		row.AccountValue = strconv.FormatFloat(c.AnnualValue, 'f', -1, 64)
	}
	if !c.Scheduled && !c.At.IsZero() {
		zone, err := time.LoadLocation(row.TimeZone)
		if err != nil || row.TimeZone == "Local" {
			zone = time.UTC // the Validator reports the zone
		}
		row.Departed = c.At.In(zone).Format(time.DateOnly)
	}
	return row
}

// maxComment keeps the notes within what a launch accepts (2000 characters), however much the
// customer wrote.
const maxComment = 1500

// notes say where the campaign came from, and keep the customer's own words.
func (c Cancellation) notes() string {
	var b strings.Builder
	if c.Scheduled {
		fmt.Fprintf(&b, "Cancellation scheduled in Stripe for %s (subscription %s", c.At.Format(time.DateOnly), c.SubscriptionID)
	} else {
		fmt.Fprintf(&b, "Cancelled in Stripe (subscription %s", c.SubscriptionID)
	}
	if c.Currency != "" {
		fmt.Fprintf(&b, ", %s %s a year", strconv.FormatFloat(c.AnnualValue, 'f', -1, 64), strings.ToUpper(c.Currency))
	}
	if c.Feedback != "" {
		fmt.Fprintf(&b, ", feedback %s", c.Feedback)
	}
	b.WriteString(")")
	if comment := strings.TrimSpace(c.Comment); comment != "" {
		if r := []rune(comment); len(r) > maxComment {
			comment = string(r[:maxComment]) + "…"
		}
		fmt.Fprintf(&b, ". They wrote: %q", comment)
	}
	return b.String()
}

// Billing is the campaign's tie to the subscription (workflows.CampaignInput.Billing): a
// return ends the campaign, and an incentive becomes a coupon in this currency.
func (c Cancellation) Billing() *workflows.Billing {
	return &workflows.Billing{
		Provider: Provider, CustomerID: c.Customer.ID, SubscriptionID: c.SubscriptionID,
		PriceID: c.PriceID, Quantity: c.Quantity, Currency: c.Currency, Scheduled: c.Scheduled,
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
