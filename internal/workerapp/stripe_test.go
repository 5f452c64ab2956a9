package workerapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

const whsec = "whsec_workerapp_test"

// stripeWorker is a worker run in-process against a dev server, with billing on: stripe-mock
// behind the sandbox's Stripe stand-in, which answers for the customers the test registers.
type stripeWorker struct {
	url string // the worker's HTTP server
	cfg *config.Config
	api *campaigns.Client
	tc  client.Client // Temporal itself, to see the runs
}

func startStripeWorker(t *testing.T) *stripeWorker {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Temporal dev server and stripe-mock")
	}
	mock := testenv.StartStripeMock(t)
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	cfg := runWorker(t, map[string]string{
		"TEMPORAL_ADDRESS":           server.Address,
		"WINBACK_HTTP_ADDR":          addr,
		"WINBACK_TASK_QUEUE":         "workerapp-stripe",
		"WINBACK_LINK_SECRET":        "0123456789abcdef0123456789abcdef",
		"STRIPE_API_KEY":             "sk_test_workerapp",
		"STRIPE_WEBHOOK_SECRET":      whsec,
		"WINBACK_STRIPE_MOCK_URL":    mock.URL,
		"WINBACK_STRIPE_DEFAULT_REP": "alice",
	})
	w := &stripeWorker{url: "http://" + addr, cfg: cfg, tc: server.Client(t)}
	campaignstest.Eventually(t, 30*time.Second, "healthz", func() error {
		resp, err := http.Get(w.url + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: %d", resp.StatusCode)
		}
		return nil
	})
	api, err := campaigns.Dial(context.Background(), cfg, nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Close)
	w.api = api
	return w
}

// registerSubscription makes the sandbox answer for a Stripe subscription, begun now.
func (w *stripeWorker) registerSubscription(t *testing.T, sub map[string]any) {
	t.Helper()
	body, _ := json.Marshal(sub)
	resp, err := http.Post(w.url+"/sandbox/stripe/subscriptions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("register subscription: %d %s", resp.StatusCode, b)
	}
}

// register makes the sandbox answer for a Stripe customer (stripe-mock's have no email).
func (w *stripeWorker) register(t *testing.T, customer map[string]any) {
	t.Helper()
	body, _ := json.Marshal(customer)
	resp, err := http.Post(w.url+"/sandbox/stripe/customers", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("register customer: %d %s", resp.StatusCode, b)
	}
}

// send posts an event signed with secret at the given time, as Stripe does.
func (w *stripeWorker) send(t *testing.T, payload []byte, secret string, at time.Time) (int, string) {
	t.Helper()
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	req, err := http.NewRequest(http.MethodPost, w.url+"/webhooks/stripe", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	t.Logf("POST /webhooks/stripe: %d %s", resp.StatusCode, bytes.TrimSpace(b))
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// event is a Stripe event of typ about object, in the API version stripe-go v84 speaks.
func event(id, typ string, object, previous map[string]any) []byte {
	data := map[string]any{"object": object}
	if previous != nil {
		data["previous_attributes"] = previous
	}
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2026-02-25.clover",
		"created": time.Now().Unix(), "type": typ, "livemode": false, "data": data})
	return b
}

// subscription is a subscription of customer: 2 seats at 15.00 USD a month (360 USD a year).
func subscription(id, customer, status string, edit map[string]any) map[string]any {
	end := time.Now().Add(-24 * time.Hour).Unix()
	s := map[string]any{
		"id": id, "object": "subscription", "customer": customer, "status": status, "currency": "usd",
		"cancel_at": nil, "cancel_at_period_end": false, "metadata": map[string]any{}, "discounts": []any{},
		"items": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": "si_" + id, "object": "subscription_item", "quantity": 2, "current_period_end": end + 30*24*3600,
			"price": map[string]any{"id": "price_team", "object": "price", "currency": "usd", "unit_amount": 1500,
				"type": "recurring", "recurring": map[string]any{"interval": "month", "interval_count": 1}},
		}}},
	}
	if status == "canceled" {
		s["canceled_at"], s["ended_at"] = end, end
	}
	for k, v := range edit {
		s[k] = v
	}
	return s
}

