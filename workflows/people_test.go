package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// "Is it me?" hands the account to bob, whom the launch did not name: the campaign looks him up,
// signs the customer's emails with his name and address, emails him his reminders, and waits
// for his call on his own calendar (London), not on the manager's.
func TestANewOwnerIsKnownToTheCampaign(t *testing.T) {
	h := newHarness(t)
	itsMe := interview
	itsMe.IsItMe, itsMe.NewRep = true, "bob"
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", itsMe)
	h.complete(3*hour, "decision", "maria", pursue)
	// Nobody calls: the thank-you call reminds bob, by email.
	h.signal(6*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	_, st := h.run()

	if !slices.Equal(h.lookedUp, []string{"bob"}) {
		t.Errorf("looked up %v, want bob once", h.lookedUp)
	}
	msgs := h.customerMessages()
	if len(msgs) == 0 || msgs[0].Data.RepName != "Bob Baker" || msgs[0].Data.RepEmail != "bob@winback.example" {
		t.Fatalf("the revisit email is signed %+v: want Bob Baker, with his address for replies", msgs)
	}
	london := mustLoad("Europe/London")
	call := taskByID(st, "thank-you-call")
	if want := time.Date(2026, 11, 3, 10, 0, 0, 0, london); call == nil || !call.Created.Equal(want) {
		t.Errorf("thank-you call opened %v, want the next working day at 10:00 in bob's London", call)
	}
	var reminded bool
	for _, s := range h.sent {
		if s.Staff && s.To == "bob@winback.example" && strings.HasPrefix(s.Step, "reminder") {
			reminded = true
		}
	}
	if !reminded {
		t.Errorf("bob's reminder was not emailed to him: %+v", h.sent)
	}
	if len(st.People) != 1 || st.People[0].TimeZone != "Europe/London" {
		t.Errorf("people %+v", st.People)
	}
}

// A task's deadlines count in its assignee's working week: a two-day backstory opened on a
// Thursday morning reminds on Monday morning and escalates on Tuesday, not over the weekend.
func TestDeadlinesSkipTheAssigneesWeekend(t *testing.T) {
	h := newHarness(t)
	h.start = time.Date(2026, 11, 5, 9, 0, 0, 0, mustLoad("America/New_York")) // a Thursday
	h.newEnv()
	h.signal(6*day, SignalCancel, CancelSignal{By: "ops"})

	_, st := h.run()

	ny := mustLoad("America/New_York")
	for _, want := range []struct {
		kind string
		at   time.Time
	}{
		{"reminder", time.Date(2026, 11, 9, 9, 0, 0, 0, ny)},    // Monday
		{"escalation", time.Date(2026, 11, 10, 9, 0, 0, 0, ny)}, // Tuesday
	} {
		found := false
		for _, e := range st.Escalations {
			if e.TaskID == "backstory" && e.Kind == want.kind {
				found = true
				if !e.At.Equal(want.at) {
					t.Errorf("%s at %s, want %s", want.kind, e.At.In(ny), want.at)
				}
			}
		}
		if !found {
			t.Errorf("no %s of the backstory: %+v", want.kind, st.Escalations)
		}
	}
}

// Nobody interviewed the customer: whether the problem is specific or systemic is unknown, and
// recorded as such (the report must not count it as either); the policy says what it assumed.
func TestAnUninterviewedCustomersScopeIsUnknown(t *testing.T) {
	h := newHarness(t)
	h.in.Customer.AccountValue = 400 // the policy walks away, so the campaign closes soon
	h.complete(1*hour, "backstory", "alice", backstory)

	res, st := h.run()

	if st.Scope != ScopeUnknown || h.attrs["WinBackScope"] != "unknown" {
		t.Errorf("scope %q, WinBackScope %v: want unknown", st.Scope, h.attrs["WinBackScope"])
	}
	if st.Reason != ReasonCompetitorPrice {
		t.Errorf("reason %q: want what ops knew at launch", st.Reason)
	}
	if res.Outcome != OutcomeWalkedAway || !strings.Contains(st.Decision.Rationale, "nobody interviewed the customer") ||
		!strings.Contains(st.Decision.Rationale, "specific or systemic is unknown") {
		t.Errorf("decision %+v: want the policy to say what it assumed", st.Decision)
	}
}
