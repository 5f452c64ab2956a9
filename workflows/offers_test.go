package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/winback/winback/activities"
)

// makeOffer makes an offer at d through the MakeOffer update, recording the result or the
// rejection under updateID.
func (h *harness) makeOffer(d time.Duration, updateID string, r MakeOfferRequest, got *MakeOfferResult) {
	h.at(d, func() {
		h.env.UpdateWorkflow(UpdateMakeOffer, updateID, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.rejected[updateID] = err },
			OnAccept: func() {},
			OnComplete: func(r any, err error) {
				if err != nil {
					h.rejected[updateID] = err
					return
				}
				*got = r.(MakeOfferResult)
			},
		}, r)
	})
}

// answerOffer is the customer's click on the offer's page at d.
func (h *harness) answerOffer(d time.Duration, offerID string, accept bool) {
	h.signal(d, SignalOfferResponse, OfferResponseSignal{OfferID: offerID, Accept: accept, Source: "offer-link"})
}

func offerByID(st CampaignStatus, id string) *OfferState {
	for i := range st.Offers {
		if st.Offers[i].ID == id {
			return &st.Offers[i]
		}
	}
	return nil
}

func TestTheRevisitEmailCarriesTheOfferItsTermsAndItsLink(t *testing.T) {
	cases := []struct {
		name  string
		offer TaskAnswers
		check func(t *testing.T, d activities.MessageData)
		says  []string // what the customer reads, rendered from what the workflow passed
	}{
		{"beat the competitor's offer", TaskAnswers{Offer: OfferBeatOffer, OfferDetails: "25% off for two years"},
			func(t *testing.T, d activities.MessageData) {
				if d.CompetitorOffer != "20% off" || d.OfferDetails != "25% off for two years" {
					t.Errorf("competitor's offer %q against ours %q: want both side by side", d.CompetitorOffer, d.OfferDetails)
				}
			},
			[]string{"Globex offered you 20% off. We will beat that: 25% off for two years."}},
		{"an apology", TaskAnswers{Offer: OfferApology, OfferDetails: "a named engineer on your account"},
			func(t *testing.T, d activities.MessageData) {
				if !d.Apology || d.OfferDetails != "a named engineer on your account" {
					t.Errorf("apology %v, terms %q: want the apology and the conciliatory offer", d.Apology, d.OfferDetails)
				}
			},
			[]string{"I'm sorry.", "To make up for it: a named engineer on your account."}},
		{"the numbers", TaskAnswers{Offer: OfferValueNumbers, Figures: []string{"you saved 12,000 in 2025", "99.98% uptime"}},
			func(t *testing.T, d activities.MessageData) {
				if strings.Join(d.Figures, "|") != "you saved 12,000 in 2025|99.98% uptime" {
					t.Errorf("figures = %q, want the rep's figures in order", d.Figures)
				}
			},
			[]string{"- you saved 12,000 in 2025\n- 99.98% uptime"}},
		{"an incentive", TaskAnswers{Offer: OfferIncentive, OfferDetails: "three months free", OfferValue: "6,000", OfferUntil: "2026-12-31"},
			func(t *testing.T, d activities.MessageData) {
				if d.OfferValue != 6000 || d.OfferUntil != "2026-12-31" {
					t.Errorf("incentive worth %v until %q, want 6000 until 2026-12-31", d.OfferValue, d.OfferUntil)
				}
			},
			[]string{"three months free, worth 6,000, until 31 December 2026."}},
		{"a foot in the door", TaskAnswers{Offer: OfferFootInDoor, OfferDetails: "a pilot for the EU team", OfferValue: "4000"},
			func(t *testing.T, d activities.MessageData) {
				if d.OfferDetails != "a pilot for the EU team" || d.OfferValue != 4000 {
					t.Errorf("project %q worth %v", d.OfferDetails, d.OfferValue)
				}
			},
			[]string{"we could start with something small: a pilot for the EU team, a project worth 4,000."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			d := pursue
			d.Offer, d.OfferDetails, d.OfferValue, d.OfferUntil, d.Figures = tc.offer.Offer, tc.offer.OfferDetails, tc.offer.OfferValue, tc.offer.OfferUntil, tc.offer.Figures
			h.happyPath(interview, d)
			h.at(4*hour, func() { h.env.SignalWorkflow(SignalCancel, CancelSignal{By: "ops", Reason: "test over"}) })

			_, st := h.run()

			msgs := h.customerMessages()
			if len(msgs) != 1 || msgs[0].Step != StepRevisitEmail {
				t.Fatalf("messages = %+v, want the revisit email", msgs)
			}
			got := msgs[0].Data
			if got.Offer != string(tc.offer.Offer) || got.OfferID != "offer-1" {
				t.Errorf("revisit offer %q with ID %q, want %s and offer-1 (its link)", got.Offer, got.OfferID, tc.offer.Offer)
			}
			tc.check(t, got)
			p := activities.Preview{PublicURL: "https://winback.example", FromName: "Acme Support"}
			_, text, err := p.Email(activities.EmailRequest{WorkflowID: WorkflowID(h.in.Customer.ID), Step: msgs[0].Step,
				To: msgs[0].To, Template: msgs[0].Template, Data: got})
			if err != nil {
				t.Fatalf("the revisit email does not render from what the campaign passed: %v", err)
			}
			for _, want := range append(tc.says, "You can accept or decline this offer in one click", "https://winback.example/offer?t=") {
				if !strings.Contains(text, want) {
					t.Errorf("the email does not say %q:\n%s", want, text)
				}
			}
			o := offerByID(st, "offer-1")
			if o == nil || o.Kind != tc.offer.Offer || o.MadeBy != "maria" {
				t.Fatalf("offers = %+v, want offer-1 made by maria", st.Offers)
			}
			if o.Status != OfferExpired {
				t.Errorf("offer-1 is %s after the campaign was cancelled, want expired", o.Status)
			}
		})
	}
}

