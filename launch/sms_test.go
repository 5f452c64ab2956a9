package launch

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/workflows"
)

// checkInText renders r's check-in text message as the worker sends it (rep from the test
// team, signed "winback") and counts its segments.
func checkInText(t *testing.T, r CustomerRow) (string, int) {
	t.Helper()
	owners, err := testTeam.Owners(r.Rep, r.Manager)
	if err != nil {
		t.Fatal(err)
	}
	body, err := activities.RenderSMS("", "check_in", activities.MessageData{CustomerName: r.Name, Company: r.Company,
		RepName: owners.Rep.Name, OurCompany: "winback"})
	if err != nil {
		t.Fatal(err)
	}
	return body, activities.SMSSegments(body)
}

// shortenBy reads the "shorten ... by N characters" advice of a message.
func shortenBy(t *testing.T, msg string) int {
	t.Helper()
	m := regexp.MustCompile(`shorten [a-z' ()]+ by (\d+) characters`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("%q says nothing about shortening", msg)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// trimRunes cuts n characters off the end of s.
func trimRunes(s string, n int) string {
	r := []rune(s)
	return strings.TrimSpace(string(r[:len(r)-n]))
}

func TestCheckRefusesACheckInTextOfMoreThanTwoSegments(t *testing.T) {
	for _, tc := range []struct {
		name, column string
		set          func(*CustomerRow)
		want         []string
	}{
		{"a long company", "company", func(r *CustomerRow) { r.Company = strings.Repeat("Consolidated Widgets ", 9) + "Inc" },
			[]string{"makes the check-in text message 3 SMS segments long, more than 2", "shorten the company by"}},
		{"a long name", "name", func(r *CustomerRow) { r.Name = "Ann " + strings.Repeat("Lee-", 50) + "Smith" },
			[]string{"3 SMS segments", "shorten the name by"}},
		{"a name with letters SMS cannot send", "name", func(r *CustomerRow) {
			r.Name, r.Company = "王小明 Wang Xiaoming-Lindqvist", "Northwind Traders Limited"
		}, []string{`are not in the SMS alphabet (GSM-7), so the whole text goes as Unicode`, "spell the name without them"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := goodRow()
			tc.set(&r)
			if _, n := checkInText(t, r); n <= activities.MaxSMSSegments {
				t.Fatalf("the test row's text is %d segments; make it longer", n)
			}
			_, problems := testValidator().Check(r)
			if len(problems) != 1 || problems[0].Row != 2 || problems[0].Column != tc.column {
				t.Fatalf("problems = %v, want one, on row 2, column %s", problems, tc.column)
			}
			for _, w := range tc.want {
				if !strings.Contains(problems[0].Message, w) {
					t.Errorf("%q lacks %q", problems[0].Message, w)
				}
			}
			if tc.column == "name" && strings.Contains(problems[0].Message, "spell") {
				return
			}
			// The advice is exact: shortened by that much the row launches, by one less it does not.
			cut := shortenBy(t, problems[0].Message)
			value := *r.Field(tc.column)
			*r.Field(tc.column) = trimRunes(value, cut)
			if _, problems := testValidator().Check(r); len(problems) > 0 {
				t.Errorf("shortened by %d: %v", cut, problems)
			}
			*r.Field(tc.column) = trimRunes(value, cut-1)
			if _, problems := testValidator().Check(r); len(problems) != 1 {
				t.Errorf("shortened by %d, one less than advised: %v, want it still refused", cut-1, problems)
			}
		})
	}
}

// Accented letters with a plain spelling are sent plain (á as a), so they cost no segments.
func TestCheckAcceptsAccentedNames(t *testing.T) {
	r := goodRow()
	r.Name, r.Company = "Łukasz Wiśniewski-Kowalczyk", "Northwind Traders"
	if _, problems := testValidator().Check(r); len(problems) > 0 {
		t.Errorf("an accented name was refused: %v", problems)
	}
}

func TestCheckAcceptsTextsOfTwoSegments(t *testing.T) {
	r := goodRow()
	// Unicode, but short enough: two segments of 67 characters.
	r.Name, r.Company = "Zoë Ñúñez 李", "Acme"
	if _, n := checkInText(t, r); n != 2 {
		t.Fatalf("want a two-segment text for this test, got %d", n)
	}
	if _, problems := testValidator().Check(r); len(problems) > 0 {
		t.Errorf("problems: %v", problems)
	}
}

func TestSMSLengthIsOnlyCheckedWhenATextCanGo(t *testing.T) {
	long := strings.Repeat("Consolidated Widgets ", 12)

	// No phone: no text message to send.
	r := goodRow()
	r.Company, r.Phone = long, ""
	if _, problems := testValidator().Check(r); len(problems) > 0 {
		t.Errorf("no phone: %v", problems)
	}

	// A playbook without text messages.
	pb := workflows.DefaultPlaybook()
	for _, cadence := range []*[]workflows.CheckIn{&pb.CheckIns, &pb.StayInTouch} {
		for i := range *cadence {
			(*cadence)[i].Channel = workflows.ChannelEmail
		}
	}
	sms, err := NewSMSCheck("", "winback", pb)
	if err != nil || sms != nil {
		t.Errorf("newSMSCheck for a playbook without SMS = %v, %v; want no check", sms, err)
	}
	if sms, err := NewSMSCheck("", "winback", workflows.DefaultPlaybook()); err != nil || sms == nil {
		t.Errorf("newSMSCheck for the default playbook = %v, %v; want a check", sms, err)
	}
}

func TestSMSLengthUsesTheWorkersTemplates(t *testing.T) {
	// An override without the company: a long company no longer makes the text long.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "check_in.sms.tmpl"), []byte("Hi {{.CustomerName}}, it's {{.RepName}}. Reply STOP to opt out."), 0o600); err != nil {
		t.Fatal(err)
	}
	sms, err := NewSMSCheck(dir, "winback", workflows.DefaultPlaybook())
	if err != nil {
		t.Fatal(err)
	}
	v := testValidator()
	v.SMS = sms
	r := goodRow()
	r.Company = strings.Repeat("Consolidated Widgets ", 12)
	if _, problems := v.Check(r); len(problems) > 0 {
		t.Errorf("with a template without the company: %v", problems)
	}

	// A broken override is one error at the start, naming the variable.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "check_in.sms.tmpl"), []byte("Hi {{.Nope}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSMSCheck(bad, "winback", workflows.DefaultPlaybook()); err == nil || !strings.Contains(err.Error(), "WINBACK_TEMPLATES_DIR") {
		t.Errorf("broken template: err = %v, want it to name WINBACK_TEMPLATES_DIR", err)
	}
}
