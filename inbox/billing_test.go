package inbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/winback/winback/store"
)

// billingStore is the real store, recording who resolved what; fail makes it fail.
type billingStore struct {
	*store.Store
	mu       sync.Mutex
	resolved []string // "event by person"
	fail     bool
}

func (b *billingStore) BillingProblems(ctx context.Context, q store.BillingProblemQuery) (store.BillingProblemPage, error) {
	if b.fail {
		return store.BillingProblemPage{}, errors.New("database is locked")
	}
	return b.Store.BillingProblems(ctx, q)
}

func (b *billingStore) ResolveBillingProblem(ctx context.Context, eventID, by string) (bool, error) {
	ok, err := b.Store.ResolveBillingProblem(ctx, eventID, by)
	if ok {
		b.mu.Lock()
		b.resolved = append(b.resolved, eventID+" by "+by)
		b.mu.Unlock()
	}
	return ok, err
}

// newBillingStore is a store holding two open billing problems: evt_old (a day old) and
// evt_new (an hour old).
func newBillingStore(t *testing.T) *billingStore {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, p := range []store.BillingProblem{
		{EventID: "evt_old", EventType: "customer.subscription.deleted", BillingCustomer: "cus_old",
			Problem: "customer cus_old: email and phone: Stripe has neither, so the campaign cannot reach them; add one in Stripe",
			At:      testNow.Add(-24 * time.Hour)},
		{EventID: "evt_new", EventType: "invoice.paid", BillingCustomer: "cus_new", CustomerID: "acme",
			Problem: `currency: "xts" is not a currency winback knows`, At: testNow.Add(-time.Hour)},
	} {
		if err := st.RecordBillingProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return &billingStore{Store: st}
}

func TestAManagerSeesBillingProblemsNewestFirstAndResolvesOne(t *testing.T) {
	bs := newBillingStore(t)
	h := newHarness(t, func(o *Options) { o.Billing = bs })
	maria := h.signedIn("maria")

	tasks := maria.get("/inbox/tasks")
	mustContain(t, tasks, `<a href="/inbox/billing">Billing problems</a>`)

	p := maria.get("/inbox/billing")
	if p.status != http.StatusOK {
		t.Fatalf("billing: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, `aria-current="page">Billing problems`, "2 open",
		"<code>evt_new</code><br><small>invoice.paid</small>", `currency: &#34;xts&#34; is not a currency`,
		`<a href="/inbox/customers/acme">acme</a>`, "Stripe <code>cus_new</code>",
		"customer.subscription.deleted", "email and phone: Stripe has neither",
		`action="/inbox/billing/evt_old/resolve"`, `aria-label="Mark event evt_new resolved"`)
	if strings.Index(p.body, "evt_new") > strings.Index(p.body, "evt_old") {
		t.Errorf("evt_old is listed before evt_new: want newest first")
	}
	mustNotContain(t, p, "<script")

	p = maria.post("/inbox/billing/evt_new/resolve", url.Values{"csrf": {maria.csrf("/inbox/billing")}})
	if p.status != http.StatusOK {
		t.Fatalf("resolve: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "Event evt_new marked resolved by you.", "1 open", "evt_old")
	mustNotContain(t, p, "<code>evt_new</code>")
	if len(bs.resolved) != 1 || bs.resolved[0] != "evt_new by maria" {
		t.Errorf("resolved %v, want evt_new by maria", bs.resolved)
	}

	// Twice (another tab): nothing to do, said so.
	p = maria.post("/inbox/billing/evt_new/resolve", url.Values{"csrf": {maria.csrf("/inbox/billing")}})
	mustContain(t, p, "Event evt_new was already resolved")

	// A forged form resolves nothing.
	p = maria.post("/inbox/billing/evt_old/resolve", url.Values{"csrf": {"forged"}})
	if p.status != http.StatusForbidden || len(bs.resolved) != 1 {
		t.Errorf("forged form: %d, resolved %v; want 403 and nothing resolved", p.status, bs.resolved)
	}
}

func TestBillingProblemsAreForManagersWhenBillingIsOn(t *testing.T) {
	bs := newBillingStore(t)
	h := newHarness(t, func(o *Options) { o.Billing = bs })
	alice := h.signedIn("alice")
	mustNotContain(t, alice.get("/inbox/tasks"), "/inbox/billing")
	if p := alice.get("/inbox/billing"); p.status != http.StatusForbidden || strings.Contains(p.body, "evt_") {
		t.Errorf("a rep's billing page: %d, want 403 without the problems\n%s", p.status, p.body)
	}
	if p := alice.post("/inbox/billing/evt_old/resolve", url.Values{"csrf": {alice.csrf("/inbox/tasks")}}); p.status != http.StatusForbidden {
		t.Errorf("a rep resolving: %d, want 403", p.status)
	}
	if len(bs.resolved) != 0 {
		t.Errorf("resolved %v", bs.resolved)
	}

	// Without billing, no link and no page.
	off := newHarness(t).signedIn("maria")
	mustNotContain(t, off.get("/inbox/tasks"), "/inbox/billing")
	if p := off.get("/inbox/billing"); p.status != http.StatusNotFound {
		t.Errorf("billing page with billing off: %d, want 404", p.status)
	}
}

func TestBillingProblemsSayWhenTheStoreFails(t *testing.T) {
	bs := newBillingStore(t)
	bs.fail = true
	h := newHarness(t, func(o *Options) { o.Billing = bs })
	p := h.signedIn("maria").get("/inbox/billing")
	if p.status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", p.status)
	}
	mustContain(t, p, "could not be read from the store just now")
	mustNotContain(t, p, "database is locked")
}
