package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

func TestOfferMakesANewOffer(t *testing.T) {
	c := newCLI()
	c.fake.SetRunning("C-1")
	code, out, errOut := c.run("", "offer", "C-1", "--as", "maria", "--offer", "incentive",
		"--details", "a loyalty credit on your next order", "--value", "1200.50", "--until", "2027-03-31",
		"--override", "they declined the audit")
	if code != exitOK || !strings.Contains(out, "Offer offer-1 (incentive) made to customer C-1 by maria.") || !strings.Contains(out, "Next: ") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	u := c.fake.Updates()[0]
	want := workflows.MakeOfferRequest{By: "maria", Offer: workflows.OfferIncentive, Details: "a loyalty credit on your next order",
		Value: 1200.5, Until: "2027-03-31", Override: "they declined the audit"}
	got, _ := u.Arg.(workflows.MakeOfferRequest)
	if u.Name != workflows.UpdateMakeOffer || u.CustomerID != "C-1" || got.By != want.By || got.Offer != want.Offer ||
		got.Details != want.Details || got.Value != want.Value || got.Until != want.Until || got.Override != want.Override || len(got.Figures) != 0 {
		t.Errorf("update %s to %s: %+v, want %+v", u.Name, u.CustomerID, got, want)
	}

	// Figures, one flag each (commas and all), and -o json.
	code, out, errOut = c.run("", "offer", "C-1", "--as", "maria", "--offer", "value_numbers", "-o", "json",
		"--figure", "orders shipped on time: 98.7%", "--figure", "saved you 12,000 a year")
	var res workflows.MakeOfferResult
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || res.OfferID != "offer-2" {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	got = c.fake.Updates()[1].Arg.(workflows.MakeOfferRequest)
	if len(got.Figures) != 2 || got.Figures[1] != "saved you 12,000 a year" {
		t.Errorf("figures %q", got.Figures)
	}
}

func TestOfferRefusedNamesTheFlag(t *testing.T) {
	c := newCLI()
	c.fake.SetRunning("C-1")
	c.fake.MakeOfferFn = func(_ string, r workflows.MakeOfferRequest) (workflows.MakeOfferResult, error) {
		return workflows.MakeOfferResult{}, &campaigns.RejectedError{Message: "until: 2020-01-01 has passed; override: offer-1 is still open",
			Fields: []workflows.FieldError{{Field: "until", Message: "2020-01-01 has passed", Code: workflows.CodeInvalid},
				{Field: "override", Message: "offer-1 is still open: say why you make another", Code: workflows.CodeRequired}}}
	}
	code, _, errOut := c.run("", "offer", "C-1", "--as", "maria", "--offer", "incentive", "--until", "2020-01-01")
	if code != exitBadInput || !strings.Contains(errOut, "--until: 2020-01-01 has passed") || !strings.Contains(errOut, "--override: offer-1 is still open") {
		t.Errorf("refusal: exit %d: %s", code, errOut)
	}

	// A refusal about the whole campaign, and a closed campaign.
	c.fake.MakeOfferFn = func(string, workflows.MakeOfferRequest) (workflows.MakeOfferResult, error) {
		return workflows.MakeOfferResult{}, &campaigns.RejectedError{Message: "no decision yet: offers come after it"}
	}
	if code, _, errOut := c.run("", "offer", "C-1", "--as", "maria", "--offer", "apology"); code != exitBadInput || !strings.Contains(errOut, "no decision yet") {
		t.Errorf("campaign refusal: exit %d: %s", code, errOut)
	}
	c.fake.Close("C-2", workflows.OutcomeDeclined)
	if code, _, errOut := c.run("", "offer", "C-2", "--as", "maria", "--offer", "apology"); code != exitFailed || !strings.Contains(errOut, "has closed") {
		t.Errorf("closed campaign: exit %d: %s", code, errOut)
	}
}

func TestOfferBadFlagsExitTwoWithoutDialing(t *testing.T) {
	c := newCLI()
	for _, args := range [][]string{
		{"offer", "C-1", "--offer", "incentive"},                 // --as is required
		{"offer", "C-1", "--as", "maria"},                        // --offer is required
		{"offer", "C-1", "--as", "maria", "--offer", "discount"}, // not a kind
		{"offer", "C-1", "--as", "maria", "--offer", "incentive", "--until", "31/03/2027"},
		{"offer", "C-1", "--as", "maria", "--offer", "incentive", "--value", "lots"},
		{"offer", "C-1", "--as", "maria", "--offer", "incentive", "--value", "-5"},
		{"offer", "C-1", "--as", "maria", "--offer", "value_numbers", "--figure", " "},
		{"offer", "C 1", "--as", "maria", "--offer", "incentive"},
	} {
		code, _, errOut := c.run("", args...)
		if code != exitBadInput || !strings.HasPrefix(errOut, "Error: ") {
			t.Errorf("winback %s: exit %d, stderr %q; want 2 and an error", strings.Join(args, " "), code, errOut)
		}
	}
	if _, _, errOut := c.run("", "offer", "C-1", "--as", "maria", "--offer", "discount"); !strings.Contains(errOut, "different_product") {
		t.Errorf("an unknown kind does not list the kinds: %s", errOut)
	}
	if c.dialed > 0 {
		t.Errorf("bad flags dialed Temporal %d times", c.dialed)
	}
}