// A signed customer.subscription.deleted launches the customer's campaign, once, with what
// Stripe knows of them; a paid new subscription ends it as won back with its revenue. Forged
// and stale events change nothing, and a customer who cannot be reached is a billing problem.
func TestStripeWebhooksLaunchAndEndCampaigns(t *testing.T) {
	w := startStripeWorker(t)
	ctx := context.Background()
	w.register(t, map[string]any{"id": "cus_dana", "name": "Dana Reyes", "email": "dana@acme.example",
		"metadata": map[string]string{"winback_customer_id": "C-dana", "company": "Acme Corp"}})

	deleted := event("evt_deleted_1", "customer.subscription.deleted", subscription("sub_dana", "cus_dana", "canceled",
		map[string]any{"cancellation_details": map[string]any{"feedback": "too_expensive", "comment": "too pricey", "reason": "cancellation_requested"}}), nil)

	t.Run("forged and stale events launch nothing", func(t *testing.T) {
		if code, body := w.send(t, deleted, "whsec_not_ours", time.Now()); code != http.StatusBadRequest || !strings.Contains(body, "signature") {
			t.Errorf("forged: %d %q, want 400 naming the signature", code, body)
		}
		if code, body := w.send(t, deleted, whsec, time.Now().Add(-10*time.Minute)); code != http.StatusBadRequest || !strings.Contains(body, "stale") {
			t.Errorf("stale: %d %q, want 400 saying stale", code, body)
		}
		if _, err := w.api.Input(ctx, "C-dana"); !errors.Is(err, campaigns.ErrNotFound) {
			t.Errorf("after refused events, the campaign: %v; want none", err)
		}
	})

	var runID string
	signed := time.Now()
	t.Run("a deletion launches the campaign", func(t *testing.T) {
		code, body := w.send(t, deleted, whsec, signed)
		if code != http.StatusOK || !strings.Contains(body, "launched campaign winback:C-dana") {
			t.Fatalf("deleted: %d %q, want 200 launched", code, body)
		}
		in, err := w.api.Input(ctx, "C-dana")
		if err != nil {
			t.Fatal(err)
		}
		c, d := in.Customer, in.Departure
		if c.Name != "Dana Reyes" || c.Email != "dana@acme.example" || c.Company != "Acme Corp" || c.AccountValue != 360 ||
			d.StatedReason != workflows.ReasonCompetitorPrice || !strings.Contains(d.Notes, "too pricey") || in.Owners.Rep.ID != "alice" {
			t.Errorf("campaign input: customer %+v, departure %+v, rep %s", c, d, in.Owners.Rep.ID)
		}
		if b := in.Billing; b == nil || b.CustomerID != "cus_dana" || b.SubscriptionID != "sub_dana" || b.Scheduled {
			t.Errorf("billing %+v, want cus_dana's ended sub_dana", b)
		}
		runID = runOf(t, w, "C-dana")
	})

	t.Run("a replay, or another event of the same cancellation, starts nothing more", func(t *testing.T) {
		if code, body := w.send(t, deleted, whsec, signed); code != http.StatusBadRequest || !strings.Contains(body, "replayed") {
			t.Errorf("the same signed request again: %d %q, want 400 replayed", code, body)
		}
		if code, body := w.send(t, deleted, whsec, signed.Add(time.Second)); code != http.StatusOK || body != "already handled" {
			t.Errorf("Stripe sending the event again, signed anew: %d %q, want 200 already handled", code, body)
		}
		again := bytes.Replace(deleted, []byte("evt_deleted_1"), []byte("evt_deleted_2"), 1)
		if code, body := w.send(t, again, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "already running") {
			t.Errorf("second event: %d %q, want 200 already running", code, body)
		}
		if got := runOf(t, w, "C-dana"); got != runID {
			t.Errorf("run %s, want still the one campaign %s", got, runID)
		}
	})

	t.Run("the final invoice of the cancelled subscription is no return", func(t *testing.T) {
		final := event("evt_final_invoice", "invoice.paid", map[string]any{"id": "in_final", "object": "invoice", "customer": "cus_dana",
			"status": "paid", "currency": "usd", "parent": map[string]any{"type": "subscription_details",
				"subscription_details": map[string]any{"subscription": "sub_dana"}}}, nil)
		if code, body := w.send(t, final, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "no return") {
			t.Errorf("final invoice: %d %q, want 200 no return", code, body)
		}
		if st, err := w.api.Status(ctx, "C-dana"); err != nil || st.Outcome != "" {
			t.Errorf("campaign: outcome %q, %v; want it still running", st.Outcome, err)
		}
	})

	t.Run("a renewal of a subscription the customer kept is no return", func(t *testing.T) {
		// Unregistered, stripe-mock's subscription began in 2009: long before the campaign.
		renewal := event("evt_renewal", "invoice.paid", map[string]any{"id": "in_cycle", "object": "invoice", "customer": "cus_dana",
			"status": "paid", "currency": "usd", "billing_reason": "subscription_cycle", "parent": map[string]any{"type": "subscription_details",
				"subscription_details": map[string]any{"subscription": "sub_dana_kept"}}}, nil)
		if code, body := w.send(t, renewal, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "a renewal, no return") {
			t.Errorf("renewal: %d %q, want 200 a renewal, no return", code, body)
		}
		if st, err := w.api.Status(ctx, "C-dana"); err != nil || st.Outcome != "" {
			t.Errorf("campaign: outcome %q, %v; want it still running", st.Outcome, err)
		}
	})

	t.Run("a new subscription ends the campaign as won back with its revenue", func(t *testing.T) {
		// Registered with the sandbox, it begins now; stripe-mock prices it 20.00 USD a month.
		w.registerSubscription(t, map[string]any{"id": "sub_dana_2", "customer": "cus_dana"})
		created := event("evt_created_1", "customer.subscription.created", subscription("sub_dana_2", "cus_dana", "active", nil), nil)
		if code, body := w.send(t, created, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "returned") {
			t.Fatalf("created: %d %q, want 200 returned", code, body)
		}
		campaignstest.Eventually(t, 30*time.Second, "won back", func() error {
			st, err := w.api.Status(ctx, "C-dana")
			if err == nil && (st.Outcome != workflows.OutcomeWonBack || st.Revenue != 240 || st.RevenueCurrency != "usd") {
				err = fmt.Errorf("outcome %q, revenue %v %s", st.Outcome, st.Revenue, st.RevenueCurrency)
			}
			return err
		})
	})

	t.Run("another loss after the campaign closed is kept for ops, not relaunched", func(t *testing.T) {
		again := event("evt_deleted_again", "customer.subscription.deleted", subscription("sub_dana_2", "cus_dana", "canceled", nil), nil)
		if code, body := w.send(t, again, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "billing problem") {
			t.Fatalf("another loss: %d %q, want 200 recorded as a billing problem", code, body)
		}
		if got := runOf(t, w, "C-dana"); got != runID {
			t.Errorf("run %s, want the closed campaign %s left as it is", got, runID)
		}
	})

	t.Run("a customer who still pays for another subscription is not lost", func(t *testing.T) {
		// A plan change made as a new subscription, whose event came before the old one's end.
		w.register(t, map[string]any{"id": "cus_lee", "name": "Lee Park", "email": "lee@initech.example"})
		w.registerSubscription(t, map[string]any{"id": "sub_lee_new", "customer": "cus_lee"})
		old := event("evt_deleted_lee", "customer.subscription.deleted", subscription("sub_lee_old", "cus_lee", "canceled", nil), nil)
		if code, body := w.send(t, old, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "still subscribes (sub_lee_new)") {
			t.Fatalf("deleted while another is active: %d %q, want 200 still subscribes", code, body)
		}
		if _, err := w.api.Input(ctx, "cus_lee"); !errors.Is(err, campaigns.ErrNotFound) {
			t.Errorf("campaign of cus_lee: %v; want none", err)
		}
	})

	t.Run("a customer without email or phone is a billing problem", func(t *testing.T) {
		// Not registered: stripe-mock's customer has no email and no phone.
		nobody := event("evt_deleted_nobody", "customer.subscription.deleted", subscription("sub_nobody", "cus_nobody", "canceled", nil), nil)
		if code, body := w.send(t, nobody, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "billing problem") {
			t.Fatalf("no contact: %d %q, want 200 recorded as a billing problem", code, body)
		}
		// A currency winback does not know cannot be valued: a problem too, and no campaign.
		w.register(t, map[string]any{"id": "cus_kim", "name": "Kim Lee", "email": "kim@initech.example"})
		odd := subscription("sub_kim", "cus_kim", "canceled", map[string]any{"currency": "xts"})
		odd["items"].(map[string]any)["data"].([]any)[0].(map[string]any)["price"].(map[string]any)["currency"] = "xts"
		if code, body := w.send(t, event("evt_deleted_xts", "customer.subscription.deleted", odd, nil), whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "billing problem") {
			t.Fatalf("unknown currency: %d %q, want 200 recorded as a billing problem", code, body)
		}
		if _, err := w.api.Input(ctx, "cus_kim"); !errors.Is(err, campaigns.ErrNotFound) {
			t.Errorf("campaign of cus_kim: %v; want none", err)
		}
		st, err := w.cfg.OpenStore(ctx, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		page, err := st.BillingProblems(ctx, store.BillingProblemQuery{})
		if err != nil {
			t.Fatal(err)
		}
		byEvent := map[string]store.BillingProblem{}
		for _, p := range page.Problems {
			byEvent[p.EventID] = p
		}
		if p := byEvent["evt_deleted_nobody"]; p.BillingCustomer != "cus_nobody" || !strings.Contains(p.Problem, "email") {
			t.Errorf("evt_deleted_nobody's problem %+v, want cus_nobody's, naming the email", p)
		}
		if p := byEvent["evt_deleted_xts"]; p.BillingCustomer != "cus_kim" || !strings.Contains(p.Problem, "xts") {
			t.Errorf("evt_deleted_xts's problem %+v, want cus_kim's, naming the currency", p)
		}
		if p := byEvent["evt_deleted_again"]; !strings.Contains(p.Problem, "relaunch it by hand") {
			t.Errorf("evt_deleted_again's problem %+v, want the repeat loss kept for ops", p)
		}
		if len(page.Problems) != 3 {
			t.Errorf("%d billing problems, want 3: %+v", len(page.Problems), page.Problems)
		}
		if _, err := w.api.Input(ctx, "cus_nobody"); !errors.Is(err, campaigns.ErrNotFound) {
			t.Errorf("campaign of cus_nobody: %v; want none", err)
		}
	})

	t.Run("a scheduled cancellation launches, and taking it back ends the campaign", func(t *testing.T) {
		w.register(t, map[string]any{"id": "cus_sam", "name": "Sam Ortiz", "phone": "+14155550142", "email": "sam@globex.example"})
		scheduled := event("evt_scheduled", "customer.subscription.updated",
			subscription("sub_sam", "cus_sam", "active", map[string]any{"cancel_at_period_end": true}),
			map[string]any{"cancel_at_period_end": false})
		if code, body := w.send(t, scheduled, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "launched campaign winback:cus_sam") {
			t.Fatalf("scheduled: %d %q, want 200 launched (the default playbook starts before the end)", code, body)
		}
		in, err := w.api.Input(ctx, "cus_sam")
		if err != nil {
			t.Fatal(err)
		}
		if b := in.Billing; b == nil || !b.Scheduled || b.SubscriptionID != "sub_sam" {
			t.Errorf("billing %+v, want sub_sam's scheduled cancellation", b)
		}
		withdrawn := event("evt_withdrawn", "customer.subscription.updated",
			subscription("sub_sam", "cus_sam", "active", nil), map[string]any{"cancel_at_period_end": true})
		if code, body := w.send(t, withdrawn, whsec, time.Now()); code != http.StatusOK || !strings.Contains(body, "returned") {
			t.Fatalf("withdrawn: %d %q, want 200 returned", code, body)
		}
		campaignstest.Eventually(t, 30*time.Second, "won back", func() error {
			st, err := w.api.Status(ctx, "cus_sam")
			if err == nil && st.Outcome != workflows.OutcomeWonBack {
				err = fmt.Errorf("outcome %q", st.Outcome)
			}
			return err
		})
	})
}

// runOf is the run ID of the customer's current campaign.
func runOf(t *testing.T, w *stripeWorker, customerID string) string {
	t.Helper()
	resp, err := w.tc.DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(customerID), "")
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetWorkflowExecutionInfo().GetExecution().GetRunId()
}
