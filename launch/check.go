package launch

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// maxFieldLength bounds every value: they travel in the workflow input and its history.
const maxFieldLength = 2000

// maxCustomerIDLength bounds a customer ID, which becomes a workflow ID and a search attribute.
const maxCustomerIDLength = 100

// Validator checks customer rows and builds the campaign input of each good one. It is pure:
// the clock, the team and the playbook are given, so tests pin them.
type Validator struct {
	// Region is the default region (ISO 3166, e.g. "US") for phone numbers written without
	// their +country code.
	Region string
	// Now is the time of the launch: departures may not be after its day.
	Now time.Time
	// Owners resolves a rep and an optional manager to the account's owners (config
	// Team.Owners); nil skips the check.
	Owners func(rep, manager string) (workflows.Owners, error)
	// Playbook is the playbook every campaign starts with.
	Playbook workflows.Playbook
	// SMS checks the length of the check-in text message of each customer with a phone; nil
	// skips the check (the playbook sends no text message). NewSMSCheck makes it.
	SMS *activities.SMSFit
	// Holdout picks the customers held out of their campaign (NewHoldout), and its Percent
	// replaces the playbook's in each input, so a campaign keeps the share it was drawn with.
	// Nil holds out nobody and leaves the playbook as it is.
	Holdout *Holdout
}

// Launch is a row that passed validation, with the input its campaign starts with.
type Launch struct {
	Row   int                     `json:"row,omitempty"`
	Input workflows.CampaignInput `json:"input"`
}

// CheckFile validates every row of a file and refuses customer IDs that appear more than once
// (which row is right is the file owner's call). It returns the rows ready to launch and every
// problem, the file's reading problems included, ordered by row.
func (v Validator) CheckFile(f *CSVFile) ([]Launch, []Problem) {
	problems := slices.Clone(f.Problems)
	rowsByID := map[string][]int{}
	for _, r := range f.Rows {
		if r.CustomerID != "" {
			rowsByID[r.CustomerID] = append(rowsByID[r.CustomerID], r.Row)
		}
	}
	var ready []Launch
	for _, r := range f.Rows {
		in, rowProblems := v.Check(r)
		if rows := rowsByID[r.CustomerID]; len(rows) > 1 {
			rowProblems = append([]Problem{{Row: r.Row, Column: "customer_id",
				Message: fmt.Sprintf("%q appears on rows %s; keep one row per customer", r.CustomerID, joinInts(rows))}}, rowProblems...)
		}
		if len(rowProblems) > 0 {
			problems = append(problems, rowProblems...)
			continue
		}
		ready = append(ready, Launch{Row: r.Row, Input: in})
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Row, b.Row) })
	return ready, problems
}

// Check validates one customer and builds its campaign input. It reports every problem of the
// row, in column order, not just the first.
func (v Validator) Check(r CustomerRow) (workflows.CampaignInput, []Problem) {
	var problems []Problem
	bad := func(column, format string, args ...any) {
		problems = append(problems, Problem{Row: r.Row, Column: column, Message: fmt.Sprintf(format, args...)})
	}

	// ok marks the readable values: valid UTF-8, not too long, and present when required.
	// A value that is not readable is reported once and not checked further.
	ok := map[string]bool{}
	for _, c := range Columns {
		value := *r.Field(c.Name)
		switch {
		case !utf8.ValidString(value):
			bad(c.Name, "is not valid UTF-8; save the file as CSV UTF-8")
		case utf8.RuneCountInString(value) > maxFieldLength:
			bad(c.Name, "is %d characters long; keep it under %d", utf8.RuneCountInString(value), maxFieldLength)
		case value == "" && c.Required:
			bad(c.Name, "is required (%s)", c.Help)
		default:
			ok[c.Name] = true
		}
	}

	in := workflows.CampaignInput{
		Customer: workflows.Customer{ID: r.CustomerID, Name: r.Name, Company: r.Company,
			Email: r.Email, TimeZone: r.TimeZone, Segment: r.Segment},
		Departure: workflows.Departure{Competitor: r.Competitor, CompetitorOffer: r.CompetitorOffer,
			Notes: r.Notes},
		Playbook: v.Playbook,
	}
	if v.Holdout != nil {
		in.Playbook.HoldoutPercent = v.Holdout.Percent
		in.Holdout = v.Holdout.HeldOut(r.CustomerID)
	}
	if ok["customer_id"] {
		if err := CheckCustomerID(r.CustomerID); err != nil {
			bad("customer_id", "%v", err)
		}
	}
	if ok["email"] {
		if err := contact.CheckEmail(r.Email); err != nil {
			bad("email", "%v", err)
		}
	}
	if ok["phone"] && r.Phone != "" {
		phone, err := contact.NormalisePhone(r.Phone, v.Region)
		if err != nil {
			bad("phone", "%v", err)
		}
		in.Customer.Phone = phone
	}
	zone := time.UTC // for the departure check when the zone itself is wrong
	if ok["timezone"] {
		loc, err := loadZone(r.TimeZone)
		if err != nil {
			bad("timezone", "%v", err)
		} else {
			zone = loc
		}
	}
	if ok["account_value"] {
		value, err := parseAccountValue(r.AccountValue)
		if err != nil {
			bad("account_value", "%v", err)
		}
		in.Customer.AccountValue = value
	}
	if ok["departed"] {
		date, err := parseDeparted(r.Departed, zone, v.Now)
		if err != nil {
			bad("departed", "%v", err)
		}
		in.Departure.Date = date
	}
	if ok["reason"] && r.Reason != "" {
		reason, err := parseReason(r.Reason)
		if err != nil {
			bad("reason", "%v", err)
		}
		in.Departure.StatedReason = reason
	}
	ownersOK := ok["rep"] && ok["manager"]
	if ownersOK && v.Owners != nil {
		owners, err := v.Owners(r.Rep, r.Manager)
		if err != nil {
			// Team.Owners names the person it could not resolve; point at that column.
			column := "rep"
			if strings.Contains(err.Error(), "manager") {
				column = "manager"
			}
			bad(column, "%v", err)
			ownersOK = false
		}
		in.Owners = owners
	}
	// The text message needs a phone to go to, and the name, company and rep it is made of.
	if v.SMS != nil && in.Customer.Phone != "" && ok["name"] && ok["company"] && ownersOK {
		if long := v.SMS.Check(checkInData(in, r.Rep)); long != nil {
			problems = append(problems, Problem{Row: r.Row, Column: long.Part, Message: long.Message})
		}
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(columnIndex(a.Column), columnIndex(b.Column)) })
	return in, problems
}

