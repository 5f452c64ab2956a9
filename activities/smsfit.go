package activities

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSMSSegments is the most SMS segments a campaign's text message may take: more costs more,
// and some phones show a long one as several texts.
const MaxSMSSegments = 2

// smsTemplate is the text message a campaign sends: its check-ins.
const smsTemplate = "check_in"

// SMSFit renders a customer's check-in text message as SendSMS will send it, and says, when it
// would take more than MaxSMSSegments segments, which part of it to change and how. It checks
// both forms of the message: the plain check-in, and the one that carries an open offer's
// link (for every kind of offer). The launcher asks it for every customer with a phone.
type SMSFit struct {
	// TemplatesDir is the worker's WINBACK_TEMPLATES_DIR ("" for the embedded templates).
	TemplatesDir string
	// OurCompany is the name the messages are signed with (WINBACK_FROM_NAME), as the worker
	// fills it in.
	OurCompany string
	// PublicURL is the worker's WINBACK_PUBLIC_URL, which starts an offer's link; when empty,
	// a 40-character one stands in for it. The link's token is sized for a customer ID of
	// sampleCustomerIDLength characters (the check does not know the customer's).
	PublicURL string
}

// sampleCustomerIDLength is the customer ID an offer link is sized for when SMSFit checks a
// text: a CRM's 18-character ID and then some.
const sampleCustomerIDLength = 24

// samplePublicURL stands in for SMSFit.PublicURL when it is empty: 40 characters.
const samplePublicURL = "https://winback.customer-service.example"

// offerKinds are the offers a text's link may carry (workflows.Offers, less stay-in-touch).
var offerKinds = []string{"apology", "beat_offer", "value_numbers", "incentive", "foot_in_door", "different_product"}

// The parts of a text message that SMSFit may blame, as SMSTooLong.Part says them.
const (
	SMSPartName    = "name"    // the customer's name
	SMSPartCompany = "company" // the customer's company
	SMSPartRep     = "rep"     // the rep's name (from the team file)
)

// SMSTooLong is a text message that does not fit, and what to do about it.
type SMSTooLong struct {
	// Part is what to change (SMSPartName...), or "" when no part of the customer's data is to
	// blame (the template or the sender's name is).
	Part    string
	Message string
}

// NewSMSFit returns the rule for a templates folder. It renders the template once with sample
// data, so a broken template folder is one error, not one per customer.
func NewSMSFit(templatesDir, ourCompany string) (*SMSFit, error) {
	if _, err := RenderSMS(templatesDir, smsTemplate, MessageData{CustomerName: "Ann", RepName: "Bob"}); err != nil {
		return nil, fmt.Errorf("cannot check the length of text messages (WINBACK_TEMPLATES_DIR): %w", err)
	}
	return &SMSFit{TemplatesDir: templatesDir, OurCompany: ourCompany}, nil
}

// Check renders the check-in text message for d (OurCompany is the rule's) and returns nil
// when it fits. Otherwise it names the part to change: the name or the company, whichever
// shortens the message most when left out (the rep's name, when it is to blame), and says how.
func (s SMSFit) Check(d MessageData) *SMSTooLong {
	d.OurCompany = s.OurCompany
	segments := s.segments(d)
	if segments <= MaxSMSSegments {
		return s.checkOffer(d)
	}

	name, company, rep := smsField{SMSPartName, d.CustomerName}, smsField{SMSPartCompany, d.Company}, smsField{SMSPartRep, d.RepName}
	culprit, left := name, s.segments(s.with(d, name, ""))
	if n := s.segments(s.with(d, company, "")); n < left || (n == left && utf8.RuneCountInString(company.value) > utf8.RuneCountInString(name.value)) {
		culprit, left = company, n
	}
	if left > MaxSMSSegments && s.segments(s.with(s.with(d, name, ""), company, "")) > MaxSMSSegments {
		// Not the row's name and company, even together: the rep's name from the team file?
		if s.segments(s.with(d, rep, "")) > MaxSMSSegments {
			return &SMSTooLong{Message: fmt.Sprintf("the check-in text message takes %d SMS segments, more than %d, "+
				"whatever the row says: shorten the %s SMS template or WINBACK_FROM_NAME", segments, MaxSMSSegments, smsTemplate)}
		}
		culprit = rep
	}

	value := culprit.value
	what := map[string]string{SMSPartName: "the name", SMSPartCompany: "the company", SMSPartRep: "the rep's name (in the team file)"}[culprit.column]
	msg := fmt.Sprintf("%q makes the check-in text message %d SMS segments long, more than %d", value, segments, MaxSMSSegments)
	var fixes []string
	// One character outside the SMS alphabet makes the whole text Unicode: 70 characters a
	// segment instead of 160. Say so when spelling the value without them is enough.
	if odd := nonGSM(value); len(odd) > 0 && len(nonGSM(d.CustomerName+d.Company+d.RepName+d.OurCompany)) == len(odd) {
		plain := strings.Map(func(r rune) rune {
			if slices.Contains(odd, r) {
				return 'x'
			}
			return r
		}, value)
		if s.segments(s.with(d, culprit, plain)) <= MaxSMSSegments {
			msg += fmt.Sprintf(": %s %s not in the SMS alphabet (GSM-7), so the whole text goes as Unicode, 70 characters a segment",
				quoteRunes(odd), map[bool]string{true: "is", false: "are"}[len(odd) == 1])
			fixes = append(fixes, fmt.Sprintf("spell %s without %s", what, map[bool]string{true: "it", false: "them"}[len(odd) == 1]))
		}
	}
	if cut := s.cutNeeded(d, culprit); cut > 0 {
		fixes = append(fixes, fmt.Sprintf("shorten %s by %d characters", what, cut))
	}
	if len(fixes) == 0 {
		fixes = append(fixes, "shorten the name and the company")
	}
	return &SMSTooLong{Part: culprit.column, Message: msg + "; " + strings.Join(fixes, ", or ")}
}

