package inbox

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/winback/winback/config"
	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// A task's form is a list of controls made for its kind. The control names are the answer
// fields' JSON names, which are also the names the CompleteTask validator uses in its errors
// ("whyLeaving: ... is required"), so each error lands next to its control.

// control is one question of a form.
type control struct {
	Type     string // text, textarea, email, tel, radio, checkbox, select
	Name     string
	Label    string // the label, or a radio group's legend
	Hint     string
	Quote    bool // the label is a question to ask the customer word for word
	Value    string
	Checked  bool
	Options  []option // radio and select
	Rows     int
	Required bool
	Error    string
	Auto     string // autocomplete
}

// option is one choice of a radio group or select.
type option struct {
	Value, Label string
	Checked      bool
}

// ID is the control's element ID; a radio group's is its fieldset's.
func (c control) ID() string { return "f-" + c.Name }

// OptionID is the element ID of one choice of a radio group.
func (c control) OptionID(value string) string { return "f-" + c.Name + "-" + value }

// Anchor is where the error summary's link for this control points: the control, or a radio
// group's first choice.
func (c control) Anchor() string {
	if c.Type == "radio" && len(c.Options) > 0 {
		return c.OptionID(c.Options[0].Value)
	}
	return c.ID()
}

// DescribedBy lists the IDs of the hint and the error, for aria-describedby.
func (c control) DescribedBy() string {
	var ids []string
	if c.Hint != "" {
		ids = append(ids, "hint-"+c.Name)
	}
	if c.Error != "" {
		ids = append(ids, "err-"+c.Name)
	}
	return strings.Join(ids, " ")
}

func choices(labels map[string]string, values []string, selected string) []option {
	out := make([]option, len(values))
	for n, v := range values {
		out[n] = option{Value: v, Label: label(labels, v), Checked: v == selected}
	}
	return out
}

func strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for n, v := range values {
		out[n] = string(v)
	}
	return out
}

// formFor builds the form of a task kind, showing the values in form (what was typed, or
// nothing on first view). st is the campaign, for the people to hand the account to.
func (i *Inbox) formFor(kind workflows.TaskKind, form url.Values, st workflows.CampaignStatus) []control {
	v := func(name string) string { return form.Get(name) }
	text := func(name, lbl, hint string, rows int, required bool) control {
		return control{Type: "textarea", Name: name, Label: lbl, Hint: hint, Rows: rows, Required: required, Value: v(name)}
	}
	switch kind {
	case workflows.TaskBackstory:
		return []control{
			text("ourSide", "What happened, from our side", "The account team's account of events before anyone calls the customer.", 5, true),
			text("landmines", "Landmines", "Topics to handle with care on the call, one per line: late deliveries, a billing dispute…", 4, false),
			text("strengths", "Our strengths with this customer", "", 3, false),
			text("weaknesses", "Our weaknesses with this customer", "", 3, false),
		}
	case workflows.TaskExitInterview:
		why := text("whyLeaving", "Why are you leaving us?", "Ask the customer, and write down their answer in their own words.", 4, true)
		keep := text("whatWouldKeepYou", "What would we need to do to keep you as a customer?", "Ask, and write down their answer.", 4, true)
		why.Quote, keep.Quote = true, true
		return []control{
			why, keep,
			{Type: "radio", Name: "reason", Label: "Why did they leave?", Required: true,
				Options: choices(reasonLabels, strs(workflows.Reasons), v("reason"))},
			{Type: "radio", Name: "scope", Label: "Is the root problem specific to this account, or systemic to our business?", Required: true,
				Options: choices(scopeLabels, strs([]workflows.Scope{workflows.ScopeSpecific, workflows.ScopeSystemic}), v("scope"))},
			{Type: "checkbox", Name: "isItMe", Label: "Is it me? The relationship with me is the problem: move the account to someone else",
				Checked: v("isItMe") != ""},
			{Type: "select", Name: "newRep", Label: "Who takes the account",
				Hint:    fmt.Sprintf(`Only when "Is it me?" is ticked. Leave it on the default and manager %s takes it.`, i.name(st.Manager)),
				Options: i.peopleOptions(st.Rep, "The manager decides", v("newRep"))},
		}
	case workflows.TaskDecision:
		return []control{
			{Type: "radio", Name: "pursue", Label: "Is this customer worth winning back?", Required: true,
				Options: []option{{"true", "Yes: pursue, with the plan below", v("pursue") == "true"}, {"false", "No: walk away", v("pursue") == "false"}}},
			text("rationale", "Rationale", "Required when walking away: why we let them go.", 3, false),
			text("whatWeChanged", "What we changed because of their input",
				"The revisit email tells the customer exactly this, so write it to them: “we've added a dedicated support line”. Not needed for stay in touch.", 3, false),
			{Type: "radio", Name: "offer", Label: "The offer (when pursuing)", Options: choices(offerLabels, strs(workflows.Offers), v("offer"))},
			{Type: "text", Name: "offerDetails", Label: "Offer details", Hint: "For example: 25% off for two years.", Value: v("offerDetails")},
		}
	case workflows.TaskThankYouCall, workflows.TaskCheckInCall:
		return []control{
			{Type: "radio", Name: "outcome", Label: "How did the call go?", Required: true,
				Options: choices(callOutcomeLabels, strs(workflows.CallOutcomes), v("outcome"))},
			text("notes", "Notes", "What they said, and anything to remember for the next call.", 4, false),
		}
	case workflows.TaskFixContact:
		return []control{
			{Type: "email", Name: "email", Label: "Corrected email", Hint: "Give a corrected email, a corrected phone, or both.", Value: v("email"), Auto: "off"},
			{Type: "tel", Name: "phone", Label: "Corrected phone", Hint: "With its country code, e.g. +1 212 555 0142.", Value: v("phone"), Auto: "off"},
		}
	}
	return nil
}

