package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// mockCustomer owns stripe-mock's fixture subscription, which it lists as cancelled on
// 2009-02-13 (canceled_at 1234567890).
const mockCustomer = "cus_QXg1o8vcGmoR32"

// stripeSandbox starts stripe-mock behind the sandbox's Stripe stand-in (stripe-mock's own
// customers have no email), as the worker serves it, and returns the stand-in and the Stripe
// configuration that points at it.
func stripeSandbox(t *testing.T) (*sandbox.Sandbox, config.Billing) {
	t.Helper()
	mock := testenv.StartStripeMock(t)
	sb, err := sandbox.New(sandbox.Options{StripeMockURL: mock.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	sb.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); _ = sb.Close() })
	return sb, config.Billing{APIKey: "sk_test_backfill", APIBase: srv.URL + "/sandbox/stripe", DefaultRep: "alice",
		TimeZone: "America/New_York"}
}

func TestStripeBackfillDryRunFirstThenLaunchesOnceTiedToTheSubscription(t *testing.T) {
	sb, cfg := stripeSandbox(t)
	c := newCLI()
	c.billing = cfg
	backfill := []string{"stripe", "backfill", "--since", "2009-01-01"}

	// stripe-mock's customer has no email: the dry run names the column and the subscription.
	code, out, errOut := c.run("", backfill...)
	if code != exitBadInput || !strings.Contains(errOut, "row 1 (Stripe subscription sub_") ||
		!strings.Contains(errOut, "of customer "+mockCustomer+"), column email: ") {
		t.Fatalf("dry run of a customer without email: exit %d, want 2 naming the row's subscription and the email\n%s%s", code, out, errOut)
	}

	if err := sb.RegisterStripeCustomer(sandbox.StripeCustomer{ID: mockCustomer, Name: "Dana Reyes", Email: "dana@acme.example",
		Phone: "+12125550142", Metadata: map[string]string{billing.MetaCompany: "Acme", billing.MetaSegment: "smb"}}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = c.run("", backfill...)
	if code != exitOK || !strings.Contains(out, "Dry run: would launch 1 campaign") || !strings.Contains(out, "--yes") ||
		!strings.Contains(out, mockCustomer) {
		t.Fatalf("dry run: exit %d, want 0, the customer and how to launch\n%s%s", code, out, errOut)
	}
	if c.dialed > 0 || len(c.started()) > 0 {
		t.Fatalf("the dry run dialed Temporal %d times and started %d", c.dialed, len(c.started()))
	}

	code, out, errOut = c.run("", append(backfill, "--yes")...)
	if code != exitOK || !strings.Contains(out, "Launched 1, already running 0") {
		t.Fatalf("--yes: exit %d\n%s%s", code, out, errOut)
	}
	started := c.started()
	if len(started) != 1 {
		t.Fatalf("started %d, want 1", len(started))
	}
	in := started[0]
	if in.Customer.ID != mockCustomer || in.Customer.Email != "dana@acme.example" || in.Owners.Rep.ID != "alice" ||
		in.Customer.AccountValue != 240 || in.Departure.Date.Format(time.DateOnly) != "2026-03-10" ||
		!strings.Contains(in.Departure.Notes, "Stripe") {
		t.Errorf("input %+v: want the Stripe customer, alice (the default rep), 240 a year, departing today (stripe-mock's "+
			"cancellation is scheduled at the period's end) and the subscription in the notes", in)
	}
	if b := in.Billing; b == nil || b.Provider != billing.Provider || b.CustomerID != mockCustomer || b.SubscriptionID == "" ||
		b.PriceID == "" || b.Currency != "usd" {
		t.Errorf("billing %+v: want the campaign tied to the subscription", in.Billing)
	}
	if p := c.fake.Starts()[0].Policy; p != campaigns.FirstOnly {
		t.Errorf("policy %v: want a customer who had a campaign that closed skipped (--skip-closed)", p)
	}

	// Again: nothing starts twice.
	var s launch.Summary
	code, out, errOut = c.run("", append(backfill, "--yes", "-o", "json")...)
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != exitOK {
		t.Fatalf("second --yes -o json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if s.Launched != 0 || s.AlreadyRunning != 1 || len(s.Results) != 1 || s.Results[0].Status != launch.AlreadyRunning ||
		s.Results[0].WorkflowID != workflows.WorkflowID(mockCustomer) || len(c.started()) != 1 {
		t.Errorf("second --yes: %+v, started %d; want the customer reported already running, nothing started", s, len(c.started()))
	}
}

func TestStripeBackfillRefusesBadSinceAndMissingKey(t *testing.T) {
	c := newCLI()
	for _, since := range []string{"January", "2009-13-01", "2999-01-01"} {
		code, _, errOut := c.run("", "stripe", "backfill", "--since", since)
		if code != exitBadInput || !strings.Contains(errOut, "--since") {
			t.Errorf("--since %s: exit %d, stderr %q; want 2 naming --since", since, code, errOut)
		}
	}
	if code, _, errOut := c.run("", "stripe", "backfill"); code != exitBadInput || !strings.Contains(errOut, "since") {
		t.Errorf("without --since: exit %d, stderr %q; want 2 naming it", code, errOut)
	}
	code, _, errOut := c.run("", "stripe", "backfill", "--since", "2025-01-01")
	if code != exitFailed || !strings.Contains(errOut, "STRIPE_API_KEY") {
		t.Errorf("without Stripe: exit %d, stderr %q; want 1 naming STRIPE_API_KEY", code, errOut)
	}
	if c.dialed > 0 {
		t.Errorf("dialed Temporal %d times", c.dialed)
	}
}

// A customer who cancelled one subscription but pays for another (a plan change, or back since)
// is not lost: the backfill says so and launches nothing for them.
func TestStripeBackfillLeavesCustomersWhoStillPay(t *testing.T) {
	sb, cfg := stripeSandbox(t)
	c := newCLI()
	c.billing = cfg
	if err := sb.RegisterStripeCustomer(sandbox.StripeCustomer{ID: mockCustomer, Name: "Dana Reyes", Email: "dana@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if err := sb.RegisterStripeSubscription(sandbox.StripeSubscription{ID: "sub_dana_now", Customer: mockCustomer}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := c.run("", "stripe", "backfill", "--since", "2009-01-01", "--yes")
	if code != exitOK || !strings.Contains(errOut, "still paying for another subscription") || !strings.Contains(errOut, "sub_dana_now") ||
		len(c.started()) != 0 {
		t.Fatalf("exit %d, started %d; want 0, none started and sub_dana_now named\nstdout: %s\nstderr: %s", code, len(c.started()), out, errOut)
	}
}
