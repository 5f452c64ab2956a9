package webhooks

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/winback/winback/billing"
)

// Resubscribing through Stripe Checkout: when a campaign launched from Stripe accepts an offer
// that billing made a promotion code for, the offer page records the acceptance as always (the
// signal, once) and then sends the customer to a Checkout Session in subscription mode, with
// the code applied, to resubscribe in one go. Checkout failing takes nothing back: the
// acceptance stands and the page says the rep will be in touch (the fulfil task the acceptance
// opened tells the rep the code). Without billing, or for an offer without a code, the accept
// link works as it does without Stripe.

// Checkout makes the Checkout Session an accepted offer resubscribes through: billing.Client.
type Checkout interface {
	// CheckoutURL makes a Checkout Session and returns its URL (the same one for the same Key).
	CheckoutURL(ctx context.Context, r billing.CheckoutRequest) (string, error)
}

// checkoutTimeout bounds the call to Stripe while the customer waits for the page.
const checkoutTimeout = 15 * time.Second

// checkoutOrigin is where Stripe's Checkout Sessions live: the offer page's forms may lead
// there (CSP form-action also governs the redirect after a form is sent).
const checkoutOrigin = "https://checkout.stripe.com"

// The pages Checkout sends the customer back to: after paying, and after leaving without.
const (
	resubscribedPath     = "/offer/resubscribed"
	resubscribeLaterPath = "/offer/resubscribe-later"
)

// mayCheckout reports whether an accepted offer of the link resubscribes through Checkout:
// billing is on, billing made the offer a promotion code, and the campaign was launched from
// Stripe with the price the customer had.
func (h *Handler) mayCheckout(ctx context.Context, l *offerLink) bool {
	if h.checkout == nil || l.offer.PromotionCodeID == "" {
		return false
	}
	in := l.input(ctx, h.client)
	return in != nil && in.Billing != nil && in.Billing.Provider == billing.Provider &&
		in.Billing.CustomerID != "" && in.Billing.PriceID != ""
}

// checkoutURL makes the Checkout Session of an accepted offer, or returns "" when the offer
// does not resubscribe through Checkout or Stripe did not make it (logged: the rep follows up).
// ctx bounds the calls to Temporal; Stripe gets its own time from the request's.
func (h *Handler) checkoutURL(ctx context.Context, r *http.Request, l *offerLink) string {
	if !h.mayCheckout(ctx, l) {
		return ""
	}
	in := l.input(ctx, h.client)
	ctx, cancel := context.WithTimeout(r.Context(), checkoutTimeout)
	defer cancel()
	url, err := h.checkout.CheckoutURL(ctx, billing.CheckoutRequest{
		Key:        checkoutKey(l),
		CustomerID: in.Billing.CustomerID, PriceID: in.Billing.PriceID, Quantity: in.Billing.Quantity, PromotionCodeID: l.offer.PromotionCodeID,
		SuccessURL: h.publicURL + resubscribedPath, CancelURL: h.publicURL + resubscribeLaterPath,
	})
	if err != nil {
		h.log.Error("webhooks: offer accepted, but Stripe did not make its Checkout Session: the acceptance stands and the rep follows up",
			"workflowID", l.workflowID, "offer", l.offerID, "retryable", billing.Retryable(err), "error", err)
		return ""
	}
	h.log.Info("webhooks: offer accepted: customer sent to Stripe Checkout", "workflowID", l.workflowID, "offer", l.offerID)
	return url
}

// checkoutKey makes the Checkout Session idempotent per offer: its workflow, its campaign's
// first run and its ID. The launch time stands for the first run, as in the offer's claim (a
// status carries no run IDs, and a relaunch is a new first run with a new launch time).
func checkoutKey(l *offerLink) string {
	return fmt.Sprintf("%s/%d/%s", l.workflowID, l.status.Launched.UnixNano(), l.offerID)
}

// toCheckout sends the customer's browser to the Checkout Session.
func toCheckout(w http.ResponseWriter, r *http.Request, url string) {
	linkPageHeaders(w)
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// resubscribed thanks a customer Checkout sends back after they paid.
func (h *Handler) resubscribed(w http.ResponseWriter, _ *http.Request) {
	showOfferPage(w, http.StatusOK, offerPage{Heading: "Thank you, and welcome back", Answered: "accepted",
		Message: "Your subscription is back on, with your offer applied. Stripe emails you the receipt. You can close this page."})
}

// resubscribeLater answers a customer who left Checkout without paying: their acceptance stands.
func (h *Handler) resubscribeLater(w http.ResponseWriter, _ *http.Request) {
	showOfferPage(w, http.StatusOK, offerPage{Heading: "Thank you: your acceptance is recorded",
		Message: "You have not resubscribed yet. We will be in touch to help you finish, or open the link in our message again to continue."})
}
