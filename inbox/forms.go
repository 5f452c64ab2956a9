package inbox

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/winback/winback/config"
	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// A task's form is a list of controls made from its kind's definition (workflows.Kinds). The
// control names are the answers' names, which the CompleteTask validator's field errors carry,
// so each error lands next to its control.

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

// formFor builds the form of a task kind from its definition, showing the values in form
// (what was typed, or nothing on first view). st is the campaign, for the people to hand the
// account to.
func (i *Inbox) formFor(kind workflows.TaskKind, form url.Values, st workflows.CampaignStatus) []control {
	d, ok := workflows.KindOf(kind)
	if !ok {
		return nil
	}
	var out []control
	for _, f := range d.Fields {
		c := control{Name: f.Name, Label: f.Ask(), Hint: f.Hint, Quote: f.Quote, Required: f.AlwaysRequired(), Value: form.Get(f.Name)}
		switch f.Type {
		case workflows.FieldLongText, workflows.FieldList:
			c.Type, c.Rows = "textarea", 3
			if c.Required {
				c.Rows = 4
			}
		case workflows.FieldChoice, workflows.FieldVerdict:
			c.Type = "radio"
			for _, o := range f.Choices {
				c.Options = append(c.Options, option{Value: o.Value, Label: o.Label, Checked: o.Value == c.Value})
			}
		case workflows.FieldYesNo:
			c.Type, c.Checked = "checkbox", c.Value != ""
		case workflows.FieldPerson:
			c.Type = "select"
			c.Hint = strings.TrimSpace(c.Hint + " Left empty, " + f.Empty + ".")
			c.Options = i.peopleOptions(st.Rep, capitalise(f.Empty), c.Value)
		case workflows.FieldEmail:
			c.Type, c.Auto = "email", "off"
		case workflows.FieldPhone:
			c.Type, c.Auto = "tel", "off"
		default:
			c.Type = "text"
		}
		out = append(out, c)
	}
	return out
}

// capitalise starts s with a capital letter.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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

// answersFrom reads the posted form of a task kind into answers, by its definition. The
// contact checks (a phone without +country code is read in region) come back as field errors
// before anything is sent.
func answersFrom(kind workflows.TaskKind, form url.Values, region string) (workflows.TaskAnswers, []workflows.FieldError) {
	var a workflows.TaskAnswers
	var errs []workflows.FieldError
	d, _ := workflows.KindOf(kind)
	for _, f := range d.Fields {
		v := strings.TrimSpace(form.Get(f.Name))
		switch f.Type {
		case workflows.FieldList:
			var items []string
			for _, line := range strings.Split(form.Get(f.Name), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					items = append(items, line)
				}
			}
			f.SetList(&a, items)
		case workflows.FieldYesNo:
			f.SetYes(&a, v != "")
		case workflows.FieldVerdict:
			switch v {
			case "true":
				f.SetVerdict(&a, new(true))
			case "false":
				f.SetVerdict(&a, new(false))
			}
		case workflows.FieldEmail:
			if v != "" {
				if err := contact.CheckEmail(v); err != nil {
					errs = append(errs, workflows.FieldError{Field: f.Name, Message: err.Error(), Code: workflows.CodeInvalid})
				}
			}
			f.SetText(&a, v)
		case workflows.FieldPhone:
			if v != "" {
				phone, err := contact.NormalisePhone(v, region)
				if err != nil {
					errs = append(errs, workflows.FieldError{Field: f.Name, Message: err.Error(), Code: workflows.CodeInvalid})
				}
				v = phone
			}
			f.SetText(&a, v)
		default:
			f.SetText(&a, v)
		}
	}
	d.Tidy(&a)
	return a, errs
}

// fieldError is an error shown in the summary at the top of a form, linked to its control.
type fieldError struct {
	Anchor, Message string
}

// attachErrors puts each field's error next to its control and returns the summary: every
// field error linked to its control, then the messages about no control in particular (a field
// error without a control reads "field: message").
func attachErrors(controls []control, fields []workflows.FieldError, general []string) ([]fieldError, []string) {
	var summary []fieldError
	used := map[string]bool{}
	for n := range controls {
		c := &controls[n]
		var msgs []string
		missing := false
		for _, f := range fields {
			if f.Field == c.Name {
				msgs = append(msgs, f.Message)
				missing = missing || f.Code == workflows.CodeRequired
			}
		}
		if len(msgs) == 0 {
			continue
		}
		used[c.Name] = true
		msg := strings.Join(msgs, "; ")
		summaryMsg := msg
		if c.Type == "radio" && missing {
			// Nothing chosen: the list of values helps nobody here.
			msg, summaryMsg = "Choose one of the options.", "Choose an answer to: "+c.Label
		} else if !strings.Contains(msg, c.Label) {
			summaryMsg = c.Label + ": " + msg
		}
		c.Error = msg
		summary = append(summary, fieldError{Anchor: c.Anchor(), Message: summaryMsg})
	}
	for _, f := range fields {
		if !used[f.Field] {
			general = append(general, f.Error())
		}
	}
	return summary, general
}
