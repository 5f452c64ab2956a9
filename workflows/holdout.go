package workflows

import "go.temporal.io/sdk/workflow"

// A held-out customer (CampaignInput.Holdout, chosen at launch by a keyed hash of the customer
// ID) gets no message and no task: the campaign only waits, so the report can compare those the
// campaigns worked on with those they left alone. It closes at the playbook's expiry as holdout,
// or as won_back if the customer returns on their own (the CLI, the inbox, billing).

func (c *campaign) holdout() bool { return c.offersAct() && c.in.Holdout }

// holdOut waits for the horizon, or for the customer to come back on their own.
func (c *campaign) holdOut(ctx workflow.Context) {
	c.st.Holdout = true
	c.st.Reason = c.in.Departure.StatedReason // no exit interview: the report's lift by reason reads this
	c.enterStage(ctx, StageHoldout)
	c.wait(ctx, c.st.Launched.Add(c.pb.Expiry), "Held out: nothing is sent until the horizon ("+c.pb.Expiry.String()+" after the launch)")
	if !c.closed() {
		c.end(OutcomeHoldout, "held out of the campaign; the customer did not come back by the horizon")
	}
}
