package inbox

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// customerView is a customer's page: where the campaign is, what happened, what we know.
type customerView struct {
	base
	CustomerID     string
	Status         workflows.CampaignStatus
	Customer       *workflows.CampaignInput // nil when the details could not be read
	RepName        string
	ManagerName    string
	Running        bool
	OpenTasks      []taskRow
	Known          []answered
	Timeline       []event
	Sent           []OutboxMessage // sandbox mode: what the customer received
	TemporalURL    string
	CanManage      bool // won back, opt out, cancel
	CanMoveAccount bool
	Targets        []option
	ActionError    string // a manager action that was refused, shown above the actions
	CancelReason   string
}

// event is one line of a campaign's timeline.
type event struct {
	At     time.Time
	Kind   string // launch, task, done, message, decision, reminder, escalation, reassigned, expired
	Title  string
	Detail string
	Fields []qa
	Link   string
}

// handleCustomer shows a customer's campaign to whoever may see it.
func (i *Inbox) handleCustomer(w http.ResponseWriter, r *http.Request, s session) {
	st, ok := i.loadCampaign(w, r, s)
	if !ok {
		return
	}
	i.render(w, &s, http.StatusOK, "customer", "Customer "+st.CustomerID, i.customerPage(r, s, st))
}

// loadCampaign reads the campaign of the URL and checks the person may see it. When it returns
// false, the page explaining why has been written.
func (i *Inbox) loadCampaign(w http.ResponseWriter, r *http.Request, s session) (workflows.CampaignStatus, bool) {
	customerID := r.PathValue("customer")
	st, err := i.o.Client.Status(r.Context(), customerID)
	if err != nil {
		i.campaignProblem(w, r, s, customerID, err)
		return st, false
	}
	if !i.canSeeCampaign(s.Person, st.Rep, st.Manager, st.Tasks) {
		i.log.Warn("Inbox: refused a campaign that is not the person's", "user", s.Person.ID, "customer", customerID)
		i.renderMessage(w, r, &s, http.StatusForbidden, "This customer is not yours",
			fmt.Sprintf("Customer %s's account belongs to %s. You can open only the customers you work on.", customerID, i.name(st.Rep)))
		return st, false
	}
	return st, true
}

func (i *Inbox) customerPage(r *http.Request, s session, st workflows.CampaignStatus) *customerView {
	v := &customerView{
		CustomerID: st.CustomerID, Status: st, RepName: i.name(st.Rep), ManagerName: i.name(st.Manager),
		Running: st.Stage != workflows.StageClosed, Known: i.answersSoFar(st), Timeline: i.timeline(st),
	}
	if in, err := i.o.Client.Input(r.Context(), st.CustomerID); err == nil {
		v.Customer = &in
		if c := st.Contact; c.Email != "" || c.Phone != "" { // the campaign's current contact, corrections included
			v.Customer.Customer.Email, v.Customer.Customer.Phone = c.Email, c.Phone
		}
	} else {
		i.log.Warn("Inbox: the campaign's customer details could not be read", "customer", st.CustomerID, "error", err)
	}
	v.OpenTasks = i.openTasks(s.Person, st, i.now())
	if i.o.Outbox != nil {
		v.Sent = i.o.Outbox(workflows.WorkflowID(st.CustomerID))
		slices.Reverse(v.Sent)
	}
	if i.o.TemporalUIURL != "" {
		v.TemporalURL = strings.TrimRight(i.o.TemporalUIURL, "/") + "/namespaces/" + pathEscape(i.o.Namespace) +
			"/workflows/" + pathEscape(workflows.WorkflowID(st.CustomerID))
	}
	v.CanManage = v.Running && i.canManageCampaign(s.Person, st)
	v.CanMoveAccount = v.Running && i.canMoveAccount(s.Person, st)
	if v.CanMoveAccount {
		v.Targets = i.peopleOptions(st.Rep, "Choose a person", "")
	}
	return v
}