// checkOffer checks the check-in text that carries an offer's link, for every kind of offer.
// The embedded template leaves the customer's name and company out of it, so only the rep's
// name (or the template, or our name) can make it too long.
func (s SMSFit) checkOffer(d MessageData) *SMSTooLong {
	segments := s.offerSegments(d)
	if segments <= MaxSMSSegments {
		return nil
	}
	if s.offerSegments(s.with(d, smsField{SMSPartRep, d.RepName}, "")) <= MaxSMSSegments {
		return &SMSTooLong{Part: SMSPartRep, Message: fmt.Sprintf("the rep's name %q makes the check-in text message that carries an offer's link %d SMS segments long, more than %d; shorten the rep's name (in the team file)",
			d.RepName, segments, MaxSMSSegments)}
	}
	if d.CustomerName != "" && s.offerSegments(s.with(s.with(d, smsField{SMSPartName, ""}, ""), smsField{SMSPartCompany, ""}, "")) <= MaxSMSSegments {
		// An overriding template names the customer in it: as with the plain text, blame them.
		culprit := smsField{SMSPartName, d.CustomerName}
		if utf8.RuneCountInString(d.Company) > utf8.RuneCountInString(d.CustomerName) {
			culprit = smsField{SMSPartCompany, d.Company}
		}
		return &SMSTooLong{Part: culprit.column, Message: fmt.Sprintf("%q makes the check-in text message that carries an offer's link %d SMS segments long, more than %d; shorten it",
			culprit.value, segments, MaxSMSSegments)}
	}
	return &SMSTooLong{Message: fmt.Sprintf("the check-in text message that carries an offer's link takes %d SMS segments, more than %d, "+
		"whatever the row says: shorten the %s SMS template, WINBACK_FROM_NAME or WINBACK_PUBLIC_URL", segments, MaxSMSSegments, smsTemplate)}
}

// offerSegments is the most segments the check-in text takes when it carries an offer's link,
// over every kind of offer (0 when it does not render: NewSMSFit proved the template does).
func (s SMSFit) offerSegments(d MessageData) int {
	ts, err := templatesOf(s.TemplatesDir)
	if err != nil {
		return 0
	}
	publicURL := cmp.Or(strings.TrimRight(s.PublicURL, "/"), samplePublicURL)
	link, _ := offerURL(publicURL, PreviewSecret, "winback:"+strings.Repeat("x", sampleCustomerIDLength),
		MessageData{OfferID: "offer-99", Offer: "incentive"}, time.Now())
	most := 0
	for _, kind := range offerKinds {
		d.Offer, d.OfferID, d.OfferUntil = kind, "offer-99", "2027-09-30" // the longest month's name
		body, err := ts.renderSMS(smsTemplate, view{MessageData: d, OfferURL: link})
		if err != nil {
			return 0
		}
		most = max(most, SMSSegments(body))
	}
	return most
}

// smsField is a value of a text message's data, and the part (SMSPart...) it is.
type smsField struct{ column, value string }

// with returns a copy of d with the field of f set to v.
func (s SMSFit) with(d MessageData, f smsField, v string) MessageData {
	switch f.column {
	case "name":
		d.CustomerName = v
	case "company":
		d.Company = v
	case "rep":
		d.RepName = v
	}
	return d
}

// segments renders the text message for d and counts its segments; a message that does not
// render counts as fitting (newSMSCheck already proved the template renders).
func (s SMSFit) segments(d MessageData) int {
	body, err := RenderSMS(s.TemplatesDir, smsTemplate, d)
	if err != nil {
		return 0
	}
	return SMSSegments(body)
}

// cutNeeded is how many characters must come off the end of field f for the message to fit,
// or 0 when cutting it alone is not enough. Cutting more never lengthens the message, so a
// binary search finds the fewest (a 2,000-character value takes 11 renders, not 2,000).
func (s SMSFit) cutNeeded(d MessageData, f smsField) int {
	runes := []rune(f.value)
	fits := func(cut int) bool {
		return s.segments(s.with(d, f, strings.TrimSpace(string(runes[:len(runes)-cut])))) <= MaxSMSSegments
	}
	if !fits(len(runes)) {
		return 0
	}
	return sort.Search(len(runes), fits)
}

// nonGSM lists the distinct characters of s outside the GSM-7 alphabet, in order.
func nonGSM(s string) []rune {
	var odd []rune
	for _, r := range s {
		// 71 characters fit in one GSM-7 segment (160), not in one Unicode segment (70).
		if !slices.Contains(odd, r) && SMSSegments(string(r)+strings.Repeat("a", 70)) > 1 {
			odd = append(odd, r)
		}
	}
	return odd
}

// quoteRunes lists characters for a message: `"á"`, `"á" and "ł"`.
func quoteRunes(rs []rune) string {
	q := make([]string, len(rs))
	for i, r := range rs {
		q[i] = fmt.Sprintf("%q", string(r))
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
