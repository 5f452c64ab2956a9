package webhooks

import (
	"cmp"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// The offer page: the one-click link of an offer (PublicURL/offer?t=TOKEN, activities.OfferToken)
// opens it. GET shows the offer, in its terms, with two buttons, and changes nothing (mail
// scanners follow links); POST records the customer's answer on the campaign (an OfferResponse
// signal): accept opens a task for the rep to fulfil it, decline ends the offer without opting
// the customer out. A link that is forged, expired, for a closed campaign or an offer no longer
// open, or already used, gets a page that says so, and nothing changes.

// maxOfferBody bounds the form of an offer POST (the token and the choice).
const maxOfferBody = 16 << 10

// offerSource is the Source of the OfferResponse signals the page sends.
const offerSource = "offer-link"

//go:embed offer.html.tmpl
var offerHTML string

var offerTmpl = template.Must(template.New("offer").Parse(offerHTML))

// offerPage is what the offer template shows: a heading and a sentence; the offer's terms when
// there is an offer to show; the Accept and Decline forms when the customer may still answer.
type offerPage struct {
	Heading, Message string
	// Title and Terms describe the offer (a heading for its kind, a line per term).
	Title string
	Terms []string
	// Token, when set, shows the two forms that answer the offer; Rep is who sets it up.
	Token, Rep string
	// Answered is the customer's answer the page confirms ("accepted", "declined").
	Answered string
	// Resubscribe, when set, is the token of the button that goes to Stripe Checkout with an
	// accepted offer.
	Resubscribe string
	// Checkout: accepting, or the Resubscribe button, leads to Stripe Checkout (the page says
	// so, and its CSP lets the form go there).
	Checkout bool
}

// offerLink is a verified offer link and what the campaign says about its offer.
type offerLink struct {
	token      string
	workflowID string
	customerID string
	offerID    string
	status     workflows.CampaignStatus
	offer      workflows.OfferState

	in      *workflows.CampaignInput // read once, when a page needs it (input)
	inTried bool
}

// input is what the campaign started with (its owners, the competitor's offer), read once;
// nil when it cannot be read (the page then does without).
func (l *offerLink) input(ctx context.Context, client campaigns.API) *workflows.CampaignInput {
	if !l.inTried {
		l.inTried = true
		if in, err := client.Input(ctx, l.customerID); err == nil {
			l.in = &in
		}
	}
	return l.in
}

// offerShow shows the offer of a link with its Accept and Decline buttons. It changes nothing.
func (h *Handler) offerShow(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	l, ok := h.openOffer(ctx, w, r, r.URL.Query().Get("t"))
	if !ok {
		return
	}
	h.showOpenOffer(ctx, w, l)
}

// showOpenOffer shows an open offer with its Accept and Decline buttons.
func (h *Handler) showOpenOffer(ctx context.Context, w http.ResponseWriter, l *offerLink) {
	h.log.Info("webhooks: offer page shown", "workflowID", l.workflowID, "offer", l.offerID)
	p := h.describeOffer(ctx, l)
	p.Rep = h.repName(ctx, l)
	p.Heading = "Your offer"
	if p.Rep != "" {
		p.Heading += " from " + p.Rep
	}
	p.Message = "Accept it or decline it with one button. Nothing changes until you press one."
	p.Token = l.token
	p.Checkout = h.mayCheckout(ctx, l)
	showOfferPage(w, http.StatusOK, p)
}

// offerCheckout sends a customer who accepted an offer, and has not resubscribed yet, to
// Stripe Checkout again (the button of the accepted offer's page; the same Checkout Session
// within Stripe's day of idempotency). Any other offer gets the page its link shows.
func (h *Handler) offerCheckout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxOfferBody)
	_ = r.ParseForm()
	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	l, ok := h.findOffer(ctx, w, r, r.PostFormValue("t"))
	switch {
	case !ok:
	case l.offer.Status == workflows.OfferOpen:
		h.showOpenOffer(ctx, w, l)
	case l.offer.Status == workflows.OfferAccepted && h.mayCheckout(ctx, l):
		if url := h.checkoutURL(ctx, r, l); url != "" {
			toCheckout(w, r, url)
			return
		}
		p := h.describeOffer(ctx, l)
		p.Heading, p.Answered = "You have accepted this offer", "accepted"
		p.Message = inTouch(h.repName(ctx, l)) + " to help you resubscribe: we could not open the payment page just now."
		showOfferPage(w, http.StatusServiceUnavailable, p)
	default:
		h.showAnswered(ctx, w, r, l)
	}
}

