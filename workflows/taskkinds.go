package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// One definition per task kind: its answers, their words for people and their rules. The
// CompleteTask validator, the inbox's forms, the CLI's flags, prompts and help, and every
// display of answers are made from it, so adding an answer is one field of TaskAnswers, one
// Field below, and (when it has one) its rule in the Field or the kind's check.

// TaskKind is the kind of a human task; each kind has its own answers.
type TaskKind string

// The task kinds.
const (
	TaskBackstory     TaskKind = "backstory"
	TaskExitInterview TaskKind = "exit_interview"
	TaskDecision      TaskKind = "decision"
	TaskThankYouCall  TaskKind = "thank_you_call"
	TaskCheckInCall   TaskKind = "check_in_call"
	TaskFixContact    TaskKind = "fix_contact"
	// TaskAnswerReply: the customer wrote to us (a text that is not a keyword); someone answers.
	TaskAnswerReply TaskKind = "answer_reply"
	// TaskFulfilOffer: the customer accepted the offer; the rep does what it promised.
	TaskFulfilOffer TaskKind = "fulfil_offer"
)

// TaskAnswers holds the answers for every kind of task; each kind uses its own fields (its
// Kind's Fields say which) and the CompleteTask validator says which are missing or wrong.
type TaskAnswers struct {
	// Backstory: our side of the story, from the account team.
	OurSide    string   `json:"ourSide,omitempty"`
	Landmines  []string `json:"landmines,omitempty"`
	Strengths  string   `json:"strengths,omitempty"`
	Weaknesses string   `json:"weaknesses,omitempty"`

	// Exit interview: the customer's own words, and our reading of them.
	WhyLeaving       string `json:"whyLeaving,omitempty"`       // "Why are you leaving us?"
	WhatWouldKeepYou string `json:"whatWouldKeepYou,omitempty"` // "What would we need to do to keep you as a customer?"
	Reason           Reason `json:"reason,omitempty"`
	Scope            Scope  `json:"scope,omitempty"`
	IsItMe           bool   `json:"isItMe,omitempty"` // the rep relationship is the problem
	NewRep           string `json:"newRep,omitempty"` // who takes the account when IsItMe

	// Decision: pursue or walk away, and the plan.
	Pursue        *bool  `json:"pursue,omitempty"`
	Rationale     string `json:"rationale,omitempty"`
	WhatWeChanged string `json:"whatWeChanged,omitempty"`
	Offer         Offer  `json:"offer,omitempty"`
	OfferDetails  string `json:"offerDetails,omitempty"`
	// The offer's terms, by kind: what it is worth (an incentive's amount, a foot in the door's
	// project value), until when (an incentive), the figures that show our value.
	OfferValue string   `json:"offerValue,omitempty"` // a number
	OfferUntil string   `json:"offerUntil,omitempty"` // YYYY-MM-DD
	Figures    []string `json:"figures,omitempty"`

	// Calls (thank-you and check-in).
	Outcome CallOutcome `json:"outcome,omitempty"`
	Notes   string      `json:"notes,omitempty"`

	// Fix contact: corrected details.
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// FieldType is how a person gives an answer: it decides the form control, the CLI flag and
// the prompt that ask for it.
type FieldType string

// The field types.
const (
	FieldText     FieldType = "text"     // one line
	FieldLongText FieldType = "longtext" // a paragraph
	FieldList     FieldType = "list"     // several items, one a line
	FieldChoice   FieldType = "choice"   // one of the field's Choices
	FieldYesNo    FieldType = "yesno"    // a tick: yes, or left out
	FieldVerdict  FieldType = "verdict"  // a yes or a no that must be given (pursue or walk away)
	FieldPerson   FieldType = "person"   // a team member's ID
	FieldEmail    FieldType = "email"    // an email address (contact.CheckEmail)
	FieldPhone    FieldType = "phone"    // a phone number, E.164 once normalised
)

// Choice is one value of a choice field, and its words for people.
type Choice struct {
	Value string
	Label string
}

// Field is one answer of a task kind.
type Field struct {
	// Name is the answer's JSON name in TaskAnswers; the inbox form control and the
	// validator's FieldError use it too.
	Name string
	// Flag is the `winback complete` flag that gives it; a verdict's Flag answers yes and
	// NoFlag answers no.
	Flag, NoFlag string
	// Label names the answer where it is shown: "Our side", "Reason". A question asked word
	// for word (Quote) is its own label.
	Label string
	// Question is how a form and a prompt ask for it; Label when empty.
	Question string
	// Quote marks a question asked to the customer word for word; the answer is their words.
	Quote bool
	// Hint helps the person answer, under the question.
	Hint string
	// Empty says what leaving an optional answer out means ("the manager decides").
	Empty string
	// Type is how the answer is given.
	Type FieldType
	// Choices are the values of a choice or verdict field.
	Choices []Choice
	// Missing is the validator's message when a required answer is missing.
	Missing string
	// RequiredWhen says in words when an answer that is not always required is: "when
	// walking away".
	RequiredWhen string

	mustGive     bool                   // required whatever the other answers say
	requiredWhen func(TaskAnswers) bool // required when it holds
	asked        func(TaskAnswers) bool // nil: always asked

	text    func(*TaskAnswers) *string
	list    func(*TaskAnswers) *[]string
	yes     func(*TaskAnswers) *bool
	verdict func(*TaskAnswers) **bool
}

// Kind is a task kind's definition: its words for people and its answers, in the order a
// person gives them.
type Kind struct {
	Kind   TaskKind
	Label  string
	Fields []Field
	// Note says in words what its rules across fields ask: "one or both".
	Note string

	check func(TaskAnswers) []FieldError // rules across fields
	tidy  func(*TaskAnswers)             // drops answers the others make moot
}

// Kinds lists every task kind's definition.
func Kinds() []Kind { return kinds }

// KindOf returns the definition of a task kind; false for a kind this code does not know.
func KindOf(k TaskKind) (Kind, bool) {
	for _, d := range kinds {
		if d.Kind == k {
			return d, true
		}
	}
	return Kind{}, false
}

// Label is the kind's name for people ("Exit interview"), or the kind itself when unknown.
func (k TaskKind) Label() string {
	if d, ok := KindOf(k); ok {
		return d.Label
	}
	return string(k)
}

// Tidy drops the answers the others make moot (walking away carries no plan), as a client
// does before sending them.
func (k Kind) Tidy(a *TaskAnswers) {
	if k.tidy != nil {
		k.tidy(a)
	}
}

// Answer is one answer given to a task, as words.
type Answer struct {
	Field Field
	// Values are a list's items, "yes" or "no" for a yes/no or a verdict, a choice's value,
	// or the text.
	Values []string
}

// Answers lists the answers given to a task of this kind, in the kind's order, for a display.
func (k Kind) Answers(a TaskAnswers) []Answer {
	var out []Answer
	for _, f := range k.Fields {
		if !f.Given(a) {
			continue
		}
		var v []string
		switch f.Type {
		case FieldList:
			v = f.List(a)
		case FieldYesNo:
			v = []string{"yes"}
		case FieldVerdict:
			v = []string{map[bool]string{true: "yes", false: "no"}[*f.Verdict(a)]}
		default:
			v = []string{f.Text(a)}
		}
		out = append(out, Answer{Field: f, Values: v})
	}
	return out
}

// Required reports whether the answer must be given, given the others.
func (f Field) Required(a TaskAnswers) bool {
	return f.mustGive || (f.requiredWhen != nil && f.requiredWhen(a))
}

// AlwaysRequired reports whether the answer is required whatever the others say (a form marks
// it so).
func (f Field) AlwaysRequired() bool { return f.mustGive }

// Asked reports whether a prompt asks for the answer, given the answers so far (a plan only
// when pursuing, the new rep only when "is it me?" is yes).
func (f Field) Asked(a TaskAnswers) bool { return f.asked == nil || f.asked(a) }

// Ask is the question as a form or a prompt puts it.
func (f Field) Ask() string {
	if f.Question != "" {
		return f.Question
	}
	return f.Label
}

// Text is a text, choice, person, email or phone answer.
func (f Field) Text(a TaskAnswers) string {
	if f.text == nil {
		return ""
	}
	return *f.text(&a)
}

// SetText sets a text, choice, person, email or phone answer.
func (f Field) SetText(a *TaskAnswers, v string) {
	if f.text != nil {
		*f.text(a) = v
	}
}

// List is a list answer.
func (f Field) List(a TaskAnswers) []string {
	if f.list == nil {
		return nil
	}
	return *f.list(&a)
}

// SetList sets a list answer.
func (f Field) SetList(a *TaskAnswers, v []string) {
	if f.list != nil {
		*f.list(a) = v
	}
}

// Yes is a yes/no answer.
func (f Field) Yes(a TaskAnswers) bool { return f.yes != nil && *f.yes(&a) }

// SetYes sets a yes/no answer.
func (f Field) SetYes(a *TaskAnswers, v bool) {
	if f.yes != nil {
		*f.yes(a) = v
	}
}

// Verdict is a verdict answer: nil when not given.
func (f Field) Verdict(a TaskAnswers) *bool {
	if f.verdict == nil {
		return nil
	}
	return *f.verdict(&a)
}

// SetVerdict sets a verdict answer (nil: not given).
func (f Field) SetVerdict(a *TaskAnswers, v *bool) {
	if f.verdict != nil {
		*f.verdict(a) = v
	}
}

// Given reports whether the answer was given.
func (f Field) Given(a TaskAnswers) bool {
	switch f.Type {
	case FieldList:
		return len(f.List(a)) > 0
	case FieldYesNo:
		return f.Yes(a)
	case FieldVerdict:
		return f.Verdict(a) != nil
	}
	return strings.TrimSpace(f.Text(a)) != ""
}

// Values are the values of a choice field.
func (f Field) Values() []string {
	out := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		out[i] = c.Value
	}
	return out
}

