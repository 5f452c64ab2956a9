package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// answerFlags are the complete command's answer flags, one per workflows.TaskAnswers field.
type answerFlags struct {
	ourSide, strengths, weaknesses                string
	landmines                                     []string
	whyLeaving, whatWouldKeepYou, reason, scope   string
	isItMe                                        bool
	newRep                                        string
	pursue, walkAway                              bool
	rationale, whatWeChanged, offer, offerDetails string
	outcome, notes, email, phone                  string
}

// register adds the answer flags to fs.
func (f *answerFlags) register(fs *pflag.FlagSet) {
	// Backstory.
	fs.StringVar(&f.ourSide, "our-side", "", "backstory: what happened, from the account team")
	fs.StringArrayVar(&f.landmines, "landmine", nil, "backstory: a landmine (late delivery, billing dispute...); repeat for more")
	fs.StringVar(&f.strengths, "strengths", "", "backstory: our strengths with this account")
	fs.StringVar(&f.weaknesses, "weaknesses", "", "backstory: our weaknesses with this account")
	// Exit interview.
	fs.StringVar(&f.whyLeaving, "why-leaving", "", `exit interview: their answer to "Why are you leaving us?"`)
	fs.StringVar(&f.whatWouldKeepYou, "what-would-keep-you", "", `exit interview: their answer to "What would we need to do to keep you as a customer?"`)
	fs.StringVar(&f.reason, "reason", "", "exit interview: the reason, one of "+joinReasons())
	fs.StringVar(&f.scope, "scope", "", "exit interview: specific (this account) or systemic (our business)")
	fs.BoolVar(&f.isItMe, "is-it-me", false, "exit interview: the rep relationship is the problem (the account moves to --new-rep)")
	fs.StringVar(&f.newRep, "new-rep", "", "exit interview: who takes the account when --is-it-me")
	// Decision.
	fs.BoolVar(&f.pursue, "pursue", false, "decision: win this customer back (give --offer and --what-we-changed)")
	fs.BoolVar(&f.walkAway, "walk-away", false, "decision: let this customer go (give --rationale)")
	fs.StringVar(&f.rationale, "rationale", "", "decision: why")
	fs.StringVar(&f.whatWeChanged, "what-we-changed", "", "decision: what we changed because of their input (the revisit email says it)")
	fs.StringVar(&f.offer, "offer", "", "decision: the offer, one of "+joinValues(workflows.Offers))
	fs.StringVar(&f.offerDetails, "offer-details", "", "decision: the offer's details")
	// Calls.
	fs.StringVar(&f.outcome, "outcome", "", "call: the outcome, one of "+joinValues(workflows.CallOutcomes))
	fs.StringVar(&f.notes, "notes", "", "call: notes")
	// Fix contact.
	fs.StringVar(&f.email, "email", "", "fix contact: the corrected email")
	fs.StringVar(&f.phone, "phone", "", "fix contact: the corrected phone (normalised to E.164 with --default-region)")
}

// apply sets on a the answers whose flags were given, and reports whether any was.
func (f *answerFlags) apply(fs *pflag.FlagSet, a *workflows.TaskAnswers) (bool, error) {
	if fs.Changed("pursue") && fs.Changed("walk-away") {
		return false, badInputf("--pursue and --walk-away: give one")
	}
	given := false
	set := func(flag string, apply func()) {
		if fs.Changed(flag) {
			apply()
			given = true
		}
	}
	set("our-side", func() { a.OurSide = f.ourSide })
	set("landmine", func() { a.Landmines = f.landmines })
	set("strengths", func() { a.Strengths = f.strengths })
	set("weaknesses", func() { a.Weaknesses = f.weaknesses })
	set("why-leaving", func() { a.WhyLeaving = f.whyLeaving })
	set("what-would-keep-you", func() { a.WhatWouldKeepYou = f.whatWouldKeepYou })
	set("reason", func() { a.Reason = workflows.Reason(f.reason) })
	set("scope", func() { a.Scope = workflows.Scope(f.scope) })
	set("is-it-me", func() { a.IsItMe = f.isItMe })
	set("new-rep", func() { a.NewRep = f.newRep })
	set("pursue", func() { a.Pursue = &f.pursue })
	set("walk-away", func() { pursue := !f.walkAway; a.Pursue = &pursue })
	set("rationale", func() { a.Rationale = f.rationale })
	set("what-we-changed", func() { a.WhatWeChanged = f.whatWeChanged })
	set("offer", func() { a.Offer = workflows.Offer(f.offer) })
	set("offer-details", func() { a.OfferDetails = f.offerDetails })
	set("outcome", func() { a.Outcome = workflows.CallOutcome(f.outcome) })
	set("notes", func() { a.Notes = f.notes })
	set("email", func() { a.Email = f.email })
	set("phone", func() { a.Phone = f.phone })
	return given, nil
}

// readAnswers decodes a workflows.TaskAnswers JSON document; unknown fields are refused so a
// misspelt answer is not silently dropped.
func readAnswers(r io.Reader, name string) (workflows.TaskAnswers, error) {
	var a workflows.TaskAnswers
	data, err := io.ReadAll(r)
	if err != nil {
		return a, badInputf("--answers %s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, badInputf("--answers %s: not a TaskAnswers JSON object: %v", name, err)
	}
	if dec.More() {
		return a, badInputf("--answers %s: holds more than one JSON value; give one object", name)
	}
	return a, nil
}

// checkContact checks the corrected contact details of a fix-contact answer and normalises the
// phone to E.164.
func checkContact(a *workflows.TaskAnswers, region string) error {
	if a.Email != "" {
		if err := contact.CheckEmail(a.Email); err != nil {
			return badInputf("email: %v", err)
		}
	}
	if a.Phone != "" {
		phone, err := contact.NormalisePhone(a.Phone, region)
		if err != nil {
			return badInputf("phone: %v", err)
		}
		a.Phone = phone
	}
	return nil
}

// describeAnswers lists the answers about to be sent, one per line, for the confirmation prompt.
func describeAnswers(a workflows.TaskAnswers) string {
	var b bytes.Buffer
	for i, qa := range answerLines(a) {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %s: %s", qa[0], qa[1])
	}
	return b.String()
}