// offerAnswer records the customer's answer to the offer of a link, once.
func (h *Handler) offerAnswer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxOfferBody)
	_ = r.ParseForm() // a form that does not parse has no token: the 400 page below says so
	token := r.PostFormValue("t")
	if token == "" {
		token = r.URL.Query().Get("t")
	}
	ctx, cancel := temporalContext(r.Context())
	defer cancel()
	l, ok := h.openOffer(ctx, w, r, token)
	if !ok {
		return
	}
	var accept bool
	switch r.PostFormValue("choice") {
	case "accept":
		accept = true
	case "decline":
	default:
		p := h.describeOffer(ctx, l)
		p.Heading, p.Message, p.Token, p.Rep = "Accept or decline?", "Press one of the two buttons below.", l.token, h.repName(ctx, l)
		p.Checkout = h.mayCheckout(ctx, l)
		showOfferPage(w, http.StatusBadRequest, p)
		return
	}
	choice := map[bool]string{true: "accept", false: "decline"}[accept]

	// Single use: one answer per offer, whichever of its links (email, text) it comes by, and
	// however often the button is pressed. The claim names this campaign's offer (its launch
	// and the offer's making), so a relaunched campaign's offer-1 is a new offer.
	c, state, err := h.claim(ctx, offerClaimID(l))
	switch {
	case err != nil:
		h.log.Error("webhooks: offer answer not recorded: the store did not answer", "workflowID", l.workflowID, "offer", l.offerID, "error", err)
		h.offerUnavailable(w)
		return
	case state == store.ClaimBusy: // a double tap: the first is still on its way
		h.log.Info("webhooks: offer answered twice at once", "workflowID", l.workflowID, "offer", l.offerID, "choice", choice)
		showOfferPage(w, http.StatusConflict, offerPage{Heading: "We are recording your answer",
			Message: "Your first answer is on its way. Open the link again in a minute to see it confirmed."})
		return
	case state != store.ClaimNew:
		h.log.Info("webhooks: offer link used again", "workflowID", l.workflowID, "offer", l.offerID, "choice", choice)
		showOfferPage(w, http.StatusConflict, offerPage{Heading: "You have already answered this offer",
			Message: "We have your answer, and this link cannot change it. If you have changed your mind, reply to our latest message."})
		return
	}

	err = h.client.RespondToOffer(ctx, l.customerID, workflows.OfferResponseSignal{OfferID: l.offerID, Accept: accept, At: h.now(), Source: offerSource})
	switch {
	case errors.Is(err, campaigns.ErrClosed), errors.Is(err, campaigns.ErrNotFound):
		c.release(ctx) // nothing changed: the campaign closed since we looked
		h.log.Info("webhooks: offer answered after its campaign closed", "workflowID", l.workflowID, "offer", l.offerID, "error", err)
		showOfferPage(w, http.StatusGone, closedOfferPage())
		return
	case err != nil:
		c.release(ctx)
		h.log.Error("webhooks: offer answer not recorded: Temporal did not take the signal", "workflowID", l.workflowID, "offer", l.offerID, "choice", choice, "error", err)
		h.offerUnavailable(w)
		return
	}
	c.commit(ctx)
	h.log.Info("webhooks: offer answered", "workflowID", l.workflowID, "offer", l.offerID, "choice", choice)
	if accept {
		// The acceptance is recorded: Checkout failing only means the rep finishes it.
		if url := h.checkoutURL(ctx, r, l); url != "" {
			toCheckout(w, r, url)
			return
		}
	}
	p := h.describeOffer(ctx, l)
	if accept {
		p.Heading, p.Answered = "Thank you: you have accepted the offer", "accepted"
		p.Message = inTouch(h.repName(ctx, l)) + " to set it up. You can close this page."
	} else {
		p.Heading, p.Answered = "Understood: you have declined the offer", "declined"
		p.Message = "You will not be asked again about this offer. This does not unsubscribe you: we may still write " +
			"to you now and then, and every message has a link to stop them."
	}
	showOfferPage(w, http.StatusOK, p)
}

