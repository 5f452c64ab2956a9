package launch

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// header is the full documented header.
var header = strings.Join(ColumnNames(), ",")

func TestParseCSVReadsRowsByHeaderName(t *testing.T) {
	// Columns in another order, names in another case, a BOM, CRLF line endings, a quoted
	// field with a comma, a line break and a quote, and blank rows a spreadsheet leaves.
	in := "\xEF\xBB\xBFRep, Email ,Customer ID,name,TIMEZONE,account-value,notes\r\n" +
		"alice,ann@x.example,C-1,Ann,UTC,10,\"late, twice\"\r\n" +
		",,,,,,\r\n" +
		"bob,bo@x.example,C-2,Bo,UTC,20,\"line one\nline \"\"two\"\"\"\r\n" +
		"\r\n" +
		"bob,cy@x.example,C-3,Cy,UTC,30,\r\n"
	f, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Problems) != 0 {
		t.Fatalf("problems: %v", f.Problems)
	}
	want := []CustomerRow{
		{Row: 2, CustomerID: "C-1", Name: "Ann", Email: "ann@x.example", TimeZone: "UTC", AccountValue: "10", Notes: "late, twice", Rep: "alice"},
		{Row: 4, CustomerID: "C-2", Name: "Bo", Email: "bo@x.example", TimeZone: "UTC", AccountValue: "20", Notes: "line one\nline \"two\"", Rep: "bob"},
		// Row numbers are lines of the file: C-2's notes span two lines, and a blank line follows.
		{Row: 7, CustomerID: "C-3", Name: "Cy", Email: "cy@x.example", TimeZone: "UTC", AccountValue: "30", Rep: "bob"},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(f.Rows), len(want), f.Rows)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, f.Rows[i], want[i])
		}
	}
}

func TestParseCSVBadFiles(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // all in the error
	}{
		{"empty", "", []string{"empty", "header", "customer_id,name"}},
		{"only a BOM", "\xEF\xBB\xBF", []string{"empty"}},
		{"header only", header + "\n", []string{"no customer rows"}},
		{"header and blank rows", header + "\n,,,,,,,,,,,,,,\n\n", []string{"no customer rows"}},
		{"missing required columns", "customer_id,name,phone\nC-1,Ann,+12125550142\n",
			[]string{"missing required column", "email", "timezone", "account_value", "rep"}},
		{"unknown column", header + ",favourite_colour\n", []string{`unknown column "favourite_colour"`, "the columns are customer_id"}},
		{"duplicate column", header + ",email\n", []string{"column email appears more than once"}},
		{"empty column name", "customer_id,,name\n", []string{"empty column name at position 2"}},
		{"header not UTF-8", "customer_id,n\xe9m\n", []string{"header", "not valid UTF-8"}},
		{"header bad quoting", "customer_id,\"name\n", []string{"header (row 1) is not valid CSV"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseCSVUnreadable(t *testing.T) {
	_, err := ParseCSV(iotest.ErrReader(errors.New("disk on fire")))
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v, want the read error", err)
	}
	// A failure after the header is the file's, not a row's.
	r := iotest.TimeoutReader(strings.NewReader(header + "\n" + goodRecord("C-1") + "\n"))
	if _, err := ParseCSV(r); err == nil {
		t.Fatal("want an error when the read fails mid-file")
	}
}

func TestParseCSVRowsThatCannotBeRead(t *testing.T) {
	in := header + "\n" +
		goodRecord("C-1") + "\n" +
		"C-2,too,few\n" + // row 3
		goodRecord("C-3") + ",extra\n" + // row 4
		`C-5,An "unquoted" quote,` + strings.Repeat(",", 12) + "\n" + // row 5
		goodRecord("C-6") + "\n"
	f, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, p := range f.Problems {
		got[p.Row] = p.String()
	}
	for row, want := range map[int]string{
		3: "row 3: has 3 fields but the header has 15 columns",
		4: "row 4: has 16 fields but the header has 15 columns",
		5: "row 5: is not valid CSV",
	} {
		if !strings.HasPrefix(got[row], want) {
			t.Errorf("row %d: got %q, want it to start %q", row, got[row], want)
		}
	}
	if len(f.Problems) != 3 {
		t.Errorf("problems = %v, want 3", f.Problems)
	}
	if len(f.Rows) != 2 || f.Rows[0].CustomerID != "C-1" || f.Rows[1].CustomerID != "C-6" || f.Rows[1].Row != 6 {
		t.Errorf("rows = %+v, want C-1 (row 2) and C-6 (row 6)", f.Rows)
	}
}

func TestParseCSVRefusesAFileThatIsNotUTF8(t *testing.T) {
	// A Windows-1252 file: its ASCII rows would read fine, but launching them and skipping the
	// others is a half-launched surprise. The whole file is refused, naming the first bad cell.
	latin1 := header + "\n" + goodRecord("C-1") + "\n" + strings.Replace(goodRecord("C-2"), "Ann", "Tom\xe1s", 1) + "\n"
	_, err := ParseCSV(strings.NewReader(latin1))
	if err == nil || !strings.Contains(err.Error(), "row 3, column name is not UTF-8 (\"Tom\ufffds Lee\")") ||
		!strings.Contains(err.Error(), `save it as "CSV UTF-8"`) {
		t.Errorf("err = %v, want row 3, column name and how to save the file", err)
	}
	// UTF-16, as a spreadsheet's "Unicode text" saves it, with its byte order mark.
	utf16 := []byte{0xFF, 0xFE, 'c', 0, 'u', 0}
	if _, err := ParseCSV(strings.NewReader(string(utf16))); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16 file: err = %v, want it named", err)
	}
}

func TestExampleCustomersFileIsValid(t *testing.T) {
	data, err := os.ReadFile("../starter/example-customers.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseCSV(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	v := testValidator()
	v.Now = time.Now() // the file must stay valid whenever it is used
	ready, problems := v.CheckFile(f)
	if len(problems) > 0 || len(ready) != 10 {
		t.Fatalf("example file: %d ready, problems %v; want 10 valid rows", len(ready), problems)
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Row: 14, Column: "phone", Message: `"+1555" is not a valid E.164 number`}, `row 14, column phone: "+1555" is not a valid E.164 number`},
		{Problem{Row: 3, Message: "is not valid CSV"}, "row 3: is not valid CSV"},
		{Problem{Column: "account_value", Message: "is negative"}, "--account-value: is negative"},
		{Problem{Message: "bare"}, "bare"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