// ChoiceLabel is the words for a value of a choice field, or the value itself.
func (f Field) ChoiceLabel(value string) string {
	for _, c := range f.Choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

// The conditions under which an answer is required or asked.
func pursuing(a TaskAnswers) bool    { return a.Pursue != nil && *a.Pursue }
func walkingAway(a TaskAnswers) bool { return a.Pursue != nil && !*a.Pursue }

// planning: pursuing with an offer that changes something (not the stay-in-touch cadence).
func planning(a TaskAnswers) bool { return pursuing(a) && a.Offer != OfferStayInTouch }

// offerNeeds: pursuing with one of these offers.
func offerNeeds(offers ...Offer) func(TaskAnswers) bool {
	return func(a TaskAnswers) bool { return pursuing(a) && slices.Contains(offers, a.Offer) }
}

// checkOfferTerms checks the shape of an offer's value and last day, when given.
func checkOfferTerms(a TaskAnswers) []FieldError {
	var errs []FieldError
	if v := strings.TrimSpace(a.OfferValue); v != "" {
		if n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err != nil || n <= 0 {
			errs = append(errs, FieldError{Field: "offerValue", Message: fmt.Sprintf("%q is not an amount above 0, like 1200", v), Code: CodeInvalid})
		}
	}
	if d := strings.TrimSpace(a.OfferUntil); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			errs = append(errs, FieldError{Field: "offerUntil", Message: fmt.Sprintf("%q is not a date like 2026-12-31", d), Code: CodeInvalid})
		}
	}
	return errs
}

