package inbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// taskView is a task's page: its form, or what was answered when it is no longer open.
type taskView struct {
	base
	CustomerID   string
	Status       workflows.CampaignStatus
	Task         workflows.Task
	Customer     *workflows.CampaignInput // nil when the details could not be read
	AssigneeName string
	Overdue      bool
	Closed       string // why the task cannot be answered any more; "" when open
	ReadOnly     string // why this person cannot answer it; "" when they can
	Controls     []control
	Summary      []fieldError // errors linked to their controls, at the top of the form
	General      []string     // errors about no control in particular
	Known        []answered   // the campaign's answers so far
	CanReassign  bool
	Reassign     reassignForm
}

// reassignForm is the manager's "give this to someone else" form.
type reassignForm struct {
	Action  string
	Targets []option
	Reason  string
	Error   string
}

// handleTaskPage shows a task's form to whoever may see it.
func (i *Inbox) handleTaskPage(w http.ResponseWriter, r *http.Request, s session) {
	st, t, ok := i.loadTask(w, r, s)
	if !ok {
		return
	}
	v := i.taskPage(r, s, st, t)
	v.Controls = i.formFor(t.Kind, nil, st)
	i.render(w, &s, http.StatusOK, "task", t.Title, v)
}

// handleCompleteTask sends the answers with the CompleteTask Update, as the signed-in person.
// The campaign's validator has the last word: its errors come back next to their fields, with
// everything typed kept.
func (i *Inbox) handleCompleteTask(w http.ResponseWriter, r *http.Request, s session) {
	st, t, ok := i.loadTask(w, r, s)
	if !ok {
		return
	}
	if !i.canCompleteTask(s.Person, st, t) {
		i.renderMessage(w, r, &s, http.StatusForbidden, "You cannot complete this task",
			fmt.Sprintf("Task %q is assigned to %s; only they or the campaign's manager %s can complete it. Nothing was sent.",
				t.ID, i.name(t.Assignee), i.name(st.Manager)))
		return
	}
	if t.Status != workflows.TaskOpen {
		i.renderAlreadyDone(w, r, s, st, t)
		return
	}
	answers, local := answersFrom(t.Kind, r.PostForm, i.o.PhoneRegion)
	v := i.taskPage(r, s, st, t)
	v.Controls = i.formFor(t.Kind, r.PostForm, st)
	if len(local) > 0 {
		v.Summary, v.General = attachErrors(v.Controls, local, nil)
		v.FocusErrors = true
		i.render(w, &s, http.StatusUnprocessableEntity, "task", t.Title, v)
		return
	}
	req := workflows.CompleteTaskRequest{TaskID: t.ID, By: s.Person.ID, Answers: answers}
	res, err := i.o.Client.Complete(r.Context(), v.CustomerID, req)
	if err == nil {
		i.log.Info("Inbox: task completed", "customer", v.CustomerID, "task", t.ID, "by", s.Person.ID)
		i.render(w, &s, http.StatusOK, "done", "Task done", &doneView{
			Heading: "Task done", Text: fmt.Sprintf("%s for customer %s is recorded.", t.Kind.Label(), v.CustomerID),
			Next: res.Next, CustomerID: v.CustomerID,
		})
		return
	}
	var rej *campaigns.RejectedError
	kind, msg := classify(err)
	switch {
	case kind == problemRejected && errors.As(err, &rej):
		var general []string
		if len(rej.Fields) == 0 {
			general = []string{msg}
		}
		if _, aboutTask := rej.Field("taskId"); aboutTask {
			// Someone else finished it (or it expired) between our look and the Update.
			if fresh, err := i.o.Client.Status(r.Context(), v.CustomerID); err == nil {
				if ft := findTask(fresh, t.ID); ft != nil && ft.Status != workflows.TaskOpen {
					i.renderAlreadyDone(w, r, s, fresh, *ft)
					return
				}
			}
		}
		v.Summary, v.General = attachErrors(v.Controls, rej.Fields, general)
		v.FocusErrors = true
		i.render(w, &s, http.StatusUnprocessableEntity, "task", t.Title, v)
	case kind == problemUnavailable:
		i.log.Warn("Inbox: completing a task failed", "customer", v.CustomerID, "task", t.ID, "error", err)
		v.General = []string{"Temporal did not answer in time, so we cannot tell whether your answers were recorded. " +
			"Open the task again in a moment: if it is still open, send the form again."}
		v.FocusErrors = true
		i.render(w, &s, http.StatusServiceUnavailable, "task", t.Title, v)
	default:
		i.campaignProblem(w, r, s, v.CustomerID, err)
	}
}

