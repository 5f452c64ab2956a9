package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// chromiumPath is Debian's Chromium. Without it the browser tests skip, except under CI
// (CI set), where a missing browser is a failure.
const chromiumPath = "/usr/bin/chromium"

// TestInboxInABrowser works one campaign from launch to close through the inbox alone, in
// headless Chromium: alice signs in by keyboard, writes the backstory, sends an exit interview
// with the first question left empty and sees the campaign's refusal next to that field, fixes
// it, and the decision task appears for manager maria; alice cannot open bob's task (403);
// maria decides to pursue; alice records the thank-you call as won back. It saves screenshots
// of the main pages for the README.
func TestInboxInABrowser(t *testing.T) {
	requireChromium(t)
	testenv.RequireIndexWrites(t) // My tasks reads the task index the campaigns write
	s := startInboxStack(t, testenv.DevServerOptions{})
	pb := s.playbook()
	s.launch("acme", "Acme Corp", "alice", pb)
	s.launch("globex", "Globex Ltd", "bob", pb)
	overdue := pb
	overdue.BackstoryDue = time.Second // so alice's list shows an overdue task
	s.launch("initech", "Initech", "alice", overdue)

	b := newBrowser(t, s.url)

	// Sign in, by keyboard only: type the ID, Tab to the password, Enter to send.
	b.open("/inbox/signin")
	b.shot("inbox-signin")
	b.do(chromedp.SendKeys(chromedp.CSS("#id"), "alice\t"))
	if id := b.eval(`document.activeElement.id`); id != "password" {
		t.Fatalf("Tab from the user ID went to %q, want the password", id)
	}
	if status := b.navigating(chromedp.SendKeys(chromedp.CSS("#password"), "alice-demo\r")); status != 200 {
		t.Fatalf("sign in: status %d", status)
	}
	b.wantText("h1", "My tasks")

	// My tasks: visibility may take a moment to list a new campaign.
	b.waitForLink("/inbox/tasks", "/inbox/customers/acme/tasks/backstory")
	// initech's backstory was due a second after launch: once past, the list marks it overdue.
	b.waitFor("/inbox/tasks", `document.querySelector('.task.overdue a[href="/inbox/customers/initech/tasks/backstory"]') !== null`,
		"initech's backstory marked overdue")
	b.shot("inbox-my-tasks")
	b.phoneShot("inbox-my-tasks-phone")

	// The backstory.
	b.open("/inbox/customers/acme/tasks/backstory")
	b.do(chromedp.SendKeys(chromedp.CSS("#f-ourSide"), "Two late deliveries in Q3; the account manager changed twice."),
		chromedp.SendKeys(chromedp.CSS("#f-landmines"), "the billing dispute in August\nthe outage on 3 May"))
	b.submit("form.card button[type=submit]")
	b.wantText(".success", "Next: the exit interview")

	// The exit interview, first with "Why are you leaving us?" left empty.
	b.waitForLink("/inbox/tasks", "/inbox/customers/acme/tasks/exit-interview")
	b.open("/inbox/customers/acme/tasks/exit-interview")
	b.do(chromedp.SendKeys(chromedp.CSS("#f-whatWouldKeepYou"), "Match Globex's price and give us a named contact."),
		chromedp.Click(chromedp.CSS(`label[for="f-reason-competitor_price"]`)),
		chromedp.Click(chromedp.CSS(`label[for="f-scope-systemic"]`)))
	if status := b.submit("form.card button[type=submit]"); status != 422 {
		t.Errorf("rejected answers: status %d, want 422", status)
	}
	b.wantText("#err-whyLeaving", `"Why are you leaving us?" is required`)
	if d := b.attr("#f-whyLeaving", "aria-describedby"); !strings.Contains(d, "err-whyLeaving") {
		t.Errorf("the empty answer's textarea is not described by its error: aria-describedby=%q", d)
	}
	if id := b.eval(`document.activeElement.id`); id != "error-summary" {
		t.Errorf("focus after the refusal is on %q, want the error summary", id)
	}
	if v := b.value("#f-whatWouldKeepYou"); !strings.HasPrefix(v, "Match Globex") {
		t.Errorf("the form lost what was typed: %q", v)
	}
	if checked := b.eval(`String(document.getElementById("f-reason-competitor_price").checked)`); checked != "true" {
		t.Errorf("the chosen reason was not kept")
	}
	b.shot("inbox-exit-interview-error")
	b.do(chromedp.SendKeys(chromedp.CSS("#f-whyLeaving"), "Globex is 20% cheaper, and we missed two deliveries."))
	if status := b.submit("form.card button[type=submit]"); status != 200 {
		t.Fatalf("fixed answers: status %d", status)
	}
	b.wantText(".success", "maria decides whether acme is worth winning back")

	// Bob's task is not alice's.
	if status := b.open("/inbox/customers/globex/tasks/backstory"); status != 403 {
		t.Errorf("alice opening bob's task: status %d, want 403", status)
	}
	b.wantText("h1", "This task is not yours")
	b.signOut()

	// Maria sees the decision appear, and pursues.
	b.signIn("maria", "maria-demo")
	b.waitForLink("/inbox/tasks", "/inbox/customers/acme/tasks/decision")
	b.open("/inbox/customers/acme/tasks/decision")
	b.do(chromedp.Click(chromedp.CSS(`label[for="f-pursue-true"]`)),
		chromedp.Click(chromedp.CSS(`label[for="f-offer-beat_offer"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-whatWeChanged"), "give you a named account manager and cut your renewal price by 25%"),
		chromedp.SendKeys(chromedp.CSS("#f-offerDetails"), "25% off for two years"))
	b.submit("form.card button[type=submit]")
	b.wantText(".success", "the revisit email goes out now")
	b.open("/inbox/customers/acme")
	b.wantText(".actions", "Mark won back")
	b.shot("inbox-customer-manager")
	b.signOut()

	// Alice makes the thank-you call after the wait: won back.
	b.signIn("alice", "alice-demo")
	b.waitForLink("/inbox/tasks", "/inbox/customers/acme/tasks/thank-you-call")
	b.open("/inbox/customers/acme/tasks/thank-you-call")
	b.do(chromedp.Click(chromedp.CSS(`label[for="f-outcome-won_back"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-notes"), "Signing the renewal on Friday."))
	b.submit("form.card button[type=submit]")
	b.wantText(".success", "Won back")

	if res := s.result("acme", 30*time.Second); res.Outcome != workflows.OutcomeWonBack {
		t.Errorf("campaign outcome %q, want won_back", res.Outcome)
	}
	b.open("/inbox/customers/acme")
	b.wantText(".lead", "Won back")
	b.wantText(".timeline", "Email: revisit-email")
	b.shot("inbox-customer")
}

// requireChromium skips the test, saying why, when Chromium is missing; `make test` lists the
// skip in its summary and fails under CI, which installs Chromium.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests", chromiumPath)
	}
}

// browser drives one headless Chromium tab against the inbox.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no first run, no background networking...
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return &browser{t: t, ctx: ctx, base: base, shots: screenshotDir(t)}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open loads an inbox page and returns its HTTP status.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// navigating runs steps that load a new page (a submit) and returns the page's HTTP status.
func (b *browser) navigating(steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return resp.Status
}

// submit clicks a form's button and returns the status of the page it loads.
func (b *browser) submit(button string) int64 {
	b.t.Helper()
	return b.navigating(chromedp.Click(chromedp.CSS(button)))
}

// quick bounds a read of the loaded page: an element that is not there fails the test in
// seconds, rather than waiting for the browser's whole deadline.
func (b *browser) quick() context.Context {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	b.t.Cleanup(cancel)
	return ctx
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.quick(), chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.quick(), chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	r, err := chromedp.Run(b.quick(), chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.t.Fatalf("%s of %s: %v", name, sel, err)
	}
	return r.Value
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// wantText fails unless the element's text contains want.
func (b *browser) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Fatalf("%s says %q; want it to contain %q (page %s)", sel, got, want, b.eval(`location.pathname`))
	}
}

// waitForLink reloads page until it links to href: visibility is eventually consistent, and
// a task appears once the campaign has reached it.
func (b *browser) waitForLink(page, href string) {
	b.t.Helper()
	b.waitFor(page, `document.querySelector('a[href="`+href+`"]') !== null`, "a link to "+href)
}

// waitFor reloads page until the JavaScript condition holds (30 seconds at most).
func (b *browser) waitFor(page, condition, what string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.open(page)
		if b.eval(`String(`+condition+`)`) == "true" {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never showed %s; it shows:\n%s", page, what, b.text("main"))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (b *browser) signIn(id, password string) {
	b.t.Helper()
	b.open("/inbox/signin")
	b.do(chromedp.SendKeys(chromedp.CSS("#id"), id), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`form button[type=submit]`)
	b.wantText("h1", "My tasks")
}

func (b *browser) signOut() {
	b.t.Helper()
	b.submit("form.signout button")
	b.wantText(".flash", "You have signed out.")
}

// shot saves a PNG of the whole page.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("saved %s", file)
}

// phoneShot saves a PNG of the page as a phone shows it (390 CSS pixels wide).
func (b *browser) phoneShot(name string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844))
	b.shot(name)
	b.do(chromedp.EmulateViewport(1200, 900))
}