// timeline puts the campaign's tasks, messages, decision and escalations in time order.
func (i *Inbox) timeline(st workflows.CampaignStatus) []event {
	var out []event
	if !st.Launched.IsZero() {
		out = append(out, event{At: st.Launched, Kind: "launch", Title: "Campaign launched",
			Detail: fmt.Sprintf("Rep %s, manager %s.", i.name(st.Rep), i.name(st.Manager))})
	}
	for _, t := range st.Tasks {
		out = append(out, event{At: t.Created, Kind: "task", Title: "Task opened: " + t.Kind.Label(),
			Detail: fmt.Sprintf("%s. For %s.", t.Title, i.name(t.Assignee)), Link: taskURL(st.CustomerID, t.ID)})
		// A done decision task shows as the campaign's Decision, below.
		if t.Status == workflows.TaskDone && t.Answers != nil && !(t.Kind == workflows.TaskDecision && st.Decision != nil) {
			out = append(out, event{At: t.Completed, Kind: "done",
				Title:  fmt.Sprintf("%s done by %s", t.Kind.Label(), i.name(t.CompletedBy)),
				Fields: answerLines(t.Kind, *t.Answers)})
		}
	}
	for _, m := range st.Messages {
		what := "Email"
		if m.Channel == workflows.ChannelSMS {
			what = "Text message"
		}
		detail := fmt.Sprintf("Template %s, status %s.", m.Template, strings.ReplaceAll(m.Status, "_", " "))
		if m.Error != "" {
			detail += " " + m.Error
		}
		if len(m.Events) > 0 {
			detail += " Then: " + strings.Join(m.Events, ", ") + "."
		}
		out = append(out, event{At: m.At, Kind: "message", Title: fmt.Sprintf("%s: %s", what, m.Step), Detail: detail})
	}
	if d := st.Decision; d != nil {
		title, offer := "Decision: walk away", ""
		if d.Pursue {
			title, offer = "Decision: pursue", d.Offer.Label()
		}
		by := i.name(d.By)
		if d.By == "policy" {
			by = "the playbook's policy (no answer in time)"
		}
		out = append(out, event{At: d.At, Kind: "decision", Title: title, Detail: "Decided by " + by + ".",
			Fields: nonEmpty(qa{Q: "Rationale", A: d.Rationale}, qa{Q: "What we changed", A: d.WhatWeChanged},
				qa{Q: "Offer", A: offer}, qa{Q: "Offer details", A: d.OfferDetails})})
	}
	for _, e := range st.Escalations {
		title := map[string]string{
			"reminder":   "Reminder to %s",
			"escalation": "Escalated to %s",
			"reassigned": "Reassigned to %s",
			"expired":    "Expired with %s",
		}[e.Kind]
		if title == "" {
			title = e.Kind + ": %s"
		}
		title = fmt.Sprintf(title, i.name(e.To))
		if e.TaskID != "" {
			title += " (task " + e.TaskID + ")"
		}
		out = append(out, event{At: e.At, Kind: e.Kind, Title: title, Detail: e.Note})
	}
	slices.SortStableFunc(out, func(a, b event) int { return a.At.Compare(b.At) })
	return out
}

func nonEmpty(in ...qa) []qa {
	var out []qa
	for _, x := range in {
		if strings.TrimSpace(x.A) != "" {
			out = append(out, x)
		}
	}
	return out
}

// managerAction checks a manager may act on the URL's campaign now. When it returns false,
// the page explaining why has been written.
func (i *Inbox) managerAction(w http.ResponseWriter, r *http.Request, s session) (workflows.CampaignStatus, bool) {
	st, ok := i.loadCampaign(w, r, s)
	if !ok {
		return st, false
	}
	switch {
	case !i.canManageCampaign(s.Person, st):
		i.renderMessage(w, r, &s, http.StatusForbidden, "Only the account's manager can do this",
			fmt.Sprintf("Ask %s, the manager of customer %s's campaign. Nothing was changed.", i.name(st.Manager), st.CustomerID))
		return st, false
	case st.Stage == workflows.StageClosed:
		i.renderMessage(w, r, &s, http.StatusConflict, "The campaign has closed",
			fmt.Sprintf("Customer %s's campaign ended (%s), so nothing was changed.", st.CustomerID, st.Outcome.Label()),
			link{customerURL(st.CustomerID), "See customer " + st.CustomerID})
		return st, false
	}
	return st, true
}

// handleWonBack records that the customer came back: the campaign closes as won back.
func (i *Inbox) handleWonBack(w http.ResponseWriter, r *http.Request, s session) {
	st, ok := i.managerAction(w, r, s)
	if !ok {
		return
	}
	sig := workflows.CustomerReturnedSignal{Source: source(s.Person), Note: strings.TrimSpace(r.PostFormValue("note"))}
	i.sent(w, r, s, st, workflows.SignalCustomerReturned, func(ctx context.Context) error {
		return i.o.Client.CustomerReturned(ctx, st.CustomerID, sig)
	}, "Customer marked won back",
		"The campaign closes as won back in a moment, cancelling whatever it was waiting for.")
}

