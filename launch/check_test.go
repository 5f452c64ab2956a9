package launch

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

func TestCheckBuildsTheCampaignInput(t *testing.T) {
	r := goodRow()
	r.Phone = "(212) 555-0142" // national, read in the default region
	r.Reason = "Competitor Price"
	r.Manager = "maria"
	in, problems := testValidator().Check(r)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	ny, _ := time.LoadLocation("America/New_York")
	want := workflows.CampaignInput{
		Customer: workflows.Customer{ID: "C-1", Name: "Ann Lee", Company: "Acme", Email: "ann@acme.example",
			Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: 1200.50, Segment: "smb"},
		Departure: workflows.Departure{Date: time.Date(2026, 3, 1, 0, 0, 0, 0, ny), StatedReason: workflows.ReasonCompetitorPrice,
			Competitor: "Globex", CompetitorOffer: "20% off"},
		Owners: workflows.Owners{
			Rep:     workflows.Person{ID: "alice", Name: "Alice Archer", Email: "alice@example.com", TimeZone: "America/New_York"},
			Manager: workflows.Person{ID: "maria", Name: "Maria Moreno", Email: "maria@example.com", TimeZone: "America/New_York"},
		},
		Playbook: workflows.DefaultPlaybook(),
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("input:\n got %+v\nwant %+v", in, want)
	}
}

func TestCheckDefaults(t *testing.T) {
	r := goodRow()
	r.Departed, r.Reason, r.Phone, r.Company, r.Segment, r.Manager = "", "", "", "", "", ""
	r.TimeZone = "Asia/Tokyo" // 2026-03-11 00:00 there at testNow
	in, problems := testValidator().Check(r)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if want := time.Date(2026, 3, 11, 0, 0, 0, 0, tokyo); !in.Departure.Date.Equal(want) {
		t.Errorf("departed defaults to %v, want today in the customer's zone %v", in.Departure.Date, want)
	}
	if in.Owners.Manager.ID != "maria" {
		t.Errorf("manager = %q, want the rep's manager from the team", in.Owners.Manager.ID)
	}
	if in.Departure.StatedReason != "" || in.Customer.Phone != "" {
		t.Errorf("optional fields set: %+v", in)
	}
}

func TestCheckEachKindOfBadValue(t *testing.T) {
	tests := []struct {
		column, value string
		want          string
	}{
		{"customer_id", "", "is required"},
		{"customer_id", "C 1", "may not hold spaces"},
		{"customer_id", "C'1", "may not hold spaces, quotes"},
		{"customer_id", strings.Repeat("x", 101), "at most 100"},
		{"name", "", "is required"},
		{"name", "Ann\xffLee", "not valid UTF-8"},
		{"notes", strings.Repeat("n", 2001), "keep it under 2000"},
		{"email", "", "is required"},
		{"email", "ann", `"ann" is not an email address`},
		{"email", "Ann <ann@acme.example>", "not a bare address; write just ann@acme.example"},
		{"email", "ann@localhost", "has no domain"},
		{"phone", "+1555", `"+1555" is not a valid E.164 number`},
		{"phone", "555-0100", "not a valid phone number in region US"},
		{"phone", "call me", "not a valid phone number"},
		{"timezone", "", "is required"},
		{"timezone", "Mars/Olympus", "is not an IANA time zone"},
		{"timezone", "Local", `"Local" is not a time zone`},
		{"timezone", "EST5EDT ", "is not an IANA time zone"},
		{"account_value", "", "is required"},
		{"account_value", "12,000", `"12,000" is not a number`},
		{"account_value", "$12000", "is not a number"},
		{"account_value", "NaN", "is not a number"},
		{"account_value", "Inf", "is not a number"},
		{"account_value", "-1", "is negative"},
		{"departed", "2026-03-11", "is in the future (today is 2026-03-10 in America/New_York)"},
		{"departed", "03/01/2026", "is not a date; write it as YYYY-MM-DD"},
		{"departed", "2026-02-30", "is not a date"},
		{"reason", "cheaper", `"cheaper" is not a reason; use one of competitor_price, let_down`},
		{"rep", "", "is required"},
		{"rep", "zed", `unknown rep "zed"`},
		{"manager", "bob", `"bob" is not a manager`},
		{"manager", "nobody", `unknown manager "nobody"`},
	}
	for _, tc := range tests {
		t.Run(tc.column+"="+tc.value[:min(len(tc.value), 20)], func(t *testing.T) {
			r := goodRow()
			*r.Field(tc.column) = tc.value
			_, problems := testValidator().Check(r)
			if len(problems) != 1 {
				t.Fatalf("problems = %v, want exactly one", problems)
			}
			p := problems[0]
			if p.Row != 2 || p.Column != tc.column || !strings.Contains(p.Message, tc.want) {
				t.Errorf("got %q, want row 2, column %s, containing %q", p, tc.column, tc.want)
			}
		})
	}
}

func TestCheckGoodValues(t *testing.T) {
	for _, tc := range []struct{ column, value string }{
		{"customer_id", "acct:42/eu"},
		{"phone", "+44 20 7946 0958"},
		{"phone", "212.555.0142"},
		{"timezone", "UTC"},
		{"account_value", "0"},
		{"account_value", "1e3"},
		{"departed", "2026-03-10"}, // today
		{"departed", "2019-01-01"}, // long ago is fine: check-ins count from the launch
		{"reason", "bad_fit"},
		{"name", "Zoë Ñúñez 李"},
		{"manager", "maria"},
	} {
		r := goodRow()
		*r.Field(tc.column) = tc.value
		if _, problems := testValidator().Check(r); len(problems) > 0 {
			t.Errorf("%s=%q: %v", tc.column, tc.value, problems)
		}
	}
}

