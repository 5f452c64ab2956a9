package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winback/winback/store"
)

// The task index and the report's campaign records, on both backends: what a rep, a manager
// and ops would notice in their lists and in the report.

var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// record is a campaign of customer, launched at day0 for alice (manager maria), at its backstory.
func record(customer string, seq int64, tasks ...store.TaskRecord) store.CampaignRecord {
	return store.CampaignRecord{WorkflowID: "winback:" + customer, CampaignID: "run-" + customer, Seq: seq, CustomerID: customer,
		Segment: "enterprise", AccountValue: 48000, Launched: day0, Departed: day0.AddDate(0, 0, -3), Stage: "backstory",
		Rep: "alice", Manager: "maria", LostBy: "alice", Tasks: tasks}
}

// task is an open task due after d from day0.
func task(id, kind, assignee string, d time.Duration) store.TaskRecord {
	return store.TaskRecord{ID: id, Kind: kind, Title: kind + " task", Assignee: assignee, Created: day0, Due: day0.Add(d), Status: store.TaskOpen}
}

func sync1(t *testing.T, s *store.Store, rec store.CampaignRecord) {
	t.Helper()
	applied, err := s.SyncCampaign(ctx, rec)
	if err != nil || !applied {
		t.Fatalf("sync %s seq %d: applied %v, %v", rec.WorkflowID, rec.Seq, applied, err)
	}
}

// ids lists a page's tasks as customer/task.
func ids(p store.TaskPage) string {
	var out []string
	for _, t := range p.Tasks {
		out = append(out, t.CustomerID+"/"+t.ID)
	}
	return strings.Join(out, " ")
}

func tasksOf(t *testing.T, s *store.Store, q store.TaskQuery) store.TaskPage {
	t.Helper()
	p, err := s.Tasks(ctx, q)
	if err != nil {
		t.Fatalf("tasks %+v: %v", q, err)
	}
	return p
}

func TestAMovedTaskShowsOnceUnderItsNewAssignee(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		sync1(t, s, record("acme", 1, task("exit-interview", "exit_interview", "alice", 48*time.Hour)))
		moved := record("acme", 2, task("exit-interview", "exit_interview", "bob", 48*time.Hour))
		moved.Rep = "bob" // "is it me?": the account moved, the loss stays alice's
		sync1(t, s, moved)
		if p := tasksOf(t, s, store.TaskQuery{Assignees: []string{"alice"}, Now: day0}); p.Total != 0 || len(p.Tasks) != 0 {
			t.Errorf("alice still sees the moved task: %s (total %d)", ids(p), p.Total)
		}
		p := tasksOf(t, s, store.TaskQuery{Assignees: []string{"bob"}, Now: day0})
		if ids(p) != "acme/exit-interview" || p.Total != 1 || p.Tasks[0].Rep != "bob" || p.Tasks[0].Manager != "maria" {
			t.Errorf("bob's list: %s (total %d) %+v", ids(p), p.Total, p.Tasks)
		}
		if all := tasksOf(t, s, store.TaskQuery{Now: day0}); all.Total != 1 {
			t.Errorf("the task shows %d times in the list of every task", all.Total)
		}
	})
}

func TestALateRecordDoesNotUndoANewerOne(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		w1, w2 := open(t, url), open(t, url)
		done := task("backstory", "backstory", "alice", time.Hour)
		done.Status, done.CompletedBy, done.Completed = "done", "alice", day0.Add(30*time.Minute)
		newer := record("acme", 3, done, task("exit-interview", "exit_interview", "alice", 48*time.Hour))
		newer.Stage = "exit_interview"
		sync1(t, w1, newer)
		// A retry of an older record lands on another worker afterwards; then the same record twice.
		for _, late := range []store.CampaignRecord{record("acme", 2, task("backstory", "backstory", "alice", time.Hour)), newer} {
			if applied, err := w2.SyncCampaign(ctx, late); err != nil || applied {
				t.Errorf("seq %d after seq 3: applied %v, %v; want ignored", late.Seq, applied, err)
			}
		}
		// Several records in one transaction (a rebuild): each is filed as SyncCampaign files it.
		four := newer
		four.Seq = 4
		if n, err := w2.SyncCampaigns(ctx, []store.CampaignRecord{record("acme", 1), four, record("beta", 1)}); err != nil || n != 2 {
			t.Errorf("a batch of a late record and two new ones: %d applied, %v; want 2", n, err)
		}
		p := tasksOf(t, w2, store.TaskQuery{Assignees: []string{"alice"}, Now: day0})
		if ids(p) != "acme/exit-interview" {
			t.Errorf("alice's open tasks %q: the late record reopened the backstory", ids(p))
		}
		closed := tasksOf(t, w2, store.TaskQuery{Status: "done", Now: day0})
		if ids(closed) != "acme/backstory" || closed.Tasks[0].CompletedBy != "alice" || !closed.Tasks[0].Completed.Equal(done.Completed) {
			t.Errorf("done tasks %q %+v", ids(closed), closed.Tasks)
		}
	})
}