func TestAnAcceptedOfferGivesTheRepATaskAndFulfillingItWinsTheCustomerBack(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.answerOffer(5*hour, "offer-1", true)
	var before CampaignStatus
	h.at(5*hour+time.Minute, func() { before = h.status() })
	h.complete(6*hour, FulfilTaskID("offer-1"), "alice", TaskAnswers{Notes: "applied the 25% to the renewal"})

	res, st := h.run()

	fulfil := taskByID(before, "fulfil-offer-1")
	if fulfil == nil || fulfil.Kind != TaskFulfilOffer || fulfil.Assignee != "alice" || fulfil.Status != TaskOpen {
		t.Fatalf("after the acceptance, fulfil task = %+v: want an open fulfil_offer task for rep alice", fulfil)
	}
	if !strings.Contains(fulfil.Title, "our terms against the competitor's: put them in the contract: 25% off for two years") {
		t.Errorf("fulfil task title = %q, want what to do for this kind of offer, with its terms", fulfil.Title)
	}
	if o := offerByID(before, "offer-1"); o.Status != OfferAccepted {
		t.Errorf("offer-1 after the click = %s, want accepted", o.Status)
	}
	if res.Outcome != OutcomeWonBack {
		t.Fatalf("outcome = %s, want won_back once the rep fulfilled the offer", res.Outcome)
	}
	if o := offerByID(st, "offer-1"); o.Status != OfferFulfilled || o.Fulfilled.IsZero() {
		t.Errorf("offer-1 = %+v, want fulfilled with its time", o)
	}
	if got := h.results["fulfil-offer-1"].Next; !strings.Contains(got, "won_back") {
		t.Errorf("the rep was told %q, want that the campaign closes as won_back", got)
	}
	if call := taskByID(st, "thank-you-call"); call != nil && call.Status != TaskCancelled {
		t.Errorf("thank-you call = %s after the win, want cancelled or never opened", call.Status)
	}
	last := h.lastRecord()
	if last.Outcome != string(OutcomeWonBack) || len(last.Offers) != 1 || last.Offers[0].Status != string(OfferFulfilled) {
		t.Errorf("the store's record = outcome %s offers %+v, want won_back with offer-1 fulfilled", last.Outcome, last.Offers)
	}
}

