package webhooks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// openOffer is the campaign's open offer the tests answer: an incentive, as the decision made it.
var openOffer = workflows.OfferState{ID: "offer-1", Kind: workflows.OfferIncentive, Status: workflows.OfferOpen,
	Details: "a loyalty credit on your next order", Value: 1200.5, Until: "2026-07-31", MadeBy: "maria",
	Made: testNow.Add(-48 * time.Hour)}

// withOffer gives the test campaign its rep, its launch and the offers given (the open one
// when none is).
func withOffer(e *env, offers ...workflows.OfferState) {
	if len(offers) == 0 {
		offers = []workflows.OfferState{openOffer}
	}
	e.temporal.Edit(customerID, func(c *campaignstest.Campaign) {
		c.Status.Rep, c.Status.Manager, c.Status.Stage = "alice", "maria", workflows.StageCheckIns
		c.Status.Launched, c.Status.Offers = testNow.Add(-30*24*time.Hour), offers
		c.Input = workflows.CampaignInput{Customer: workflows.Customer{ID: customerID, Name: "Dana Reyes"},
			Departure: workflows.Departure{Competitor: "Globex", CompetitorOffer: "20% off the first year"},
			Owners:    workflows.Owners{Rep: workflows.Person{ID: "alice", Name: "Alice Archer"}, Manager: workflows.Person{ID: "maria"}}}
	})
}

// offerToken is a link's token for the test campaign's offer, good until the offer's end.
func offerToken(offerID string) string {
	return activities.OfferToken(linkSecret, workflowID, offerID, testNow.Add(24*time.Hour))
}

func offerGet(token string) *http.Request {
	return httptest.NewRequest(http.MethodGet, "/offer?t="+url.QueryEscape(token), nil)
}

// offerPost is the form of one of the page's buttons.
func offerPost(token, choice string) *http.Request {
	form := url.Values{"t": {token}, "choice": {choice}}
	req := httptest.NewRequest(http.MethodPost, "/offer", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func wantPage(t *testing.T, rec *httptest.ResponseRecorder, status int, want ...string) string {
	t.Helper()
	wantStatus(t, rec, status)
	page := rec.Body.String()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q:\n%s", w, page)
		}
	}
	return page
}

// noForms fails when the page still offers to answer.
func noForms(t *testing.T, page string) {
	t.Helper()
	if strings.Contains(page, "<form") {
		t.Errorf("page offers the buttons:\n%s", page)
	}
}

// offerAnswered is the OfferResponse the page sends for the test offer.
func offerAnswered(accept bool) sent {
	return sent{WorkflowID: workflowID, Name: workflows.SignalOfferResponse,
		Arg: workflows.OfferResponseSignal{OfferID: "offer-1", Accept: accept, At: testNow, Source: "offer-link"}}
}

func TestOfferGetShowsTheOfferAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	rec := e.serve(offerGet(offerToken("offer-1")))
	page := wantPage(t, rec, http.StatusOK, `<html lang="en">`, "Your offer from Alice Archer",
		"An offer for you", "a loyalty credit on your next order", "Worth: 1,200.50", "Open until 31 July 2026",
		`<button type="submit" class="accept"`, "Accept the offer", `class="decline"`, "No thanks, decline",
		`name="choice" value="accept"`, `name="choice" value="decline"`, `<meta name="viewport"`,
		"Declining does not unsubscribe you", "and Alice Archer will be in touch to set it up")
	if strings.Count(page, `<form method="post" action="/offer"`) != 2 || strings.Contains(page, "<script") {
		t.Errorf("want two forms and no script:\n%s", page)
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	// A mail scanner following the link twice changes nothing.
	wantStatus(t, e.serve(offerGet(offerToken("offer-1"))), http.StatusOK)
	wantSignals(t, e.temporal)
	if len(e.temporal.Updates()) != 0 {
		t.Errorf("updates %+v", e.temporal.Updates())
	}
}

// The page names each kind's terms, as the campaign holds them (the competitor's offer from
// the launch).
func TestOfferGetStatesEachKindsTerms(t *testing.T) {
	for _, c := range []struct {
		offer workflows.OfferState
		want  []string
	}{
		{workflows.OfferState{Kind: workflows.OfferApology, Details: "two months at no charge"}, []string{"Our apology", "two months at no charge"}},
		{workflows.OfferState{Kind: workflows.OfferBeatOffer, Details: "25% off for two years"}, []string{"We will beat the offer", "Globex offered you: 20% off the first year", "25% off for two years"}},
		{workflows.OfferState{Kind: workflows.OfferValueNumbers, Figures: []string{"on time: 98%", "answers in 42 minutes"}}, []string{"<li>on time: 98%</li>", "<li>answers in 42 minutes</li>"}},
		{workflows.OfferState{Kind: workflows.OfferFootInDoor, Details: "an audit of Q3", Value: 48000}, []string{"A small project", "an audit of Q3", "Project value: 48,000"}},
		{workflows.OfferState{Kind: workflows.OfferDifferentProduct, Details: "managed inventory"}, []string{"Something we have not done for you before", "managed inventory"}},
	} {
		t.Run(string(c.offer.Kind), func(t *testing.T) {
			e := newEnv(t)
			o := c.offer
			o.ID, o.Status, o.Made = "offer-1", workflows.OfferOpen, testNow
			withOffer(e, o)
			wantPage(t, e.serve(offerGet(offerToken("offer-1"))), http.StatusOK, c.want...)
		})
	}
}

