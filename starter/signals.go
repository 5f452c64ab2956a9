package main

import (
	"context"
	"fmt"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// Signals tell a running campaign something happened; they return as soon as Temporal has
// recorded them, and the campaign acts on them at once (winback status shows the effect).

// signal sends a signal to a customer's running campaign, by send.
func (a *app) signal(ctx context.Context, customerID, name string, send func(context.Context, campaigns.API) error) error {
	api, err := a.campaigns(ctx)
	if err != nil {
		return err
	}
	if err := send(ctx, api); err != nil {
		return a.campaignError(ctx, customerID, "send "+name, err)
	}
	return nil
}

// signalled prints what was sent, or for -o json a small record of it.
func (a *app) signalled(customerID, name string, arg any, message string) error {
	if a.json() {
		return writeJSON(a.stdout, map[string]any{
			"customerId": customerID, "workflowId": workflows.WorkflowID(customerID), "signal": name, "payload": arg,
		})
	}
	fmt.Fprintln(a.stdout, message)
	return nil
}

// source names who sent a signal from the CLI: "cli", or "cli:alice" with --as.
func source(as string) string {
	if as == "" {
		return "cli"
	}
	return "cli:" + as
}

// wonBackCommand ends a campaign as won back.
func (a *app) wonBackCommand() *cobra.Command {
	var (
		note string
		as   string
	)
	cmd := &cobra.Command{
		Use:   "won-back CUSTOMER [--note TEXT]",
		Short: "Record that the customer came back: the campaign closes as won back",
		Long: `Tell the customer's campaign that the customer came back. It closes as won_back at once,
cancelling whatever it was waiting for.`,
		Example: `  winback won-back C-1042 --note "Signed a two-year renewal"`,
		Args:    args("CUSTOMER"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			id, err := customerArg(argv[0])
			if err != nil {
				return err
			}
			sig := workflows.CustomerReturnedSignal{Source: source(as), Note: note}
			err = a.signal(ctx, id, workflows.SignalCustomerReturned, func(ctx context.Context, api campaigns.API) error {
				return api.CustomerReturned(ctx, id, sig)
			})
			if err != nil {
				return err
			}
			return a.signalled(id, workflows.SignalCustomerReturned, sig,
				fmt.Sprintf("Customer %s is back: campaign %s closes as won_back.", id, workflows.WorkflowID(id)))
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "what happened, for the history")
	cmd.Flags().StringVar(&as, "as", "", "who is recording it (shown as cli:PERSON)")
	return cmd
}

// channelArg checks a CHANNEL argument: email or sms.
func channelArg(s string) (workflows.Channel, error) {
	switch ch := workflows.Channel(s); ch {
	case workflows.ChannelEmail, workflows.ChannelSMS:
		return ch, nil
	}
	return "", badInputf("CHANNEL %q: use email or sms", s)
}

// optOutCommand stops a channel for a customer, for this campaign and every one to come.
func (a *app) optOutCommand() *cobra.Command {
	var as, why string
	cmd := &cobra.Command{
		Use:   "opt-out CUSTOMER CHANNEL",
		Short: "Stop a channel (email or sms) for a customer, at once and for every later campaign",
		Long: `Stop sending on a channel (email or sms) to a customer, at once, even mid-wait: what the
STOP reply, the unsubscribe link and a bounce do, by hand. The opt-out is kept in the store's
suppression list, so no later campaign writes on that channel either, until an opt-in.`,
		Example: `  winback opt-out C-1042 sms
  winback opt-out C-1042 email --as alice --why "asked us to stop on the phone"`,
		Args: args("CUSTOMER", "CHANNEL"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			return a.consent(ctx, argv, false, as, why, "Customer %s opted out of %s: nothing more is sent on it, by this campaign or a later one.")
		}),
	}
	cmd.Flags().StringVar(&as, "as", "", "who is recording it")
	cmd.Flags().StringVar(&why, "why", "", "what the customer said, kept with the opt-out")
	return cmd
}

// optInCommand restores a channel for a customer.
func (a *app) optInCommand() *cobra.Command {
	var as, why string
	cmd := &cobra.Command{
		Use:   "opt-in CUSTOMER CHANNEL --as PERSON --why TEXT",
		Short: "Restore a channel (email or sms) a customer had opted out of",
		Long: `Restore a channel (email or sms) the customer had opted out of, as a START reply does for SMS.
Only do this when the customer asked for it: who records it and why are kept in the store's
consent log.`,
		Example: `  winback opt-in C-1042 sms --as alice --why "asked for texts again on the renewal call"`,
		Args:    args("CUSTOMER", "CHANNEL"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			if strings.TrimSpace(as) == "" || strings.TrimSpace(why) == "" {
				return badInputf("--as and --why are required: an opt-in records who made it and why the customer asked")
			}
			return a.consent(ctx, argv, true, as, why, "Customer %s opted back in to %s.")
		}),
	}
	cmd.Flags().StringVar(&as, "as", "", "who is recording it (required)")
	cmd.Flags().StringVar(&why, "why", "", "why: what the customer asked for (required)")
	return cmd
}

// consent records an opt-out or opt-in of CUSTOMER CHANNEL by a person.
func (a *app) consent(ctx context.Context, argv []string, optIn bool, by, why, message string) error {
	id, err := customerArg(argv[0])
	if err != nil {
		return err
	}
	ch, err := channelArg(argv[1])
	if err != nil {
		return err
	}
	r := campaigns.ConsentRequest{Channel: ch, By: by, Why: why, Source: source(by)}
	name, send := workflows.SignalOptOut, func(ctx context.Context, api campaigns.API) error { return api.RecordOptOut(ctx, id, r) }
	if optIn {
		name, send = workflows.SignalOptIn, func(ctx context.Context, api campaigns.API) error { return api.RecordOptIn(ctx, id, r) }
	}
	r.By = orDefault(by, "cli")
	if err := a.signal(ctx, id, name, send); err != nil {
		return err
	}
	return a.signalled(id, name, r, fmt.Sprintf(message, id, ch))
}

// cancelCommand ends a campaign as cancelled.
func (a *app) cancelCommand() *cobra.Command {
	var reason, as string
	cmd := &cobra.Command{
		Use:   "cancel CUSTOMER [--reason TEXT]",
		Short: "Cancel a customer's campaign: it closes as cancelled",
		Long: `Cancel a customer's campaign: it stops at once and closes as cancelled, with open tasks
cancelled. The customer can be launched again later.`,
		Example: `  winback cancel C-1042 --reason "Duplicate of C-1043"`,
		Args:    args("CUSTOMER"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			id, err := customerArg(argv[0])
			if err != nil {
				return err
			}
			sig := workflows.CancelSignal{By: orDefault(as, currentUser()), Reason: reason}
			err = a.signal(ctx, id, workflows.SignalCancel, func(ctx context.Context, api campaigns.API) error {
				return api.Cancel(ctx, id, sig)
			})
			if err != nil {
				return err
			}
			return a.signalled(id, workflows.SignalCancel, sig,
				fmt.Sprintf("Campaign %s of customer %s is cancelled.", workflows.WorkflowID(id), id))
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the history")
	cmd.Flags().StringVar(&as, "as", "", "who is cancelling (default: cli:<your login>)")
	return cmd
}

// currentUser names the person at the keyboard for the history: "cli:<login>", or "cli".
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return source(u.Username)
	}
	return "cli"
}
