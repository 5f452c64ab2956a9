package workflows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/winback/winback/contact"
)

// FieldError is a rejected answer: which field, and why. The CLI and the inbox show it next to
// the field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidateAnswers checks the answers a task of this kind needs. It is pure, so the CLI and the
// inbox can check a form before sending, and the CompleteTask validator checks it again.
func ValidateAnswers(kind TaskKind, a TaskAnswers) error {
	var errs []FieldError
	need := func(field, value, what string) {
		if strings.TrimSpace(value) == "" {
			errs = append(errs, FieldError{field, what + " is required"})
		}
	}
	switch kind {
	case TaskBackstory:
		need("ourSide", a.OurSide, "our side of the story (what happened, from the account team)")
	case TaskExitInterview:
		need("whyLeaving", a.WhyLeaving, `the answer to "Why are you leaving us?"`)
		need("whatWouldKeepYou", a.WhatWouldKeepYou, `the answer to "What would we need to do to keep you as a customer?"`)
		if !slices.Contains(Reasons, a.Reason) {
			errs = append(errs, FieldError{"reason", fmt.Sprintf("%q is not one of %s", a.Reason, list(Reasons))})
		}
		if a.Scope != ScopeSpecific && a.Scope != ScopeSystemic {
			errs = append(errs, FieldError{"scope", fmt.Sprintf("%q is not one of specific, systemic", a.Scope)})
		}
		if !a.IsItMe && a.NewRep != "" {
			errs = append(errs, FieldError{"newRep", `is only for "is it me?" answered yes`})
		}
	case TaskDecision:
		switch {
		case a.Pursue == nil:
			errs = append(errs, FieldError{"pursue", "say whether we pursue this customer (true) or walk away (false)"})
		case !*a.Pursue:
			need("rationale", a.Rationale, "the rationale for walking away")
		default:
			if !slices.Contains(Offers, a.Offer) {
				errs = append(errs, FieldError{"offer", fmt.Sprintf("%q is not one of %s", a.Offer, list(Offers))})
			}
			if a.Offer != OfferStayInTouch {
				need("whatWeChanged", a.WhatWeChanged, "what we changed because of their input (the revisit email says it)")
			}
		}
	case TaskThankYouCall, TaskCheckInCall:
		if !slices.Contains(CallOutcomes, a.Outcome) {
			errs = append(errs, FieldError{"outcome", fmt.Sprintf("%q is not one of %s", a.Outcome, list(CallOutcomes))})
		}
	case TaskFixContact:
		if strings.TrimSpace(a.Email) == "" && strings.TrimSpace(a.Phone) == "" {
			errs = append(errs, FieldError{"email", "give a corrected email or phone"})
		}
		// The clients normalise what people type; the campaign takes only what it can send to.
		if a.Email != "" {
			//workflowcheck:ignore net/mail's parser is pure: only its debug logging, which is off, looks otherwise.
			if err := contact.CheckEmail(a.Email); err != nil {
				errs = append(errs, FieldError{"email", err.Error()})
			}
		}
		if a.Phone != "" {
			if err := contact.CheckE164(a.Phone); err != nil {
				errs = append(errs, FieldError{"phone", err.Error()})
			}
		}
	default:
		errs = append(errs, FieldError{"kind", fmt.Sprintf("unknown task kind %q", kind)})
	}
	if len(errs) == 0 {
		return nil
	}
	return AnswerErrors(errs)
}

// AnswerErrors is every problem with a set of answers.
type AnswerErrors []FieldError

func (e AnswerErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

func list[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}
