// Package contact checks a customer's email address and phone number. It is the one
// definition of a good address and number: the launcher, the inbox, the campaign's CompleteTask
// validator and the send activities all ask it, so they never disagree about a contact.
//
// It is pure (no I/O, no clock), so the workflow may call it.
package contact

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region (ISO 3166) of phone numbers written without their +country code
// when the configuration names none (WINBACK_PHONE_REGION).
const DefaultRegion = "US"

// e164 is the shape of a phone number in E.164: +, a country code that does not start with 0,
// 15 digits at most.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// CheckEmail accepts a bare address with a domain: "jane@example.com", not
// "Jane <jane@example.com>" nor "jane@localhost".
func CheckEmail(s string) error {
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Errorf("%q is not an email address", s)
	}
	if addr.Address != s {
		return fmt.Errorf("%q is not a bare address; write just %s", s, addr.Address)
	}
	at := strings.LastIndexByte(s, '@')
	if !strings.Contains(s[at+1:], ".") {
		return fmt.Errorf("%q has no domain; write it like jane@example.com", s)
	}
	return nil
}

// NormalisePhone returns a valid phone number in E.164. A number written without its
// +country code is read in region (ISO 3166, e.g. "US").
func NormalisePhone(s, region string) (string, error) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		if strings.HasPrefix(s, "+") {
			return "", fmt.Errorf("%q is not a valid E.164 number", s)
		}
		return "", fmt.Errorf("%q is not a valid phone number in region %s; write it in E.164, e.g. +14155550123", s, region)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// IsE164 reports whether s has the shape of an E.164 number (+14155550123). It does not ask
// whether the number exists: NormalisePhone does, where a person typed it.
func IsE164(s string) bool { return e164.MatchString(s) }

// CheckE164 accepts a number already normalised to E.164, as a campaign stores it.
func CheckE164(s string) error {
	if !IsE164(s) {
		return fmt.Errorf("%q is not in E.164 form, like +14155550123", s)
	}
	return nil
}

// CheckRegion accepts a region the phone number rules know (ISO 3166: US, GB, DE...).
func CheckRegion(region string) error {
	if !phonenumbers.GetSupportedRegions()[region] {
		return fmt.Errorf("%q is not a region code; use an ISO 3166 code such as US, GB or DE", region)
	}
	return nil
}
