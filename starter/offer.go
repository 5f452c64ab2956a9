package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// offerFlags names the flag of each field of a MakeOfferRequest (its JSON name), so a refusal
// by the campaign names what to change on the command line.
var offerFlags = map[string]string{
	"by": "--as", "offer": "--offer", "details": "--details", "value": "--value", "until": "--until",
	"figures": "--figure", "override": "--override",
}

// offerCommand makes a new offer on a campaign after its decision (the MakeOffer Update).
func (a *app) offerCommand() *cobra.Command {
	var (
		req   workflows.MakeOfferRequest
		offer string
	)
	kinds := make([]string, len(workflows.Offers))
	for i, o := range workflows.Offers {
		kinds[i] = string(o)
	}
	var kindsHelp strings.Builder
	for _, o := range workflows.Offers {
		fmt.Fprintf(&kindsHelp, "  %-18s %s\n", o, o.Label())
	}
	cmd := &cobra.Command{
		Use:   "offer CUSTOMER --as MANAGER --offer KIND [--details TEXT] [--value N] [--until YYYY-MM-DD] [--figure TEXT ...] [--override REASON]",
		Short: "Make the customer a new offer (after the decision: a manager, after a decline, say)",
		Long: `Make a new offer on a customer's campaign, after its decision: the account's manager, when the
customer declined the first offer or the plan changed. The campaign sends it to the customer
with its one-click link (accept or decline), and an acceptance opens a task for the rep to
fulfil it.

The kinds of offer, and the terms each takes:
` + kindsHelp.String() + `
  --details   the terms in words: "25% off for two years", the project, the product
  --value     what it is worth (an incentive's amount, a foot in the door's project value),
              in the account's own currency
  --until     the last day it stands (YYYY-MM-DD): its link stops working after that day
  --figure    one of the numbers that show our value (repeat it)

While another offer is open the campaign refuses a new one unless --override says why (the
open one is then withdrawn). The campaign checks the offer before anything is recorded; if it
refuses it, its reason is printed, naming the flag to change, and the exit code is 2.`,
		Example: `  winback offer C-1042 --as maria --offer incentive --details "a loyalty credit on your next order" \
    --value 1200 --until 2027-03-31

  winback offer C-1042 --as maria --offer value_numbers \
    --figure "orders shipped on time: 98.7%" --figure "support answered in 42 minutes on average"

  winback offer C-1042 --as maria --offer foot_in_door --details "a one-off audit of your Q3 deliveries" \
    --value 8000 --override "they declined the incentive but asked about an audit"`,
		Args: args("CUSTOMER"),
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, argv []string) error {
			id, err := customerArg(argv[0])
			if err != nil {
				return err
			}
			if err := checkOfferFlags(&req, offer, kinds); err != nil {
				return err
			}
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			res, err := api.MakeOffer(ctx, id, req)
			if err != nil {
				return a.offerError(ctx, id, err)
			}
			if a.json() {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "Offer %s (%s) made to customer %s by %s.\n%s\n", res.OfferID, req.Offer, id, req.By, nextLine(res.Next))
			return nil
		}),
	}
	cmd.Flags().StringVar(&req.By, "as", "", "who is making the offer: the account's manager (required)")
	cmd.Flags().StringVar(&offer, "offer", "", "the kind of offer: "+strings.Join(kinds, ", ")+" (required)")
	cmd.Flags().StringVar(&req.Details, "details", "", "the terms in words")
	cmd.Flags().Float64Var(&req.Value, "value", 0, "what it is worth, in the account's currency")
	cmd.Flags().StringVar(&req.Until, "until", "", "the last day it stands, YYYY-MM-DD")
	cmd.Flags().StringArrayVar(&req.Figures, "figure", nil, "a number that shows our value (repeat for more)")
	cmd.Flags().StringVar(&req.Override, "override", "", "why, when another offer is still open (it is withdrawn)")
	_ = cmd.MarkFlagRequired("as")
	_ = cmd.MarkFlagRequired("offer")
	return cmd
}

// checkOfferFlags checks what the command line alone can tell, before dialing Temporal: the
// kind, the date and the number. The campaign checks the rest.
func checkOfferFlags(req *workflows.MakeOfferRequest, offer string, kinds []string) error {
	offer = strings.TrimSpace(offer)
	if !slices.Contains(kinds, offer) {
		return badInputf("--offer %q is not a kind of offer: use one of %s", offer, strings.Join(kinds, ", "))
	}
	req.Offer = workflows.Offer(offer)
	if req.Until != "" {
		if _, err := time.Parse("2006-01-02", req.Until); err != nil {
			return badInputf("--until %q is not a date: write it YYYY-MM-DD, e.g. 2027-03-31", req.Until)
		}
	}
	if req.Value < 0 || math.IsNaN(req.Value) || math.IsInf(req.Value, 0) {
		return badInputf("--value %v: give what the offer is worth, 0 or more", req.Value)
	}
	for i, f := range req.Figures {
		if strings.TrimSpace(f) == "" {
			return badInputf("--figure number %d is empty", i+1)
		}
	}
	return nil
}

// offerError words a failed MakeOffer: a refusal names the flags to change (exit 2); the rest
// as any call to a campaign.
func (a *app) offerError(ctx context.Context, customerID string, err error) error {
	var rejected *campaigns.RejectedError
	if !errors.As(err, &rejected) || len(rejected.Fields) == 0 {
		return a.campaignError(ctx, customerID, "send "+workflows.UpdateMakeOffer, err)
	}
	lines := []string{fmt.Sprintf("customer %s: the campaign refused the offer:", customerID)}
	for _, f := range rejected.Fields {
		name := f.Field
		if flag, ok := offerFlags[f.Field]; ok {
			name = flag
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", name, f.Message))
	}
	return badInputf("%s", strings.Join(lines, "\n"))
}