// columnIndex is the place of a column in the documented order.
func columnIndex(name string) int {
	return slices.IndexFunc(Columns, func(c Column) bool { return c.Name == name })
}

// CheckCustomerID accepts IDs that are safe as a workflow ID, a search attribute value and in
// a visibility query: no spaces, quotes, backslashes or control characters.
func CheckCustomerID(id string) error {
	if n := utf8.RuneCountInString(id); n > maxCustomerIDLength {
		return fmt.Errorf("%q is %d characters long; customer IDs are at most %d", id, n, maxCustomerIDLength)
	}
	if i := strings.IndexFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\'' || r == '"' || r == '\\' || r == '`'
	}); i >= 0 {
		return fmt.Errorf("%q has %q in it; customer IDs may not hold spaces, quotes or backslashes", id, []rune(id[i:])[0])
	}
	return nil
}

// loadZone accepts an IANA time zone name ("America/New_York", "UTC").
func loadZone(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, errors.New(`"Local" is not a time zone; use an IANA name such as America/New_York`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone; use a name such as America/New_York or Europe/Paris", name)
	}
	return loc, nil
}

// parseAccountValue accepts a plain non-negative number: "12000", "12000.50".
func parseAccountValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number; write digits with an optional decimal point, like 12000.50", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%q is negative; an account value is 0 or more", s)
	}
	return v, nil
}

// parseDeparted reads the departure day (YYYY-MM-DD, midnight in the customer's zone); empty
// means today. The day may not be in the future. Any past day is fine: check-ins and expiry
// count from the launch, so importing old churn does not skip the schedule.
func parseDeparted(s string, loc *time.Location, now time.Time) (time.Time, error) {
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if s == "" {
		return today, nil
	}
	date, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date; write it as YYYY-MM-DD, e.g. %s", s, today.Format(time.DateOnly))
	}
	if date.After(today) {
		return time.Time{}, fmt.Errorf("%q is in the future (today is %s in %s)", s, today.Format(time.DateOnly), loc)
	}
	return date, nil
}

// parseReason reads a departure reason; "Competitor Price" is read as competitor_price.
func parseReason(s string) (workflows.Reason, error) {
	r := workflows.Reason(normaliseColumn(s))
	if !slices.Contains(workflows.Reasons, r) {
		return "", fmt.Errorf("%q is not a reason; use one of %s", s, joinReasons())
	}
	return r, nil
}

// joinReasons lists the valid departure reasons.
func joinReasons() string { return joinValues(workflows.Reasons) }

// joinValues lists enum values for messages and help: "a, b, c".
func joinValues[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// joinInts lists numbers: "3, 7".
func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// BadRows returns the distinct rows that have problems, in order.
func BadRows(problems []Problem) []int {
	rows := make([]int, len(problems))
	for i, p := range problems {
		rows[i] = p.Row
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// NewSMSCheck returns the text-message length check for a launch (activities.SMSFit, with the
// worker's templates and sender name), or nil when the playbook sends no text message (then
// the length of one does not matter).
func NewSMSCheck(templatesDir, ourCompany string, pb workflows.Playbook) (*activities.SMSFit, error) {
	texts := func(c workflows.CheckIn) bool { return c.Channel == workflows.ChannelSMS }
	if !slices.ContainsFunc(pb.CheckIns, texts) && !slices.ContainsFunc(pb.StayInTouch, texts) {
		return nil, nil
	}
	return activities.NewSMSFit(templatesDir, ourCompany)
}

// checkInData is what the check-in text of a campaign is made of: the customer, and its rep
// (named in the team file, or by the ID repID without one).
func checkInData(in workflows.CampaignInput, repID string) activities.MessageData {
	rep := cmp.Or(in.Owners.Rep.Name, in.Owners.Rep.ID, repID)
	return activities.MessageData{
		CustomerName: in.Customer.Name, Company: in.Customer.Company, RepName: rep, RepEmail: in.Owners.Rep.Email,
		Reason: string(in.Departure.StatedReason), Competitor: in.Departure.Competitor,
		// The last check-in has the longest number, should a template show it.
		CheckInNumber: max(1, len(in.Playbook.CheckIns)),
	}
}
