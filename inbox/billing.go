package inbox

import (
	"context"
	"net/http"
	"strings"

	"github.com/winback/winback/store"
)

// The billing problems page: the billing events (Stripe webhooks) that could not be acted on,
// a customer without email or phone, a currency we do not know, kept in the store until
// someone fixes them by hand and marks them resolved. Managers see it, as they see the report;
// it exists only when billing is on (Options.Billing).

// BillingProblems is the store's record of billing events that could not be acted on
// (store.Store).
type BillingProblems interface {
	// BillingProblems reads one page of the open problems, newest first, with their count.
	BillingProblems(ctx context.Context, q store.BillingProblemQuery) (store.BillingProblemPage, error)
	// ResolveBillingProblem marks an event's problem resolved by a person; false when it was
	// not open (resolved already, or no such event).
	ResolveBillingProblem(ctx context.Context, eventID, by string) (bool, error)
}

// billingPageLimit is how many problems the page lists: more than ops resolve in a sitting.
const billingPageLimit = 200

// billingView is the billing problems page.
type billingView struct {
	base
	Problems []store.BillingProblem
	Total    int
	// Problem says the store could not be read; Error, that a resolve did not take.
	Problem, Error string
}

// handleBilling lists the open billing problems, newest first.
func (i *Inbox) handleBilling(w http.ResponseWriter, r *http.Request, s session) {
	if !i.mayResolveBilling(w, r, s) {
		return
	}
	i.renderBilling(w, r, s, http.StatusOK, &billingView{})
}

// handleResolveBilling marks one problem resolved, by the signed-in manager, and lists the rest.
func (i *Inbox) handleResolveBilling(w http.ResponseWriter, r *http.Request, s session) {
	if !i.mayResolveBilling(w, r, s) {
		return
	}
	event := strings.TrimSpace(r.PathValue("event"))
	ok, err := i.o.Billing.ResolveBillingProblem(r.Context(), event, s.Person.ID)
	v := &billingView{}
	status := http.StatusOK
	switch {
	case err != nil:
		i.log.Warn("Inbox: resolving a billing problem failed", "event", event, "error", err)
		v.Error, status = "Event "+event+" could not be marked resolved: the store did not answer. Nothing was changed; try again in a moment.",
			http.StatusServiceUnavailable
	case !ok:
		v.Flash = "Event " + event + " was already resolved, or is not a billing problem: nothing to do."
	default:
		i.log.Info("Inbox: billing problem resolved", "event", event, "by", s.Person.ID)
		v.Flash = "Event " + event + " marked resolved by you."
	}
	i.renderBilling(w, r, s, status, v)
}

// mayResolveBilling answers the page's refusal when billing is off (no such page) or the person
// is not a manager, and reports whether they may go on.
func (i *Inbox) mayResolveBilling(w http.ResponseWriter, r *http.Request, s session) bool {
	switch {
	case i.o.Billing == nil:
		i.renderMessage(w, r, &s, http.StatusNotFound, "Page not found",
			"Billing is not configured (no STRIPE_API_KEY), so there are no billing problems to show.")
		return false
	case !isManager(s.Person):
		i.renderMessage(w, r, &s, http.StatusForbidden, "Billing problems are for managers",
			"They concern every rep's customers; ask your manager about one.")
		return false
	}
	return true
}

// renderBilling reads the open problems into v and shows the page.
func (i *Inbox) renderBilling(w http.ResponseWriter, r *http.Request, s session, status int, v *billingView) {
	v.Nav = "billing"
	page, err := i.o.Billing.BillingProblems(r.Context(), store.BillingProblemQuery{Limit: billingPageLimit})
	if err != nil {
		i.log.Warn("Inbox: reading the billing problems failed", "error", err)
		v.Problem = "The billing problems could not be read from the store just now. Reload the page in a moment."
		status = http.StatusServiceUnavailable
	}
	v.Problems, v.Total = page.Problems, page.Total
	i.render(w, &s, status, "billing", "Billing problems", v)
}