func TestOfferAcceptSignalsOnceAndThanks(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	token := offerToken("offer-1")
	page := wantPage(t, e.serve(offerPost(token, "accept")), http.StatusOK,
		"you have accepted the offer", "Alice Archer will be in touch to set it up")
	noForms(t, page)
	wantSignals(t, e.temporal, offerAnswered(true))

	// The same link again (a second tap, the back button): already answered, nothing sent.
	for _, choice := range []string{"accept", "decline"} {
		page = wantPage(t, e.serve(offerPost(token, choice)), http.StatusConflict, "already answered")
		noForms(t, page)
	}
	// Another link to the same offer (the text message's) is the same offer: answered once.
	other := activities.OfferToken(linkSecret, workflowID, "offer-1", testNow.Add(72*time.Hour))
	wantPage(t, e.serve(offerPost(other, "accept")), http.StatusConflict, "already answered")
	wantSignals(t, e.temporal, offerAnswered(true))
}

func TestOfferDeclineIsNotAnOptOut(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	page := wantPage(t, e.serve(offerPost(offerToken("offer-1"), "decline")), http.StatusOK,
		"you have declined the offer", "You will not be asked again about this offer", "does not unsubscribe you")
	noForms(t, page)
	wantSignals(t, e.temporal, offerAnswered(false))
	for _, c := range []struct{ contact, channel string }{{email, "email"}, {phone, "sms"}} {
		if _, ok, _ := e.store.Suppressed(context.Background(), c.contact, c.channel); ok {
			t.Errorf("declining suppressed %s", c.channel)
		}
	}
}

func TestOfferExpiredLink(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	token := activities.OfferToken(linkSecret, workflowID, "offer-1", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	for _, req := range []*http.Request{offerGet(token), offerPost(token, "accept")} {
		page := wantPage(t, e.serve(req), http.StatusGone, "This offer has expired", "open until 31 May 2026")
		noForms(t, page)
	}
	// The campaign may say so before the link does.
	o := openOffer
	o.Status = workflows.OfferExpired
	withOffer(e, o)
	noForms(t, wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusGone, "This offer has expired"))
	wantSignals(t, e.temporal)
}

func TestOfferOfAClosedCampaign(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	e.temporal.Edit(customerID, func(c *campaignstest.Campaign) {
		c.Status.Stage, c.Status.Outcome, c.Running, c.Outcome = workflows.StageClosed, workflows.OutcomeDeclined, false, workflows.OutcomeDeclined
	})
	for _, req := range []*http.Request{offerGet(offerToken("offer-1")), offerPost(offerToken("offer-1"), "accept")} {
		noForms(t, wantPage(t, e.serve(req), http.StatusGone, "no longer available"))
	}
	// A campaign unknown to Temporal (past its retention) is no better.
	unknown := activities.OfferToken(linkSecret, "winback:nobody", "offer-1", testNow.Add(time.Hour))
	wantPage(t, e.serve(offerPost(unknown, "accept")), http.StatusGone, "no longer available")
	wantSignals(t, e.temporal)
}

// A campaign that closes between the page and the button: the signal fails, nothing changed,
// and the claim is given back.
func TestOfferCampaignClosesBeforeTheAnswer(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	e.temporal.Close(customerID, workflows.OutcomeWonBack) // its status still shows the offer open
	wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusGone, "no longer available")
	wantSignals(t, e.temporal)
}

func TestOfferForgedLinkIs400(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	good := offerToken("offer-1")
	for name, token := range map[string]string{
		"empty":          "",
		"garbage":        "nonsense",
		"cut short":      good[:len(good)-4],
		"other secret":   activities.OfferToken([]byte("another-secret-0123456789"), workflowID, "offer-1", testNow.Add(time.Hour)),
		"unsubscribe":    activities.UnsubscribeToken(linkSecret, workflowID, "email"),
		"not a campaign": activities.OfferToken(linkSecret, "somebody-else", "offer-1", testNow.Add(time.Hour)),
	} {
		for _, req := range []*http.Request{offerGet(token), offerPost(token, "accept")} {
			page := wantPage(t, e.serve(req), http.StatusBadRequest, "This offer link does not work")
			if strings.Contains(page, "<form") {
				t.Errorf("%s %s: the page offers buttons", name, req.Method)
			}
		}
	}
	wantSignals(t, e.temporal)
	if strings.Contains(e.logs.String(), good[:20]) {
		t.Error("a token reached the logs")
	}
}