// openOffer verifies the link's token and finds its offer open on a running campaign. When it
// is not, it answers the page that says why and returns false. The token is never logged: it
// is the customer's credential.
func (h *Handler) openOffer(ctx context.Context, w http.ResponseWriter, r *http.Request, token string) (*offerLink, bool) {
	l, ok := h.findOffer(ctx, w, r, token)
	if !ok {
		return nil, false
	}
	if l.offer.Status == workflows.OfferOpen {
		return l, true
	}
	h.showAnswered(ctx, w, r, l)
	return nil, false
}

// findOffer verifies the link's token and finds its offer, in any status, on a running
// campaign. When it cannot, it answers the page that says why and returns false.
func (h *Handler) findOffer(ctx context.Context, w http.ResponseWriter, r *http.Request, token string) (*offerLink, bool) {
	wf, offerID, expires, err := activities.VerifyOfferTokenAt(h.linkSecret, token, h.now())
	customerID, isCampaign := workflows.CustomerID(wf)
	switch {
	case errors.Is(err, activities.ErrOfferTokenExpired):
		h.log.Info("webhooks: expired offer link", "method", r.Method, "workflowID", wf, "offer", offerID)
		showOfferPage(w, http.StatusGone, expiredOfferPage(expires))
		return nil, false
	case err != nil || !isCampaign:
		h.log.Warn("webhooks: offer link refused: token missing, altered or not ours", "method", r.Method)
		showOfferPage(w, http.StatusBadRequest, offerPage{Heading: "This offer link does not work",
			Message: "It may have been cut short or changed. Use the link in the latest message we sent you, or reply to that message: we will answer."})
		return nil, false
	}
	l := &offerLink{token: token, workflowID: wf, customerID: customerID, offerID: offerID}
	l.status, err = h.client.Status(ctx, customerID)
	switch {
	case errors.Is(err, campaigns.ErrNotFound):
		showOfferPage(w, http.StatusGone, closedOfferPage())
		return nil, false
	case err != nil:
		h.log.Error("webhooks: offer page: the campaign's status could not be read", "workflowID", wf, "error", err)
		h.offerUnavailable(w)
		return nil, false
	case l.status.Stage == workflows.StageClosed || l.status.Outcome != "":
		h.log.Info("webhooks: offer link of a closed campaign", "method", r.Method, "workflowID", wf, "offer", offerID)
		showOfferPage(w, http.StatusGone, closedOfferPage())
		return nil, false
	}
	found := false
	for _, o := range l.status.Offers {
		if o.ID == offerID {
			l.offer, found = o, true
		}
	}
	if !found {
		h.log.Warn("webhooks: offer link names an offer its campaign does not have", "workflowID", wf, "offer", offerID)
		showOfferPage(w, http.StatusGone, closedOfferPage())
		return nil, false
	}
	return l, true
}

// showAnswered shows the page of an offer no longer open: answered, replaced or expired. An
// accepted offer that resubscribes through Checkout has a button to go there (again).
func (h *Handler) showAnswered(ctx context.Context, w http.ResponseWriter, r *http.Request, l *offerLink) {
	h.log.Info("webhooks: offer link of an offer no longer open", "method", r.Method, "workflowID", l.workflowID, "offer", l.offerID, "status", l.offer.Status)
	p := h.describeOffer(ctx, l)
	status := http.StatusConflict
	switch l.offer.Status {
	case workflows.OfferAccepted, workflows.OfferFulfilled:
		p.Heading, p.Answered = "You have already accepted this offer", "accepted"
		p.Message = inTouch(h.repName(ctx, l)) + " to set it up, if not already."
		if l.offer.Status == workflows.OfferAccepted && h.mayCheckout(ctx, l) {
			p.Message = "Resubscribe with your offer below, or " + lowerFirst(inTouch(h.repName(ctx, l))) + " to help."
			p.Resubscribe, p.Checkout = l.token, true
		}
	case workflows.OfferDeclined:
		p.Heading, p.Answered = "You have already declined this offer", "declined"
		p.Message = "We will not ask you again about it. If you have changed your mind, reply to our latest message."
	case workflows.OfferWithdrawn:
		status = http.StatusGone
		p.Heading = "This offer has been replaced"
		p.Message = "We have made you a newer offer since: use the link in our latest message."
	default: // expired
		status = http.StatusGone
		p = expiredOfferPage(time.Time{})
	}
	showOfferPage(w, status, p)
}

// lowerFirst lowers "We will be in touch" for the middle of a sentence; a name stays as it is.
func lowerFirst(s string) string {
	if strings.HasPrefix(s, "We ") {
		return "we " + s[3:]
	}
	return s
}

