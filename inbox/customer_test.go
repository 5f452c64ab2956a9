package inbox

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

func TestCustomerPageShowsStageTimelineAndAnswers(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.TemporalUIURL = "http://127.0.0.1:8233/" })
	st := fixtures()[0]
	st.Messages = []workflows.Message{{Step: "revisit-email", Channel: workflows.ChannelEmail, Template: "revisit", Status: "sent", At: testNow.Add(-10 * time.Hour)}}
	st.Escalations = []workflows.Escalation{{TaskID: "exit-interview", Kind: "reminder", To: "alice", At: testNow.Add(-5 * time.Hour), Note: "overdue"}}
	h.fake.SetStatus(st)
	p := h.signedIn("alice").get("/inbox/customers/acme")
	if p.status != http.StatusOK {
		t.Fatalf("customer page: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "Stage: <strong>Exit interview</strong>", "Campaign launched", "Backstory done by Alice Archer",
		"Two late deliveries in Q3", "Email: revisit-email", "Reminder to Alice Archer (task exit-interview)",
		"Dana Reyes", `href="tel:&#43;12125550142"`,
		`href="http://127.0.0.1:8233/namespaces/default/workflows/winback:acme"`)
	mustNotContain(t, p, "Manager actions") // alice is a rep
}

func TestManagerMarksWonBackOptsOutAndCancels(t *testing.T) {
	h := newHarness(t)
	maria := h.signedIn("maria")
	page := maria.get("/inbox/customers/globex")
	mustContain(t, page, "Manager actions", "Mark won back", "Cancel the campaign")
	csrf := maria.csrf("/inbox/customers/globex")

	if p := maria.post("/inbox/customers/globex/won-back", url.Values{"csrf": {csrf}, "note": {"signed again"}}); p.status != http.StatusOK {
		t.Fatalf("won back: %d\n%s", p.status, p.body)
	}
	if p := maria.post("/inbox/customers/globex/opt-out", url.Values{"csrf": {csrf}, "channel": {"sms"}}); p.status != http.StatusOK {
		t.Fatalf("opt out: %d", p.status)
	}
	p := maria.post("/inbox/customers/globex/cancel", url.Values{"csrf": {csrf}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without a reason: %d, want 422", p.status)
	}
	mustContain(t, p, "Say why the campaign is cancelled")
	if p := maria.post("/inbox/customers/globex/cancel", url.Values{"csrf": {csrf}, "reason": {"duplicate"}}); p.status != http.StatusOK {
		t.Fatalf("cancel: %d", p.status)
	}
	signals := h.fake.Signals()
	if len(signals) != 3 {
		t.Fatalf("%d signals, want 3: %+v", len(signals), signals)
	}
	if s := signals[0].Arg.(workflows.CustomerReturnedSignal); signals[0].Name != workflows.SignalCustomerReturned || s.Source != "inbox:maria" || s.Note != "signed again" {
		t.Errorf("won back signal %+v", signals[0])
	}
	if s := signals[1].Arg.(workflows.OptOutSignal); s.Channel != workflows.ChannelSMS || s.Source != "inbox:maria" {
		t.Errorf("opt-out signal %+v", signals[1])
	}
	if s := signals[2].Arg.(workflows.CancelSignal); s.By != "maria" || s.Reason != "duplicate" {
		t.Errorf("cancel signal %+v", signals[2])
	}
}

func TestRepCannotUseManagerActions(t *testing.T) {
	h := newHarness(t)
	alice := h.signedIn("alice")
	csrf := alice.csrf("/inbox/customers/acme")
	for _, action := range []string{"won-back", "opt-out", "cancel", "reassign"} {
		p := alice.post("/inbox/customers/acme/"+action, url.Values{"csrf": {csrf}, "channel": {"email"}, "reason": {"x"}, "to": {"bob"}})
		if p.status != http.StatusForbidden {
			t.Errorf("alice %s: %d, want 403", action, p.status)
		}
	}
	if p := h.signedIn("nina").get("/inbox/customers/acme"); p.status != http.StatusForbidden {
		t.Errorf("another team's manager on acme: %d, want 403", p.status)
	}
	if u, s := h.fake.Updates(), h.fake.Signals(); len(u)+len(s) != 0 {
		t.Errorf("a rep's manager actions reached the campaign: %d updates, %d signals", len(u), len(s))
	}
}

func TestManagerReassignsATask(t *testing.T) {
	h := newHarness(t)
	h.fake.ReassignFn = func(string, workflows.ReassignRequest) (workflows.ReassignResult, error) {
		return workflows.ReassignResult{Moved: []string{"exit-interview"}, Next: "bob now owns [exit-interview]"}, nil
	}
	maria := h.signedIn("maria")
	path := "/inbox/customers/acme/tasks/exit-interview"
	mustContain(t, maria.get(path), "Reassign this task")
	p := maria.post(path+"/reassign", url.Values{"csrf": {maria.csrf(path)}, "to": {"bob"}, "reason": {"alice is away"}})
	if p.status != http.StatusOK {
		t.Fatalf("reassign: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "bob now owns [exit-interview]")
	updates := h.fake.Updates()
	r := updates[0].Arg.(workflows.ReassignRequest)
	if updates[0].Name != workflows.UpdateReassignTask || r.TaskID != "exit-interview" || r.To != "bob" || r.By != "maria" {
		t.Errorf("reassign update %+v", r)
	}
}

func TestOutboxShowsOnlyTheCampaignsThePersonMaySee(t *testing.T) {
	msgs := []OutboxMessage{
		{WorkflowID: "winback:acme", Step: "revisit-email", Provider: "sendgrid", To: "dana@acme.example", Subject: "What we changed", Text: "Hello Dana", At: testNow},
		{WorkflowID: "winback:globex", Step: "check-in-1", Provider: "twilio", To: "+12125550100", Text: "Hi from globex", At: testNow},
	}
	h := newHarness(t, func(o *Options) { o.Outbox = func(string) []OutboxMessage { return msgs } })
	p := h.signedIn("alice").get("/inbox/outbox")
	mustContain(t, p, "Customer acme", "What we changed", "Hello Dana")
	mustNotContain(t, p, "Hi from globex")
	mustContain(t, h.signedIn("maria").get("/inbox/outbox"), "Hello Dana", "Hi from globex")

	none := newHarness(t)
	if p := none.signedIn("alice").get("/inbox/outbox"); p.status != http.StatusNotFound {
		t.Errorf("outbox without a sandbox: %d, want 404", p.status)
	}
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	h := newHarness(t)
	p := h.signedIn("alice").get("/inbox/tasks")
	for header, want := range map[string]string{
		"Cache-Control":          "no-store",
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := p.resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if csp := p.resp.Header.Get("Content-Security-Policy"); csp == "" {
		t.Error("no Content-Security-Policy")
	}
	if css := h.browser().get("/inbox/static/inbox.css"); css.status != http.StatusOK {
		t.Errorf("stylesheet: %d", css.status)
	}
}

func TestUnknownCustomerAndTaskAreNotFound(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("maria")
	for path, want := range map[string]string{
		"/inbox/customers/nobody":             "There is no win-back campaign for customer &#34;nobody&#34;.",
		"/inbox/customers/acme/tasks/no-such": "has no task &#34;no-such&#34;",
		"/inbox/no-such-page":                 "There is no inbox page at this address.",
	} {
		p := b.get(path)
		if p.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, p.status)
		}
		mustContain(t, p, want)
	}
}

// After a rep corrects the customer's phone, the customer page shows the corrected number (from
// the campaign's status), not the one the run started with.
func TestCustomerPageShowsTheCorrectedContact(t *testing.T) {
	h := newHarness(t)
	st := fixtures()[0]
	st.Contact = workflows.Contact{Email: "dana.new@acme.example", Phone: "+12125550199"}
	h.fake.SetStatus(st)
	p := h.signedIn("alice").get("/inbox/customers/acme")
	mustContain(t, p, "dana.new@acme.example", `href="tel:&#43;12125550199"`)
	mustNotContain(t, p, `href="tel:&#43;12125550142"`)
}
