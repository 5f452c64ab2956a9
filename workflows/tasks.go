package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// openTask gives a person a task, due after due. Its reminder, escalation and expiry follow the
// playbook; the deadline clock acts on them.
func (c *campaign) openTask(ctx workflow.Context, id string, kind TaskKind, title, assignee string, due time.Duration) *Task {
	now := workflow.Now(ctx)
	dueAt, escalateAt, expireAt := c.deadlines(now, due, assignee)
	c.st.Tasks = append(c.st.Tasks, Task{
		ID: id, Kind: kind, Title: title, Assignee: assignee, Created: now, Due: dueAt,
		EscalateAt: escalateAt, ExpireAt: expireAt, Status: TaskOpen,
	})
	c.taskVersion++
	c.logger.Info("Task opened", "TaskID", id, "Assignee", assignee, "Due", dueAt)
	c.count(ctx, "winback_tasks_opened", "kind", string(kind))
	return c.task(id)
}

// task finds a task by ID (nil when unknown). Pointers stay valid until the next openTask.
func (c *campaign) task(id string) *Task {
	for i := range c.st.Tasks {
		if c.st.Tasks[i].ID == id {
			return &c.st.Tasks[i]
		}
	}
	return nil
}

// awaitTask waits until the task is done or expired, or the campaign closes. Every task has a
// deadline, so this never waits forever. It returns the task's final state.
func (c *campaign) awaitTask(ctx workflow.Context, id string) Task {
	_ = workflow.Await(ctx, func() bool { return c.closed() || c.task(id).Status != TaskOpen })
	return *c.task(id)
}

// nextDeadline is the earliest reminder, escalation or expiry still to happen on an open task.
func (c *campaign) nextDeadline() (time.Time, string, bool) {
	var next time.Time
	var what string
	for _, t := range c.st.Tasks {
		if t.Status != TaskOpen {
			continue
		}
		at, label := t.ExpireAt, "expires"
		switch {
		case !t.Reminded:
			at, label = t.Due, "reminder"
		case !t.Escalated && t.Assignee != c.st.Manager:
			at, label = t.EscalateAt, "escalation"
		}
		if next.IsZero() || at.Before(next) {
			next, what = at, fmt.Sprintf("Task %s: %s", t.ID, label)
		}
	}
	return next, what, !next.IsZero()
}

// startDeadlineClock runs, beside the story, the one timer that watches every open task: it
// sleeps until the next deadline, or until a task changes, then acts on what is due.
func (c *campaign) startDeadlineClock(ctx workflow.Context) {
	workflow.Go(ctx, func(ctx workflow.Context) {
		for !c.closed() && ctx.Err() == nil {
			seen := c.taskVersion
			changed := func() bool { return c.taskVersion != seen || c.closed() }
			next, what, ok := c.nextDeadline()
			if !ok {
				_ = workflow.Await(ctx, changed)
				continue
			}
			if !sleepUntil(ctx, next, what, changed) {
				continue // a task changed: look again
			}
			c.actOnDeadlines(ctx)
		}
	})
}

// actOnDeadlines reminds, escalates or expires every open task whose time has come: a task
// past due reminds its assignee; EscalateAfter later the manager hears of it (and takes it, if
// the playbook says so); ExpireAfter past due it expires and the stage applies its default.
func (c *campaign) actOnDeadlines(ctx workflow.Context) {
	now := workflow.Now(ctx)
	for i := range c.st.Tasks {
		t := &c.st.Tasks[i]
		if t.Status != TaskOpen {
			continue
		}
		if !t.Reminded && !now.Before(t.Due) {
			t.Reminded = true
			c.escalation(ctx, *t, "reminder", t.Assignee, "overdue: a reminder to its assignee")
		}
		if !t.Escalated && t.Assignee != c.st.Manager && !now.Before(t.EscalateAt) {
			t.Escalated = true
			from := t.Assignee
			note := fmt.Sprintf("overdue with %s: escalated to manager %s", from, c.st.Manager)
			if c.pb.ReassignOnEscalation {
				t.Assignee = c.st.Manager
				note = fmt.Sprintf("overdue with %s: escalated and reassigned to manager %s", from, c.st.Manager)
			}
			c.escalation(ctx, *t, "escalation", c.st.Manager, note)
		}
		if !now.Before(t.ExpireAt) {
			t.Status = TaskExpired
			c.escalation(ctx, *t, "expired", t.Assignee, "deadline passed: the playbook default applies")
		}
	}
	c.taskVersion++
	c.refresh(ctx)
}

// escalation records a reminder or escalation and notifies the person by email when we know
// their address. Either way it shows in the history as an activity or a marker.
func (c *campaign) escalation(ctx workflow.Context, t Task, kind, to, note string) {
	e := Escalation{TaskID: t.ID, Kind: kind, To: to, At: workflow.Now(ctx), Note: note}
	c.count(ctx, "winback_task_escalations", "kind", kind, "task_kind", string(t.Kind))
	c.st.Escalations = append(c.st.Escalations, e)
	c.logger.Info("Task "+kind, "TaskID", t.ID, "To", to, "Note", note)
	c.notifyStaff(ctx, t, e)
}