func TestCheckReportsEveryProblemOfARowInColumnOrder(t *testing.T) {
	r := CustomerRow{Row: 9, CustomerID: "C 9", Email: "nope", Phone: "+1555", TimeZone: "Nowhere",
		AccountValue: "-3", Departed: "tomorrow", Reason: "meh", Rep: "zed"}
	_, problems := testValidator().Check(r)
	var got []string
	for _, p := range problems {
		got = append(got, p.Column)
	}
	want := []string{"customer_id", "name", "email", "phone", "timezone", "account_value", "departed", "reason", "rep"}
	if !slices.Equal(got, want) {
		t.Errorf("columns = %v, want %v (all problems: %v)", got, want, problems)
	}
	for _, p := range problems {
		if p.Row != 9 {
			t.Errorf("problem %q has row %d, want 9", p, p.Row)
		}
	}
}

func TestCheckWithAnEmptyTeamNeedsAManager(t *testing.T) {
	v := testValidator()
	var empty = testTeam
	empty.People = nil
	v.Owners = empty.Owners
	r := goodRow()
	_, problems := v.Check(r)
	if len(problems) != 1 || problems[0].Column != "manager" {
		t.Fatalf("problems = %v, want one on the manager column", problems)
	}
	r.Manager = "anyone"
	if in, problems := v.Check(r); len(problems) > 0 || in.Owners.Manager.ID != "anyone" {
		t.Errorf("with a manager: %v %+v", problems, in.Owners)
	}
}

func TestCheckFileRefusesDuplicateCustomerIDs(t *testing.T) {
	f := &CSVFile{Rows: []CustomerRow{goodRow(), goodRow(), goodRow()}}
	f.Rows[1].Row, f.Rows[1].CustomerID = 3, "C-2"
	f.Rows[2].Row = 4 // C-1 again
	ready, problems := testValidator().CheckFile(f)
	if len(ready) != 1 || ready[0].Input.Customer.ID != "C-2" {
		t.Errorf("ready = %+v, want only C-2", ready)
	}
	want := []string{
		`row 2, column customer_id: "C-1" appears on rows 2, 4; keep one row per customer`,
		`row 4, column customer_id: "C-1" appears on rows 2, 4; keep one row per customer`,
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

func TestCheckFileKeepsReadingProblemsInRowOrder(t *testing.T) {
	bad := goodRow()
	bad.Row, bad.CustomerID, bad.Email = 5, "C-5", "x"
	f := &CSVFile{
		Rows:     []CustomerRow{goodRow(), bad},
		Problems: []Problem{{Row: 7, Message: "is not valid CSV"}, {Row: 3, Message: "has 2 fields"}},
	}
	_, problems := testValidator().CheckFile(f)
	if rows := BadRows(problems); !slices.Equal(rows, []int{3, 5, 7}) {
		t.Errorf("bad rows = %v, want [3 5 7] (problems %v)", rows, problems)
	}
}

// TestTenThousandRowsThreeBad: a big file with three bad rows reports exactly those three,
// with their row numbers, and keeps every other row.
func TestTenThousandRowsThreeBad(t *testing.T) {
	var b strings.Builder
	b.WriteString(header + "\n")
	const n = 10000
	badAt := map[int]string{ // data row index -> the broken record
		17:   strings.Replace(goodRecord("C-17"), "+12125550142", "+1555", 1),
		4242: strings.Replace(goodRecord("C-4242"), "America/New_York", "America/Nowhere", 1),
		9999: strings.Replace(goodRecord("C-9999"), "2026-03-01", "2027-01-01", 1),
	}
	for i := range n {
		rec, ok := badAt[i]
		if !ok {
			rec = goodRecord(fmt.Sprintf("C-%d", i))
		}
		b.WriteString(rec + "\n")
	}
	f, err := ParseCSV(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	ready, problems := testValidator().CheckFile(f)
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	// Data row i is on line i+2: the header is row 1.
	want := []string{
		`row 19, column phone: "+1555" is not a valid E.164 number`,
		`row 4244, column timezone: "America/Nowhere" is not an IANA time zone; use a name such as America/New_York or Europe/Paris`,
		`row 10001, column departed: "2027-01-01" is in the future (today is 2026-03-10 in America/New_York)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	if len(ready) != n-3 {
		t.Errorf("%d ready, want %d", len(ready), n-3)
	}
}

// A launch never puts the customer's phone in a search attribute: campaigns index their contacts
// in the store, as keyed hashes, once they start.
func TestLaunchIndexesNoContactInSearchAttributes(t *testing.T) {
	v := Validator{Region: "US", Now: time.Now(), Playbook: workflows.DefaultPlaybook(),
		Owners: func(rep, manager string) (workflows.Owners, error) {
			return workflows.Owners{Rep: workflows.Person{ID: rep}, Manager: workflows.Person{ID: manager}}, nil
		}}
	row := CustomerRow{Row: 2, CustomerID: "c-1", Name: "Dana", Email: "dana@acme.example", Phone: "(212) 555-0142",
		TimeZone: "America/New_York", AccountValue: "100", Rep: "alice", Manager: "maria"}
	in, problems := v.Check(row)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if in.Customer.Phone != "+12125550142" || len(in.ContactKeys) != 0 {
		t.Errorf("phone %q, contact keys %v: want the E.164 phone in the (encrypted) input only", in.Customer.Phone, in.ContactKeys)
	}
}
