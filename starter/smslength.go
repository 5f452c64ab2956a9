package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/workflows"
)

// maxSMSSegments is the most SMS segments a campaign's text message may take (issue 5): more
// costs more, and some phones show a long one as several texts.
const maxSMSSegments = 2

// smsTemplate is the text message a campaign sends: its check-ins.
const smsTemplate = "check_in"

// SMSCheck renders each customer's check-in text message at launch, as the worker will send
// it, and refuses a row whose message would take more than maxSMSSegments segments.
type SMSCheck struct {
	// TemplatesDir is the worker's WINBACK_TEMPLATES_DIR ("" for the embedded templates).
	TemplatesDir string
	// OurCompany is the name the messages are signed with (WINBACK_FROM_NAME), as the worker
	// fills it in.
	OurCompany string
}

// newSMSCheck returns the check for a launch, or nil when the playbook sends no text message
// (then the length of one does not matter). It renders the template once with sample data,
// so a broken template folder is one error, not one per row.
func newSMSCheck(templatesDir, ourCompany string, pb workflows.Playbook) (*SMSCheck, error) {
	texts := func(c workflows.CheckIn) bool { return c.Channel == workflows.ChannelSMS }
	if !slices.ContainsFunc(pb.CheckIns, texts) && !slices.ContainsFunc(pb.StayInTouch, texts) {
		return nil, nil
	}
	s := &SMSCheck{TemplatesDir: templatesDir, OurCompany: ourCompany}
	if _, err := activities.RenderSMS(templatesDir, smsTemplate, activities.MessageData{CustomerName: "Ann", RepName: "Bob"}); err != nil {
		return nil, fmt.Errorf("cannot check the length of text messages (WINBACK_TEMPLATES_DIR): %w", err)
	}
	return s, nil
}

// check renders the check-in text message of a customer (its rep named in the team file, or
// by the ID repID without one) and returns the problem if it is too long. The problem names
// the column to change: name or company, whichever shortens the message most when left out
// (rep, when it is the rep's name from the team file), and says how.
func (s SMSCheck) check(row int, in workflows.CampaignInput, repID string) *Problem {
	d := activities.MessageData{
		CustomerName: in.Customer.Name, Company: in.Customer.Company,
		RepName: orDefault(in.Owners.Rep.Name, orDefault(in.Owners.Rep.ID, repID)), RepEmail: in.Owners.Rep.Email,
		Reason: string(in.Departure.StatedReason), Competitor: in.Departure.Competitor,
		// The last check-in has the longest number, should a template show it.
		CheckInNumber: max(1, len(in.Playbook.CheckIns)),
		OurCompany:    s.OurCompany,
	}
	segments := s.segments(d)
	if segments <= maxSMSSegments {
		return nil
	}

	name, company, rep := smsField{"name", d.CustomerName}, smsField{"company", d.Company}, smsField{"rep", d.RepName}
	culprit, left := name, s.segments(s.with(d, name, ""))
	if n := s.segments(s.with(d, company, "")); n < left || (n == left && utf8.RuneCountInString(company.value) > utf8.RuneCountInString(name.value)) {
		culprit, left = company, n
	}
	if left > maxSMSSegments && s.segments(s.with(s.with(d, name, ""), company, "")) > maxSMSSegments {
		// Not the row's name and company, even together: the rep's name from the team file?
		if s.segments(s.with(d, rep, "")) > maxSMSSegments {
			return &Problem{Row: row, Message: fmt.Sprintf("the check-in text message takes %d SMS segments, more than %d, "+
				"whatever the row says: shorten the %s SMS template or WINBACK_FROM_NAME", segments, maxSMSSegments, smsTemplate)}
		}
		culprit = rep
	}

	value := culprit.value
	what := map[string]string{"name": "the name", "company": "the company", "rep": "the rep's name (in the team file)"}[culprit.column]
	msg := fmt.Sprintf("%q makes the check-in text message %d SMS segments long, more than %d", value, segments, maxSMSSegments)
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
		if s.segments(s.with(d, culprit, plain)) <= maxSMSSegments {
			msg += fmt.Sprintf(": %s %s not in the SMS alphabet (GSM-7), so the whole text goes as Unicode, 70 characters a segment",
				quoteRunes(odd), pickWord(len(odd), "is", "are"))
			fixes = append(fixes, fmt.Sprintf("spell %s without %s", what, pickWord(len(odd), "it", "them")))
		}
	}
	if cut := s.cutNeeded(d, culprit); cut > 0 {
		fixes = append(fixes, fmt.Sprintf("shorten %s by %d characters", what, cut))
	}
	if len(fixes) == 0 {
		fixes = append(fixes, "shorten the name and the company")
	}
	return &Problem{Row: row, Column: culprit.column, Message: msg + "; " + strings.Join(fixes, ", or ")}
}

// smsField is a value of a text message's data, and the column it comes from.
type smsField struct{ column, value string }

// with returns a copy of d with the field of f set to v.
func (s SMSCheck) with(d activities.MessageData, f smsField, v string) activities.MessageData {
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
func (s SMSCheck) segments(d activities.MessageData) int {
	body, err := activities.RenderSMS(s.TemplatesDir, smsTemplate, d)
	if err != nil {
		return 0
	}
	return activities.SMSSegments(body)
}

// cutNeeded is how many characters must come off the end of field f for the message to fit,
// or 0 when cutting it alone is not enough. Cutting more never lengthens the message, so a
// binary search finds the fewest (a 2,000-character value takes 11 renders, not 2,000).
func (s SMSCheck) cutNeeded(d activities.MessageData, f smsField) int {
	runes := []rune(f.value)
	fits := func(cut int) bool {
		return s.segments(s.with(d, f, strings.TrimSpace(string(runes[:len(runes)-cut])))) <= maxSMSSegments
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
		if !slices.Contains(odd, r) && activities.SMSSegments(string(r)+strings.Repeat("a", 70)) > 1 {
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