// handleReassignTask lets a manager hand a task to someone else (ReassignTask Update).
func (i *Inbox) handleReassignTask(w http.ResponseWriter, r *http.Request, s session) {
	st, t, ok := i.loadTask(w, r, s)
	if !ok {
		return
	}
	if !isManager(s.Person) {
		i.renderMessage(w, r, &s, http.StatusForbidden, "Only managers reassign tasks",
			fmt.Sprintf("Ask your manager %s to reassign task %q. Nothing was changed.", i.name(s.Person.Manager), t.ID))
		return
	}
	if t.Status != workflows.TaskOpen {
		i.renderAlreadyDone(w, r, s, st, t)
		return
	}
	to, reason := strings.TrimSpace(r.PostFormValue("to")), strings.TrimSpace(r.PostFormValue("reason"))
	v := i.taskPage(r, s, st, t)
	v.Controls = i.formFor(t.Kind, nil, st)
	v.Reassign.Reason = reason
	for n := range v.Reassign.Targets {
		v.Reassign.Targets[n].Checked = v.Reassign.Targets[n].Value == to
	}
	if !slices.ContainsFunc(i.reassignTargets(t.Assignee), func(p config.Person) bool { return p.ID == to }) {
		v.Reassign.Error = "Choose who takes the task."
		i.render(w, &s, http.StatusUnprocessableEntity, "task", t.Title, v)
		return
	}
	res, err := i.o.Client.Reassign(r.Context(), v.CustomerID, workflows.ReassignRequest{TaskID: t.ID, To: to, By: s.Person.ID, Reason: reason})
	if err == nil {
		i.log.Info("Inbox: task reassigned", "customer", v.CustomerID, "task", t.ID, "to", to, "by", s.Person.ID)
		i.render(w, &s, http.StatusOK, "done", "Task reassigned", &doneView{
			Heading: "Task reassigned", Text: fmt.Sprintf("Task %q of customer %s now belongs to %s.", t.ID, v.CustomerID, i.name(to)),
			Next: res.Next, CustomerID: v.CustomerID,
		})
		return
	}
	if kind, msg := classify(err); kind == problemRejected {
		v.Reassign.Error = msg
		i.render(w, &s, http.StatusUnprocessableEntity, "task", t.Title, v)
		return
	}
	i.campaignProblem(w, r, s, v.CustomerID, err)
}

// loadTask reads the campaign and the task of the URL and checks the person may see it. When
// it returns false, the page explaining why has been written.
func (i *Inbox) loadTask(w http.ResponseWriter, r *http.Request, s session) (workflows.CampaignStatus, workflows.Task, bool) {
	customerID, taskID := r.PathValue("customer"), r.PathValue("task")
	st, err := i.o.Client.Status(r.Context(), customerID)
	if err != nil {
		i.campaignProblem(w, r, s, customerID, err)
		return st, workflows.Task{}, false
	}
	t := findTask(st, taskID)
	if t == nil {
		i.renderMessage(w, r, &s, http.StatusNotFound, "No such task",
			fmt.Sprintf("Customer %s's campaign has no task %q.", customerID, taskID))
		return st, workflows.Task{}, false
	}
	if !i.canSeeTask(s.Person, st.Manager, *t) {
		i.log.Warn("Inbox: refused a task that is not the person's", "user", s.Person.ID, "customer", customerID, "task", taskID)
		text := fmt.Sprintf("Task %q of customer %s is assigned to %s. You can open only the tasks assigned to you.",
			taskID, customerID, i.name(t.Assignee))
		if s.Person.Manager != "" {
			text += fmt.Sprintf(" If it should be yours, ask your manager %s to reassign it.", i.name(s.Person.Manager))
		}
		i.renderMessage(w, r, &s, http.StatusForbidden, "This task is not yours", text)
		return st, workflows.Task{}, false
	}
	return st, *t, true
}

