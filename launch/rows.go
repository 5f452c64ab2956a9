// Package launch is how customers become campaigns: a CSV file (or one customer's flags) read
// into rows, each row checked and turned into the campaign's input (Validator), then started
// through the campaigns client, a few at a time and safe to rerun (StartAll). The CLI's launch
// command prints what it does; this package decides.
package launch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Column is one field of a customer: a CSV column and, with dashes for underscores
// (FlagName), a launch flag.
type Column struct {
	Name     string
	Required bool
	Help     string
}

// Columns are the customer CSV columns, in the documented order (a file may use any order).
var Columns = []Column{
	{"customer_id", true, "the customer's ID in the CRM; the campaign's workflow ID is winback:<id>"},
	{"name", true, "the contact's name"},
	{"company", false, "the customer's company"},
	{"email", true, "the contact's email, a bare address (jane@example.com)"},
	{"phone", false, "the contact's mobile, E.164 (+14155550123) or national for --default-region"},
	{"timezone", true, "the customer's IANA time zone (America/New_York), for quiet hours"},
	{"account_value", true, "what the account was worth, a non-negative number (12000.50)"},
	{"segment", false, "the customer segment (smb, mid-market, enterprise...)"},
	{"departed", false, "the day they left, YYYY-MM-DD, not in the future (default today)"},
	{"reason", false, "the stated reason: " + joinReasons()},
	{"competitor", false, "who they left for"},
	{"competitor_offer", false, "what the competitor offered"},
	{"notes", false, "anything else the account team should know"},
	{"rep", true, "the rep who owns the account (a team member ID)"},
	{"manager", false, "the rep's manager (default: the rep's manager in the team config)"},
}

// ColumnNames lists every column name, in the documented order.
func ColumnNames() []string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return names
}

// FlagName is the launch flag of a column: customer_id is --customer-id.
func FlagName(column string) string { return strings.ReplaceAll(column, "_", "-") }

// CustomerRow is one customer as given, before validation: every value is the trimmed text of
// its column (or flag).
type CustomerRow struct {
	// Row is the line of the file where the row starts (the header is row 1), as a text editor
	// and, without multi-line cells, a spreadsheet number it. Zero for a launch by flags.
	Row int

	CustomerID, Name, Company, Email, Phone, TimeZone, AccountValue, Segment string
	Departed, Reason, Competitor, CompetitorOffer, Notes, Rep, Manager       string
}

// Field returns the value of the named column, or nil for an unknown name.
func (r *CustomerRow) Field(name string) *string {
	switch name {
	case "customer_id":
		return &r.CustomerID
	case "name":
		return &r.Name
	case "company":
		return &r.Company
	case "email":
		return &r.Email
	case "phone":
		return &r.Phone
	case "timezone":
		return &r.TimeZone
	case "account_value":
		return &r.AccountValue
	case "segment":
		return &r.Segment
	case "departed":
		return &r.Departed
	case "reason":
		return &r.Reason
	case "competitor":
		return &r.Competitor
	case "competitor_offer":
		return &r.CompetitorOffer
	case "notes":
		return &r.Notes
	case "rep":
		return &r.Rep
	case "manager":
		return &r.Manager
	}
	return nil
}

// Problem is one thing wrong with a row (or a launch flag), worded for the person fixing it.
type Problem struct {
	Row int `json:"row,omitempty"` // 0 for a launch by flags
	// Source says where the row came from when it is not a line of a file: "Stripe
	// subscription sub_1 of customer cus_1" (the backfill numbers its rows as listed).
	Source  string `json:"source,omitempty"`
	Column  string `json:"column,omitempty"` // empty when the whole row is wrong
	Message string `json:"message"`
}

// String reads `row 14, column phone: "+1555" is not a valid E.164 number`, or for flags
// `--phone: ...`; a Source follows the row: `row 2 (Stripe subscription sub_1...), column ...`.
func (p Problem) String() string {
	row := fmt.Sprintf("row %d", p.Row)
	if p.Source != "" {
		row += " (" + p.Source + ")"
	}
	switch {
	case p.Row > 0 && p.Column != "":
		return fmt.Sprintf("%s, column %s: %s", row, p.Column, p.Message)
	case p.Row > 0:
		return fmt.Sprintf("%s: %s", row, p.Message)
	case p.Column != "":
		return fmt.Sprintf("--%s: %s", FlagName(p.Column), p.Message)
	}
	return p.Message
}

// CSVFile is a customer file read into rows. Rows that could not be read at all (broken
// quoting, a wrong number of fields) are in Problems and not in Rows.
type CSVFile struct {
	Columns  []string // the header's column names, normalised, in file order
	Rows     []CustomerRow
	Problems []Problem
}