func TestADeclinedOfferIsNotAnOptOut(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.answerOffer(5*hour, "offer-1", false)
	h.answerOffer(6*hour, "offer-1", true) // a second click on the old link changes nothing
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.signal(15*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "billing"})

	res, st := h.run()

	if o := offerByID(st, "offer-1"); o.Status != OfferDeclined {
		t.Errorf("offer-1 = %s, want declined (the later acceptance on the same link is ignored)", o.Status)
	}
	if taskByID(st, "fulfil-offer-1") != nil {
		t.Error("a fulfil task opened for a declined offer")
	}
	if len(h.recorded) != 0 || len(st.OptedOut) != 0 {
		t.Errorf("opt-outs %+v / %v after a decline: a decline is not an opt-out", h.recorded, st.OptedOut)
	}
	if got := h.steps(ChannelEmail); len(got) < 2 || got[1] != CheckInStep(1) {
		t.Errorf("emails = %v, want the check-ins to go on after the decline", got)
	}
	for _, m := range h.customerMessages()[1:] {
		if m.Data.OfferID != "" {
			t.Errorf("%s carries offer %s after it was declined", m.Step, m.Data.OfferID)
		}
	}
	if res.Outcome != OutcomeWonBack {
		t.Errorf("outcome = %s, want won_back when they return on their own", res.Outcome)
	}
}

func TestAnIncentiveEndsOnItsLastDay(t *testing.T) {
	h := newHarness(t)
	d := pursue
	d.Offer, d.OfferDetails, d.OfferValue, d.OfferUntil = OfferIncentive, "three months free", "6000", monday9.Add(2*day).Format(time.DateOnly)
	h.happyPath(interview, d)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallNoAnswer})
	h.answerOffer(4*day, "offer-1", true) // too late: the Wednesday was its last day
	h.signal(15*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	_, st := h.run()

	if o := offerByID(st, "offer-1"); o.Status != OfferExpired || !o.Answered.IsZero() {
		t.Errorf("offer-1 = %+v, want expired and unanswered", o)
	}
	if taskByID(st, "fulfil-offer-1") != nil {
		t.Error("an acceptance after the last day opened a fulfil task")
	}
	msgs := h.customerMessages()
	if msgs[0].Data.OfferID != "offer-1" {
		t.Errorf("revisit carries offer %q, want offer-1", msgs[0].Data.OfferID)
	}
	for _, m := range msgs[1:] {
		if m.Data.OfferID != "" || m.Data.OfferValue != 0 {
			t.Errorf("%s at %s still carries the expired incentive", m.Step, m.At.Format(time.DateOnly))
		}
	}
}