// registerHandlers wires the updates, signals and the status query.
func (c *campaign) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, c.status); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCompleteTask, c.completeTask,
		workflow.UpdateHandlerOptions{Validator: c.validateCompleteTask}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReassignTask, c.reassign,
		workflow.UpdateHandlerOptions{Validator: c.validateReassign}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateMakeOffer, c.newOffer,
		workflow.UpdateHandlerOptions{Validator: c.validateMakeOffer}); err != nil {
		return err
	}
	c.listenForEvents(ctx)
	return nil
}

// status answers the status query.
func (c *campaign) status() (CampaignStatus, error) { return c.st, nil }

// validateCompleteTask rejects, before anything is written to the history, a completion of an
// unknown or closed task, by someone who may not, or with missing or wrong answers.
// Its error is an application error of type CampaignClosed, or UpdateRejected with the field
// errors in its details (see rejection).
func (c *campaign) validateCompleteTask(ctx workflow.Context, r CompleteTaskRequest) error {
	if c.closed() {
		return c.closedRejection("no task can be completed")
	}
	t, err := c.stillOpen(r.TaskID)
	if err != nil {
		return err
	}
	if r.By == "" {
		return rejection(FieldError{Field: "by", Message: "say who is completing the task", Code: CodeRequired})
	}
	if !MayComplete(*t, r.By, c.st.Manager) {
		return rejection(FieldError{Field: "by", Code: CodeInvalid, Message: fmt.Sprintf(
			"%s cannot complete task %q: it is assigned to %s (or their manager %s)", r.By, t.ID, t.Assignee, c.st.Manager)})
	}
	if err := ValidateAnswers(t.Kind, r.Answers); err != nil {
		return rejection(err.(AnswerErrors)...)
	}
	if t.Kind == TaskDecision && c.offersAct() && pursuing(r.Answers) {
		if fe := offerUntilPassed(workflow.Now(ctx), r.Answers.OfferUntil); fe != nil {
			return rejection(*fe)
		}
	}
	return nil
}

// stillOpen finds an open task for a validator, or says why there is none.
func (c *campaign) stillOpen(id string) (*Task, error) {
	t := c.task(id)
	if t == nil {
		return nil, rejection(FieldError{Field: "taskId", Code: CodeInvalid,
			Message: fmt.Sprintf("no task %q in this campaign; open tasks: %s", id, c.openTaskIDs())})
	}
	if t.Status != TaskOpen {
		return nil, rejection(FieldError{Field: "taskId", Code: CodeInvalid, Message: fmt.Sprintf("task %q is already %s", id, t.Status)})
	}
	return t, nil
}

// closedRejection refuses an Update to a campaign that has an outcome.
func (c *campaign) closedRejection(what string) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("the campaign has closed (%s): %s", c.st.Outcome, what), CampaignClosed, nil)
}

// completeTask records the answers; the waiting stage carries on from them.
func (c *campaign) completeTask(ctx workflow.Context, r CompleteTaskRequest) (CompleteTaskResult, error) {
	t := c.task(r.TaskID)
	answers := r.Answers
	t.Status, t.Answers, t.CompletedBy, t.Completed = TaskDone, &answers, r.By, workflow.Now(ctx)
	c.taskVersion++
	c.logger.Info("Task completed", "TaskID", t.ID, "By", r.By)
	c.count(ctx, "winback_tasks_completed", "kind", string(t.Kind))
	if t.Kind == TaskFulfilOffer {
		c.offerFulfilled(ctx, *t)
	}
	if t.Kind == TaskFixContact {
		c.fixContact(answers)
		if c.v2() { // index the corrected contact; it may have opted out before
			c.indexContacts(ctx, answers.Email, answers.Phone, "Index the corrected contact; read its standing opt-outs")
		}
	}
	next := c.whatHappensNext(*t)
	c.refresh(ctx)
	return CompleteTaskResult{TaskID: t.ID, Next: next}, nil
}

// validateReassign rejects, before anything is written to the history, moving a task or the
// account by someone who may not, to nobody, or to whoever has it already. Its errors are
// typed as validateCompleteTask's.
func (c *campaign) validateReassign(_ workflow.Context, r ReassignRequest) error {
	if c.closed() {
		return c.closedRejection("nothing to reassign")
	}
	if r.To == "" {
		return rejection(FieldError{Field: "to", Message: "say who takes the work", Code: CodeRequired})
	}
	if r.By == "" {
		return rejection(FieldError{Field: "by", Message: "say who is reassigning", Code: CodeRequired})
	}
	if r.TaskID == "" {
		if !MayMoveAccount(r.By, c.st.Rep, c.st.Manager) {
			return rejection(FieldError{Field: "by", Code: CodeInvalid,
				Message: fmt.Sprintf("only the account's rep %s or manager %s can move the account", c.st.Rep, c.st.Manager)})
		}
		if r.To == c.st.Rep {
			return rejection(FieldError{Field: "to", Message: fmt.Sprintf("%s already owns the account", r.To), Code: CodeInvalid})
		}
		return nil
	}
	t, err := c.stillOpen(r.TaskID)
	if err != nil {
		return err
	}
	if !MayReassign(*t, r.By, c.st.Manager) {
		return rejection(FieldError{Field: "by", Code: CodeInvalid,
			Message: fmt.Sprintf("only %s or manager %s can reassign task %q", t.Assignee, c.st.Manager, t.ID)})
	}
	if r.To == t.Assignee {
		return rejection(FieldError{Field: "to", Message: fmt.Sprintf("task %q is already assigned to %s", t.ID, r.To), Code: CodeInvalid})
	}
	return nil
}