func TestOfferNoLongerOpen(t *testing.T) {
	for _, c := range []struct {
		status workflows.OfferStatus
		code   int
		want   string
	}{
		{workflows.OfferAccepted, http.StatusConflict, "You have already accepted this offer"},
		{workflows.OfferFulfilled, http.StatusConflict, "You have already accepted this offer"},
		{workflows.OfferDeclined, http.StatusConflict, "You have already declined this offer"},
		{workflows.OfferWithdrawn, http.StatusGone, "This offer has been replaced"},
	} {
		t.Run(string(c.status), func(t *testing.T) {
			e := newEnv(t)
			o := openOffer
			o.Status = c.status
			withOffer(e, o)
			for _, req := range []*http.Request{offerGet(offerToken("offer-1")), offerPost(offerToken("offer-1"), "accept")} {
				noForms(t, wantPage(t, e.serve(req), c.code, c.want))
			}
			wantSignals(t, e.temporal)
		})
	}
	// An offer the campaign never made.
	e := newEnv(t)
	withOffer(e)
	noForms(t, wantPage(t, e.serve(offerGet(offerToken("offer-7"))), http.StatusGone, "no longer available"))
}

func TestOfferPostWithoutAChoice(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	page := wantPage(t, e.serve(offerPost(offerToken("offer-1"), "maybe")), http.StatusBadRequest, "Accept or decline?")
	if strings.Count(page, "<form") != 2 {
		t.Errorf("want the two buttons again:\n%s", page)
	}
	wantSignals(t, e.temporal)
}

// flakyOffers fails the first fail OfferResponse signals, as a Temporal that cannot be reached.
type flakyOffers struct {
	*campaignstest.Fake
	fail int
}

func (f *flakyOffers) RespondToOffer(ctx context.Context, id string, s workflows.OfferResponseSignal) error {
	if f.fail > 0 {
		f.fail--
		return campaignstest.ErrDown
	}
	return f.Fake.RespondToOffer(ctx, id, s)
}

// A Temporal failure answers 503 and gives the claim back: the customer's next try counts.
func TestOfferWhileTemporalIsDown(t *testing.T) {
	flaky := &flakyOffers{fail: 1}
	e := newEnv(t, func(o *webhooks.Options) {
		flaky.Fake = o.Client.(*campaignstest.Fake)
		o.Client = flaky
	})
	withOffer(e)
	rec := e.serve(offerPost(offerToken("offer-1"), "accept"))
	noForms(t, wantPage(t, rec, http.StatusServiceUnavailable, "could not record your answer", "nothing was changed"))
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	wantSignals(t, e.temporal)
	wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusOK, "you have accepted the offer")
	wantSignals(t, e.temporal, offerAnswered(true))

	// Temporal down for the status too: 503, on the page and the button.
	e.temporal.SetDown(true)
	wantStatus(t, e.serve(offerGet(offerToken("offer-1"))), http.StatusServiceUnavailable)
}

// failingClaims is a store whose claims fail: the database is down.
type failingClaims struct{ *store.Store }

func (failingClaims) Claim(context.Context, ...string) (*store.Claim, store.ClaimState, error) {
	return nil, 0, errors.New("database is down")
}

func TestOfferWhileTheStoreIsDown(t *testing.T) {
	e := newEnv(t, func(o *webhooks.Options) { o.Store = failingClaims{newStore(t)} })
	withOffer(e)
	wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusServiceUnavailable, "could not record your answer")
	wantSignals(t, e.temporal)
}

// A rep the campaign knows only by ID is not named to the customer.
func TestOfferPageWithoutTheRepsName(t *testing.T) {
	e := newEnv(t)
	withOffer(e)
	e.temporal.Edit(customerID, func(c *campaignstest.Campaign) { c.Status.Rep = "carol" }) // moved to carol, not in the team file
	page := wantPage(t, e.serve(offerGet(offerToken("offer-1"))), http.StatusOK, "<h1>Your offer</h1>", "and we will be in touch")
	if strings.Contains(page, "carol") || strings.Contains(page, "Alice") {
		t.Errorf("the page names a rep it should not:\n%s", page)
	}
	wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusOK, "We will be in touch to set it up")
}

// busyClaims is a store where another request holds every claim: a double tap in flight.
type busyClaims struct{ *store.Store }

func (busyClaims) Claim(context.Context, ...string) (*store.Claim, store.ClaimState, error) {
	return nil, store.ClaimBusy, nil
}

func TestOfferAnsweredTwiceAtOnce(t *testing.T) {
	e := newEnv(t, func(o *webhooks.Options) { o.Store = busyClaims{newStore(t)} })
	withOffer(e)
	noForms(t, wantPage(t, e.serve(offerPost(offerToken("offer-1"), "accept")), http.StatusConflict, "We are recording your answer"))
	wantSignals(t, e.temporal)
}