func TestAFootInTheDoorIsRecordedWithItsValueAndTheCadenceGrowsIt(t *testing.T) {
	foot := pursue
	foot.Offer, foot.OfferDetails, foot.OfferValue = OfferFootInDoor, "a pilot for the EU team", "4000"

	t.Run("the cadence runs out: still a foot in the door", func(t *testing.T) {
		h := newHarness(t)
		h.happyPath(interview, foot)
		h.answerOffer(5*hour, "offer-1", true)
		h.complete(6*hour, FulfilTaskID("offer-1"), "alice", TaskAnswers{Notes: "pilot starts Monday"})
		h.complete(6*hour+90*day+time.Hour, "grow-call-2", "alice", TaskAnswers{Outcome: CallNoAnswer})

		res, st := h.run()

		if res.Outcome != OutcomeFootInDoor || st.FootInDoorValue != 4000 {
			t.Fatalf("outcome %s value %v, want foot_in_door worth 4000", res.Outcome, st.FootInDoorValue)
		}
		if got := strings.Join(h.steps(ChannelEmail), ","); got != StepRevisitEmail+",grow-1,grow-3" {
			t.Errorf("emails = %s, want the revisit and the grow cadence's emails", got)
		}
		if call := taskByID(st, "grow-call-2"); call == nil || call.Kind != TaskCheckInCall || call.Assignee != "alice" {
			t.Errorf("grow call = %+v, want a call task for alice", call)
		}
		grow := h.customerMessages()[1]
		if got := grow.At.Sub(monday9.Add(6 * hour)); got < 30*day || got > 31*day {
			t.Errorf("first grow email %s after the fulfilment, want 30 days", got)
		}
		if taskByID(st, "check-in-1") != nil || slicesContainsStep(h.customerMessages(), CheckInStep(1)) {
			t.Error("the win-back check-ins ran after the foot in the door; the grow cadence replaces them")
		}
	})

	t.Run("the grow call wins the whole account", func(t *testing.T) {
		h := newHarness(t)
		h.happyPath(interview, foot)
		h.answerOffer(5*hour, "offer-1", true)
		h.complete(6*hour, FulfilTaskID("offer-1"), "alice", TaskAnswers{Notes: "pilot starts Monday"})
		h.complete(6*hour+90*day+time.Hour, "grow-call-2", "alice", TaskAnswers{Outcome: CallWonBack})

		res, st := h.run()

		if res.Outcome != OutcomeWonBack {
			t.Fatalf("outcome = %s, want won_back: the foot in the door grew into the account", res.Outcome)
		}
		if got := h.steps(ChannelEmail); strings.Join(got, ",") != StepRevisitEmail+",grow-1" {
			t.Errorf("emails = %v, want nothing after the win", got)
		}
		if st.FootInDoorValue != 4000 {
			t.Errorf("foot in the door value = %v, want 4000 kept", st.FootInDoorValue)
		}
	})

	t.Run("a STOP ends the cadence, not the foot in the door", func(t *testing.T) {
		h := newHarness(t)
		h.happyPath(interview, foot)
		h.answerOffer(5*hour, "offer-1", true)
		h.complete(6*hour, FulfilTaskID("offer-1"), "alice", TaskAnswers{Notes: "pilot starts Monday"})
		h.signal(40*day, SignalOptOut, OptOutSignal{Channel: ChannelEmail, Source: "unsubscribe-link"})
		h.signal(40*day, SignalOptOut, OptOutSignal{Channel: ChannelSMS, Source: "sms-stop"})

		res, st := h.run()

		if res.Outcome != OutcomeFootInDoor {
			t.Errorf("outcome = %s, want foot_in_door: they keep the smaller project", res.Outcome)
		}
		if got := h.steps(ChannelEmail); strings.Join(got, ",") != StepRevisitEmail+",grow-1" {
			t.Errorf("emails = %v, want nothing after the opt-out", got)
		}
		if call := taskByID(st, "grow-call-2"); call != nil {
			t.Errorf("grow call = %+v after the opt-out, want none", call)
		}
	})
}

func slicesContainsStep(msgs []sent, step string) bool {
	for _, m := range msgs {
		if m.Step == step {
			return true
		}
	}
	return false
}

func TestTheManagerMakesAnOfferAfterTheDecision(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.answerOffer(5*hour, "offer-1", false)
	var byRep, second, tooSoon, replaced MakeOfferResult
	h.makeOffer(6*hour, "by-rep", MakeOfferRequest{By: "alice", Offer: OfferApology, Details: "sorry"}, &byRep)
	h.makeOffer(6*hour, "no-terms", MakeOfferRequest{By: "maria", Offer: OfferIncentive, Details: "a discount"}, &byRep)
	h.makeOffer(8*day, "past", MakeOfferRequest{By: "maria", Offer: OfferIncentive, Details: "three months free", Value: 6000, Until: "2020-01-31"}, &byRep)
	h.makeOffer(8*day, "second", MakeOfferRequest{By: "maria", Offer: OfferIncentive, Details: "three months free", Value: 6000, Until: "2027-01-31"}, &second)
	h.makeOffer(8*day+hour, "too-soon", MakeOfferRequest{By: "maria", Offer: OfferFootInDoor, Details: "a pilot", Value: 4000}, &tooSoon)
	h.makeOffer(8*day+2*hour, "replaced", MakeOfferRequest{By: "maria", Offer: OfferFootInDoor, Details: "a pilot", Value: 4000,
		Override: "they asked for a pilot instead"}, &replaced)
	h.signal(20*day, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	_, st := h.run()

	for id, field := range map[string]string{"by-rep": "by: ", "no-terms": "value: ", "too-soon": "override: ", "past": "until: 2020-01-31 has passed"} {
		err := h.rejected[id]
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: rejection %v, want one naming %s", id, err, field)
		}
	}
	if h.rejected["no-terms"] != nil && !strings.Contains(h.rejected["no-terms"].Error(), "until: ") {
		t.Errorf("no-terms: %v, want the missing last day named too", h.rejected["no-terms"])
	}
	if second.OfferID != "offer-2" || replaced.OfferID != "offer-3" {
		t.Fatalf("offers made: %q, %q; want offer-2 then offer-3", second.OfferID, replaced.OfferID)
	}
	want := map[string]OfferStatus{"offer-1": OfferDeclined, "offer-2": OfferWithdrawn, "offer-3": OfferExpired}
	for id, status := range want {
		if o := offerByID(st, id); o == nil || o.Status != status {
			t.Errorf("%s = %+v, want %s", id, o, status)
		}
	}
	if o := offerByID(st, "offer-3"); o.Override != "they asked for a pilot instead" {
		t.Errorf("offer-3 override = %q, want the manager's reason kept", o.Override)
	}
	var offerEmails []string
	for _, m := range h.customerMessages() {
		if m.Data.OfferID != "" {
			offerEmails = append(offerEmails, m.Step+"="+m.Data.OfferID)
		}
	}
	if got := strings.Join(offerEmails, ","); !strings.Contains(got, "offer-2=offer-2") || !strings.Contains(got, "offer-3=offer-3") {
		t.Errorf("messages with offers: %s; want offer-2 and offer-3 sent with their links", got)
	}
}

