package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
)

// A campaign's record reaches the store's task index through SyncCampaign, as the workflow
// sends it; a late retry changes nothing, a store that is down is retried, a record without
// its IDs is the caller's mistake.
func TestSyncCampaignFilesTheRecordForTheTaskLists(t *testing.T) {
	st := testStore(t)
	a := newTestActivities(t, "", "", func(o *activities.Options) { o.Store = st })
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec := activities.CampaignRecord{WorkflowID: "winback:acme", CampaignID: "run-1", Seq: 2, CustomerID: "acme",
		AccountValue: 48000, Launched: now, Stage: "exit_interview", Rep: "bob", Manager: "maria", LostBy: "alice",
		Tasks: []activities.TaskRecord{
			{ID: "backstory", Kind: "backstory", Assignee: "alice", Due: now, Status: "done", CompletedBy: "alice", Completed: now},
			{ID: "exit-interview", Kind: "exit_interview", Title: "Exit interview", Assignee: "bob", Due: now.Add(48 * time.Hour),
				Status: "open", Escalated: true},
		}}
	if err := a.SyncCampaign(ctx, rec); err != nil {
		t.Fatal(err)
	}
	late := rec
	late.Seq, late.Tasks = 1, []activities.TaskRecord{{ID: "backstory", Kind: "backstory", Assignee: "alice", Due: now, Status: "open"}}
	if err := a.SyncCampaign(ctx, late); err != nil {
		t.Errorf("a late record is not an error (it is ignored): %v", err)
	}
	p, err := st.Tasks(ctx, store.TaskQuery{Now: now})
	if err != nil || len(p.Tasks) != 1 {
		t.Fatalf("open tasks %+v, %v", p, err)
	}
	if got := p.Tasks[0]; got.ID != "exit-interview" || got.Assignee != "bob" || got.Rep != "bob" || got.Manager != "maria" ||
		!got.Escalated || got.Title != "Exit interview" || !got.Due.Equal(now.Add(48*time.Hour)) {
		t.Errorf("the indexed task: %+v", got)
	}

	for _, bad := range []activities.CampaignRecord{{CampaignID: "run-1"}, {WorkflowID: "winback:acme"}} {
		wantAppError(t, a.SyncCampaign(ctx, bad), activities.ErrInvalidRequest, true)
	}
	dup := rec
	dup.Seq, dup.Tasks = 3, append(dup.Tasks, dup.Tasks[0])
	wantAppError(t, a.SyncCampaign(ctx, dup), activities.ErrInvalidRequest, true)

	st.Close() // the database goes away: the workflow retries
	rec.Seq = 4
	wantAppError(t, a.SyncCampaign(ctx, rec), activities.ErrProviderUnavailable, false)
}

// A decision asks the store for the customer's history: an earlier campaign won back with an
// incentive (its offers filed through SyncCampaign, as the workflow files them) counts; the
// asking campaign does not; a store that is down is retried; a request without the customer
// is the caller's mistake.
func TestCustomerHistoryFindsAnEarlierWinBoughtWithAnIncentive(t *testing.T) {
	st := testStore(t)
	a := newTestActivities(t, "", "", func(o *activities.Options) { o.Store = st })
	ctx := context.Background()
	launched := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	earlier := activities.CampaignRecord{WorkflowID: "winback:acme", CampaignID: "run-1", Seq: 9, CustomerID: "acme",
		AccountValue: 48000, Launched: launched, Stage: "closed", Outcome: "won_back", Closed: launched.AddDate(0, 2, 0),
		Rep: "alice", Manager: "maria", LostBy: "alice",
		Offers: []activities.OfferRecord{{ID: "offer-1", Kind: "incentive", Status: "fulfilled", Value: 5000, Made: launched,
			Answered: launched.AddDate(0, 0, 20), Fulfilled: launched.AddDate(0, 1, 0)}}}
	if err := a.SyncCampaign(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	now := launched.AddDate(0, 8, 0)
	asking := activities.CampaignRecord{WorkflowID: "winback:acme", CampaignID: "run-2", Seq: 1, CustomerID: "acme",
		Launched: now, Stage: "decision", Rep: "alice", Manager: "maria", LostBy: "alice", Holdout: false}
	if err := a.SyncCampaign(ctx, asking); err != nil {
		t.Fatal(err)
	}
	got, err := a.CustomerHistory(ctx, activities.HistoryRequest{CustomerID: "acme", CampaignID: "run-2", Since: now.AddDate(-1, 0, 0)})
	if err != nil || got != (activities.HistoryResult{Campaigns: 1, WonBackWithIncentive: 1}) {
		t.Errorf("acme's history: %+v, %v; want one earlier campaign, bought back with an incentive", got, err)
	}
	if got, _ := a.CustomerHistory(ctx, activities.HistoryRequest{CustomerID: "acme", CampaignID: "run-2", Since: now}); got.WonBackWithIncentive != 0 {
		t.Errorf("since now: %+v, want the old win back left out", got)
	}
	if f, _ := st.ReportFacts(ctx, store.ReportQuery{}); len(f.Offers) != 1 || f.Offers[0].Kind != "incentive" || f.Offers[0].Status != "fulfilled" {
		t.Errorf("the offer as filed: %+v", f.Offers)
	}

	_, err = a.CustomerHistory(ctx, activities.HistoryRequest{CampaignID: "run-2"})
	wantAppError(t, err, activities.ErrInvalidRequest, true)
	st.Close() // the database goes away: the workflow retries
	_, err = a.CustomerHistory(ctx, activities.HistoryRequest{CustomerID: "acme", CampaignID: "run-2"})
	wantAppError(t, err, activities.ErrProviderUnavailable, false)
}

// The revenue billing saw come back travels with the campaign's record to the store, where the
// report sums it per currency.
func TestSyncCampaignFilesTheRevenueBillingSaw(t *testing.T) {
	st := testStore(t)
	a := newTestActivities(t, "", "", func(o *activities.Options) { o.Store = st })
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec := activities.CampaignRecord{WorkflowID: "winback:acme", CampaignID: "run-1", Seq: 5, CustomerID: "acme",
		AccountValue: 4800, Launched: now, Stage: "closed", Outcome: "won_back", Closed: now.AddDate(0, 1, 0),
		Revenue: 3600, RevenueCurrency: "eur"}
	if err := a.SyncCampaign(ctx, rec); err != nil {
		t.Fatal(err)
	}
	f, err := st.ReportFacts(ctx, store.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Revenue) != 1 || f.Revenue[0] != (store.RevenueGroup{Currency: "eur", Campaigns: 1, Amount: 3600}) {
		t.Errorf("revenue %+v, want 3,600 eur of one campaign", f.Revenue)
	}
}