// OfferValueOf reads an offer's value as the decision gives it (0 when none or not a number).
func OfferValueOf(a TaskAnswers) float64 {
	n, _ := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(a.OfferValue), ",", ""), 64)
	return n
}

// The call kinds share their answers.
var callFields = []Field{
	{Name: "outcome", Flag: "outcome", Label: "Outcome", Question: "How did the call go?", Type: FieldChoice,
		Choices: choices(CallOutcomes), mustGive: true,
		text: func(a *TaskAnswers) *string { return (*string)(&a.Outcome) }},
	{Name: "notes", Flag: "notes", Label: "Notes", Type: FieldLongText,
		Hint: "What they said, and anything to remember for the next call.",
		text: func(a *TaskAnswers) *string { return &a.Notes }},
}

var kinds = []Kind{
	{Kind: TaskBackstory, Label: "Backstory", Fields: []Field{
		{Name: "ourSide", Flag: "our-side", Label: "Our side", Question: "What happened, from our side?", Type: FieldLongText,
			Hint:    "The account team's account of events before anyone calls the customer.",
			Missing: "our side of the story (what happened, from the account team) is required", mustGive: true,
			text: func(a *TaskAnswers) *string { return &a.OurSide }},
		{Name: "landmines", Flag: "landmine", Label: "Landmines", Type: FieldList,
			Hint: "Topics to handle with care on the call, one per line: late deliveries, a billing dispute…",
			list: func(a *TaskAnswers) *[]string { return &a.Landmines }},
		{Name: "strengths", Flag: "strengths", Label: "Strengths", Question: "Our strengths with this customer", Type: FieldLongText,
			text: func(a *TaskAnswers) *string { return &a.Strengths }},
		{Name: "weaknesses", Flag: "weaknesses", Label: "Weaknesses", Question: "Our weaknesses with this customer", Type: FieldLongText,
			text: func(a *TaskAnswers) *string { return &a.Weaknesses }},
	}},
	{Kind: TaskExitInterview, Label: "Exit interview", Fields: []Field{
		{Name: "whyLeaving", Flag: "why-leaving", Label: "Why are you leaving us?", Quote: true, Type: FieldLongText,
			Hint:    "Ask the customer, and write down their answer in their own words.",
			Missing: `the answer to "Why are you leaving us?" is required`, mustGive: true,
			text: func(a *TaskAnswers) *string { return &a.WhyLeaving }},
		{Name: "whatWouldKeepYou", Flag: "what-would-keep-you", Label: "What would we need to do to keep you as a customer?",
			Quote: true, Type: FieldLongText, Hint: "Ask, and write down their answer.",
			Missing: `the answer to "What would we need to do to keep you as a customer?" is required`, mustGive: true,
			text: func(a *TaskAnswers) *string { return &a.WhatWouldKeepYou }},
		{Name: "reason", Flag: "reason", Label: "Reason", Question: "Why did they leave?", Type: FieldChoice,
			Choices: choices(Reasons), mustGive: true,
			text: func(a *TaskAnswers) *string { return (*string)(&a.Reason) }},
		{Name: "scope", Flag: "scope", Label: "Scope", Question: "Is the root problem specific to this account, or systemic to our business?",
			Type: FieldChoice, Choices: choices(Scopes), mustGive: true,
			text: func(a *TaskAnswers) *string { return (*string)(&a.Scope) }},
		{Name: "isItMe", Flag: "is-it-me", Label: "Is it me?",
			Question: "Is it me? The relationship with me is the problem: move the account to someone else", Type: FieldYesNo,
			yes: func(a *TaskAnswers) *bool { return &a.IsItMe }},
		{Name: "newRep", Flag: "new-rep", Label: "Who takes the account", Type: FieldPerson,
			Hint: `Only when "Is it me?" is yes.`, Empty: "the manager decides",
			asked: func(a TaskAnswers) bool { return a.IsItMe },
			text:  func(a *TaskAnswers) *string { return &a.NewRep }},
	}, check: func(a TaskAnswers) []FieldError {
		if !a.IsItMe && a.NewRep != "" {
			return []FieldError{{Field: "newRep", Message: `is only for "is it me?" answered yes`, Code: CodeInvalid}}
		}
		return nil
	}},
	{Kind: TaskDecision, Label: "Decision", Fields: []Field{
		{Name: "pursue", Flag: "pursue", NoFlag: "walk-away", Label: "Pursue", Question: "Is this customer worth winning back?",
			Type: FieldVerdict, Choices: []Choice{{"true", "Yes: pursue, with the plan below"}, {"false", "No: walk away"}},
			Missing: "say whether we pursue this customer (true) or walk away (false)", mustGive: true,
			verdict: func(a *TaskAnswers) **bool { return &a.Pursue }},
		{Name: "offer", Flag: "offer", Label: "Offer", Question: "The offer (when pursuing)", Type: FieldChoice,
			Choices: choices(Offers), RequiredWhen: "when pursuing", requiredWhen: pursuing, asked: pursuing,
			text: func(a *TaskAnswers) *string { return (*string)(&a.Offer) }},
		{Name: "whatWeChanged", Flag: "what-we-changed", Label: "What we changed",
			Question: "What we changed because of their input", Type: FieldLongText,
			Hint:         "The revisit email tells the customer exactly this, so write it to them: “we've added a dedicated support line”. Not needed for stay in touch.",
			Missing:      "what we changed because of their input (the revisit email says it) is required",
			RequiredWhen: "when pursuing with an offer other than stay_in_touch", requiredWhen: planning, asked: planning,
			text: func(a *TaskAnswers) *string { return &a.WhatWeChanged }},
		{Name: "offerDetails", Flag: "offer-details", Label: "Offer details", Type: FieldText,
			Hint:    "The terms, in words the customer reads: the conciliatory offer, our terms against the competitor's, the incentive, the project, the product.",
			Missing: "the offer's terms are required for this offer", RequiredWhen: "for every offer but value_numbers and stay_in_touch",
			requiredWhen: offerNeeds(OfferApology, OfferBeatOffer, OfferIncentive, OfferFootInDoor, OfferDifferentProduct), asked: planning,
			text: func(a *TaskAnswers) *string { return &a.OfferDetails }},
		{Name: "offerValue", Flag: "offer-value", Label: "Offer value", Type: FieldText,
			Hint:    "What it is worth, a number: the incentive's amount, the project's value.",
			Missing: "the offer's value (a number) is required for an incentive or a foot in the door", RequiredWhen: "for incentive and foot_in_door",
			requiredWhen: offerNeeds(OfferIncentive, OfferFootInDoor), asked: offerNeeds(OfferIncentive, OfferFootInDoor),
			text: func(a *TaskAnswers) *string { return &a.OfferValue }},
		{Name: "offerUntil", Flag: "offer-until", Label: "Offer until", Type: FieldText,
			Hint:    "The last day the incentive holds, YYYY-MM-DD: its link expires after it.",
			Missing: "the incentive's last day (YYYY-MM-DD) is required", RequiredWhen: "for incentive",
			requiredWhen: offerNeeds(OfferIncentive), asked: offerNeeds(OfferIncentive),
			text: func(a *TaskAnswers) *string { return &a.OfferUntil }},
		{Name: "figures", Flag: "figure", Label: "The numbers", Type: FieldList,
			Hint:    "The figures that show our value, one a line: “you saved 12,000 in 2025”. The email lists them.",
			Missing: "the figures that show our value are required for value_numbers", RequiredWhen: "for value_numbers",
			requiredWhen: offerNeeds(OfferValueNumbers), asked: offerNeeds(OfferValueNumbers),
			list: func(a *TaskAnswers) *[]string { return &a.Figures }},
		{Name: "rationale", Flag: "rationale", Label: "Rationale", Type: FieldLongText,
			Hint:    "Required when walking away: why we let them go.",
			Missing: "the rationale for walking away is required", RequiredWhen: "when walking away", requiredWhen: walkingAway,
			asked: func(a TaskAnswers) bool { return !pursuing(a) || planning(a) },
			text:  func(a *TaskAnswers) *string { return &a.Rationale }},
	}, check: checkOfferTerms, tidy: func(a *TaskAnswers) {
		if walkingAway(*a) { // walking away: no plan to carry
			a.Offer, a.WhatWeChanged, a.OfferDetails, a.OfferValue, a.OfferUntil, a.Figures = "", "", "", "", "", nil
		}
	}},
	{Kind: TaskThankYouCall, Label: "Thank-you call", Fields: callFields},
	{Kind: TaskCheckInCall, Label: "Check-in call", Fields: callFields},
	{Kind: TaskFixContact, Label: "Fix contact details", Fields: []Field{
		{Name: "email", Flag: "email", Label: "Corrected email", Type: FieldEmail,
			Hint: "Give a corrected email, a corrected phone, or both.", Empty: "keep the current one",
			text: func(a *TaskAnswers) *string { return &a.Email }},
		{Name: "phone", Flag: "phone", Label: "Corrected phone", Type: FieldPhone,
			Hint: "With its country code, e.g. +1 212 555 0142.", Empty: "keep the current one",
			text: func(a *TaskAnswers) *string { return &a.Phone }},
	}, Note: "one or both", check: checkContact},
	{Kind: TaskFulfilOffer, Label: "Fulfil the accepted offer", Fields: []Field{
		{Name: "notes", Flag: "notes", Label: "What we set up", Question: "What did you set up for them?", Type: FieldLongText,
			Hint:    "The discount applied, the project scheduled, the product delivered: completing this task wins the customer back (or, for a foot in the door, records the smaller project).",
			Missing: "say what you set up for the customer", mustGive: true,
			text: func(a *TaskAnswers) *string { return &a.Notes }},
	}},
	{Kind: TaskAnswerReply, Label: "Answer the customer's reply", Fields: []Field{
		{Name: "notes", Flag: "notes", Label: "How we answered", Question: "How did you answer them?", Type: FieldLongText,
			Hint:    "Their message is on the campaign (winback status, or the customer page). Call or write back, then say what you told them.",
			Missing: "say how you answered the customer", mustGive: true,
			text: func(a *TaskAnswers) *string { return &a.Notes }},
	}},
}

// choices lists enum values with their words for people.
func choices[T interface {
	~string
	Label() string
}](values []T) []Choice {
	out := make([]Choice, len(values))
	for i, v := range values {
		out[i] = Choice{Value: string(v), Label: v.Label()}
	}
	return out
}