// Retries of every record of a campaign land on two workers in any order, some at once: the
// store ends with the newest, whatever the order.
func TestRecordsInAnyOrderEndWithTheNewest(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		workers := []*store.Store{open(t, url), open(t, url)}
		const n = 12
		recs := make([]store.CampaignRecord, n)
		for i := range recs {
			recs[i] = record("acme", int64(i+1), task(fmt.Sprintf("check-in-call-%d", i+1), "check_in_call", "alice", time.Duration(i)*time.Hour))
		}
		order := rand.Perm(2 * n)
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i, k := range order {
			wg.Go(func() {
				if _, err := workers[i%2].SyncCampaign(ctx, recs[k%n]); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		p := tasksOf(t, workers[0], store.TaskQuery{Now: day0})
		if ids(p) != fmt.Sprintf("acme/check-in-call-%d", n) {
			t.Errorf("after every record in order %v: %q, want only the newest record's task", order, ids(p))
		}
	})
}

func TestTaskPagesAreSortedFilteredAndCounted(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		now := day0.Add(10 * time.Hour)
		// Four customers; alice and bob under maria, dave under nina.
		sync1(t, s, record("acme", 1, task("backstory", "backstory", "alice", 2*time.Hour), task("fix-contact", "fix_contact", "alice", 30*time.Hour)))
		sync1(t, s, record("beta", 1, task("backstory", "backstory", "alice", 2*time.Hour)))
		g := record("globex", 1, task("exit-interview", "exit_interview", "bob", 12*time.Hour), task("decision", "decision", "maria", 20*time.Hour))
		g.Rep = "bob"
		sync1(t, s, g)
		u := record("umbrella", 1, task("backstory", "backstory", "dave", time.Hour))
		u.Rep, u.Manager, u.LostBy = "dave", "nina", "dave"
		sync1(t, s, u)

		// Soonest due first, then by customer, then task; the counts cover every page.
		all := tasksOf(t, s, store.TaskQuery{Now: now})
		if want := "umbrella/backstory acme/backstory beta/backstory globex/exit-interview globex/decision acme/fix-contact"; ids(all) != want {
			t.Errorf("every open task:\n got %s\nwant %s", ids(all), want)
		}
		if all.Total != 6 || all.Overdue != 3 {
			t.Errorf("total %d, overdue %d; want 6 and 3", all.Total, all.Overdue)
		}
		page2 := tasksOf(t, s, store.TaskQuery{Now: now, Offset: 2, Limit: 2})
		if ids(page2) != "beta/backstory globex/exit-interview" || page2.Total != 6 || page2.Overdue != 3 {
			t.Errorf("page 2 of 2: %s, total %d, overdue %d", ids(page2), page2.Total, page2.Overdue)
		}
		if past := tasksOf(t, s, store.TaskQuery{Now: now, Offset: 6, Limit: 2}); len(past.Tasks) != 0 || past.Total != 6 {
			t.Errorf("past the last page: %s, total %d", ids(past), past.Total)
		}

		// Maria's team view: her reps' tasks and those of the campaigns she manages; not nina's.
		team := tasksOf(t, s, store.TaskQuery{Assignees: []string{"maria", "alice", "bob"}, Manager: "maria", Now: now})
		if team.Total != 5 || strings.Contains(ids(team), "umbrella") {
			t.Errorf("maria's team: %s (total %d)", ids(team), team.Total)
		}
		for name, tc := range map[string]struct {
			q    store.TaskQuery
			want string
		}{
			"overdue":      {store.TaskQuery{Assignees: []string{"alice"}, Overdue: true}, "acme/backstory beta/backstory"},
			"due today":    {store.TaskQuery{DueFrom: day0, DueBefore: day0.Add(24 * time.Hour)}, "umbrella/backstory acme/backstory beta/backstory globex/exit-interview globex/decision"},
			"by kind":      {store.TaskQuery{Kind: "backstory", Manager: "maria"}, "acme/backstory beta/backstory"},
			"by customer":  {store.TaskQuery{CustomerID: "globex"}, "globex/exit-interview globex/decision"},
			"manager only": {store.TaskQuery{Manager: "nina"}, "umbrella/backstory"},
		} {
			tc.q.Now = now
			if p := tasksOf(t, s, tc.q); ids(p) != tc.want || p.Total != len(p.Tasks) {
				t.Errorf("%s: %s (total %d), want %s", name, ids(p), p.Total, tc.want)
			}
		}
		for _, bad := range []store.TaskQuery{{Status: "lost"}, {Limit: store.MaxTaskLimit + 1}, {Offset: -1}} {
			if _, err := s.Tasks(ctx, bad); err == nil || errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%+v: %v, want a refusal of the query", bad, err)
			}
		}
	})
}

