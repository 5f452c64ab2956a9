package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/winback/winback/activities"
)

// The campaign's record in the store: the rows of its tasks (the task lists read them, never the
// campaign) and the facts the win-back report counts. The campaign files it whenever one of
// them changes, in the same pass as its search attributes (v2 campaigns).

// campaignRecord is what the campaign tells the store about itself now.
func (c *campaign) campaignRecord(ctx workflow.Context) activities.CampaignRecord {
	info := workflow.GetInfo(ctx)
	first := info.FirstRunID
	if first == "" { // the SDK's test environment leaves it empty
		first = info.WorkflowExecution.RunID
	}
	r := activities.CampaignRecord{
		WorkflowID: info.WorkflowExecution.ID, CampaignID: first, CustomerID: c.in.Customer.ID,
		Segment: c.in.Customer.Segment, AccountValue: c.in.Customer.AccountValue,
		Launched: c.st.Launched, Departed: c.in.Departure.Date,
		Stage: string(c.st.Stage), Outcome: string(c.st.Outcome), Reason: string(c.st.Reason), Scope: string(c.st.Scope),
		Rep: c.st.Rep, Manager: c.st.Manager, LostBy: c.in.Owners.Rep.ID,
		Tasks: make([]activities.TaskRecord, 0, len(c.st.Tasks)),
	}
	if c.st.Outcome != "" {
		r.Closed = c.closedAt
	}
	if d := c.st.Decision; d != nil {
		pursue := d.Pursue
		r.Pursue, r.DecidedBy, r.Offer, r.Rationale = &pursue, d.By, string(d.Offer), d.Rationale
	}
	for _, ch := range c.st.OptedOut {
		r.OptedOut = append(r.OptedOut, string(ch))
	}
	r.Holdout, r.FootInDoorValue = c.st.Holdout, c.st.FootInDoorValue
	r.Revenue, r.RevenueCurrency = c.st.Revenue, c.st.RevenueCurrency
	for _, o := range c.st.Offers {
		r.Offers = append(r.Offers, activities.OfferRecord{ID: o.ID, Kind: string(o.Kind), Status: string(o.Status), Value: o.Value,
			Made: o.Made, Answered: o.Answered, Fulfilled: o.Fulfilled})
	}
	for _, t := range c.st.Tasks {
		r.Tasks = append(r.Tasks, activities.TaskRecord{ID: t.ID, Kind: string(t.Kind), Title: t.Title, Assignee: t.Assignee,
			Created: t.Created, Due: t.Due, Status: string(t.Status), CompletedBy: t.CompletedBy, Completed: t.Completed,
			Escalated: t.Escalated})
	}
	return r
}

// fileRecord sends the record to the store when it changed since the last one this run filed.
// The store keeps the newest by Seq, which grows across runs.
func (c *campaign) fileRecord(ctx workflow.Context) {
	if !c.v2() {
		return
	}
	r := c.campaignRecord(ctx)
	if c.lastRecord != nil && sameRecord(r, *c.lastRecord) {
		return
	}
	c.st.RecordSeq++
	r.Seq = c.st.RecordSeq
	err := workflow.ExecuteLocalActivity(storeOptions(ctx, "File the campaign's tasks and record in the store"), acts.SyncCampaign, r).Get(ctx, nil)
	if err != nil {
		c.logger.Error("The campaign's record was not filed; the next change files it", "Error", err)
		return
	}
	c.lastRecord = &r
}

// sameRecord reports whether two records say the same (their Seq aside).
func sameRecord(a, b activities.CampaignRecord) bool {
	pursue := func(p *bool) int {
		switch {
		case p == nil:
			return 0
		case *p:
			return 1
		}
		return 2
	}
	return a.Stage == b.Stage && a.Outcome == b.Outcome && a.Closed.Equal(b.Closed) && a.Reason == b.Reason &&
		a.Scope == b.Scope && a.Rep == b.Rep && a.Manager == b.Manager && pursue(a.Pursue) == pursue(b.Pursue) &&
		a.DecidedBy == b.DecidedBy && a.Offer == b.Offer && a.Rationale == b.Rationale &&
		slices.Equal(a.OptedOut, b.OptedOut) && a.Holdout == b.Holdout && a.FootInDoorValue == b.FootInDoorValue &&
		a.Revenue == b.Revenue && a.RevenueCurrency == b.RevenueCurrency &&
		slices.EqualFunc(a.Offers, b.Offers, func(x, y activities.OfferRecord) bool {
			return x.ID == y.ID && x.Kind == y.Kind && x.Status == y.Status && x.Value == y.Value && x.Made.Equal(y.Made) &&
				x.Answered.Equal(y.Answered) && x.Fulfilled.Equal(y.Fulfilled)
		}) && slices.EqualFunc(a.Tasks, b.Tasks, func(x, y activities.TaskRecord) bool {
		return x.ID == y.ID && x.Kind == y.Kind && x.Title == y.Title && x.Assignee == y.Assignee && x.Due.Equal(y.Due) &&
			x.Status == y.Status && x.CompletedBy == y.CompletedBy && x.Completed.Equal(y.Completed) && x.Escalated == y.Escalated
	})
}
