package workflows

import (
	"cmp"
	"slices"
	"testing"

	"github.com/winback/winback/activities"
)

// The campaign files its record whenever its tasks, stage or decision change: the store's task
// index shows each task once, under its current assignee, and the report credits the loss to the
// rep who lost the customer, even after "is it me?" moved the account.
func TestTheCampaignFilesItsTasksAndWhoLostTheCustomer(t *testing.T) {
	h := newHarness(t)
	itsMe := interview
	itsMe.IsItMe, itsMe.NewRep = true, "bob"
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", itsMe)
	h.complete(3*hour, "decision", "maria", pursue)
	h.signal(2*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	res, _ := h.run()

	if len(h.records) < 4 {
		t.Fatalf("%d records filed: want one for each change of tasks, stage and decision", len(h.records))
	}
	// Records may reach the store in any order (each is its own activity); the store keeps the
	// highest seq, so each record needs its own, in the order the campaign filed them.
	slices.SortFunc(h.records, func(a, b activities.CampaignRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	for i := 1; i < len(h.records); i++ {
		if h.records[i].Seq == h.records[i-1].Seq {
			t.Fatalf("records %d and %d share seq %d: the store would drop one", i-1, i, h.records[i].Seq)
		}
	}
	var sawBackstoryOpen bool
	for _, r := range h.records {
		for _, task := range r.Tasks {
			if task.ID == "backstory" && task.Status == "open" && task.Assignee == "alice" {
				sawBackstoryOpen = true
			}
		}
	}
	if !sawBackstoryOpen {
		t.Error("no record showed the backstory open with alice: a list would have missed it")
	}
	last := h.records[len(h.records)-1]
	if last.Outcome != string(res.Outcome) || last.Closed.IsZero() || last.Rep != "bob" || last.LostBy != "alice" {
		t.Errorf("last record: outcome %q closed %v rep %q lost by %q; want won_back, closed, bob owning, alice who lost them",
			last.Outcome, last.Closed, last.Rep, last.LostBy)
	}
	if last.Pursue == nil || !*last.Pursue || last.Offer != string(OfferBeatOffer) || last.DecidedBy != "maria" {
		t.Errorf("decision in the record: %+v", last)
	}
	seen := map[string]int{}
	for _, task := range last.Tasks {
		seen[task.ID]++
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("task %s appears %d times in the record", id, n)
		}
	}
	if last.CampaignID == "" || last.WorkflowID == "" || last.CustomerID != "c-42" || last.LostBy == "" {
		t.Errorf("identity of the record: %+v", last)
	}
}