func TestAHeldOutCustomerGetsNothingAndIsCounted(t *testing.T) {
	t.Run("no return", func(t *testing.T) {
		h := newHarness(t)
		h.in.Holdout = true

		res, st := h.run()

		if res.Outcome != OutcomeHoldout || !st.Holdout {
			t.Fatalf("outcome %s holdout %v, want holdout", res.Outcome, st.Holdout)
		}
		if len(h.sent) != 0 || len(st.Tasks) != 0 {
			t.Errorf("a held-out customer got messages %+v and tasks %+v, want none", h.sent, st.Tasks)
		}
		if got := h.env.Now().Sub(monday9); got < h.in.Playbook.Expiry {
			t.Errorf("closed after %s, want the playbook's horizon %s", got, h.in.Playbook.Expiry)
		}
		if last := h.lastRecord(); !last.Holdout || last.Outcome != string(OutcomeHoldout) {
			t.Errorf("the store's record = %+v, want holdout", last)
		}
	})
	t.Run("returns on their own", func(t *testing.T) {
		h := newHarness(t)
		h.in.Holdout = true
		h.signal(40*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "stripe", Revenue: 9000, Currency: "eur", Subscription: "sub_9"})

		res, st := h.run()

		if res.Outcome != OutcomeWonBack || !st.Holdout || len(h.sent) != 0 {
			t.Errorf("outcome %s holdout %v messages %d, want won_back, held out, nothing sent", res.Outcome, st.Holdout, len(h.sent))
		}
		if last := h.lastRecord(); st.Revenue != 9000 || st.RevenueCurrency != "eur" || !last.Holdout || last.Revenue != 9000 {
			t.Errorf("revenue %v %s, record %+v; want billing's 9000 eur recorded for the held-out customer", st.Revenue, st.RevenueCurrency, last)
		}
	})
}

func TestAManagerIsWarnedAboutACustomerBoughtBackBefore(t *testing.T) {
	h := newHarness(t)
	h.history = activities.HistoryResult{Campaigns: 2, WonBackWithIncentive: 2}
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", interview)
	var st CampaignStatus
	h.at(3*hour, func() { st = h.status() })
	h.signal(4*hour, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	h.run()

	decision := taskByID(st, TaskIDDecision)
	if decision == nil || !strings.Contains(decision.Title, "bought back with an incentive 2 time(s) in the last 365 days") {
		t.Fatalf("decision task = %+v, want the warning in its title", decision)
	}
	if len(st.Warnings) != 1 {
		t.Errorf("warnings = %v, want the one warning in the status", st.Warnings)
	}
}

func TestAmountsReadAsInTheEmails(t *testing.T) {
	for _, v := range []float64{0, 5, 999, 1000, 1200.5, 4000, 1234567.891, -1500} {
		if got, want := amount(v), activities.Money(v); got != want {
			t.Errorf("amount(%v) = %q, the emails say %q", v, got, want)
		}
	}
}
