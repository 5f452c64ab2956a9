package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/winback/winback/contact"
)

// FieldError is a rejected answer or request field: which field, and why. The CLI and the
// inbox show it next to the field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Code says what kind of problem it is, so a client can word it for its page without
	// reading Message: CodeRequired or CodeInvalid.
	Code string `json:"code,omitempty"`
}

// The codes of a FieldError.
const (
	// CodeRequired: the answer is missing.
	CodeRequired = "required"
	// CodeInvalid: the value is not one the campaign accepts (not a choice, not allowed for
	// this person, no such task...).
	CodeInvalid = "invalid"
)

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// AnswerErrors is every problem with a set of answers.
type AnswerErrors []FieldError

func (e AnswerErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// The types of the errors the Update validators reject with. They reach the client as a
// temporal.ApplicationError of that type; an UpdateRejected error's details are its
// []FieldError, so a client reads them with Details, never from the message.
const (
	// UpdateRejected: the request names a field that is wrong (an answer, the task, the person).
	UpdateRejected = "UpdateRejected"
	// CampaignClosed: the campaign has an outcome; nothing can change it any more.
	CampaignClosed = "CampaignClosed"
)

// rejection is what a validator returns for field errors: an UpdateRejected application error
// whose message reads like AnswerErrors and whose details carry them.
func rejection(errs ...FieldError) error {
	return temporal.NewApplicationErrorWithOptions(AnswerErrors(errs).Error(), UpdateRejected,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{errs}})
}

// ValidateAnswers checks the answers a task of this kind needs, by its Kind's definition: each
// required answer given, each choice one of its values, then the rules across fields. It is
// pure, so the CLI and the inbox can check a form before sending, and the CompleteTask
// validator checks it again.
func ValidateAnswers(kind TaskKind, a TaskAnswers) error {
	d, ok := KindOf(kind)
	if !ok {
		return AnswerErrors{{Field: "kind", Message: fmt.Sprintf("unknown task kind %q", kind), Code: CodeInvalid}}
	}
	var errs []FieldError
	for _, f := range d.Fields {
		if !f.Required(a) {
			continue
		}
		switch {
		case f.Type == FieldChoice && !slices.Contains(f.Values(), f.Text(a)):
			code := CodeInvalid
			if f.Text(a) == "" {
				code = CodeRequired
			}
			errs = append(errs, FieldError{Field: f.Name, Code: code,
				Message: fmt.Sprintf("%q is not one of %s", f.Text(a), strings.Join(f.Values(), ", "))})
		case f.Type != FieldChoice && !f.Given(a):
			errs = append(errs, FieldError{Field: f.Name, Message: f.Missing, Code: CodeRequired})
		}
	}
	if d.check != nil {
		errs = append(errs, d.check(a)...)
	}
	if len(errs) == 0 {
		return nil
	}
	return AnswerErrors(errs)
}

// checkContact: a fix-contact task needs a corrected email or phone, each one the campaign can
// send to. The clients normalise what people type (a national phone number); the campaign
// takes only E.164.
func checkContact(a TaskAnswers) []FieldError {
	var errs []FieldError
	if strings.TrimSpace(a.Email) == "" && strings.TrimSpace(a.Phone) == "" {
		errs = append(errs, FieldError{Field: "email", Message: "give a corrected email or phone", Code: CodeRequired})
	}
	if a.Email != "" {
		//workflowcheck:ignore net/mail's parser is pure: only its debug logging, which is off, looks otherwise.
		if err := contact.CheckEmail(a.Email); err != nil {
			errs = append(errs, FieldError{Field: "email", Message: err.Error(), Code: CodeInvalid})
		}
	}
	if a.Phone != "" {
		if err := contact.CheckE164(a.Phone); err != nil {
			errs = append(errs, FieldError{Field: "phone", Message: err.Error(), Code: CodeInvalid})
		}
	}
	return errs
}
