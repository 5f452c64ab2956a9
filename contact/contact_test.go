package contact_test

import (
	"strings"
	"testing"

	"github.com/winback/winback/contact"
)

func TestCheckEmail(t *testing.T) {
	for s, want := range map[string]string{
		"ann@acme.example":       "",
		"ann":                    `"ann" is not an email address`,
		"Ann <ann@acme.example>": "not a bare address; write just ann@acme.example",
		"ann@localhost":          "has no domain",
	} {
		err := contact.CheckEmail(s)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckEmail(%q) = %v, want %q", s, err, want)
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	for _, tc := range []struct{ in, region, want, err string }{
		{"(212) 555-0142", "US", "+12125550142", ""},
		{"+1 212 555 0142", "GB", "+12125550142", ""},
		{"020 7946 0018", "GB", "+442079460018", ""},
		{"+1555", "US", "", `"+1555" is not a valid E.164 number`},
		{"555-0100", "US", "", "not a valid phone number in region US"},
		{"call me", "US", "", "not a valid phone number"},
		{"030 901820", "DE", "+4930901820", ""},
	} {
		got, err := contact.NormalisePhone(tc.in, tc.region)
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("NormalisePhone(%q, %s) = %q, %v; want %q, %q", tc.in, tc.region, got, err, tc.want, tc.err)
		}
		if err == nil && !contact.IsE164(got) {
			t.Errorf("%q is not E.164", got)
		}
	}
	if contact.IsE164("212 555 0142") || contact.CheckE164("+0123") == nil {
		t.Error("a national number passed as E.164")
	}
	if contact.CheckRegion("GB") != nil || contact.CheckRegion("XX") == nil {
		t.Error("CheckRegion")
	}
}
