package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// stripeMockCustomer owns stripe-mock's fixture subscription, the one cancellation it lists.
const stripeMockCustomer = "cus_QXg1o8vcGmoR32"

// TestStripeBackfill runs `winback stripe backfill` as ops would, against the dev server, the
// worker, and stripe-mock behind the worker's sandbox (WINBACK_STRIPE_MOCK_URL): a dry run
// first, which names what is wrong with a customer Stripe has no email for; then, once the
// customer has one, a dry run that would launch them, the launch, and a rerun that starts
// nothing twice.
func TestStripeBackfill(t *testing.T) {
	mock := testenv.StartStripeMock(t)
	s := startStackWith(t, "STRIPE_API_KEY=sk_test_e2e", "WINBACK_STRIPE_MOCK_URL="+mock.URL, "WINBACK_STRIPE_DEFAULT_REP=alice")
	c := s.server.Client(t)
	backfill := []string{"stripe", "backfill", "--since", "2009-01-01"}

	var dry cliLaunchSummary
	s.runJSON(&dry, 2, backfill...)
	if !dry.DryRun || len(dry.WouldLaunch) != 0 || len(dry.BadRows) != 1 || !hasProblem(dry.Problems, "email") {
		t.Fatalf("dry run of a customer without email: %+v, want one bad row naming the email column", dry)
	}

	resp, err := http.Post("http://"+s.http+"/sandbox/stripe/customers", "application/json", strings.NewReader(
		`{"id":"`+stripeMockCustomer+`","name":"Dana Reyes","email":"dana@acme.example","metadata":{"company":"Acme","segment":"smb"}}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("register the Stripe customer with the sandbox: %v %v", resp, err)
	}
	resp.Body.Close()

	dry = cliLaunchSummary{}
	s.runJSON(&dry, 0, backfill...)
	if !dry.DryRun || len(dry.WouldLaunch) != 1 || len(dry.Problems) != 0 {
		t.Fatalf("dry run: %+v, want the customer to launch", dry)
	}
	if in := dry.WouldLaunch[0].Input; in.Customer.ID != stripeMockCustomer || in.Billing == nil || in.Billing.SubscriptionID == "" {
		t.Errorf("would launch %+v, want the Stripe customer tied to the subscription", in)
	}
	noneStarted(t, c, stripeMockCustomer)

	var launched cliLaunchSummary
	s.runJSON(&launched, 0, append(backfill, "--yes")...)
	if launched.Launched != 1 || len(launched.Results) != 1 || launched.Results[0].Status != "launched" {
		t.Fatalf("--yes: %+v, want the customer launched", launched)
	}
	s.eventually("the backfilled campaign's backstory", 20e9, func() bool { return s.taskOpen(stripeMockCustomer, "backstory") })
	if st := s.status(stripeMockCustomer); st.Rep != "alice" || st.Stage == workflows.StageClosed {
		t.Errorf("status %+v, want a running campaign owned by alice", st)
	}
	run := latestRun(t, c, stripeMockCustomer)

	var again cliLaunchSummary
	s.runJSON(&again, 0, append(backfill, "--yes")...)
	if again.Launched != 0 || again.AlreadyRunning != 1 || latestRun(t, c, stripeMockCustomer) != run {
		t.Errorf("rerun: %+v, want the customer already running and the same run", again)
	}
}

// hasProblem reports whether a problem names column.
func hasProblem(problems []cliProblem, column string) bool {
	for _, p := range problems {
		if p.Column == column {
			return true
		}
	}
	return false
}
