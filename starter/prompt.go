package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/winback/winback/workflows"
)

// prompter asks questions on a terminal, one line per answer.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

// errNoAnswer is returned when input ends before an answer (Ctrl-D).
var errNoAnswer = errors.New("no answer (input ended)")

// line asks a question and returns the trimmed line typed.
func (p *prompter) line(question string) (string, error) {
	fmt.Fprintf(p.out, "%s ", question)
	s, err := p.in.ReadString('\n')
	if err != nil && (s == "" || !errors.Is(err, io.EOF)) {
		return "", errNoAnswer
	}
	return strings.TrimSpace(s), nil
}

// text asks for free text; a required answer is asked again until given.
func (p *prompter) text(question string, required bool) (string, error) {
	for {
		s, err := p.line(question)
		if err != nil || s != "" || !required {
			return s, err
		}
		fmt.Fprintln(p.out, "  (required)")
	}
}

// choose asks for one of options, by number or by value.
func (p *prompter) choose(question string, options []string) (string, error) {
	fmt.Fprintln(p.out, question)
	for i, o := range options {
		fmt.Fprintf(p.out, "  %d) %s\n", i+1, o)
	}
	for {
		s, err := p.line(fmt.Sprintf("Choose 1-%d:", len(options)))
		if err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(options) {
			return options[n-1], nil
		}
		if slices.Contains(options, s) {
			return s, nil
		}
		fmt.Fprintf(p.out, "  %q is not one of the choices\n", s)
	}
}

// yesNo asks a yes/no question.
func (p *prompter) yesNo(question string) (bool, error) {
	for {
		s, err := p.line(question + " [y/n]")
		if err != nil {
			return false, err
		}
		switch strings.ToLower(s) {
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		fmt.Fprintln(p.out, "  answer y or n")
	}
}

// list asks for several lines; an empty line ends the list.
func (p *prompter) list(question string) ([]string, error) {
	fmt.Fprintf(p.out, "%s (one per line, empty line to finish)\n", question)
	var items []string
	for {
		s, err := p.line(">")
		if err != nil {
			return items, err
		}
		if s == "" {
			return items, nil
		}
		items = append(items, s)
	}
}

// askAnswers asks what a task of this kind needs, in the order the playbook asks it.
func askAnswers(p *prompter, task workflows.Task) (workflows.TaskAnswers, error) {
	var (
		a   workflows.TaskAnswers
		err error
	)
	// ask runs the questions in order and stops at the first input error.
	ask := func(steps ...func() error) error {
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	}
	text := func(dst *string, q string, required bool) func() error {
		return func() (err error) { *dst, err = p.text(q, required); return err }
	}
	fmt.Fprintf(p.out, "Task %s (%s): %s\n", task.ID, task.Kind, task.Title)
	switch task.Kind {
	case workflows.TaskBackstory:
		err = ask(
			text(&a.OurSide, "Our side of the story: what happened?", true),
			func() (err error) {
				a.Landmines, err = p.list("Landmines (late deliveries, a billing dispute...)")
				return err
			},
			text(&a.Strengths, "Our strengths with this account:", false),
			text(&a.Weaknesses, "Our weaknesses with this account:", false),
		)
	case workflows.TaskExitInterview:
		err = ask(
			text(&a.WhyLeaving, `"Why are you leaving us?" Their answer:`, true),
			text(&a.WhatWouldKeepYou, `"What would we need to do to keep you as a customer?" Their answer:`, true),
			func() error {
				r, err := p.choose("The reason:", stringsOf(workflows.Reasons))
				a.Reason = workflows.Reason(r)
				return err
			},
			func() error {
				s, err := p.choose("Is the problem specific to this account, or systemic to our business?",
					[]string{string(workflows.ScopeSpecific), string(workflows.ScopeSystemic)})
				a.Scope = workflows.Scope(s)
				return err
			},
			func() (err error) {
				a.IsItMe, err = p.yesNo("Is it me? Is the rep relationship the problem?")
				return err
			},
			func() error {
				if !a.IsItMe {
					return nil
				}
				return text(&a.NewRep, "Who should take the account? (empty: the manager decides)", false)()
			},
		)
	case workflows.TaskDecision:
		err = ask(
			func() error {
				pursue, err := p.yesNo("Is this customer worth winning back?")
				a.Pursue = &pursue
				return err
			},
			func() error {
				if !*a.Pursue {
					return text(&a.Rationale, "Why walk away?", true)()
				}
				o, err := p.choose("The offer:", stringsOf(workflows.Offers))
				a.Offer = workflows.Offer(o)
				if err != nil || a.Offer == workflows.OfferStayInTouch {
					return err
				}
				return ask(
					text(&a.WhatWeChanged, "What did we change because of their input? (the revisit email says it)", true),
					text(&a.OfferDetails, "The offer's details:", false),
					text(&a.Rationale, "Rationale:", false),
				)
			},
		)
	case workflows.TaskThankYouCall, workflows.TaskCheckInCall:
		err = ask(
			func() error {
				o, err := p.choose("How did the call go?", stringsOf(workflows.CallOutcomes))
				a.Outcome = workflows.CallOutcome(o)
				return err
			},
			text(&a.Notes, "Notes:", false),
		)
	case workflows.TaskFixContact:
		err = ask(
			text(&a.Email, "Corrected email (empty to keep):", false),
			text(&a.Phone, "Corrected phone (empty to keep):", false),
		)
	default:
		return a, fmt.Errorf("task %s is of kind %q, which this winback does not know how to ask for; give --answers FILE.json", task.ID, task.Kind)
	}
	return a, err
}
