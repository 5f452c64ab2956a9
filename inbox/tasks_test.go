package inbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/workflows"
)

func TestRepSeesOnlyTheirTasksSoonestDueFirstWithOverdueMarked(t *testing.T) {
	h := newHarness(t)
	p := h.signedIn("alice").get("/inbox/tasks")
	if p.status != http.StatusOK {
		t.Fatalf("tasks: %d\n%s", p.status, p.body)
	}
	initech := strings.Index(p.body, `/inbox/customers/initech/tasks/backstory"`)
	acme := strings.Index(p.body, `/inbox/customers/acme/tasks/exit-interview"`)
	if initech < 0 || acme < 0 || initech > acme {
		t.Errorf("want initech's overdue backstory, then acme's exit interview; positions %d, %d", initech, acme)
	}
	mustContain(t, p, "Overdue", "may lag the campaigns by a second", "<strong>1 overdue</strong> of 2 tasks")
	mustNotContain(t, p, "globex", "umbrella")
	if strings.Count(p.body, "Overdue</strong>") != 1 {
		t.Errorf("want exactly one task marked overdue")
	}
}

func TestManagerSeesTheTeamsTasksButNotAnotherTeams(t *testing.T) {
	h := newHarness(t)
	p := h.signedIn("maria").get("/inbox/tasks")
	mustContain(t, p, "/inbox/customers/acme/tasks/exit-interview", "/inbox/customers/globex/tasks/exit-interview",
		"/inbox/customers/initech/tasks/backstory", "for Bob Baker")
	mustNotContain(t, p, "umbrella")
}

func TestRepGets403OnAnotherRepsTask(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	p := b.get("/inbox/customers/globex/tasks/exit-interview")
	if p.status != http.StatusForbidden {
		t.Fatalf("alice opening bob's task: %d, want 403", p.status)
	}
	mustContain(t, p, "This task is not yours", "assigned to Bob Baker", "ask your manager Maria Moreno to reassign it")

	csrf := b.csrf("/inbox/tasks")
	post := b.post("/inbox/customers/globex/tasks/exit-interview", url.Values{"csrf": {csrf}, "whyLeaving": {"x"}})
	if post.status != http.StatusForbidden {
		t.Errorf("alice completing bob's task: %d, want 403", post.status)
	}
	if cp := b.get("/inbox/customers/umbrella"); cp.status != http.StatusForbidden {
		t.Errorf("alice opening another team's customer: %d, want 403", cp.status)
	}
	if u := h.fake.Updates(); len(u) != 0 {
		t.Errorf("%d updates were sent", len(u))
	}
}

func TestFormWithoutOrWithAForgedCSRFTokenIsRefused(t *testing.T) {
	h := newHarness(t)
	alice := h.signedIn("alice")
	bob := h.signedIn("bob")
	form := url.Values{"whyLeaving": {"price"}, "whatWouldKeepYou": {"cheaper"}, "reason": {"competitor_price"}, "scope": {"specific"}}
	path := "/inbox/customers/acme/tasks/exit-interview"
	for name, token := range map[string]string{
		"missing":               "",
		"forged":                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"another session's one": bob.csrf("/inbox/tasks"),
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if token != "" {
			f.Set("csrf", token)
		}
		p := alice.post(path, f)
		if p.status != http.StatusForbidden {
			t.Errorf("%s token: status %d, want 403", name, p.status)
		}
		mustContain(t, p, "Nothing was changed")
	}
	for name, path := range map[string]string{"won back": "/inbox/customers/acme/won-back", "sign out": "/inbox/signout"} {
		if p := h.signedIn("maria").post(path, url.Values{}); p.status != http.StatusForbidden {
			t.Errorf("%s without a token: %d, want 403", name, p.status)
		}
	}
	if u, s := h.fake.Updates(), h.fake.Signals(); len(u)+len(s) != 0 {
		t.Errorf("forged forms reached the campaign: %d updates, %d signals", len(u), len(s))
	}
}

