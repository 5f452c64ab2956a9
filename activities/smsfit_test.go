package activities_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
)

func TestSMSFitNamesThePartThatMakesATextTooLong(t *testing.T) {
	fit, err := activities.NewSMSFit("", "winback")
	if err != nil {
		t.Fatal(err)
	}
	d := activities.MessageData{CustomerName: "Ann Lee", Company: "Acme", RepName: "Alice Archer", CheckInNumber: 8}
	if long := fit.Check(d); long != nil {
		t.Fatalf("a short text: %+v", long)
	}
	d.Company = strings.Repeat("Consolidated Widgets ", 12)
	long := fit.Check(d)
	if long == nil || long.Part != activities.SMSPartCompany || !strings.Contains(long.Message, "shorten the company by") {
		t.Errorf("a long company: %+v", long)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "check_in.sms.tmpl"), []byte("Hi {{.Nope}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := activities.NewSMSFit(bad, "winback"); err == nil || !strings.Contains(err.Error(), "WINBACK_TEMPLATES_DIR") {
		t.Errorf("broken template: %v", err)
	}
}

// The check-in text that carries an offer's link must fit too: it leaves the customer's name
// and company out, so a rep's name that is long enough to push it over is what to shorten.
func TestSMSFitChecksTheTextThatCarriesAnOffer(t *testing.T) {
	fit, err := activities.NewSMSFit("", "winback")
	if err != nil {
		t.Fatal(err)
	}
	d := activities.MessageData{CustomerName: "Alexandria Montgomery-Winterbottom", Company: "Consolidated Widget Manufacturing Holdings Ltd",
		RepName: "Bartholomew Fitzgerald-Hughes"}
	if long := fit.Check(d); long != nil {
		t.Fatalf("long typical data: %+v", long)
	}
	d.CustomerName, d.Company, d.RepName = "Ann Lee", "Acme", "Bartholomew "+strings.Repeat("Fitzgerald-", 12)+"Hughes"
	plain, err := activities.RenderSMS("", "check_in", d)
	if err != nil || activities.SMSSegments(plain) > activities.MaxSMSSegments {
		t.Fatalf("the plain text should fit for this test: %d segments, %v", activities.SMSSegments(plain), err)
	}
	long := fit.Check(d)
	if long == nil || long.Part != activities.SMSPartRep || !strings.Contains(long.Message, "carries an offer's link") {
		t.Errorf("a rep's name too long for the offer's text: %+v", long)
	}
	// A Unicode customer name costs the offer's text nothing.
	d.RepName, d.CustomerName, d.Company = "Alice Archer", "Zoë Ñúñez 李", "Acme"
	if long := fit.Check(d); long != nil {
		t.Errorf("a short Unicode name: %+v", long)
	}
}
