package main

import (
	"bufio"
	"errors"
	"strings"
	"testing"

	"github.com/winback/winback/workflows"
)

// ask runs askAnswers for a task kind with the typed lines.
func ask(t *testing.T, kind workflows.TaskKind, typed ...string) (workflows.TaskAnswers, string, error) {
	t.Helper()
	var out strings.Builder
	p := &prompter{in: bufio.NewReader(strings.NewReader(strings.Join(typed, "\n") + "\n")), out: &out}
	a, err := askAnswers(p, workflows.Task{ID: "t", Kind: kind, Title: "A task"})
	return a, out.String(), err
}

func TestPromptsAskWhatEachKindNeeds(t *testing.T) {
	for _, tc := range []struct {
		kind  workflows.TaskKind
		typed []string
		check func(workflows.TaskAnswers) bool
	}{
		{workflows.TaskBackstory, []string{"", "late twice", "billing", "outage", "", "support", ""},
			func(a workflows.TaskAnswers) bool {
				return a.OurSide == "late twice" && len(a.Landmines) == 2 && a.Strengths == "support" && a.Weaknesses == ""
			}},
		{workflows.TaskExitInterview, []string{"price", "match", "9", "1", "systemic", "maybe", "y", "bob"},
			func(a workflows.TaskAnswers) bool {
				return a.Reason == workflows.ReasonCompetitorPrice && a.Scope == workflows.ScopeSystemic && a.IsItMe && a.NewRep == "bob"
			}},
		{workflows.TaskDecision, []string{"n", "not worth it"},
			func(a workflows.TaskAnswers) bool {
				return a.Pursue != nil && !*a.Pursue && a.Rationale == "not worth it"
			}},
		{workflows.TaskDecision, []string{"yes", "beat_offer", "support line", "25% off", ""},
			func(a workflows.TaskAnswers) bool {
				return *a.Pursue && a.Offer == workflows.OfferBeatOffer && a.WhatWeChanged == "support line" && a.OfferDetails == "25% off"
			}},
		{workflows.TaskDecision, []string{"y", "stay_in_touch"}, // by name: the list of offers grows
			func(a workflows.TaskAnswers) bool {
				return a.Offer == workflows.OfferStayInTouch && a.WhatWeChanged == ""
			}},
		{workflows.TaskCheckInCall, []string{"3", "they said no"},
			func(a workflows.TaskAnswers) bool {
				return a.Outcome == workflows.CallDeclined && a.Notes == "they said no"
			}},
		{workflows.TaskFixContact, []string{"new@acme.example", ""},
			func(a workflows.TaskAnswers) bool { return a.Email == "new@acme.example" }},
	} {
		a, out, err := ask(t, tc.kind, tc.typed...)
		if err != nil || !tc.check(a) {
			t.Errorf("%s with %q: %+v, %v\n%s", tc.kind, tc.typed, a, err, out)
			continue
		}
		// What the prompts collect passes the campaign's own check.
		if err := workflows.ValidateAnswers(tc.kind, a); err != nil {
			t.Errorf("%s: prompts gave answers the campaign refuses: %v", tc.kind, err)
		}
	}
}

func TestPromptsStopAtEndOfInput(t *testing.T) {
	_, _, err := ask(t, workflows.TaskExitInterview, "price")
	if !errors.Is(err, errNoAnswer) {
		t.Errorf("err = %v, want errNoAnswer", err)
	}
	if _, _, err := ask(t, workflows.TaskKind("mystery")); err == nil {
		t.Error("unknown kind: no error")
	}
}

// The complete command's help names every kind and every answer flag, from the definitions.
func TestCompleteHelpListsEveryKindAndFlag(t *testing.T) {
	help := kindsHelp()
	for _, k := range workflows.Kinds() {
		if !strings.Contains(help, "  "+string(k.Kind)+" ") {
			t.Errorf("help lacks kind %s:\n%s", k.Kind, help)
		}
		for _, f := range k.Fields {
			if !strings.Contains(help, "--"+f.Flag) {
				t.Errorf("help lacks --%s:\n%s", f.Flag, help)
			}
		}
	}
	for line := range strings.SplitSeq(help, "\n") {
		if len(line) > 100 {
			t.Errorf("line longer than 100: %q", line)
		}
	}
}

// Before a call, the CLI shows what we decided to point out, as the inbox's task page does; before
// answering a reply, what the customer wrote.
func TestATaskShowsWhatThePersonNeedsBeforeDoingIt(t *testing.T) {
	st := workflows.CampaignStatus{
		Decision: &workflows.Decision{Pursue: true, By: "maria", WhatWeChanged: "a named support engineer",
			Offer: workflows.OfferApology, OfferDetails: "two months free"},
		Replies: []workflows.Reply{{Channel: workflows.ChannelSMS, Text: "yes, call me tomorrow", TaskID: "reply-1"}},
	}
	call := strings.Join(taskContext(st, workflows.Task{ID: "thank-you-call", Kind: workflows.TaskThankYouCall}), "\n")
	for _, want := range []string{"What we changed: a named support engineer", "Offer: apology", "Offer details: two months free"} {
		if !strings.Contains(call, want) {
			t.Errorf("thank-you call context lacks %q:\n%s", want, call)
		}
	}
	reply := strings.Join(taskContext(st, workflows.Task{ID: "reply-1", Kind: workflows.TaskAnswerReply}), "\n")
	if !strings.Contains(reply, `"yes, call me tomorrow"`) {
		t.Errorf("reply context: %q", reply)
	}
	if got := taskContext(st, workflows.Task{ID: "backstory", Kind: workflows.TaskBackstory}); len(got) != 0 {
		t.Errorf("backstory context: %q", got)
	}
}
