package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// completeCommand completes a task with its answers, by flags, a JSON file or prompts.
func (a *app) completeCommand() *cobra.Command {
	var (
		as          string
		answersFile string
		region      string
		yes         bool
		flags       answerFlags
	)
	cmd := &cobra.Command{
		Use:   "complete CUSTOMER TASK --as PERSON [answers]",
		Short: "Complete a task with its answers (flags, --answers FILE.json, or prompts)",
		Long: `Complete one of a campaign's tasks. The answers come from flags, from --answers FILE.json (a
TaskAnswers object; flags given too override its fields), or, when neither is given and this
is a terminal, from prompts that ask what the task's kind needs.

What each kind needs:
` + kindsHelp() + `
The campaign checks the answers before anything is recorded; if it refuses them, its reason
is printed and the exit code is 2. On success it says what happens next.`,
		Example: `  winback complete C-1042 exit-interview --as alice \
    --why-leaving "Globex is 20% cheaper" --what-would-keep-you "Match the price" \
    --reason competitor_price --scope specific

  winback complete C-1042 decision --as bob --pursue --offer beat_offer \
    --what-we-changed "Dedicated support line" --offer-details "25% off for a year"

  winback complete C-1042 thank-you-call --as alice --outcome considering --notes "Call back Friday"

  winback complete C-1042 backstory --as alice --answers backstory.json

  # Prompts, on a terminal
  winback complete C-1042 exit-interview --as alice`,
		Args: args("CUSTOMER", "TASK"),
		RunE: a.action(func(ctx context.Context, cmd *cobra.Command, argv []string) error {
			id, err := customerArg(argv[0])
			if err != nil {
				return err
			}
			taskID := argv[1]
			if err := checkRegionFlag(&region); err != nil {
				return err
			}
			req := workflows.CompleteTaskRequest{TaskID: taskID, By: as}
			given := false
			if answersFile != "" {
				in, err := a.openInput(answersFile)
				if err != nil {
					return err
				}
				req.Answers, err = readAnswers(in, answersFile)
				_ = in.Close()
				if err != nil {
					return err
				}
				given = true
			}
			fromFlags, err := flags.apply(cmd.Flags(), &req.Answers)
			if err != nil {
				return err
			}
			given = given || fromFlags
			if !given && !isTerminal(a.stdin) {
				return badInputf("no answers: give them by flags (see winback complete --help) or --answers FILE.json; prompts need a terminal")
			}

			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			if !given {
				if req.Answers, err = a.promptAnswers(ctx, api, id, taskID, phoneRegion(region, a.cfg), yes); err != nil {
					return err
				}
			}
			if err := checkContact(&req.Answers, phoneRegion(region, a.cfg)); err != nil {
				return err
			}
			res, err := api.Complete(ctx, id, req)
			if err != nil {
				return a.campaignError(ctx, id, "send "+workflows.UpdateCompleteTask, err)
			}
			if a.json() {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "Task %s of customer %s completed by %s.\n%s\n", res.TaskID, id, as, nextLine(res.Next))
			return nil
		}),
	}
	cmd.Flags().StringVar(&as, "as", "", "who is completing the task: its assignee or their manager (required)")
	cmd.Flags().StringVar(&answersFile, "answers", "", `read the answers from this JSON file (a TaskAnswers object; "-" reads standard input)`)
	cmd.Flags().StringVar(&region, "default-region", "", regionHelp)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "with prompts: send without asking for confirmation")
	flags.register(cmd.Flags())
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// promptAnswers finds the task's kind through the status query and asks for its answers.
func (a *app) promptAnswers(ctx context.Context, api campaigns.API, customerID, taskID, region string, yes bool) (workflows.TaskAnswers, error) {
	st, err := a.status(ctx, api, customerID)
	if err != nil {
		return workflows.TaskAnswers{}, err
	}
	var task *workflows.Task
	var open []string
	for i, t := range st.Tasks {
		if t.ID == taskID {
			task = &st.Tasks[i]
		}
		if t.Status == workflows.TaskOpen {
			open = append(open, t.ID)
		}
	}
	switch {
	case task == nil:
		return workflows.TaskAnswers{}, badInputf("customer %s has no task %q; open tasks: %s", customerID, taskID, dash(strings.Join(open, ", ")))
	case task.Status != workflows.TaskOpen:
		return workflows.TaskAnswers{}, badInputf("customer %s: task %s is %s, not open; open tasks: %s", customerID, taskID, task.Status, dash(strings.Join(open, ", ")))
	}
	if lines := taskContext(st, *task); len(lines) > 0 {
		fmt.Fprintln(a.stdout, strings.Join(lines, "\n"))
	}
	p := &prompter{in: bufio.NewReader(a.stdin), out: a.stdout}
	answers, err := askAnswers(p, *task)
	if errors.Is(err, errNoAnswer) {
		return answers, badInputf("stopped before the last answer; nothing was sent")
	}
	if err != nil {
		return answers, err
	}
	if err := checkContact(&answers, region); err != nil {
		return answers, err
	}
	if err := workflows.ValidateAnswers(task.Kind, answers); err != nil {
		return answers, badInputf("%v", err)
	}
	if !yes {
		fmt.Fprintf(a.stdout, "\nAbout to complete %s for customer %s with:\n%s\n", taskID, customerID, describeAnswers(task.Kind, answers))
		ok, err := p.yesNo("Send?")
		if err != nil || !ok {
			return answers, badInputf("not sent")
		}
	}
	return answers, nil
}

// taskContext is what a person needs in front of them to do the task, as the inbox shows it: for
// a call, what we changed and the offer to point out; for a reply, what the customer wrote.
func taskContext(st workflows.CampaignStatus, t workflows.Task) []string {
	var lines []string
	switch t.Kind {
	case workflows.TaskThankYouCall, workflows.TaskCheckInCall:
		d := st.Decision
		if d == nil || !d.Pursue {
			return nil
		}
		lines = append(lines, "Before you call, what we decided ("+dash(d.By)+"):")
		for _, kv := range [][2]string{{"What we changed", d.WhatWeChanged}, {"Offer", string(d.Offer)}, {"Offer details", d.OfferDetails}} {
			if kv[1] != "" {
				lines = append(lines, "  "+kv[0]+": "+kv[1])
			}
		}
	case workflows.TaskAnswerReply:
		for _, r := range st.Replies {
			if r.TaskID == t.ID {
				lines = append(lines, fmt.Sprintf("The customer wrote (%s, %s): %q", r.Channel, when(r.At), r.Text))
			}
		}
	}
	return lines
}