// handleOptOut stops a channel for the customer at once.
func (i *Inbox) handleOptOut(w http.ResponseWriter, r *http.Request, s session) {
	st, ok := i.managerAction(w, r, s)
	if !ok {
		return
	}
	ch := workflows.Channel(r.PostFormValue("channel"))
	if ch != workflows.ChannelEmail && ch != workflows.ChannelSMS {
		v := i.customerPage(r, s, st)
		v.ActionError = fmt.Sprintf("Opt out of which channel? %q is not email or sms. Nothing was changed.", ch)
		i.render(w, &s, http.StatusUnprocessableEntity, "customer", "Customer "+st.CustomerID, v)
		return
	}
	what := map[workflows.Channel]string{workflows.ChannelEmail: "email", workflows.ChannelSMS: "text messages"}[ch]
	i.sent(w, r, s, st, workflows.SignalOptOut, func(ctx context.Context) error {
		return i.o.Client.RecordOptOut(ctx, st.CustomerID, campaigns.ConsentRequest{Channel: ch, By: s.Person.ID,
			Why: strings.TrimSpace(r.PostFormValue("why")), Source: source(s.Person)})
	},
		"Customer opted out of "+what, "Nothing more is sent to them by "+what+", by this campaign or a later one.")
}

// handleCancel ends the campaign as cancelled; a reason is required.
func (i *Inbox) handleCancel(w http.ResponseWriter, r *http.Request, s session) {
	st, ok := i.managerAction(w, r, s)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		v := i.customerPage(r, s, st)
		v.ActionError = "Say why the campaign is cancelled: the reason goes in its history. Nothing was changed."
		v.FocusErrors = true
		i.render(w, &s, http.StatusUnprocessableEntity, "customer", "Customer "+st.CustomerID, v)
		return
	}
	i.sent(w, r, s, st, workflows.SignalCancel, func(ctx context.Context) error {
		return i.o.Client.Cancel(ctx, st.CustomerID, workflows.CancelSignal{By: s.Person.ID, Reason: reason})
	},
		"Campaign cancelled", "The campaign closes as cancelled in a moment; nothing more is sent.")
}

// handleMoveAccount hands the whole account (its open rep tasks and future ones) to someone.
func (i *Inbox) handleMoveAccount(w http.ResponseWriter, r *http.Request, s session) {
	st, ok := i.managerAction(w, r, s)
	if !ok {
		return
	}
	to, reason := strings.TrimSpace(r.PostFormValue("to")), strings.TrimSpace(r.PostFormValue("reason"))
	refuse := func(msg string) {
		v := i.customerPage(r, s, st)
		v.ActionError = msg
		v.FocusErrors = true
		i.render(w, &s, http.StatusUnprocessableEntity, "customer", "Customer "+st.CustomerID, v)
	}
	if !i.canMoveAccount(s.Person, st) {
		refuse(fmt.Sprintf("Only the campaign's manager %s can move the account. Nothing was changed.", i.name(st.Manager)))
		return
	}
	if !slices.ContainsFunc(i.reassignTargets(st.Rep), func(p config.Person) bool { return p.ID == to }) {
		refuse("Choose who takes the account. Nothing was changed.")
		return
	}
	res, err := i.o.Client.Reassign(r.Context(), st.CustomerID, workflows.ReassignRequest{To: to, By: s.Person.ID, Reason: reason})
	if err != nil {
		if kind, msg := classify(err); kind == problemRejected {
			refuse("The campaign refused: " + msg)
			return
		}
		i.campaignProblem(w, r, s, st.CustomerID, err)
		return
	}
	i.log.Info("Inbox: account moved", "customer", st.CustomerID, "to", to, "by", s.Person.ID)
	i.render(w, &s, http.StatusOK, "done", "Account moved", &doneView{Heading: "Account moved",
		Text: fmt.Sprintf("Customer %s's account now belongs to %s.", st.CustomerID, i.name(to)), Next: res.Next, CustomerID: st.CustomerID})
}

// sent sends a signal and shows what it will do.
func (i *Inbox) sent(w http.ResponseWriter, r *http.Request, s session, st workflows.CampaignStatus, name string,
	send func(context.Context) error, heading, next string) {
	if err := send(r.Context()); err != nil {
		i.campaignProblem(w, r, s, st.CustomerID, err)
		return
	}
	i.log.Info("Inbox: signal sent", "customer", st.CustomerID, "signal", name, "by", s.Person.ID)
	i.render(w, &s, http.StatusOK, "done", heading, &doneView{Heading: heading,
		Text: fmt.Sprintf("Sent to customer %s's campaign.", st.CustomerID), Next: next, CustomerID: st.CustomerID})
}

// source names the inbox and the person in a signal ("inbox:maria").
func source(p config.Person) string { return "inbox:" + p.ID }
