package workflows

import "go.temporal.io/sdk/workflow"

// versionV2 is this release's change to what a campaign does: the store (send keys scoped to
// one campaign and one channel, the contact index and the standing opt-outs at launch, opt-outs
// heard on calls kept for later campaigns, the task index and the campaign record), and the
// playbook put right in every path (owners known whenever they join, deadlines in business
// hours, a silent manager no longer makes a promise, late delivery failures acted on, replies
// reaching the rep). Campaigns started before it keep the behaviour they started with, in every
// run: the version rides in the carried state.
const versionV2 = "winback-v2"

// campaignVersion is the campaign's versionV2: recorded at its first run's start, carried after.
func campaignVersion(ctx workflow.Context, in CampaignInput) workflow.Version {
	if in.Carried != nil {
		return workflow.Version(in.Carried.Version)
	}
	return workflow.GetVersion(ctx, versionV2, workflow.DefaultVersion, 1)
}

// v2 reports whether the campaign started with this release's behaviour (see versionV2).
func (c *campaign) v2() bool { return c.version >= 1 }
