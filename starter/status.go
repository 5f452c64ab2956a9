package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/report"
	"github.com/winback/winback/workflows"
)

// statusCommand prints a campaign's status query: stage, tasks, messages, decision, escalations.
func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status CUSTOMER",
		Short: "Show a customer's campaign: stage, tasks and answers, messages, decision, escalations",
		Long: `Show a customer's campaign, as its status query answers: the stage and outcome, every task
(open and done, with its answers), the messages sent, the decision, and the reminders and
escalations. It asks the campaign itself, so it is always current, and works on closed
campaigns too while Temporal keeps them (the namespace's retention). A winback worker must be
running to answer.`,
		Example: `  winback status C-1042
  winback status C-1042 -o json | jq '.tasks[] | select(.status == "open")'`,
		Args: args("CUSTOMER"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			id, api, err := a.customer(ctx, argv[0])
			if err != nil {
				return err
			}
			st, err := a.status(ctx, api, id)
			if err != nil {
				return err
			}
			if a.json() {
				return writeJSON(a.stdout, st)
			}
			printStatus(a.stdout, id, st, a.now())
			return nil
		}),
	}
}

// printStatus prints a campaign status as readable sections; open tasks due before now are
// marked overdue.
func printStatus(w io.Writer, customerID string, st workflows.CampaignStatus, now time.Time) {
	fmt.Fprintf(w, "Campaign %s (customer %s)\n", workflows.WorkflowID(customerID), customerID)
	t := newIndentedTable(w, "  ")
	t.row("Launched:", when(st.Launched))
	t.row("Stage:", string(st.Stage))
	t.row("Outcome:", string(st.Outcome))
	if st.Revenue > 0 {
		t.row("Revenue:", report.MoneyIn(st.Revenue, st.RevenueCurrency)+" a year (billing saw the customer pay again)")
	}
	t.row("Rep:", st.Rep)
	t.row("Manager:", st.Manager)
	reason := string(st.Reason)
	if st.Scope != "" {
		reason += " (" + string(st.Scope) + ")"
	}
	t.row("Reason:", reason)
	t.row("Opted out:", joinValues(st.OptedOut))
	for _, n := range st.Consent { // why each closed channel is closed
		t.row("", "- "+n.Why)
	}
	t.row("Check-ins done:", strconv.Itoa(st.CheckInsDone))
	t.row("Next check-in:", when(st.NextCheckIn))
	t.row("Runs:", strconv.Itoa(st.Runs))
	t.flush()

	fmt.Fprintf(w, "\nTasks (%d)\n", len(st.Tasks))
	for _, task := range st.Tasks {
		flag := ""
		if task.Status == workflows.TaskOpen && !task.Due.IsZero() && task.Due.Before(now) {
			flag = "  OVERDUE"
		}
		fmt.Fprintf(w, "  %s  [%s]  %s%s\n", task.ID, task.Status, task.Title, flag)
		fmt.Fprintf(w, "    kind %s, assignee %s, due %s\n", task.Kind, dash(task.Assignee), dash(when(task.Due)))
		if task.Status == workflows.TaskDone {
			fmt.Fprintf(w, "    completed by %s at %s\n", dash(task.CompletedBy), dash(when(task.Completed)))
		}
		if task.Answers != nil {
			for _, qa := range answerLines(task.Kind, *task.Answers) {
				fmt.Fprintf(w, "    %s: %s\n", qa[0], qa[1])
			}
		}
	}

	fmt.Fprintln(w, "\nDecision")
	if d := st.Decision; d == nil {
		fmt.Fprintln(w, "  not yet")
	} else {
		verdict := "walk away"
		if d.Pursue {
			verdict = "pursue"
		}
		fmt.Fprintf(w, "  %s, by %s at %s\n", verdict, dash(d.By), dash(when(d.At)))
		for _, kv := range [][2]string{{"Rationale", d.Rationale}, {"What we changed", d.WhatWeChanged},
			{"Offer", string(d.Offer)}, {"Offer details", d.OfferDetails}} {
			if kv[1] != "" {
				fmt.Fprintf(w, "  %s: %s\n", kv[0], kv[1])
			}
		}
	}

	if len(st.Offers) > 0 {
		fmt.Fprintf(w, "\nOffers (%d)\n", len(st.Offers))
		for _, o := range st.Offers {
			fmt.Fprintf(w, "  %s  %s  [%s]  %s\n", o.ID, o.Kind, o.Status, dash(o.Details))
			var terms []string
			if o.Value > 0 {
				terms = append(terms, "worth "+strconv.FormatFloat(o.Value, 'f', -1, 64))
			}
			if o.Until != "" {
				terms = append(terms, "until "+o.Until)
			}
			if o.Coupon != "" {
				terms = append(terms, "Stripe coupon "+o.Coupon)
			}
			if o.PromotionCode != "" {
				terms = append(terms, "code "+o.PromotionCode)
			}
			if len(terms) > 0 {
				fmt.Fprintf(w, "    %s\n", strings.Join(terms, ", "))
			}
		}
	}

	fmt.Fprintf(w, "\nMessages (%d)\n", len(st.Messages))
	if len(st.Messages) > 0 {
		t := newIndentedTable(w, "  ", "AT", "STEP", "CHANNEL", "TEMPLATE", "STATUS", "EVENTS", "PROVIDER ID")
		for _, m := range st.Messages {
			status := m.Status
			if m.Error != "" {
				status += ": " + m.Error
			}
			t.row(when(m.At), m.Step, string(m.Channel), m.Template, status, strings.Join(m.Events, ","),
				strings.TrimPrefix(m.Provider+" "+m.MessageID, " "))
		}
		t.flush()
	}

	if len(st.Replies) > 0 {
		fmt.Fprintf(w, "\nReplies from the customer (%d)\n", len(st.Replies))
		for _, r := range st.Replies {
			fmt.Fprintf(w, "  %s  %s  %q  (task %s)\n", when(r.At), r.Channel, r.Text, r.TaskID)
		}
	}

	fmt.Fprintf(w, "\nEscalations (%d)\n", len(st.Escalations))
	if len(st.Escalations) > 0 {
		t := newIndentedTable(w, "  ", "AT", "TASK", "KIND", "TO", "NOTE")
		for _, e := range st.Escalations {
			t.row(when(e.At), e.TaskID, e.Kind, e.To, e.Note)
		}
		t.flush()
	}
}

// answerLines lists a task's answers that are set, under their labels, in the order its
// kind's definition gives them. Choices show their values, as the answer flags take them.
func answerLines(kind workflows.TaskKind, a workflows.TaskAnswers) [][2]string {
	d, _ := workflows.KindOf(kind)
	var lines [][2]string
	for _, x := range d.Answers(a) {
		lines = append(lines, [2]string{x.Field.Label, strings.Join(x.Values, "; ")})
	}
	return lines
}
