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