// offerClaimID names one answer to one offer of one campaign in the store's claims.
func offerClaimID(l *offerLink) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d/%d", l.workflowID, l.offerID, l.status.Launched.UnixNano(), l.offer.Made.UnixNano()))
	return "offer:" + hex.EncodeToString(sum[:])
}

// describeOffer says the offer in its terms, for the customer.
func (h *Handler) describeOffer(ctx context.Context, l *offerLink) offerPage {
	o := l.offer
	p := offerPage{Title: offerTitle(o.Kind)}
	if o.Kind == workflows.OfferBeatOffer {
		// The competitor and their offer were captured at launch: they are in the input.
		if in := l.input(ctx, h.client); in != nil && in.Departure.CompetitorOffer != "" {
			who := in.Departure.Competitor
			if who == "" {
				who = "Your new supplier"
			}
			p.Terms = append(p.Terms, who+" offered you: "+in.Departure.CompetitorOffer)
		}
	}
	if o.Details != "" {
		p.Terms = append(p.Terms, o.Details)
	}
	p.Terms = append(p.Terms, o.Figures...)
	if o.Value != 0 {
		what := "Worth"
		if o.Kind == workflows.OfferFootInDoor {
			what = "Project value"
		}
		p.Terms = append(p.Terms, what+": "+activities.Money(o.Value))
	}
	if o.Until != "" {
		p.Terms = append(p.Terms, "Open until "+activities.LongDate(o.Until))
	}
	return p
}

// offerTitle is how the page names an offer's kind to the customer.
func offerTitle(k workflows.Offer) string {
	switch k {
	case workflows.OfferApology:
		return "Our apology, and an offer to make up for it"
	case workflows.OfferBeatOffer:
		return "We will beat the offer you received"
	case workflows.OfferValueNumbers:
		return "The numbers, so you can judge for yourself"
	case workflows.OfferIncentive:
		return "An offer for you"
	case workflows.OfferFootInDoor:
		return "A small project to start with"
	case workflows.OfferDifferentProduct:
		return "Something we have not done for you before"
	}
	return "Our offer"
}

// repName is the name of the campaign's rep, for "Alice Archer will be in touch": from the
// people the campaign met, or the owners it started with; "" when neither knows it (an ID is
// not a name to show a customer).
func (h *Handler) repName(ctx context.Context, l *offerLink) string {
	rep := l.status.Rep
	for _, p := range l.status.People {
		if p.ID == rep && p.Name != "" {
			return p.Name
		}
	}
	if in := l.input(ctx, h.client); in != nil && in.Owners.Rep.ID == rep {
		return in.Owners.Rep.Name
	}
	return ""
}

// inTouch is "Alice Archer will be in touch", or "We will be in touch" without the rep's name.
func inTouch(rep string) string {
	return cmp.Or(rep, "We") + " will be in touch"
}

func expiredOfferPage(expires time.Time) offerPage {
	msg := "This offer is no longer open."
	if !expires.IsZero() {
		msg = "This offer was open until " + expires.Add(-time.Second).UTC().Format("2 January 2006") + "."
	}
	return offerPage{Heading: "This offer has expired",
		Message: msg + " If you are still interested, reply to our latest message and we will talk."}
}

func closedOfferPage() offerPage {
	return offerPage{Heading: "This offer is no longer available",
		Message: "It belongs to a conversation that has ended. If you would like to talk, reply to our latest message."}
}

// offerUnavailable is the 503 page: the store or Temporal failed, and nothing was recorded.
func (h *Handler) offerUnavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "60")
	showOfferPage(w, http.StatusServiceUnavailable, offerPage{Heading: "We could not record your answer just now",
		Message: "Something went wrong on our side, and nothing was changed. Please try the link again in a few minutes."})
}

// showOfferPage writes the page with the unsubscribe page's headers: the token stays out of
// caches, referrers and frames.
func showOfferPage(w http.ResponseWriter, status int, p offerPage) {
	linkPageHeaders(w)
	if p.Checkout {
		w.Header().Set("Content-Security-Policy", strings.Replace(w.Header().Get("Content-Security-Policy"),
			"form-action 'self'", "form-action 'self' "+checkoutOrigin, 1))
	}
	w.WriteHeader(status)
	_ = offerTmpl.Execute(w, p)
}