// A closed campaign's tasks stay, with their final status, for the lists of recent tasks; a
// relaunch of the customer is another campaign.
func TestAClosedCampaignsTasksStayAndARelaunchIsAnotherCampaign(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		sync1(t, s, record("acme", 1, task("backstory", "backstory", "alice", time.Hour)))
		closed := record("acme", 2, task("backstory", "backstory", "alice", time.Hour))
		closed.Tasks[0].Status = "cancelled"
		closed.Stage, closed.Outcome, closed.Closed = "closed", "won_back", day0.Add(2*time.Hour)
		sync1(t, s, closed)
		if p := tasksOf(t, s, store.TaskQuery{Now: day0}); p.Total != 0 {
			t.Errorf("a closed campaign's task is still open: %s", ids(p))
		}
		if p := tasksOf(t, s, store.TaskQuery{Status: store.StatusClosed, Now: day0}); ids(p) != "acme/backstory" || p.Tasks[0].Status != "cancelled" {
			t.Errorf("recent tasks: %s", ids(p))
		}

		// A campaign that ended without its last record (terminated), then a relaunch.
		sync1(t, s, record("beta", 1, task("backstory", "backstory", "alice", time.Hour)))
		again := record("beta", 1, task("backstory", "backstory", "bob", 5*time.Hour))
		again.CampaignID, again.Launched = "run-beta-2", day0.Add(24*time.Hour)
		sync1(t, s, again)
		p := tasksOf(t, s, store.TaskQuery{CustomerID: "beta", Now: day0})
		if p.Total != 1 || p.Tasks[0].CampaignID != "run-beta-2" || p.Tasks[0].Assignee != "bob" {
			t.Errorf("beta's open tasks after the relaunch: %+v", p.Tasks)
		}
		f, err := s.ReportFacts(ctx, store.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if g := group(f, store.DimAll, ""); g.Campaigns != 3 || g.Closed != 2 {
			t.Errorf("report: %+v, want 3 campaigns, 2 closed (acme won back, the first beta ended)", g)
		}
		if g := group(f, store.DimOutcome, store.OutcomeEndedUnrecorded); g.Campaigns != 1 {
			t.Errorf("the first beta campaign: %+v", f.Groups)
		}
	})
}

func TestARecordWithoutItsIDsIsRefused(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		for _, rec := range []store.CampaignRecord{
			{CampaignID: "run-1", Seq: 1},
			{WorkflowID: "winback:acme", Seq: 1},
			record("acme", 1, task("backstory", "backstory", "alice", 0), task("backstory", "backstory", "bob", 0)),
		} {
			if _, err := s.SyncCampaign(ctx, rec); !errors.Is(err, store.ErrInvalidRecord) {
				t.Errorf("%+v: %v, want ErrInvalidRecord", rec, err)
			}
		}
	})
}

func group(f store.ReportFacts, dim, key string) store.ReportGroup {
	for _, g := range f.Groups {
		if g.Dimension == dim && g.Key == key {
			return g
		}
	}
	return store.ReportGroup{Dimension: dim, Key: key}
}

