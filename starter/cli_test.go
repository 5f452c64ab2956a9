package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// launchArgs launches customer C-1 by flags.
var launchArgs = []string{"launch", "--customer-id", "C-1", "--name", "Dana Reyes", "--company", "Acme Corp",
	"--email", "dana@acme.example", "--phone", "(212) 555-0142", "--timezone", "America/New_York",
	"--account-value", "48000", "--segment", "enterprise", "--reason", "competitor_price", "--rep", "alice"}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	c := newCLI()
	root := newApp(nil, nil, nil).rootCommand()
	for _, cmd := range append(root.Commands(), root) {
		name := cmd.Name()
		args := []string{name, "--help"}
		if cmd == root {
			args = []string{"--help"}
		}
		code, out, errOut := c.run("", args...)
		if code != exitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--output") {
			t.Errorf("winback %s --help: exit %d, want 0 with examples and the global flags\n%s%s", name, code, out, errOut)
		}
	}
	if c.dialed > 0 {
		t.Error("--help dialed Temporal")
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	c := newCLI()
	for _, args := range [][]string{
		{"nonsense"},
		{"status"},
		{"status", "C-1", "C-2"},
		{"status", "C-1", "--bogus"},
		{"status", "C-1", "-o", "yaml"},
		{"list", "--timeout", "0s"},
		{"complete", "C-1", "backstory"}, // --as is required
		{"reassign", "C-1", "--as", "bob"},
		{"opt-out", "C-1", "fax"},
		{"opt-in", "C-1", "call"},
		{"status", "C 1"},
		{"list", "--stage", "nowhere"},
		{"list", "--open", "--closed"},
		{"list", "--rep", "o'brien"},
		{"report", "--from", "January"},
		{"launch"},
		{"launch", "--csv", "x.csv", "--name", "Ann"},
		{"launch", "--csv", "does-not-exist.csv"},
		{"launch", "--csv", "x.csv", "--concurrency", "0"},
		{"launch", "--csv", "x.csv", "--default-region", "XX"},
	} {
		code, _, errOut := c.run("", args...)
		if code != exitBadInput || !strings.HasPrefix(errOut, "Error: ") {
			t.Errorf("winback %s: exit %d, stderr %q; want 2 and an error", strings.Join(args, " "), code, errOut)
		}
	}
	if c.dialed > 0 {
		t.Errorf("bad usage dialed Temporal %d times", c.dialed)
	}
}

func TestLaunchOneCustomer(t *testing.T) {
	c := newCLI()
	code, out, errOut := c.run("", launchArgs...)
	if code != exitOK || !strings.Contains(out, "Launched campaign winback:C-1") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	starts := c.fake.Starts()
	if len(starts) != 1 {
		t.Fatalf("started %d", len(starts))
	}
	in := starts[0].Input
	if in.Customer.ID != "C-1" || starts[0].Policy != campaigns.Relaunch {
		t.Errorf("start %+v: want C-1, relaunched by hand after a closed campaign", starts[0])
	}
	if in.Customer.Phone != "+12125550142" || in.Owners.Manager.ID != "maria" || in.Playbook.Version != workflows.DefaultPlaybook().Version ||
		in.Departure.StatedReason != workflows.ReasonCompetitorPrice || in.Departure.Date.Format(time.DateOnly) != "2026-03-10" {
		t.Errorf("input %+v", in)
	}

	// A second launch while it runs is refused, names the customer and the workflow, starts nothing.
	code, out, errOut = c.run("", launchArgs...)
	if code != exitFailed || !strings.Contains(errOut, "C-1") || !strings.Contains(errOut, "already running") ||
		!strings.Contains(errOut, "winback:C-1") {
		t.Errorf("second launch: exit %d\n%s%s", code, out, errOut)
	}
	if n := len(c.started()); n != 1 {
		t.Errorf("started %d, want 1", n)
	}

	// After it closed, launching the customer by hand starts a new campaign.
	c.fake.Close("C-1", workflows.OutcomeDeclined)
	if code, out, errOut := c.run("", launchArgs...); code != exitOK {
		t.Errorf("relaunch after close: exit %d\n%s%s", code, out, errOut)
	}
}

