package inbox

import (
	"strings"
	"time"

	"github.com/winback/winback/workflows"
)

// answered is a done task and its answers, in words, for "answers so far".
type answered struct {
	Task   workflows.Task
	By     string
	At     time.Time
	Fields []qa
}

// qa is one answer: the question (or field) and what was said.
type qa struct {
	Q, A  string
	Quote bool // the customer's own words
}

// answersSoFar lists the campaign's done tasks with their answers, in the order they were done.
func (i *Inbox) answersSoFar(st workflows.CampaignStatus) []answered {
	var out []answered
	for _, t := range st.Tasks {
		if t.Status != workflows.TaskDone || t.Answers == nil {
			continue
		}
		out = append(out, answered{Task: t, By: i.name(t.CompletedBy), At: t.Completed, Fields: answerLines(t.Kind, *t.Answers)})
	}
	return out
}

// answerLines puts a task's answers in words, leaving out what was not answered.
func answerLines(kind workflows.TaskKind, a workflows.TaskAnswers) []qa {
	var out []qa
	add := func(q, ans string) {
		if strings.TrimSpace(ans) != "" {
			out = append(out, qa{Q: q, A: ans})
		}
	}
	switch kind {
	case workflows.TaskBackstory:
		add("What happened, from our side", a.OurSide)
		add("Landmines", strings.Join(a.Landmines, "\n"))
		add("Strengths", a.Strengths)
		add("Weaknesses", a.Weaknesses)
	case workflows.TaskExitInterview:
		add("Why are you leaving us?", a.WhyLeaving)
		add("What would we need to do to keep you as a customer?", a.WhatWouldKeepYou)
		for n := range out {
			out[n].Quote = true
		}
		add("Reason", label(reasonLabels, string(a.Reason)))
		add("Scope", label(scopeLabels, string(a.Scope)))
		if a.IsItMe {
			to := a.NewRep
			if to == "" {
				to = "the manager"
			}
			add("Is it me?", "Yes: the account moves to "+to)
		}
	case workflows.TaskDecision:
		switch {
		case a.Pursue == nil:
		case *a.Pursue:
			add("Decision", "Pursue")
		default:
			add("Decision", "Walk away")
		}
		add("Rationale", a.Rationale)
		add("What we changed", a.WhatWeChanged)
		add("Offer", label(offerLabels, string(a.Offer)))
		add("Offer details", a.OfferDetails)
	case workflows.TaskThankYouCall, workflows.TaskCheckInCall:
		add("Outcome", label(callOutcomeLabels, string(a.Outcome)))
		add("Notes", a.Notes)
	case workflows.TaskFixContact:
		add("Corrected email", a.Email)
		add("Corrected phone", a.Phone)
	}
	return out
}