// The report's facts: money and counts by every dimension, the loss credited to the rep who
// lost the customer whoever owns the campaign when it closes, the campaigns won back, why we
// walked away, and the stages seen.
func TestTheReportCreditsTheLossToTheRepWhoLostTheCustomer(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		yes, no := true, false
		// acme: alice lost it, "is it me?" moved it to bob, bob won it back in 4 days.
		acme := record("acme", 1)
		acme.Stage, acme.Rep, acme.Outcome, acme.Closed = "exit_interview", "bob", "", time.Time{}
		acme.Reason, acme.Scope = "let_down", "specific"
		sync1(t, s, acme)
		acme.Seq, acme.Stage, acme.Pursue, acme.DecidedBy, acme.Offer = 2, "check_ins", &yes, "maria", "apology"
		sync1(t, s, acme)
		acme.Seq, acme.Stage, acme.Outcome, acme.Closed = 3, "closed", "won_back", day0.AddDate(0, 0, 4)
		sync1(t, s, acme)
		// beta: alice's, we walked away; the customer opted out of SMS.
		beta := record("beta", 1)
		beta.AccountValue, beta.Reason, beta.Scope, beta.Stage = 1200, "bad_fit", "systemic", "decision"
		sync1(t, s, beta)
		beta.Seq, beta.Stage, beta.Outcome, beta.Closed = 2, "closed", "walked_away", day0.AddDate(0, 0, 2)
		beta.Pursue, beta.DecidedBy, beta.Rationale, beta.OptedOut = &no, "policy", "account value below 5000", []string{"sms"}
		sync1(t, s, beta)
		// globex: bob's, launched in April, still running.
		globex := record("globex", 1)
		globex.LostBy, globex.Rep, globex.Launched, globex.AccountValue, globex.Segment = "bob", "bob", day0.AddDate(0, 1, 0), 30000, "smb"
		sync1(t, s, globex)

		f, err := s.ReportFacts(ctx, store.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if g := group(f, store.DimAll, ""); g.Campaigns != 3 || g.Closed != 2 || g.WonBack != 1 || g.WalkedAway != 1 || g.OptedOut != 1 ||
			g.ValueLost != 79200 || g.ValueWonBack != 48000 {
			t.Errorf("every campaign: %+v", g)
		}
		if g := group(f, store.DimLostBy, "alice"); g.Campaigns != 2 || g.WonBack != 1 || g.ValueLost != 49200 {
			t.Errorf("lost by alice: %+v; want acme and beta, though bob owns acme now", g)
		}
		if g := group(f, store.DimLostBy, "bob"); g.Campaigns != 1 || g.WonBack != 0 {
			t.Errorf("lost by bob: %+v; want globex only", g)
		}
		for _, want := range []store.ReportGroup{
			{Dimension: store.DimReason, Key: "let_down", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimOffer, Key: "apology", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimScope, Key: "systemic", Campaigns: 1, Closed: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 1200},
			{Dimension: store.DimLaunchMonth, Key: "2026-04", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimLaunchMonth, Key: "2026-03", Campaigns: 2, Closed: 2, WonBack: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 49200, ValueWonBack: 48000},
			{Dimension: store.DimSegment, Key: "smb", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimOutcome, Key: "", Campaigns: 1, ValueLost: 30000},
		} {
			if got := group(f, want.Dimension, want.Key); got != want {
				t.Errorf("%s %q: %+v, want %+v", want.Dimension, want.Key, got, want)
			}
		}
		if len(f.WonBack) != 1 || f.WonBack[0].LostBy != "alice" || f.WonBack[0].Key(store.DimOffer) != "apology" ||
			f.WonBack[0].Closed.Sub(f.WonBack[0].Launched) != 96*time.Hour {
			t.Errorf("won back: %+v", f.WonBack)
		}
		if len(f.Rationales) != 1 || f.Rationales[0] != (store.Rationale{Text: "account value below 5000", DecidedBy: "policy", Campaigns: 1}) {
			t.Errorf("rationales: %+v", f.Rationales)
		}
		var paths []string
		for _, p := range f.Paths {
			seen := strings.Join(p.Stages, "+")
			if p.Offer != "" { // the decision's offer: a campaign that stays in touch skips stages
				seen += "@" + p.Offer
			}
			paths = append(paths, fmt.Sprintf("%s=%d", seen, p.Campaigns))
		}
		slices.Sort(paths)
		if want := "backstory=1 check_ins+closed+exit_interview@apology=1 closed+decision=1"; strings.Join(paths, " ") != want {
			t.Errorf("stages seen: %s, want %s", strings.Join(paths, " "), want)
		}

		// A range: only the campaigns launched in it.
		april, err := s.ReportFacts(ctx, store.ReportQuery{From: day0.AddDate(0, 0, 20), To: day0.AddDate(0, 2, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if g := group(april, store.DimAll, ""); g.Campaigns != 1 || g.ValueLost != 30000 || len(april.WonBack) != 0 || len(april.Rationales) != 0 {
			t.Errorf("april: %+v", april)
		}
		empty, err := s.ReportFacts(ctx, store.ReportQuery{From: day0.AddDate(1, 0, 0)})
		if g := group(empty, store.DimAll, ""); err != nil || g.Campaigns != 0 || g.ValueLost != 0 {
			t.Errorf("a range without campaigns: %+v %v", g, err)
		}
	})
}
