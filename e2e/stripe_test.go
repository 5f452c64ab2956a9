package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/internal/stripedemo"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// stripeWebhookSecret signs the events the tests send as Stripe would.
const stripeWebhookSecret = "whsec_winback_e2e"

// startStripeStack is a stack with billing on, as `make run-stripe` runs it: the worker and
// the CLI talk to stripe-mock through the sandbox's Stripe stand-in, and take events signed
// with stripeWebhookSecret. Its Worker plays Stripe with the walkthrough's code.
func startStripeStack(t *testing.T) (*stack, stripedemo.Worker) {
	t.Helper()
	mock := testenv.StartStripeMock(t)
	s := startStackWith(t, "STRIPE_API_KEY=sk_test_winbackE2E", "STRIPE_WEBHOOK_SECRET="+stripeWebhookSecret,
		"WINBACK_STRIPE_MOCK_URL="+mock.URL, "WINBACK_STRIPE_DEFAULT_REP=alice")
	return s, stripedemo.Worker{URL: "http://" + s.http, WebhookSecret: stripeWebhookSecret}
}

// TestAStripeCancellationIsWonBackWithItsCoupon is issue 18's end-to-end test, on the real
// processes: a signed customer.subscription.deleted launches the customer's campaign with what
// Stripe knows of them; the manager's incentive becomes a Stripe coupon and promotion code that
// the revisit email names; the customer accepts on the offer page; a signed
// customer.subscription.created that redeemed the coupon ends the campaign as won back,
// credits the offer, and the report shows the revenue. Forged, stale and replayed events change
// nothing.
func TestAStripeCancellationIsWonBackWithItsCoupon(t *testing.T) {
	s, stripe := startStripeStack(t)
	ctx := context.Background()
	const customer = "acme-stripe" // our ID, from the Stripe customer's metadata
	wid := workflows.WorkflowID(customer)
	if err := stripe.RegisterCustomer(ctx, stripedemo.Customer{ID: "cus_e2e_dana", Name: "Dana Reyes",
		Email: "dana@acme.example", Phone: "+12125550142", Metadata: map[string]string{
			"winback_customer_id": customer, "company": "Acme Corp", "timezone": "America/New_York", "manager": "maria"}}); err != nil {
		t.Fatal(err)
	}
	// Four seats at 15.00 USD a month: 720 a year.
	old := stripedemo.Subscription{ID: "sub_e2e_old", Customer: "cus_e2e_dana", Seats: 4, UnitAmount: 1500, Currency: "usd",
		Feedback: "too_expensive", Comment: "Globex quoted us 20% less"}

	// Forged and stale: refused, nothing launched.
	forger := stripe
	forger.WebhookSecret = "whsec_someone_else"
	if answer, err := forger.Cancel(ctx, "evt_e2e_deleted", old); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("a forged event: %q, %v; want 400", answer, err)
	}
	if answer, err := stripe.Send(ctx, "evt_e2e_deleted", "customer.subscription.deleted", old.Cancelled(), time.Now().Add(-time.Hour)); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("a stale event: %q, %v; want 400", answer, err)
	}
	if _, _, code := s.run("status", customer); code == 0 {
		t.Fatalf("a campaign exists after a forged and a stale event")
	}

	// The cancellation launches the campaign, once: the same signed request again is a replay
	// (400); Stripe sending the event again (signed anew) is answered, and nothing more happens.
	signed := time.Now()
	if answer, err := stripe.Send(ctx, "evt_e2e_deleted", "customer.subscription.deleted", old.Cancelled(), signed); err != nil || !strings.Contains(answer, "launched") {
		t.Fatalf("the cancellation: %q, %v; want 200 launched; worker log:\n%s", answer, err, s.worker.Log.String())
	}
	if answer, err := stripe.Send(ctx, "evt_e2e_deleted", "customer.subscription.deleted", old.Cancelled(), signed); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("a replay of the same request: %q, %v; want 400", answer, err)
	}
	if answer, err := stripe.Send(ctx, "evt_e2e_deleted", "customer.subscription.deleted", old.Cancelled(), signed.Add(time.Second)); err != nil || answer != "already handled" {
		t.Fatalf("Stripe sending the event again: %q, %v; want 200 already handled", answer, err)
	}
	in, err := campaigns.New(s.server.Client(t), campaigns.Options{}).Input(ctx, customer)
	if err != nil {
		t.Fatal(err)
	}
	if c, d := in.Customer, in.Departure; c.Name != "Dana Reyes" || c.Email != "dana@acme.example" || c.AccountValue != 720 ||
		d.StatedReason != workflows.ReasonCompetitorPrice || !strings.Contains(d.Notes, "Globex quoted us 20% less") ||
		in.Owners.Rep.ID != "alice" || in.Owners.Manager.ID != "maria" || in.Billing == nil || in.Billing.SubscriptionID != "sub_e2e_old" {
		t.Fatalf("the campaign Stripe launched: customer %+v, departure %+v, owners %s/%s, billing %+v",
			c, d, in.Owners.Rep.ID, in.Owners.Manager.ID, in.Billing)
	}

	// The playbook, to an incentive: billing makes it a coupon before the email goes.
	until := time.Now().AddDate(0, 0, 30).Format("2006-01-02")
	s.completeWhenOpen(customer, "backstory", "alice", "--our-side", "Renewal quote went out late")
	s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "Globex is 20% cheaper",
		"--what-would-keep-you", "a better price", "--reason", "competitor_price", "--scope", "specific")
	s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--what-we-changed", "a team price for four seats",
		"--offer", "incentive", "--offer-details", "50 USD off your first month back",
		"--offer-value", "50", "--offer-until", until)

	var revisit sandbox.Message
	s.eventually("the revisit email in the outbox", 60*time.Second, func() bool {
		i := slices.IndexFunc(s.outbox(wid), func(m sandbox.Message) bool { return m.Step == "revisit-email" })
		if i >= 0 {
			revisit = s.outbox(wid)[i]
		}
		return i >= 0
	})
	st := s.status(customer)
	if len(st.Offers) != 1 || st.Offers[0].Coupon == "" || st.Offers[0].PromotionCode == "" {
		t.Fatalf("offers %+v, want the incentive with its Stripe coupon and promotion code", st.Offers)
	}
	offer := st.Offers[0]
	link := offerLinkPattern.FindString(revisit.Text)
	if link == "" || !strings.Contains(revisit.Text, offer.PromotionCode) {
		t.Fatalf("the revisit email lacks the offer's link or its code %s:\n%s", offer.PromotionCode, revisit.Text)
	}

	// Accepting on the offer page records it at once.
	var u *url.URL
	u, err = url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	// With billing, accepting sends the customer on to Stripe Checkout with the code applied.
	accept := acceptOffer(t, "http://"+s.http, u.Query().Get("t"))
	if !strings.HasPrefix(accept, "303") || !strings.Contains(accept, "https://checkout.stripe.com/") {
		t.Errorf("accepting answered %q, want a 303 to Stripe Checkout", accept)
	}
	s.eventually("the offer accepted", 30*time.Second, func() bool {
		st := s.status(customer)
		return len(st.Offers) == 1 && st.Offers[0].Status == workflows.OfferAccepted
	})

	// The customer resubscribes with the code: Stripe says so, and the campaign closes.
	// Three seats this time, at 15.00 USD a month: 540 a year.
	back := stripedemo.Subscription{ID: "sub_e2e_new", Customer: "cus_e2e_dana", Seats: 3, UnitAmount: 1500, Currency: "usd",
		Coupons: []string{offer.Coupon}}
	if answer, err := stripe.Resubscribe(ctx, "evt_e2e_created", back); err != nil || !strings.Contains(answer, "returned") {
		t.Fatalf("the new subscription: %q, %v; want 200 returned", answer, err)
	}
	s.eventually("won back", 30*time.Second, func() bool { return s.status(customer).Outcome == workflows.OutcomeWonBack })
	st = s.status(customer)
	if st.Revenue != 540 || st.RevenueCurrency != "usd" || len(st.Offers) != 1 || st.Offers[0].Status != workflows.OfferFulfilled {
		t.Errorf("closed campaign: revenue %v %s, offers %+v; want 540 usd and the offer fulfilled by its coupon", st.Revenue, st.RevenueCurrency, st.Offers)
	}

	// The report has it, in money and currency.
	var rep struct {
		ByOutcome map[string]int `json:"byOutcome"`
		Revenue   []struct {
			Currency  string  `json:"currency"`
			Campaigns int     `json:"campaigns"`
			Amount    float64 `json:"amount"`
		} `json:"revenueWonBack"`
	}
	s.eventually("the report's revenue", 30*time.Second, func() bool {
		out, _, code := s.run("report", "-o", "json")
		return code == 0 && json.Unmarshal([]byte(out), &rep) == nil && len(rep.Revenue) == 1
	})
	if r := rep.Revenue[0]; r.Currency != "usd" || r.Campaigns != 1 || r.Amount != 540 || rep.ByOutcome["won_back"] != 1 {
		t.Errorf("report: revenue %+v, outcomes %v; want 540 usd from one campaign won back", rep.Revenue, rep.ByOutcome)
	}
	if text := s.winback(0, "report"); !strings.Contains(text, "Revenue won back") || !strings.Contains(text, "540") {
		t.Errorf("the text report does not show the revenue:\n%s", text)
	}
}

// acceptOffer posts the offer page's Accept button as a browser would, without following a
// redirect, and returns what the page answered: its status and, for a redirect, where to.
func acceptOffer(t *testing.T, base, token string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/offer", url.Values{"t": {token}, "choice": {"accept"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("accept: %d %s", resp.StatusCode, body)
	}
	return resp.Status + " " + resp.Header.Get("Location")
}
