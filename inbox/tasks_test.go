package inbox

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/winback/winback/campaigns"
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
	mustContain(t, p, "Overdue", "may take a few seconds to appear")
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

// A person's task list asks visibility only for the campaigns that involve them or, for a
// manager, their reps: the page's cost follows the person's work, not every open campaign.
func TestTaskListAsksOnlyForThePersonsCampaigns(t *testing.T) {
	team := testTeam(t)
	h := newHarness(t)
	for _, p := range team.People {
		if page := h.signedIn(p.ID).get("/inbox/tasks"); page.status != http.StatusOK {
			t.Fatalf("%s: tasks %d", p.ID, page.status)
		}
		filters := h.fake.TaskFilters()
		people := filters[len(filters)-1].People
		for _, other := range team.People {
			involved := other.ID == p.ID || (isManager(p) && other.Manager == p.ID)
			if got := slices.Contains(people, other.ID); got != involved {
				t.Errorf("%s's task list asks for %s's campaigns: %v, want %v (%q)", p.ID, other.ID, got, involved, people)
			}
		}
	}
}
