package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// answerFlags are the complete command's answer flags, made from the task kinds' definitions
// (workflows.Kinds): one per answer, two for a verdict (--pursue, --walk-away).
type answerFlags struct {
	fields []workflows.Field // each answer once, in the kinds' order
	text   map[string]*string
	list   map[string]*[]string
	yes    map[string]*bool // by flag, a verdict's no-flag included
}

// answerFields lists every kind's answers once (the call kinds share theirs), with the kinds
// that ask for each.
func answerFields() ([]workflows.Field, map[string][]workflows.TaskKind) {
	var fields []workflows.Field
	kinds := map[string][]workflows.TaskKind{}
	for _, k := range workflows.Kinds() {
		for _, f := range k.Fields {
			if len(kinds[f.Name]) == 0 {
				fields = append(fields, f)
			}
			kinds[f.Name] = append(kinds[f.Name], k.Kind)
		}
	}
	return fields, kinds
}

// register adds the answer flags to fs.
func (f *answerFlags) register(fs *pflag.FlagSet) {
	f.text, f.list, f.yes = map[string]*string{}, map[string]*[]string{}, map[string]*bool{}
	fields, kinds := answerFields()
	f.fields = fields
	for _, fd := range fields {
		var labels []string
		for _, k := range kinds[fd.Name] {
			labels = append(labels, strings.ToLower(k.Label()))
		}
		prefix := strings.Join(labels, " or ") + ": "
		switch fd.Type {
		case workflows.FieldList:
			f.list[fd.Flag] = fs.StringArray(fd.Flag, nil, prefix+lowerFirst(fd.Label)+"; repeat for more")
		case workflows.FieldYesNo:
			f.yes[fd.Flag] = fs.Bool(fd.Flag, false, prefix+lowerFirst(fd.Ask()))
		case workflows.FieldVerdict:
			f.yes[fd.Flag] = fs.Bool(fd.Flag, false, fmt.Sprintf("%sanswer yes to %q", prefix, fd.Ask()))
			f.yes[fd.NoFlag] = fs.Bool(fd.NoFlag, false, fmt.Sprintf("%sanswer no to %q", prefix, fd.Ask()))
		default:
			f.text[fd.Flag] = fs.String(fd.Flag, "", prefix+flagHelp(fd))
		}
	}
}

// flagHelp says what a text, choice or contact flag takes.
func flagHelp(f workflows.Field) string {
	switch {
	case f.Quote:
		return fmt.Sprintf("their answer to %q", f.Label)
	case f.Type == workflows.FieldChoice:
		return lowerFirst(f.Label) + ", one of " + strings.Join(f.Values(), ", ")
	case f.Type == workflows.FieldPerson:
		return lowerFirst(f.Label) + " (a team member ID)"
	case f.Type == workflows.FieldPhone:
		return lowerFirst(f.Label) + " (normalised to E.164 with --default-region)"
	}
	return lowerFirst(f.Ask())
}

// lowerFirst starts s with a small letter.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// apply sets on a the answers whose flags were given, and reports whether any was.
func (f *answerFlags) apply(fs *pflag.FlagSet, a *workflows.TaskAnswers) (bool, error) {
	given := false
	for _, fd := range f.fields {
		switch fd.Type {
		case workflows.FieldList:
			if fs.Changed(fd.Flag) {
				fd.SetList(a, *f.list[fd.Flag])
				given = true
			}
		case workflows.FieldYesNo:
			if fs.Changed(fd.Flag) {
				fd.SetYes(a, *f.yes[fd.Flag])
				given = true
			}
		case workflows.FieldVerdict:
			yes, no := fs.Changed(fd.Flag), fs.Changed(fd.NoFlag)
			switch {
			case yes && no:
				return false, badInputf("--%s and --%s: give one", fd.Flag, fd.NoFlag)
			case yes:
				fd.SetVerdict(a, new(*f.yes[fd.Flag]))
				given = true
			case no:
				fd.SetVerdict(a, new(!*f.yes[fd.NoFlag]))
				given = true
			}
		default:
			if fs.Changed(fd.Flag) {
				fd.SetText(a, *f.text[fd.Flag])
				given = true
			}
		}
	}
	return given, nil
}

// kindsHelp lists what each task kind needs, for the complete command's help.
func kindsHelp() string {
	var b strings.Builder
	for _, k := range workflows.Kinds() {
		var flags []string
		for _, f := range k.Fields {
			flag := "--" + f.Flag
			if f.Type == workflows.FieldVerdict {
				flag += " or --" + f.NoFlag
			}
			switch {
			case f.AlwaysRequired():
				flag += " (required)"
			case f.RequiredWhen != "":
				flag += " (required " + f.RequiredWhen + ")"
			case f.Type == workflows.FieldList:
				flag += " (repeat)"
			}
			flags = append(flags, flag)
		}
		line := fmt.Sprintf("  %-15s %s", k.Kind, strings.Join(flags, ", "))
		if k.Note != "" {
			line += " (" + k.Note + ")"
		}
		const width, indent = 100, 18
		for len(line) > width { // wrap after a comma, under the flags
			cut := strings.LastIndex(line[:width], ", ")
			if cut <= indent {
				if cut = strings.Index(line[indent:], ", "); cut < 0 {
					break // one flag longer than the line: leave it long
				}
				cut += indent
			}
			b.WriteString(line[:cut+1] + "\n")
			line = strings.Repeat(" ", indent) + line[cut+2:]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
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

// checkContact checks the contact answers (a fix-contact task's corrected email and phone)
// and normalises a phone to E.164, reading a national number in region.
func checkContact(a *workflows.TaskAnswers, region string) error {
	fields, _ := answerFields()
	for _, f := range fields {
		v := f.Text(*a)
		if v == "" {
			continue
		}
		switch f.Type {
		case workflows.FieldEmail:
			if err := contact.CheckEmail(v); err != nil {
				return badInputf("%s: %v", f.Name, err)
			}
		case workflows.FieldPhone:
			phone, err := contact.NormalisePhone(v, region)
			if err != nil {
				return badInputf("%s: %v", f.Name, err)
			}
			f.SetText(a, phone)
		}
	}
	return nil
}

// describeAnswers lists the answers about to be sent, one per line, for the confirmation prompt.
func describeAnswers(kind workflows.TaskKind, a workflows.TaskAnswers) string {
	var b bytes.Buffer
	for i, qa := range answerLines(kind, a) {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %s: %s", qa[0], qa[1])
	}
	return b.String()
}