// reassign moves one task, or the whole account ("fire yourself, not the firm").
func (c *campaign) reassign(ctx workflow.Context, r ReassignRequest) (ReassignResult, error) {
	c.meet(ctx, r.To) // who they are: their name, address and working week
	if t := c.task(r.TaskID); r.TaskID != "" && (t == nil || t.Status != TaskOpen) {
		return ReassignResult{}, rejection(FieldError{Field: "taskId", Code: CodeInvalid, Message: fmt.Sprintf("task %q closed while it was being moved", r.TaskID)})
	}
	var moved []string
	if r.TaskID != "" {
		c.task(r.TaskID).Assignee = r.To
		moved = append(moved, r.TaskID)
	} else {
		moved = c.moveAccount(r.To)
	}
	c.taskVersion++
	c.st.Escalations = append(c.st.Escalations, Escalation{
		TaskID: r.TaskID, Kind: "reassigned", To: r.To, At: workflow.Now(ctx), Note: fmt.Sprintf("by %s: %s", r.By, r.Reason),
	})
	c.refresh(ctx)
	next := fmt.Sprintf("%s now owns %v", r.To, moved)
	if r.TaskID == "" {
		next = fmt.Sprintf("%s now owns the account and its open tasks %v", r.To, moved)
	}
	return ReassignResult{Moved: moved, Next: next}, nil
}

// moveAccount makes to the account's rep and gives them the old rep's open tasks; business
// days then count on the new rep's calendar.
func (c *campaign) moveAccount(to string) []string {
	moved := []string{}
	old := c.st.Rep
	c.st.Rep = to
	c.repCal = location(c.repTimeZone())
	for i := range c.st.Tasks {
		if t := &c.st.Tasks[i]; t.Status == TaskOpen && t.Assignee == old {
			t.Assignee = to
			moved = append(moved, t.ID)
		}
	}
	return moved
}

func (c *campaign) openTaskIDs() string {
	var ids []string
	for _, t := range c.st.Tasks {
		if t.Status == TaskOpen {
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 0 {
		return "none"
	}
	return fmt.Sprint(ids)
}

// whatHappensNext tells the person who completed a task what the campaign does now.
func (c *campaign) whatHappensNext(t Task) string {
	a := t.Answers
	switch t.Kind {
	case TaskBackstory:
		return fmt.Sprintf("Next: the exit interview, a task for rep %s.", c.st.Rep)
	case TaskExitInterview:
		next := fmt.Sprintf("Next: manager %s decides whether %s is worth winning back.", c.st.Manager, c.in.Customer.ID)
		if a.IsItMe {
			next = fmt.Sprintf("The account moves to %s. ", c.newRepFor(*a)) + next
		}
		return next
	case TaskDecision:
		switch {
		case !*a.Pursue:
			return "We walk away; the campaign closes as walked_away with your rationale."
		case a.Offer == OfferStayInTouch:
			return "No offer: the customer gets the light stay-in-touch cadence."
		default:
			return fmt.Sprintf("Next: the revisit email goes out now with the offer and its one-click link, then rep %s calls after the wait.", c.st.Rep)
		}
	case TaskThankYouCall, TaskCheckInCall:
		switch a.Outcome {
		case CallWonBack:
			return "Won back: the campaign closes as won_back."
		case CallDeclined:
			return "Declined: the campaign closes as declined."
		case CallOptedOut:
			return "Opted out: nothing more is sent; the campaign closes as opted_out."
		case CallNoAnswer:
			return "No answer: another call task follows, up to the playbook's limit, then the check-ins."
		default:
			return "Considering: the check-ins continue on their schedule."
		}
	case TaskFixContact:
		return "The contact is corrected; the next messages use it."
	case TaskAnswerReply:
		return "Thanks: the customer's reply is answered; the campaign carries on."
	case TaskFulfilOffer:
		if c.st.Outcome == OutcomeFootInDoor {
			return "A foot in the door: the campaign records the smaller project and its value, and keeps in touch to grow it."
		}
		return "Won back: the campaign closes as won_back."
	}
	return ""
}

// newRepFor is who takes the account when the rep answers "is it me?" with yes.
func (c *campaign) newRepFor(a TaskAnswers) string {
	if a.NewRep != "" {
		return a.NewRep
	}
	return c.st.Manager
}