func TestLaunchOneCustomerWithBadFlags(t *testing.T) {
	c := newCLI()
	args := append(append([]string{}, launchArgs...), "--phone", "+1555", "--account-value", "-3", "--rep", "zed")
	code, _, errOut := c.run("", args...)
	for _, want := range []string{`--phone: "+1555" is not a valid E.164 number`, "--account-value: ", `--rep: unknown rep "zed"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != exitBadInput || c.dialed > 0 {
		t.Errorf("exit %d, dialed %d: want 2 without contacting Temporal", code, c.dialed)
	}
}

// writeCSV writes a customer file with a header and the given records.
func writeCSV(t *testing.T, records ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte(header+"\n"+strings.Join(records, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLaunchFileLaunchesValidRowsAndIsSafeToRerun(t *testing.T) {
	c := newCLI()
	bad := strings.Replace(goodRecord("C-3"), "+12125550142", "+1555", 1)
	file := writeCSV(t, goodRecord("C-1"), goodRecord("C-2"), bad, goodRecord("C-4"))

	code, out, errOut := c.run("", "launch", "--csv", file)
	if code != exitBadInput {
		t.Errorf("exit %d, want 2 (a bad row)", code)
	}
	if !strings.Contains(errOut, `row 4, column phone: "+1555" is not a valid E.164 number`) {
		t.Errorf("stderr lacks the bad row:\n%s", errOut)
	}
	if !strings.Contains(out, "Launched 3, already running 0, skipped 1, failed 0.") || !strings.Contains(out, "row 4: bad row") {
		t.Errorf("summary:\n%s", out)
	}
	// Not a terminal: one plain line per customer.
	if !strings.Contains(out, "row 2: C-1 launched (winback:C-1)") {
		t.Errorf("no plain progress line:\n%s", out)
	}

	// The same file again starts nothing twice.
	code, out, _ = c.run("", "launch", "--csv", file, "-o", "json")
	var s launch.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != exitBadInput || s.Launched != 0 || s.AlreadyRunning != 3 || s.Skipped != 1 || len(c.started()) != 3 {
		t.Errorf("rerun: exit %d, summary %+v, %d started in all", code, s, len(c.started()))
	}
}

func TestLaunchFileSkipsClosedCampaigns(t *testing.T) {
	c := newCLI()
	c.fake.Close("C-2", workflows.OutcomeWonBack)
	file := writeCSV(t, goodRecord("C-1"), goodRecord("C-2"))
	code, out, _ := c.run("", "launch", "--csv", file)
	if code != exitOK || !strings.Contains(out, "Launched 1, already running 0, skipped 1, failed 0.") ||
		!strings.Contains(out, "closed as won_back") || !strings.Contains(out, "--skip-closed=false") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = c.run("", "launch", "--csv", file, "--skip-closed=false")
	if code != exitOK || !strings.Contains(out, "Launched 1, already running 1, skipped 0") {
		t.Errorf("--skip-closed=false: exit %d:\n%s", code, out)
	}
}

func TestLaunchFileStrictAndDryRun(t *testing.T) {
	c := newCLI()
	bad := strings.Replace(goodRecord("C-3"), "alice", "zed", 1)
	file := writeCSV(t, goodRecord("C-1"), bad)

	code, out, errOut := c.run("", "launch", "--csv", file, "--strict")
	if code != exitBadInput || len(c.started()) != 0 || !strings.Contains(errOut, "--strict: nothing launched, 1 of 2 rows is bad") {
		t.Errorf("--strict: exit %d, %d started\n%s%s", code, len(c.started()), out, errOut)
	}

	code, out, _ = c.run("", "launch", "--csv", file, "--dry-run")
	if code != exitBadInput || len(c.started()) != 0 || c.dialed != 0 || !strings.Contains(out, "would launch 1 campaign") ||
		!strings.Contains(out, "winback:C-1") {
		t.Errorf("--dry-run with a bad row: exit %d, dialed %d\n%s", code, c.dialed, out)
	}

	good := writeCSV(t, goodRecord("C-1"))
	code, out, _ = c.run("", "launch", "--csv", good, "--dry-run", "-o", "json")
	var s launch.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != exitOK || !s.DryRun || len(s.WouldLaunch) != 1 ||
		s.WouldLaunch[0].Input.Customer.Phone != "+12125550142" {
		t.Errorf("--dry-run -o json: exit %d, %v, %+v", code, err, s)
	}
}

func TestLaunchFileBadFile(t *testing.T) {
	c := newCLI()
	path := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(path, []byte("customer_id,name\nC-1,Ann\n"), 0o600)
	code, _, errOut := c.run("", "launch", "--csv", path)
	if code != exitBadInput || !strings.Contains(errOut, "missing required column email") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// Standard input works as a file.
	code, out, _ := c.run(header+"\n"+goodRecord("C-9")+"\n", "launch", "--csv", "-")
	if code != exitOK || !strings.Contains(out, "Launched 1") {
		t.Errorf("--csv -: exit %d\n%s", code, out)
	}
}

func TestComplete(t *testing.T) {
	c := newCLI()
	c.fake.SetRunning("C-1")
	c.fake.Close("C-2", workflows.OutcomeWonBack)
	c.fake.CompleteFn = func(_ string, req workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		if req.Answers.Reason == "cheaper" {
			return workflows.CompleteTaskResult{}, &campaigns.RejectedError{Message: `reason: "cheaper" is not one of competitor_price, let_down`,
				Fields: []workflows.FieldError{{Field: "reason", Message: `"cheaper" is not one of competitor_price, let_down`}}}
		}
		return workflows.CompleteTaskResult{TaskID: req.TaskID, Next: "the decision goes to maria"}, nil
	}
	code, out, errOut := c.run("", "complete", "C-1", "exit-interview", "--as", "alice", "--why-leaving", "price",
		"--what-would-keep-you", "match Globex", "--reason", "competitor_price", "--scope", "systemic", "--is-it-me", "--new-rep", "bob")
	if code != exitOK || !strings.Contains(out, "Next: the decision goes to maria") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	u := c.fake.Updates()[0]
	req := u.Arg.(workflows.CompleteTaskRequest)
	if u.Name != workflows.UpdateCompleteTask || u.CustomerID != "C-1" ||
		req.TaskID != "exit-interview" || req.By != "alice" || req.Answers.Scope != workflows.ScopeSystemic || !req.Answers.IsItMe || req.Answers.NewRep != "bob" {
		t.Errorf("update %+v", u)
	}

	// The campaign's rejection is printed as given, exit 2.
	code, _, errOut = c.run("", "complete", "C-1", "exit-interview", "--as", "alice", "--reason", "cheaper")
	if code != exitBadInput || !strings.Contains(errOut, `reason: "cheaper" is not one of competitor_price, let_down`) {
		t.Errorf("rejection: exit %d: %s", code, errOut)
	}

	// A closed campaign: exit 1.
	code, _, errOut = c.run("", "complete", "C-2", "backstory", "--as", "alice", "--our-side", "x")
	if code != exitFailed || !strings.Contains(errOut, "has closed") {
		t.Errorf("closed campaign: exit %d: %s", code, errOut)
	}

	// No answers and no terminal: bad usage.
	code, _, errOut = c.run("", "complete", "C-1", "backstory", "--as", "alice")
	if code != exitBadInput || !strings.Contains(errOut, "no answers") {
		t.Errorf("no answers: exit %d: %s", code, errOut)
	}
}

func TestCompleteDecisionAndAnswersFile(t *testing.T) {
	c := newCLI()
	c.fake.SetRunning("C-1")
	c.fake.CompleteFn = func(string, workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
		return workflows.CompleteTaskResult{TaskID: "decision", Next: "revisit email"}, nil
	}
	if code, _, errOut := c.run("", "complete", "C-1", "decision", "--as", "maria", "--walk-away", "--rationale", "bad fit"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := c.fake.Updates()[0].Arg.(workflows.CompleteTaskRequest).Answers
	if a.Pursue == nil || *a.Pursue || a.Rationale != "bad fit" {
		t.Errorf("walk away answers %+v", a)
	}
	if code, _, _ := c.run("", "complete", "C-1", "decision", "--as", "maria", "--walk-away", "--pursue"); code != exitBadInput {
		t.Errorf("--pursue with --walk-away: exit %d", code)
	}

	// A file, with a flag overriding one field, and the phone normalised.
	path := filepath.Join(t.TempDir(), "answers.json")
	_ = os.WriteFile(path, []byte(`{"pursue": true, "offer": "beat_offer", "whatWeChanged": "support line", "phone": "212 555 0142"}`), 0o600)
	if code, _, errOut := c.run("", "complete", "C-1", "decision", "--as", "maria", "--answers", path, "--offer", "incentive"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a = c.fake.Updates()[1].Arg.(workflows.CompleteTaskRequest).Answers
	if a.Pursue == nil || !*a.Pursue || a.Offer != workflows.OfferIncentive || a.WhatWeChanged != "support line" || a.Phone != "+12125550142" {
		t.Errorf("file answers %+v", a)
	}
	_ = os.WriteFile(path, []byte(`{"persue": true}`), 0o600)
	if code, _, errOut := c.run("", "complete", "C-1", "decision", "--as", "maria", "--answers", path); code != exitBadInput ||
		!strings.Contains(errOut, `unknown field "persue"`) {
		t.Errorf("misspelt field: exit %d: %s", code, errOut)
	}
}

func TestStatus(t *testing.T) {
	c := newCLI()
	pursue := true
	c.fake.Put(campaignstest.Campaign{Running: true, Status: workflows.CampaignStatus{CustomerID: "C-1", Stage: workflows.StageDecision, Rep: "alice", Manager: "maria",
		Reason: workflows.ReasonLetDown, Scope: workflows.ScopeSpecific, Launched: testNow.AddDate(0, 0, -3),
		Tasks: []workflows.Task{
			{ID: "backstory", Kind: workflows.TaskBackstory, Title: "Our side", Assignee: "alice", Status: workflows.TaskDone,
				Answers: &workflows.TaskAnswers{OurSide: "late twice", Landmines: []string{"billing"}}, CompletedBy: "alice"},
			{ID: "decision", Kind: workflows.TaskDecision, Title: "Worth it?", Assignee: "maria", Status: workflows.TaskOpen, Due: testNow.Add(-1)},
		},
		Decision:    &workflows.Decision{Pursue: pursue, By: "maria", Offer: workflows.OfferApology},
		Messages:    []workflows.Message{{Step: "revisit-email", Channel: workflows.ChannelEmail, Status: "sent", Provider: "sandbox-sendgrid", MessageID: "m1"}},
		Escalations: []workflows.Escalation{{TaskID: "decision", Kind: "reminder", To: "maria"}},
		Offers: []workflows.OfferState{{ID: "offer-1", Kind: workflows.OfferIncentive, Status: workflows.OfferFulfilled,
			Details: "50 USD off", Value: 50, Until: "2027-01-31", Coupon: "winback_1a2b", PromotionCode: "COMEBACK-AB12"}},
		Revenue: 540, RevenueCurrency: "usd",
	}})
	code, out, errOut := c.run("", "status", "C-1")
	for _, want := range []string{"Campaign winback:C-1", "decision", "Tasks (2)", "Our side: late twice", "Landmines: billing",
		"OVERDUE", "Decision\n  pursue, by maria", "Messages (1)", "revisit-email", "Escalations (1)", "reminder",
		"Revenue:", "540 USD a year", "Offers (1)", "offer-1  incentive  [fulfilled]  50 USD off",
		"worth 50, until 2027-01-31, Stripe coupon winback_1a2b, code COMEBACK-AB12"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q", want)
		}
	}
	if code != exitOK {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, out, _ = c.run("", "status", "C-1", "-o", "json")
	var st workflows.CampaignStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 || st.Stage != workflows.StageDecision || len(st.Tasks) != 2 {
		t.Errorf("json: exit %d, %v, %+v", code, err, st)
	}
	code, _, errOut = c.run("", "status", "C-404")
	if code != exitFailed || !strings.Contains(errOut, "customer C-404 has no campaign (workflow winback:C-404 not found)") {
		t.Errorf("unknown customer: exit %d: %s", code, errOut)
	}
}

func TestSignals(t *testing.T) {
	c := newCLI()
	c.fake.SetRunning("C-1")
	c.fake.Close("C-2", workflows.OutcomeWonBack)
	for _, args := range [][]string{
		{"won-back", "C-1", "--note", "renewed"},
		{"opt-out", "C-1", "sms", "--as", "alice"},
		{"opt-in", "C-1", "email"},
		{"opt-in", "C-1", "email", "--as", "bob", "--why", "asked for our news again"},
		{"cancel", "C-1", "--reason", "duplicate", "--as", "ops"},
	} {
		want := exitOK
		if len(args) == 3 && args[0] == "opt-in" { // who and why are required
			want = exitBadInput
		}
		if code, out, errOut := c.run("", args...); code != want {
			t.Errorf("winback %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
	}
	want := []campaignstest.Call{
		{CustomerID: "C-1", Name: workflows.SignalCustomerReturned, Arg: workflows.CustomerReturnedSignal{Source: "cli", Note: "renewed"}},
		{CustomerID: "C-1", Name: workflows.SignalOptOut, Arg: workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "cli:alice"}},
		{CustomerID: "C-1", Name: workflows.SignalOptIn, Arg: workflows.OptInSignal{Channel: workflows.ChannelEmail, Source: "cli:bob"}},
		{CustomerID: "C-1", Name: workflows.SignalCancel, Arg: workflows.CancelSignal{By: "ops", Reason: "duplicate"}},
	}
	got := c.fake.Signals()
	if len(got) != len(want) {
		t.Fatalf("signals %+v", got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) { // a return signal holds coupons (a slice)
			t.Errorf("signal %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if code, _, errOut := c.run("", "cancel", "C-2"); code != exitFailed || !strings.Contains(errOut, "closed") {
		t.Errorf("cancel of a closed campaign: exit %d: %s", code, errOut)
	}
}

func TestLaunchRefusesALongTextByFlagAndInAFile(t *testing.T) {
	c := newCLI()
	args := append(slices.Clone(launchArgs), "--company", strings.Repeat("Consolidated Widgets ", 12))
	code, out, errOut := c.run("", args...)
	if code != exitBadInput || len(c.started()) != 0 || !strings.Contains(errOut, "--company: ") || !strings.Contains(errOut, "SMS segments") {
		t.Errorf("launch by flags: exit %d, %d started\n%s%s", code, len(c.started()), out, errOut)
	}

	long := strings.Replace(goodRecord("C-3"), "Acme", strings.Repeat("Consolidated Widgets ", 12), 1)
	file := writeCSV(t, goodRecord("C-1"), long)
	code, out, errOut = c.run("", "launch", "--csv", file)
	if code != exitBadInput || len(c.started()) != 1 || !strings.Contains(errOut, "row 3, column company: ") {
		t.Errorf("launch --csv: exit %d, %d started\n%s%s", code, len(c.started()), out, errOut)
	}
}

// winback store copy moves a trial's store into a new one, and refuses one that holds data.
func TestStoreCopy(t *testing.T) {
	c := newCLI()
	c.database = "sqlite:" + filepath.Join(t.TempDir(), "winback.db")
	src, err := store.Open(context.Background(), store.Options{URL: c.database, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Suppress(context.Background(), "+12125550142", store.Suppression{Channel: "sms", Source: store.SourceStop}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	to := "sqlite:" + filepath.Join(t.TempDir(), "team.db")
	code, out, errOut := c.run("", "store", "copy", "--to", to)
	if code != exitOK || !strings.Contains(out, "suppressions    1") {
		t.Fatalf("store copy: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := c.run("", "store", "copy", "--to", to); code != exitFailed || !strings.Contains(errOut, "already holds data") {
		t.Errorf("a second copy: exit %d, %s", code, errOut)
	}
	if code, _, errOut := c.run("", "store", "copy", "--to", "mysql://x/y"); code != exitBadInput || !strings.Contains(errOut, "--to") {
		t.Errorf("a bad --to: exit %d, %s", code, errOut)
	}
}
