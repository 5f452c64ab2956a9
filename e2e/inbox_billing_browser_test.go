package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/inbox"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
)

// TestInboxBillingProblemsInABrowser opens the billing problems page in headless Chromium with
// billing on: maria finds it from the nav, reads the open problems newest first, resolves one
// with its button, and the page fits a phone's width; a rep gets no link and a refusal.
func TestInboxBillingProblemsInABrowser(t *testing.T) {
	requireChromium(t)
	s := startInboxStack(t, testenv.DevServerOptions{}, func(s *inboxStack, o *inbox.Options) { o.Billing = s.store })
	ctx := context.Background()
	now := time.Now()
	for _, p := range []store.BillingProblem{
		{EventID: "evt_browser_old", EventType: "customer.subscription.deleted", BillingCustomer: "cus_old",
			Problem: "email and phone: Stripe has neither for customer cus_old; add one in Stripe, then launch them", At: now.Add(-2 * time.Hour)},
		{EventID: "evt_browser_new", EventType: "invoice.paid", BillingCustomer: "cus_new",
			Problem: `currency: "xts" is not a currency winback knows`, At: now.Add(-time.Minute)},
	} {
		if err := s.store.RecordBillingProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, s.url)

	b.signIn("maria", "maria-demo")
	b.submit(`nav a[href="/inbox/billing"]`)
	b.wantText("h1", "Billing problems")
	if first := b.text("tbody tr:first-child td:nth-child(2) code"); first != "evt_browser_new" {
		t.Errorf("the first row is %q, want the newest problem", first)
	}
	b.wantText("tbody", "email and phone: Stripe has neither")
	b.do(chromedp.EmulateViewport(390, 844))
	if over := b.eval(`String(document.documentElement.scrollWidth > window.innerWidth)`); over != "false" {
		t.Errorf("the billing page is wider than a phone: %s", b.eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth).slice(0,8).map(e => e.tagName+"."+e.className+"="+Math.round(e.getBoundingClientRect().right)).join(" ")`))
	}
	b.phoneShot("inbox-billing-phone")
	b.do(chromedp.EmulateViewport(1200, 900))

	if status := b.submit(`button[aria-label="Mark event evt_browser_new resolved"]`); status != 200 {
		t.Fatalf("resolve: status %d", status)
	}
	b.wantText(".flash", "Event evt_browser_new marked resolved by you.")
	if n := b.eval(`String(document.querySelectorAll("tbody tr").length)`); n != "1" {
		t.Errorf("%s rows after resolving one of two", n)
	}
	b.signOut()

	b.signIn("alice", "alice-demo")
	if n := b.eval(`String(document.querySelectorAll('a[href="/inbox/billing"]').length)`); n != "0" {
		t.Errorf("a rep's nav links to the billing problems")
	}
	if status := b.open("/inbox/billing"); status != 403 {
		t.Errorf("a rep opening the billing problems: status %d, want 403", status)
	}
}
