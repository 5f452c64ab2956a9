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

// askAnswers asks what a task of this kind needs, by its definition (workflows.Kinds): each
// answer in order, skipping those the answers so far make moot (a plan when walking away).
func askAnswers(p *prompter, task workflows.Task) (workflows.TaskAnswers, error) {
	var a workflows.TaskAnswers
	d, ok := workflows.KindOf(task.Kind)
	if !ok {
		return a, fmt.Errorf("task %s is of kind %q, which this winback does not know how to ask for; give --answers FILE.json", task.ID, task.Kind)
	}
	fmt.Fprintf(p.out, "Task %s (%s): %s\n", task.ID, task.Kind, task.Title)
	for _, f := range d.Fields {
		if !f.Asked(a) {
			continue
		}
		var err error
		switch f.Type {
		case workflows.FieldList:
			var items []string
			items, err = p.list(f.Label + hint(f))
			f.SetList(&a, items)
		case workflows.FieldChoice:
			var v string
			v, err = p.choose(question(f), f.Values())
			f.SetText(&a, v)
		case workflows.FieldYesNo:
			var yes bool
			yes, err = p.yesNo(f.Ask())
			f.SetYes(&a, yes)
		case workflows.FieldVerdict:
			var yes bool
			yes, err = p.yesNo(f.Ask())
			f.SetVerdict(&a, &yes)
		default:
			q := question(f)
			if f.Quote {
				q = fmt.Sprintf("%q Their answer:", f.Label)
			}
			if f.Empty != "" {
				q += " (empty: " + f.Empty + ")"
			}
			var v string
			v, err = p.text(q, f.Required(a))
			f.SetText(&a, v)
		}
		if err != nil {
			return a, err
		}
	}
	d.Tidy(&a)
	return a, nil
}

// question is a field's question as a prompt puts it: "Notes:", "Why did they leave?".
func question(f workflows.Field) string {
	if q := f.Ask(); strings.HasSuffix(q, "?") {
		return q
	}
	return f.Ask() + ":"
}

// hint adds a list's hint to its prompt: "Landmines (topics to handle with care...)".
func hint(f workflows.Field) string {
	if f.Hint == "" {
		return ""
	}
	return " (" + lowerFirst(strings.TrimSuffix(f.Hint, ".")) + ")"
}