// taskPage fills what every view of a task shows.
func (i *Inbox) taskPage(r *http.Request, s session, st workflows.CampaignStatus, t workflows.Task) *taskView {
	v := &taskView{
		CustomerID: st.CustomerID, Status: st, Task: t, AssigneeName: i.name(t.Assignee),
		Overdue: t.Status == workflows.TaskOpen && !t.Due.IsZero() && t.Due.Before(i.now()),
		Known:   i.answersSoFar(st),
	}
	if in, err := i.o.Client.Input(r.Context(), st.CustomerID); err == nil {
		v.Customer = &in
		if c := st.Contact; c.Email != "" || c.Phone != "" { // the campaign's current contact, corrections included
			v.Customer.Customer.Email, v.Customer.Customer.Phone = c.Email, c.Phone
		}
	} else {
		i.log.Warn("Inbox: the campaign's customer details could not be read", "customer", st.CustomerID, "error", err)
	}
	switch t.Status {
	case workflows.TaskDone:
		v.Closed = fmt.Sprintf("This task was completed by %s.", i.name(t.CompletedBy))
	case workflows.TaskExpired:
		v.Closed = "This task expired: its deadline passed and the playbook's default applied."
	case workflows.TaskCancelled:
		v.Closed = "This task was cancelled: the campaign ended before it was done."
	}
	if !i.canCompleteTask(s.Person, st, t) {
		v.ReadOnly = fmt.Sprintf("Only %s or the campaign's manager %s can complete this task.", i.name(t.Assignee), i.name(st.Manager))
	}
	if t.Status == workflows.TaskOpen && i.canReassignTask(s.Person, st, t) {
		v.CanReassign = true
		v.Reassign = reassignForm{
			Action:  taskURL(st.CustomerID, t.ID) + "/reassign",
			Targets: i.peopleOptions(t.Assignee, "Choose a person", ""),
		}
	}
	return v
}

// renderAlreadyDone is the page for answering a task that is no longer open.
func (i *Inbox) renderAlreadyDone(w http.ResponseWriter, r *http.Request, s session, st workflows.CampaignStatus, t workflows.Task) {
	clk := clock{now: i.now(), loc: s.location()}
	var text string
	switch t.Status {
	case workflows.TaskDone:
		by := i.name(t.CompletedBy)
		if t.CompletedBy == s.Person.ID {
			by = "you"
		}
		text = fmt.Sprintf("Task %q of customer %s was already completed by %s on %s. Your answers were not recorded; nothing was changed.",
			t.ID, st.CustomerID, by, clk.When(t.Completed))
	case workflows.TaskExpired:
		text = fmt.Sprintf("Task %q of customer %s expired on %s and the playbook's default applied. Nothing was changed.",
			t.ID, st.CustomerID, clk.When(t.ExpireAt))
	default:
		text = fmt.Sprintf("Task %q of customer %s was cancelled: the campaign ended (%s). Nothing was changed.",
			t.ID, st.CustomerID, st.Outcome.Label())
	}
	i.renderMessage(w, r, &s, http.StatusConflict, "This task is already closed", text,
		link{customerURL(st.CustomerID), "See customer " + st.CustomerID})
}

// campaignProblem is the page for a call to a campaign that failed for a reason other than
// the answers.
func (i *Inbox) campaignProblem(w http.ResponseWriter, r *http.Request, s session, customerID string, err error) {
	kind, msg := classify(err)
	switch kind {
	case problemNoCampaign:
		i.renderMessage(w, r, &s, http.StatusNotFound, "No campaign for this customer",
			fmt.Sprintf("There is no win-back campaign for customer %q.", customerID))
	case problemClosed:
		i.renderMessage(w, r, &s, http.StatusConflict, "The campaign has closed",
			fmt.Sprintf("Customer %s's campaign has already ended, so nothing was changed.", customerID),
			link{customerURL(customerID), "See customer " + customerID})
	case problemRejected:
		i.renderMessage(w, r, &s, http.StatusUnprocessableEntity, "The campaign refused",
			"The campaign refused this, and nothing was changed: "+msg,
			link{customerURL(customerID), "See customer " + customerID})
	default:
		i.log.Warn("Inbox: a call to a campaign failed", "customer", customerID, "error", err)
		i.renderMessage(w, r, &s, http.StatusServiceUnavailable, "Temporal did not answer",
			"The campaign could not be reached just now. Try again in a moment; if it keeps failing, the worker or Temporal may be down.")
	}
}

// doneView is the page after a change: what was recorded and what happens next.
type doneView struct {
	base
	Heading    string
	Text       string
	Next       string
	CustomerID string
}

func findTask(st workflows.CampaignStatus, id string) *workflows.Task {
	for n := range st.Tasks {
		if st.Tasks[n].ID == id {
			return &st.Tasks[n]
		}
	}
	return nil
}
