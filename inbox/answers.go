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

// answerLines puts a task's answers in words, by its kind's definition, leaving out what was
// not answered.
func answerLines(kind workflows.TaskKind, a workflows.TaskAnswers) []qa {
	d, _ := workflows.KindOf(kind)
	var out []qa
	for _, x := range d.Answers(a) {
		answer := strings.Join(x.Values, "\n")
		switch x.Field.Type {
		case workflows.FieldChoice:
			answer = x.Field.ChoiceLabel(answer)
		case workflows.FieldYesNo, workflows.FieldVerdict:
			answer = capitalise(answer)
		}
		out = append(out, qa{Q: x.Field.Label, A: answer, Quote: x.Field.Quote})
	}
	return out
}
