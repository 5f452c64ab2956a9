package launch

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// FuzzParseCSV: whatever the bytes, reading and validating a file never panics, every problem
// names a row after the header, and each parsed row is either ready or bad, never both.
// The seed corpus runs with go test; `go test -fuzz FuzzParseCSV ./launch/` explores further.
func FuzzParseCSV(f *testing.F) {
	example, err := os.ReadFile("../starter/example-customers.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		"",
		"\xEF\xBB\xBF" + header + "\n" + goodRecord("C-1") + "\n",
		header + "\r\n" + goodRecord("C-1") + "\r\n" + goodRecord("C-1") + "\r\n",
		header + "\n" + "C-2,too,few\n" + goodRecord("C-3") + ",extra\n",
		header + "\n\"unterminated," + goodRecord("C-4") + "\n",
		header + "\nC-5,a \"bare\" quote" + strings.Repeat(",", 13) + "\n",
		header + "\n" + strings.Replace(goodRecord("C-6"), "Ann", "\xff\xfe", 1) + "\n",
		header + "\n" + strings.Repeat(",", 14) + "\n\n",
		"customer_id,name\nC-7,x\n",
		"Customer ID;Name;Email\n",
		header + ",bogus\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseCSV(strings.NewReader(string(data)))
		if err != nil {
			if file != nil {
				t.Fatal("a file and an error")
			}
			return
		}
		if len(file.Rows)+len(file.Problems) == 0 {
			t.Fatal("no rows and no problems, but no error")
		}
		for _, p := range file.Problems {
			if p.Row < 2 || p.Message == "" {
				t.Fatalf("reading problem %+v: want a row after the header and a message", p)
			}
		}
		ready, problems := testValidator().CheckFile(file)
		bad := BadRows(problems)
		parsedBad := 0
		for _, r := range file.Rows {
			if r.Row < 2 {
				t.Fatalf("row %+v numbered before the header", r)
			}
			if slices.Contains(bad, r.Row) {
				parsedBad++
			}
		}
		for _, l := range ready {
			if slices.Contains(bad, l.Row) {
				t.Fatalf("row %d is both ready and bad", l.Row)
			}
		}
		if len(ready)+parsedBad != len(file.Rows) {
			t.Fatalf("%d ready + %d bad != %d rows", len(ready), parsedBad, len(file.Rows))
		}
	})
}