// peopleOptions lists the people who can take an account, with an empty first choice.
func (i *Inbox) peopleOptions(skip, empty, selected string) []option {
	out := []option{{Value: "", Label: empty, Checked: selected == ""}}
	for _, p := range i.reassignTargets(skip) {
		out = append(out, option{Value: p.ID, Label: personLabel(p), Checked: p.ID == selected})
	}
	return out
}

func personLabel(p config.Person) string {
	if p.Name == "" {
		return p.ID + " (" + p.Role + ")"
	}
	return fmt.Sprintf("%s (%s, %s)", p.Name, p.ID, p.Role)
}

// answersFrom reads the posted form of a task kind into answers. The contact checks (a phone
// without +country code is read in region) come back as field errors before anything is sent.
func answersFrom(kind workflows.TaskKind, form url.Values, region string) (workflows.TaskAnswers, map[string]string) {
	v := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	var a workflows.TaskAnswers
	errs := map[string]string{}
	switch kind {
	case workflows.TaskBackstory:
		a.OurSide, a.Strengths, a.Weaknesses = v("ourSide"), v("strengths"), v("weaknesses")
		for _, line := range strings.Split(form.Get("landmines"), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				a.Landmines = append(a.Landmines, line)
			}
		}
	case workflows.TaskExitInterview:
		a.WhyLeaving, a.WhatWouldKeepYou = v("whyLeaving"), v("whatWouldKeepYou")
		a.Reason, a.Scope = workflows.Reason(v("reason")), workflows.Scope(v("scope"))
		a.IsItMe, a.NewRep = v("isItMe") != "", v("newRep")
	case workflows.TaskDecision:
		switch v("pursue") {
		case "true":
			a.Pursue = new(true)
		case "false":
			a.Pursue = new(false)
		}
		a.Rationale, a.WhatWeChanged, a.Offer, a.OfferDetails = v("rationale"), v("whatWeChanged"), workflows.Offer(v("offer")), v("offerDetails")
		if a.Pursue != nil && !*a.Pursue {
			a.Offer, a.WhatWeChanged, a.OfferDetails = "", "", "" // walking away: no plan to carry
		}
	case workflows.TaskThankYouCall, workflows.TaskCheckInCall:
		a.Outcome, a.Notes = workflows.CallOutcome(v("outcome")), v("notes")
	case workflows.TaskFixContact:
		a.Email, a.Phone = v("email"), v("phone")
		if a.Email != "" {
			if err := contact.CheckEmail(a.Email); err != nil {
				errs["email"] = err.Error()
			}
		}
		if a.Phone != "" {
			phone, err := contact.NormalisePhone(a.Phone, region)
			if err != nil {
				errs["phone"] = err.Error()
			}
			a.Phone = phone
		}
	}
	return a, errs
}

// fieldName is what a validator message starts with when it is about one field.
var fieldName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]*$`)

// rejection splits a validator's message ("field: message; field: message", the text of
// workflows.AnswerErrors or FieldError) into messages per field and the rest.
func rejection(msg string) (fields map[string]string, general []string) {
	fields = map[string]string{}
	for _, part := range strings.Split(msg, "; ") {
		name, text, ok := strings.Cut(part, ": ")
		if !ok || !fieldName.MatchString(name) {
			general = append(general, part)
			continue
		}
		if prev, seen := fields[name]; seen {
			text = prev + "; " + text
		}
		fields[name] = text
	}
	return fields, general
}

// fieldError is an error shown in the summary at the top of a form, linked to its control.
type fieldError struct {
	Anchor, Message string
}

// attachErrors puts each field's message next to its control and returns the summary: every
// field error linked to its control, then the messages about no control in particular.
func attachErrors(controls []control, fields map[string]string, general []string) ([]fieldError, []string) {
	var summary []fieldError
	used := map[string]bool{}
	for n := range controls {
		c := &controls[n]
		msg, ok := fields[c.Name]
		if !ok {
			continue
		}
		used[c.Name] = true
		summaryMsg := msg
		if c.Type == "radio" && strings.HasPrefix(msg, `"" is not one of`) {
			// Nothing chosen: the list of values helps nobody here.
			msg, summaryMsg = "Choose one of the options.", "Choose an answer to: "+c.Label
		} else if !strings.Contains(msg, c.Label) {
			summaryMsg = c.Label + ": " + msg
		}
		c.Error = msg
		summary = append(summary, fieldError{Anchor: c.Anchor(), Message: summaryMsg})
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if !used[name] {
			general = append(general, name+": "+fields[name])
		}
	}
	return summary, general
}