func TestValidatorErrorIsShownNextToItsFieldAndTheFormKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t)
	h.fake.CompleteFn = func(string, workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		return workflows.CompleteTaskResult{}, &campaigns.RejectedError{Message: "rejected", Fields: []workflows.FieldError{
			{Field: "whyLeaving", Message: `the answer to "Why are you leaving us?" is required`, Code: workflows.CodeRequired},
			{Field: "reason", Message: `"" is not one of competitor_price, let_down, no_longer_needed, outgrew, bad_fit, other`, Code: workflows.CodeRequired},
			{Field: "by", Message: "who knows", Code: workflows.CodeInvalid},
		}}
	}
	b := h.signedIn("alice")
	path := "/inbox/customers/acme/tasks/exit-interview"
	form := b.get(path)
	mustContain(t, form, `<label for="f-whyLeaving" class="quote">“Why are you leaving us?”`,
		"“What would we need to do to keep you as a customer?”", "<legend>Why did they leave?", "Switched to a competitor on price")

	p := b.post(path, url.Values{"csrf": {b.csrf(path)}, "whatWouldKeepYou": {"Match <Globex>'s price"}, "scope": {"systemic"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("rejected answers: %d, want 422\n%s", p.status, p.body)
	}
	mustContain(t, p,
		`id="err-whyLeaving"`, `the answer to &#34;Why are you leaving us?&#34; is required`,
		`aria-describedby="hint-whyLeaving err-whyLeaving" aria-invalid="true"`,
		`id="err-reason"`, "Choose one of the options.", `<a href="#f-reason-competitor_price">`,
		"by: who knows",
		"Match &lt;Globex&gt;&#39;s price</textarea>",
		`value="systemic" checked`,
		`id="error-summary"`)
	updates := h.fake.Updates()
	if len(updates) != 1 {
		t.Fatalf("%d updates, want 1", len(updates))
	}
	req := updates[0].Arg.(workflows.CompleteTaskRequest)
	if updates[0].Name != workflows.UpdateCompleteTask || updates[0].CustomerID != "acme" || req.By != "alice" || req.TaskID != "exit-interview" ||
		req.Answers.WhatWouldKeepYou != "Match <Globex>'s price" {
		t.Errorf("update %+v %+v", updates[0], req)
	}
}

func TestCompletedTaskShowsWhatHappensNext(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	path := "/inbox/customers/initech/tasks/backstory"
	p := b.post(path, url.Values{"csrf": {b.csrf(path)}, "ourSide": {"late deliveries"}, "landmines": {"billing dispute\n\n  a rude email \n"}})
	if p.status != http.StatusOK {
		t.Fatalf("complete: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "Task done", "Next: something sensible.")
	got := h.fake.Updates()[0].Arg.(workflows.CompleteTaskRequest).Answers.Landmines
	if strings.Join(got, "|") != "billing dispute|a rude email" {
		t.Errorf("landmines %q, want one per line, trimmed", got)
	}
}

func TestTaskAlreadyCompletedBySomeoneElseChangesNothing(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	path := "/inbox/customers/acme/tasks/exit-interview"
	csrf := b.csrf(path)

	// The campaign's validator says so (maria finished it between our look and the Update).
	h.fake.CompleteFn = func(string, workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		st := fixtures()[0]
		st.Tasks[1].Status, st.Tasks[1].CompletedBy, st.Tasks[1].Completed = workflows.TaskDone, "maria", testNow
		h.fake.SetStatus(st)
		return workflows.CompleteTaskResult{}, &campaigns.RejectedError{Message: `taskId: task "exit-interview" is already done`,
			Fields: []workflows.FieldError{{Field: "taskId", Message: `task "exit-interview" is already done`, Code: workflows.CodeInvalid}}}
	}
	form := url.Values{"csrf": {csrf}, "whyLeaving": {"price"}, "whatWouldKeepYou": {"cheaper"}, "reason": {"competitor_price"}, "scope": {"specific"}}
	p := b.post(path, form)
	if p.status != http.StatusConflict {
		t.Fatalf("race: %d, want 409\n%s", p.status, p.body)
	}
	mustContain(t, p, "already completed by Maria Moreno", "Your answers were not recorded; nothing was changed.")

	// Seen before sending: no Update at all.
	p = b.post(path, form)
	if p.status != http.StatusConflict {
		t.Fatalf("done task: %d, want 409", p.status)
	}
	if u := h.fake.Updates(); len(u) != 1 {
		t.Errorf("%d updates, want only the first attempt", len(u))
	}
}

func TestFixContactChecksTheShapeOfThePhoneBeforeSending(t *testing.T) {
	h := newHarness(t)
	st := fixtures()[0]
	st.Tasks = append(st.Tasks, workflows.Task{ID: "fix-contact", Kind: workflows.TaskFixContact, Assignee: "alice", Status: workflows.TaskOpen, Due: testNow})
	h.fake.SetStatus(st)
	b := h.signedIn("alice")
	path := "/inbox/customers/acme/tasks/fix-contact"
	p := b.post(path, url.Values{"csrf": {b.csrf(path)}, "phone": {"+1555"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad phone: %d", p.status)
	}
	mustContain(t, p, `id="err-phone"`, "is not a valid E.164 number")
	if u := h.fake.Updates(); len(u) != 0 {
		t.Errorf("a bad phone was sent")
	}
	p = b.post(path, url.Values{"csrf": {b.csrf(path)}, "phone": {"+1 212 555 0142"}})
	if p.status != http.StatusOK {
		t.Fatalf("good phone: %d", p.status)
	}
	if u := h.fake.Updates(); u[0].Arg.(workflows.CompleteTaskRequest).Answers.Phone != "+12125550142" {
		t.Errorf("phone not sent in E.164: %+v", u[0].Arg)
	}
}

func TestUnavailableTemporalKeepsTheForm(t *testing.T) {
	h := newHarness(t)
	h.fake.CompleteFn = func(string, workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		return workflows.CompleteTaskResult{}, errors.New("context deadline exceeded")
	}
	b := h.signedIn("alice")
	path := "/inbox/customers/initech/tasks/backstory"
	p := b.post(path, url.Values{"csrf": {b.csrf(path)}, "ourSide": {"kept text"}})
	if p.status != http.StatusServiceUnavailable {
		t.Fatalf("%d, want 503", p.status)
	}
	mustContain(t, p, "Temporal did not answer in time", "kept text</textarea>")
}

// A refusal about the whole campaign, not a field, is shown as it is, above the form.
func TestARefusalWithoutFieldsIsShownAboveTheForm(t *testing.T) {
	h := newHarness(t)
	h.fake.CompleteFn = func(string, workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		return workflows.CompleteTaskResult{}, &campaigns.RejectedError{Message: "the campaign is busy: try again"}
	}
	b := h.signedIn("alice")
	path := "/inbox/customers/initech/tasks/backstory"
	p := b.post(path, url.Values{"csrf": {b.csrf(path)}, "ourSide": {"late"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("%d, want 422", p.status)
	}
	mustContain(t, p, `id="error-summary"`, "the campaign is busy: try again", "late</textarea>")
}

// A person's task list asks the task index only for the tasks they may see: a rep's own, a
// manager's team's (and the campaigns they manage), never another team's.
func TestTaskListAsksOnlyForThePersonsTasks(t *testing.T) {
	team := testTeam(t)
	h := newHarness(t)
	for _, p := range team.People {
		if page := h.signedIn(p.ID).get("/inbox/tasks"); page.status != http.StatusOK {
			t.Fatalf("%s: tasks %d", p.ID, page.status)
		}
		filters := h.fake.TaskFilters()
		f := filters[len(filters)-1]
		for _, other := range team.People {
			involved := other.ID == p.ID || (isManager(p) && other.Manager == p.ID)
			if got := slices.Contains(f.Assignees, other.ID); got != involved {
				t.Errorf("%s's task list asks for %s's tasks: %v, want %v (%q)", p.ID, other.ID, got, involved, f.Assignees)
			}
		}
		if want := map[bool]string{true: p.ID, false: ""}[isManager(p)]; f.Manager != want {
			t.Errorf("%s's task list asks for the campaigns managed by %q, want %q", p.ID, f.Manager, want)
		}
	}
}

// sixty gives alice sixty more open tasks, due a minute apart from an hour ago.
func sixty(h *harness) {
	for n := range 60 {
		h.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: fmt.Sprintf("c-%02d", n),
			Stage: workflows.StageBackstory, Rep: "alice", Manager: "maria", Tasks: []workflows.Task{{ID: "backstory",
				Kind: workflows.TaskBackstory, Title: "Backstory", Assignee: "alice", Status: workflows.TaskOpen,
				Due: testNow.Add(time.Duration(n-60) * time.Minute)}}}})
	}
}

func TestTheListIsPagedFiftyAtATimeWithItsCounts(t *testing.T) {
	h := newHarness(t)
	sixty(h)
	b := h.signedIn("alice")
	p := b.get("/inbox/tasks")
	if p.status != http.StatusOK || strings.Count(p.body, `<li class="task`) != 50 {
		t.Fatalf("page 1: %d, %d tasks", p.status, strings.Count(p.body, `<li class="task`))
	}
	// acme's exit interview (due in an hour) is the 62nd task: on page 2.
	mustContain(t, p, "<strong>61 overdue</strong> of 62 tasks", "page 1 of 2", `href="/inbox/tasks?page=2" rel="next"`)
	mustNotContain(t, p, "acme/tasks/exit-interview", `rel="prev"`)
	p = b.get("/inbox/tasks?page=2")
	if n := strings.Count(p.body, `<li class="task`); n != 12 {
		t.Errorf("page 2 holds %d tasks, want 12", n)
	}
	mustContain(t, p, "acme/tasks/exit-interview", `rel="prev"`, "Page 2 of 2")
	p = b.get("/inbox/tasks?page=7")
	if p.status != http.StatusOK {
		t.Errorf("past the last page: %d", p.status)
	}
	mustContain(t, p, "There is no page 7: the list has 2 pages.", `href="/inbox/tasks?page=2">Go to the last page`)
}

func TestTheFiltersNarrowTheListAndKeepThePaging(t *testing.T) {
	h := newHarness(t)
	sixty(h)
	maria := h.signedIn("maria")
	for _, tc := range []struct {
		path    string
		want    []string
		notWant []string
	}{
		{"/inbox/tasks?kind=exit_interview", []string{"acme/tasks/exit-interview", "globex/tasks/exit-interview", "of 2 tasks matching the filters"}, []string{"initech"}},
		{"/inbox/tasks?customer=initech", []string{"initech/tasks/backstory", "of 1 task matching"}, []string{"acme/"}},
		{"/inbox/tasks?rep=bob", []string{"<small>· Bob Baker&#39;s</small>", "globex/tasks/exit-interview", "<strong>1 overdue</strong> of 1 task"}, []string{"acme/"}},
		{"/inbox/tasks?view=mine", []string{"<small>· only mine</small>", "<strong>0 overdue</strong> of 0 tasks"}, []string{"globex"}},
		{"/inbox/tasks?overdue=1&kind=backstory&page=2", []string{"of 61 tasks", "page 2 of 2", `href="/inbox/tasks?kind=backstory&amp;overdue=1" rel="prev"`}, []string{"umbrella"}},
		{"/inbox/tasks?due=today&customer=acme", []string{"acme/tasks/exit-interview"}, nil},
	} {
		p := maria.get(tc.path)
		if p.status != http.StatusOK {
			t.Errorf("%s: %d", tc.path, p.status)
		}
		mustContain(t, p, tc.want...)
		mustNotContain(t, p, tc.notWant...)
	}
	if f := h.fake.TaskFilters(); !f[len(f)-1].DueFrom.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("due today for maria (UTC): %+v", f[len(f)-1])
	}
}

func TestAFilterThatMakesNoSenseIsA400NamingIt(t *testing.T) {
	h := newHarness(t)
	alice, maria := h.signedIn("alice"), h.signedIn("maria")
	for _, tc := range []struct {
		b    *browser
		path string
		says string
	}{
		{alice, "/inbox/tasks?page=0", `The page &#34;0&#34;`},
		{alice, "/inbox/tasks?page=two", `The page &#34;two&#34;`},
		{alice, "/inbox/tasks?page=-3", `The page &#34;-3&#34;`},
		{alice, "/inbox/tasks?kind=lunch", `The kind &#34;lunch&#34; in the address makes no sense: use one of backstory`},
		{alice, "/inbox/tasks?due=tomorrow", `The due &#34;tomorrow&#34;`},
		{alice, "/inbox/tasks?view=team", `The view &#34;team&#34;`},
		{alice, "/inbox/tasks?rep=bob", `The rep &#34;bob&#34;`},
		{maria, "/inbox/tasks?rep=dave", `The rep &#34;dave&#34;`},
		{maria, "/inbox/tasks?view=all", `The view &#34;all&#34;`},
	} {
		p := tc.b.get(tc.path)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", tc.path, p.status)
		}
		mustContain(t, p, "This list cannot be shown", tc.says)
	}
}

// The list may lag the campaign: a task moved or done since it was listed gets the campaign's
// own clear refusal, nothing is sent, and the next list shows the campaign as it is.
func TestATaskFromAStaleListIsRefusedClearlyAndTheListCatchesUp(t *testing.T) {
	h := newHarness(t)
	alice := h.signedIn("alice")
	path := "/inbox/customers/acme/tasks/exit-interview"
	mustContain(t, alice.get("/inbox/tasks"), path)
	csrf := alice.csrf(path)

	// Maria moves it to bob before alice sends her answers.
	st := fixtures()[0]
	st.Tasks[1].Assignee = "bob"
	h.fake.SetStatus(st)
	form := url.Values{"csrf": {csrf}, "whyLeaving": {"price"}, "whatWouldKeepYou": {"cheaper"}, "reason": {"competitor_price"}, "scope": {"specific"}}
	p := alice.post(path, form)
	if p.status != http.StatusForbidden {
		t.Fatalf("a moved task: %d, want 403", p.status)
	}
	mustContain(t, p, "This task is not yours", "assigned to Bob Baker", "Back to my tasks")
	mustNotContain(t, alice.get("/inbox/tasks"), path)

	// Bob finished it meanwhile: his stale list gets "already completed".
	bob := h.signedIn("bob")
	st.Tasks[1].Status, st.Tasks[1].CompletedBy, st.Tasks[1].Completed = workflows.TaskDone, "bob", testNow
	h.fake.SetStatus(st)
	form.Set("csrf", bob.csrf("/inbox/tasks"))
	if p := bob.post(path, form); p.status != http.StatusConflict || !strings.Contains(p.body, "already completed by you") {
		t.Errorf("a done task: %d\n%s", p.status, p.body)
	}
	if u := h.fake.Updates(); len(u) != 0 {
		t.Errorf("%d updates sent from stale lists", len(u))
	}
}
