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