// utf8BOM is the byte order mark spreadsheets put at the start of a UTF-8 CSV.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseCSV reads a customer CSV: a header naming the columns (any order, case and spaces
// ignored, a UTF-8 BOM allowed), then one customer per record. Rows where every field is
// empty (a spreadsheet's trailing ",,,,") are skipped. It returns an error only when the file
// as a whole is unusable: unreadable, empty, not UTF-8, a bad header, or no rows.
func ParseCSV(r io.Reader) (*CSVFile, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(utf8BOM))
	switch {
	case bytes.Equal(head, utf8BOM):
		_, _ = br.Discard(len(utf8BOM))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, errors.New(`the file is UTF-16 (a spreadsheet's "Unicode text"), not UTF-8: save it as "CSV UTF-8" and launch again`)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // we check the count ourselves, to name the row

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("the file is empty: its first line must be the header, e.g. %s", strings.Join(ColumnNames(), ","))
	case err != nil:
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("the header (row 1) is not valid CSV: %v", perr.Err)
		}
		return nil, fmt.Errorf("cannot read the file: %w", err)
	}
	file := &CSVFile{}
	if file.Columns, err = parseHeader(header); err != nil {
		return nil, err
	}

	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var perr *csv.ParseError
			if !errors.As(err, &perr) {
				return nil, fmt.Errorf("cannot read the file: %w", err)
			}
			file.Problems = append(file.Problems, Problem{Row: perr.StartLine,
				Message: fmt.Sprintf("is not valid CSV (%v); quote fields that hold commas, quotes or line breaks", perr.Err)})
			continue
		}
		line, _ := cr.FieldPos(0)
		if allEmpty(record) {
			continue
		}
		if len(record) != len(file.Columns) {
			file.Problems = append(file.Problems, Problem{Row: line,
				Message: fmt.Sprintf("has %d fields but the header has %d columns; quote fields that hold commas", len(record), len(file.Columns))})
			continue
		}
		row := CustomerRow{Row: line}
		for i, name := range file.Columns {
			if !utf8.ValidString(record[i]) {
				// The whole file is in another encoding: refuse it all rather than launch the
				// rows that happen to be plain ASCII and skip the others.
				return nil, fmt.Errorf("row %d, column %s is not UTF-8 (%q): the file is in another encoding, "+
					`such as Windows-1252 or Latin-1 (a spreadsheet's plain "CSV"); save it as "CSV UTF-8" and launch again`,
					line, name, strings.ToValidUTF8(strings.TrimSpace(record[i]), "\ufffd"))
			}
			*row.Field(name) = strings.TrimSpace(record[i])
		}
		file.Rows = append(file.Rows, row)
	}
	if len(file.Rows) == 0 && len(file.Problems) == 0 {
		return nil, errors.New("the file has a header but no customer rows")
	}
	return file, nil
}

// parseHeader checks the header row and returns its normalised column names.
func parseHeader(header []string) ([]string, error) {
	var (
		names     = make([]string, len(header))
		unknown   []string
		seen      = map[string]bool{}
		duplicate []string
	)
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, fmt.Errorf("the header (row 1) is not valid UTF-8: save the file as CSV UTF-8")
		}
		name := normaliseColumn(h)
		names[i] = name
		switch {
		case name == "":
			return nil, fmt.Errorf("the header (row 1) has an empty column name at position %d", i+1)
		case (&CustomerRow{}).Field(name) == nil:
			unknown = append(unknown, fmt.Sprintf("%q", strings.TrimSpace(h)))
		case seen[name]:
			duplicate = append(duplicate, name)
		}
		seen[name] = true
	}
	var missing []string
	for _, c := range Columns {
		if c.Required && !seen[c.Name] {
			missing = append(missing, c.Name)
		}
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, "unknown column "+strings.Join(unknown, ", "))
	}
	if len(duplicate) > 0 {
		msgs = append(msgs, "column "+strings.Join(duplicate, ", ")+" appears more than once")
	}
	if len(missing) > 0 {
		msgs = append(msgs, "missing required column "+strings.Join(missing, ", "))
	}
	if len(msgs) > 0 {
		return nil, fmt.Errorf("the header (row 1): %s; the columns are %s", strings.Join(msgs, "; "), strings.Join(ColumnNames(), ","))
	}
	return names, nil
}

// normaliseColumn lets "Customer ID" and "customer-id" name the customer_id column.
func normaliseColumn(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, h)
}

// allEmpty reports whether every field of a record is blank.
func allEmpty(record []string) bool {
	return !slices.ContainsFunc(record, func(f string) bool { return strings.TrimSpace(f) != "" })
}
