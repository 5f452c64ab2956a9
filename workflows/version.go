package workflows

import "go.temporal.io/sdk/workflow"

// releaseChange is the one change ID under which each release that changes what a campaign does
// gets the next version; campaigns started before a release keep the behaviour they started
// with, in every run: the version rides in the carried state. The ID keeps the name it was
// first recorded under ("winback-v2"): histories hold it.
const releaseChange = "winback-v2"

// The releases, in order:
const (
	// versionStore: the store (send keys scoped to one campaign and one channel, the contact
	// index and the standing opt-outs at launch, opt-outs heard on calls kept for later
	// campaigns, the task index and the campaign record), and the playbook put right in every
	// path (owners known whenever they join, deadlines in business hours, a silent manager no
	// longer makes a promise, late delivery failures acted on, replies reaching the rep).
	versionStore workflow.Version = 1
	// versionOffers: offers that act (terms, a one-click link, acceptance, fulfilment, a foot in
	// the door and the cadence that grows it, offers after the decision), the holdout, and the
	// warning on a customer bought back with an incentive before.
	versionOffers workflow.Version = 2
	// versionBilling: a campaign launched from billing makes its incentives coupons in billing
	// (the email waits for the code), and billing's word of the customer paying again fulfils
	// the offer whose coupon they used.
	versionBilling workflow.Version = 3
)

// campaignVersion is the campaign's release: recorded at its first run's start, carried after.
func campaignVersion(ctx workflow.Context, in CampaignInput) workflow.Version {
	if in.Carried != nil {
		return workflow.Version(in.Carried.Version)
	}
	return workflow.GetVersion(ctx, releaseChange, workflow.DefaultVersion, versionBilling)
}

// v2 reports whether the campaign started with the store's behaviour (see versionStore).
func (c *campaign) v2() bool { return c.version >= versionStore }

// offersAct reports whether the campaign started with offers that act (see versionOffers).
func (c *campaign) offersAct() bool { return c.version >= versionOffers }

// inBilling reports whether the campaign makes its incentives coupons in billing: launched from
// billing, with the release that does (see versionBilling).
func (c *campaign) inBilling() bool { return c.version >= versionBilling && c.in.Billing != nil }
