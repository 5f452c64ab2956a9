package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// stripeWebhookSecret signs the events the tests send as Stripe would.
const stripeWebhookSecret = "whsec_winback_e2e"

// startStripeStack is a stack with billing on: the worker and the CLI talk to stripe-mock
// through the sandbox's Stripe stand-in, and take events signed with stripeWebhookSecret.
func startStripeStack(t *testing.T) *stack {
	t.Helper()
	mock := testenv.StartStripeMock(t)
	return startStackWith(t, "STRIPE_API_KEY=sk_test_winbackE2E", "STRIPE_WEBHOOK_SECRET="+stripeWebhookSecret,
		"WINBACK_STRIPE_MOCK_URL="+mock.URL, "WINBACK_STRIPE_DEFAULT_REP=alice")
}

// postJSON posts v to the worker and fails the test unless it answers want.
func (s *stack) postJSON(path string, v any, want int) string {
	s.t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post("http://"+s.http+path, "application/json", bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("POST %s: %d %s, want %d", path, resp.StatusCode, body, want)
	}
	return string(body)
}

// stripeEvent signs an event of typ about object at the given time, as Stripe does, posts it
// to the worker's webhook and returns the answer.
func (s *stack) stripeEvent(id, typ string, object map[string]any, secret string, at time.Time) (int, string) {
	s.t.Helper()
	payload, _ := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2026-02-25.clover",
		"created": at.Unix(), "type": typ, "livemode": false, "data": map[string]any{"object": object}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.http+"/webhooks/stripe", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// stripeSubscription is a subscription of customer in Stripe's shape: seats at 15.00 USD a
// month each.
func stripeSubscription(id, customer, status string, seats int, edit map[string]any) map[string]any {
	ended := time.Now().Add(-time.Hour).Unix()
	sub := map[string]any{
		"id": id, "object": "subscription", "customer": customer, "status": status, "currency": "usd",
		"cancel_at": nil, "cancel_at_period_end": false, "metadata": map[string]any{}, "discounts": []any{},
		"items": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": "si_" + id, "object": "subscription_item", "quantity": seats, "current_period_end": ended + 30*24*3600,
			"price": map[string]any{"id": "price_team", "object": "price", "currency": "usd", "unit_amount": 1500,
				"type": "recurring", "recurring": map[string]any{"interval": "month", "interval_count": 1}},
		}}},
	}
	if status == "canceled" {
		sub["canceled_at"], sub["ended_at"] = ended, ended
	}
	for k, v := range edit {
		sub[k] = v
	}
	return sub
}

// TestAStripeCancellationIsWonBackWithItsCoupon is issue 18's end-to-end test, on the real
// processes: a signed customer.subscription.deleted launches the customer's campaign with what
// Stripe knows of them; the manager's incentive becomes a Stripe coupon and promotion code that
// the revisit email names; the customer accepts on the offer page; a signed
// customer.subscription.created that redeemed the coupon ends the campaign as won back,
// credits the offer, and the report shows the revenue. Forged, stale and replayed events change
// nothing.
func TestAStripeCancellationIsWonBackWithItsCoupon(t *testing.T) {
	s := startStripeStack(t)
	const customer = "acme-stripe" // our ID, from the Stripe customer's metadata
	wid := workflows.WorkflowID(customer)
	s.postJSON("/sandbox/stripe/customers", map[string]any{"id": "cus_e2e_dana", "name": "Dana Reyes",
		"email": "dana@acme.example", "phone": "+12125550142", "metadata": map[string]string{
			"winback_customer_id": customer, "company": "Acme Corp", "timezone": "America/New_York", "manager": "maria"}},
		http.StatusCreated)

	deleted := stripeSubscription("sub_e2e_old", "cus_e2e_dana", "canceled", 4, map[string]any{
		"cancellation_details": map[string]any{"feedback": "too_expensive", "comment": "Globex quoted us 20% less",
			"reason": "cancellation_requested"}})

	// Forged and stale: refused, nothing launched.
	if code, body := s.stripeEvent("evt_e2e_deleted", "customer.subscription.deleted", deleted, "whsec_someone_else", time.Now()); code != http.StatusBadRequest {
		t.Fatalf("a forged event: %d %q, want 400", code, body)
	}
	if code, body := s.stripeEvent("evt_e2e_deleted", "customer.subscription.deleted", deleted, stripeWebhookSecret, time.Now().Add(-time.Hour)); code != http.StatusBadRequest {
		t.Fatalf("a stale event: %d %q, want 400", code, body)
	}
	if _, _, code := s.run("status", customer); code == 0 {
		t.Fatalf("a campaign exists after a forged and a stale event")
	}

	// The cancellation launches the campaign, once.
	if code, body := s.stripeEvent("evt_e2e_deleted", "customer.subscription.deleted", deleted, stripeWebhookSecret, time.Now()); code != http.StatusOK || !strings.Contains(body, "launched") {
		t.Fatalf("the cancellation: %d %q, want 200 launched; worker log:\n%s", code, body, s.worker.Log.String())
	}
	if code, body := s.stripeEvent("evt_e2e_deleted", "customer.subscription.deleted", deleted, stripeWebhookSecret, time.Now()); code != http.StatusOK || body != "already handled" {
		t.Fatalf("the same event again: %d %q, want 200 already handled", code, body)
	}
	in, err := campaigns.New(s.server.Client(t), campaigns.Options{}).Input(context.Background(), customer)
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
	s.postJSON("/sandbox/stripe/subscriptions", map[string]any{"id": "sub_e2e_new", "customer": "cus_e2e_dana",
		"coupons": []string{offer.Coupon}}, http.StatusCreated)
	created := stripeSubscription("sub_e2e_new", "cus_e2e_dana", "active", 1, nil)
	if code, body := s.stripeEvent("evt_e2e_created", "customer.subscription.created", created, stripeWebhookSecret, time.Now()); code != http.StatusOK || !strings.Contains(body, "returned") {
		t.Fatalf("the new subscription: %d %q, want 200 returned", code, body)
	}
	s.eventually("won back", 30*time.Second, func() bool { return s.status(customer).Outcome == workflows.OutcomeWonBack })
	st = s.status(customer)
	// stripe-mock's subscriptions are priced 20.00 USD a month: 240 a year.
	if st.Revenue != 240 || st.RevenueCurrency != "usd" || len(st.Offers) != 1 || st.Offers[0].Status != workflows.OfferFulfilled {
		t.Errorf("closed campaign: revenue %v %s, offers %+v; want 240 usd and the offer fulfilled by its coupon", st.Revenue, st.RevenueCurrency, st.Offers)
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
	if r := rep.Revenue[0]; r.Currency != "usd" || r.Campaigns != 1 || r.Amount != 240 || rep.ByOutcome["won_back"] != 1 {
		t.Errorf("report: revenue %+v, outcomes %v; want 240 usd from one campaign won back", rep.Revenue, rep.ByOutcome)
	}
	if text := s.winback(0, "report"); !strings.Contains(text, "Revenue won back") || !strings.Contains(text, "240") {
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
