package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/winback/winback/activities"
)

func TestCompetitorWonBackOnThankYouCall(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallWonBack})

	res, st := h.run()

	if res.Outcome != OutcomeWonBack {
		t.Fatalf("outcome = %s (%s), want won_back", res.Outcome, res.Reason)
	}
	msgs := h.customerMessages()
	if len(msgs) != 1 || msgs[0].Step != "revisit-email" || msgs[0].Channel != ChannelEmail || msgs[0].Template != "revisit" {
		t.Fatalf("customer messages = %+v, want just the revisit email", msgs)
	}
	if d := msgs[0].Data; d.WhatWeChanged != "cut your renewal price by 25%" || d.Offer != string(OfferBeatOffer) || d.Apology {
		t.Errorf("revisit email data = %+v: want what we changed, the beat_offer offer, no apology", d)
	}
	if !msgs[0].At.Equal(monday9.Add(3 * hour)) {
		t.Errorf("revisit email at %s, want right after the decision at %s", msgs[0].At, monday9.Add(3*hour))
	}
	// One business day of the rep's calendar: Tuesday 10:00 in New York.
	call := taskByID(st, "thank-you-call")
	if want := time.Date(2026, 11, 3, 10, 0, 0, 0, monday9.Location()); call == nil || !call.Created.Equal(want) {
		t.Fatalf("thank-you call task = %+v, want it created %s", call, want)
	}
	for k, want := range map[string]any{"WinBackStage": "closed", "WinBackOutcome": "won_back",
		"WinBackReason": "competitor_price", "WinBackScope": "systemic"} {
		if h.attrs[k] != want {
			t.Errorf("search attribute %s = %v, want %v", k, h.attrs[k], want)
		}
	}
	if st.Decision == nil || st.Decision.By != "maria" || st.Decision.Offer != OfferBeatOffer {
		t.Errorf("decision = %+v", st.Decision)
	}
}

func TestEachReasonGetsItsOwnRevisit(t *testing.T) {
	cases := []struct {
		reason  Reason
		offer   Offer
		apology bool
		terms   TaskAnswers // what the offer needs on top of pursue
	}{
		{ReasonCompetitorPrice, OfferBeatOffer, false, TaskAnswers{}},
		{ReasonLetDown, OfferApology, true, TaskAnswers{OfferDetails: "a named engineer on your account"}},
		{ReasonNoLongerNeeded, OfferValueNumbers, false, TaskAnswers{OfferDetails: "", Figures: []string{"you saved 12,000 in 2025"}}},
		{ReasonOther, OfferFootInDoor, false, TaskAnswers{OfferDetails: "a three-month pilot for the EU team", OfferValue: "4000"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.reason), func(t *testing.T) {
			h := newHarness(t)
			a := interview
			a.Reason = tc.reason
			d := pursue
			d.Offer = tc.offer
			if tc.terms.OfferDetails != "" || tc.terms.Figures != nil {
				d.OfferDetails = tc.terms.OfferDetails
			}
			d.OfferValue, d.Figures = tc.terms.OfferValue, tc.terms.Figures
			h.happyPath(a, d)
			h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallDeclined})

			res, st := h.run()

			if res.Outcome != OutcomeDeclined {
				t.Fatalf("outcome = %s, want declined", res.Outcome)
			}
			msgs := h.customerMessages()
			if len(msgs) != 1 {
				t.Fatalf("messages = %+v, want only the revisit email (declined stops the check-ins)", msgs)
			}
			got := msgs[0].Data
			if got.Reason != string(tc.reason) || got.Offer != string(tc.offer) || got.Apology != tc.apology {
				t.Errorf("revisit data = reason %s offer %s apology %v; want %s %s %v", got.Reason, got.Offer, got.Apology, tc.reason, tc.offer, tc.apology)
			}
			if h.attrs["WinBackReason"] != string(tc.reason) || st.Reason != tc.reason {
				t.Errorf("reason attribute = %v, status %s", h.attrs["WinBackReason"], st.Reason)
			}
		})
	}
}

func TestOutgrewStaysInTouchWithoutOffer(t *testing.T) {
	h := newHarness(t)
	a := interview
	a.Reason = ReasonOutgrew
	h.happyPath(a, TaskAnswers{Pursue: yes(), Offer: OfferStayInTouch})

	res, st := h.run()

	if res.Outcome != OutcomeExpired {
		t.Fatalf("outcome = %s, want expired after the light cadence", res.Outcome)
	}
	if taskByID(st, "thank-you-call") != nil {
		t.Error("an outgrown customer got a thank-you call task; they get no offer")
	}
	want := []string{"check-in-1", "check-in-2", "check-in-3"}
	if got := h.steps(ChannelEmail); !slices.Equal(got, want) {
		t.Errorf("emails = %v, want only the stay-in-touch cadence %v", got, want)
	}
	if got := h.customerMessages()[0].At.Sub(monday9); got != 30*day {
		t.Errorf("first stay-in-touch email after %s, want 30 days", got)
	}
}

func TestCheckInsPastTheirDateAreSkippedVisibly(t *testing.T) {
	h := newHarness(t)
	// Nobody does anything but the manager, late: each task expires (backstory day 5, exit
	// interview day 11), maria decides on day 17, the one call expires about day 22, so the
	// day-7 and day-14 check-ins are past when the check-ins begin.
	h.in.Playbook.MaxCallAttempts = 1
	h.complete(17*day, "decision", "maria", pursue)
	h.signal(29*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	_, st := h.run()

	var statuses []string
	for _, m := range st.Messages {
		if strings.HasPrefix(m.Step, "check-in-") {
			statuses = append(statuses, m.Step+":"+m.Status)
		}
	}
	if want := []string{"check-in-1:skipped_late", "check-in-2:skipped_late"}; !slices.Equal(statuses, want) {
		t.Errorf("check-ins = %v, want %v: a skipped touch shows in the status", statuses, want)
	}
}

func TestManagerWalksAway(t *testing.T) {
	h := newHarness(t)
	a := interview
	a.Reason = ReasonBadFit
	h.happyPath(a, TaskAnswers{Pursue: no(), Rationale: "rude to our support staff, low margin"})

	res, st := h.run()

	if res.Outcome != OutcomeWalkedAway || !strings.Contains(res.Reason, "rude to our support staff") {
		t.Fatalf("result = %+v, want walked_away with the rationale", res)
	}
	if len(h.customerMessages()) != 0 {
		t.Errorf("messages = %+v, want none after walking away", h.customerMessages())
	}
	if st.Decision.By != "maria" || st.Decision.Pursue {
		t.Errorf("decision = %+v", st.Decision)
	}
	if h.attrs["WinBackOutcome"] != "walked_away" {
		t.Errorf("WinBackOutcome = %v", h.attrs["WinBackOutcome"])
	}
}

func TestPolicyWalksAwayBelowValueWhenManagerSilent(t *testing.T) {
	h := newHarness(t)
	h.in.Customer.AccountValue = 400
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", interview)

	res, st := h.run()

	if res.Outcome != OutcomeWalkedAway || st.Decision.By != "policy" || !strings.Contains(st.Decision.Rationale, "below") {
		t.Fatalf("result %+v, decision %+v: want the policy to walk away below the value threshold", res, st.Decision)
	}
	// Decision opened Monday 11:00; due 5 working days later (the next Monday); the default
	// applies ExpireAfter (3 working days) past due: Thursday 11:00.
	if want := monday9.Add(2*hour + 10*day); !st.Decision.At.Equal(want) {
		t.Errorf("policy applied at %s, want %s", st.Decision.At, want)
	}
	if !hasEscalation(st, "decision", "reminder", "maria") {
		t.Errorf("escalations = %+v: want a reminder to maria when the decision fell due", st.Escalations)
	}
}

// The manager never decides: nobody chose what we change or offer, so no email may say we did.
// The policy keeps in touch lightly instead, and says so in the status.
func TestASilentManagerPromisesTheCustomerNothing(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", backstory)
	h.complete(2*hour, "exit-interview", "alice", interview)
	h.signal(40*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm"})

	_, st := h.run()

	d := st.Decision
	if d == nil || !d.Pursue || d.By != "policy" || d.Offer != OfferStayInTouch || d.WhatWeChanged != "" ||
		!strings.Contains(d.Rationale, "no change or offer is promised") {
		t.Fatalf("decision = %+v: want the policy to stay in touch, promising nothing", d)
	}
	msgs := h.customerMessages()
	if len(msgs) == 0 || msgs[0].Step == "revisit-email" || msgs[0].Data.WhatWeChanged != "" || (msgs[0].Data.Offer != "" && msgs[0].Data.Offer != string(OfferStayInTouch)) {
		t.Fatalf("messages = %+v: want no revisit email and no promise", msgs)
	}
	if taskByID(st, "thank-you-call") != nil {
		t.Error("a thank-you call for changes nobody made")
	}
	if got := msgs[0].At.Sub(monday9); got != 30*day {
		t.Errorf("first message after %s, want the stay-in-touch email at 30 days", got)
	}
}

func TestOverdueExitInterviewRemindsThenEscalatesToManager(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", backstory)
	// Opened at 1h, due 3 days later; escalated 1 day after that. Maria does it herself.
	escalated := 1*hour + 3*day + 1*day
	h.at(escalated+30*time.Minute, func() {
		h.completeNow("alice-late", "exit-interview", "alice", interview) // no longer hers
		h.completeNow("maria", "exit-interview", "maria", interview)
	})
	h.complete(escalated+hour, "decision", "maria", TaskAnswers{Pursue: no(), Rationale: "not worth it"})

	_, st := h.run()

	var kinds []string
	for _, e := range st.Escalations {
		if e.TaskID == "exit-interview" {
			kinds = append(kinds, e.Kind+":"+e.To)
		}
	}
	if want := []string{"reminder:alice", "escalation:maria"}; !slices.Equal(kinds, want) {
		t.Fatalf("escalations on the exit interview = %v, want %v", kinds, want)
	}
	task := taskByID(st, "exit-interview")
	if task.Assignee != "maria" || task.CompletedBy != "maria" {
		t.Errorf("exit interview task = %+v: want it reassigned to and done by maria", task)
	}
	if err := h.rejected["alice-late"]; err == nil || !strings.Contains(err.Error(), "assigned to maria") {
		t.Errorf("alice completing the escalated task: %v, want a rejection naming maria", err)
	}
	var notices []string
	for _, s := range h.sent {
		if s.Staff {
			notices = append(notices, s.Template+"->"+s.To)
		}
	}
	if want := []string{"reminder->alice@winback.example", "escalation->maria@winback.example"}; !slices.Equal(notices, want) {
		t.Errorf("staff emails = %v, want %v", notices, want)
	}
}

func hasEscalation(st CampaignStatus, taskID, kind, to string) bool {
	for _, e := range st.Escalations {
		if e.TaskID == taskID && e.Kind == kind && e.To == to {
			return true
		}
	}
	return false
}

func TestIsItMeMovesTheAccount(t *testing.T) {
	h := newHarness(t)
	a := interview
	a.IsItMe, a.NewRep = true, "bob"
	h.happyPath(a, pursue)
	h.at(26*hour, func() {
		h.completeNow("alice-call", "thank-you-call", "alice", TaskAnswers{Outcome: CallWonBack})
		h.completeNow("bob-call", "thank-you-call", "bob", TaskAnswers{Outcome: CallWonBack})
	})

	res, st := h.run()

	if res.Outcome != OutcomeWonBack || st.Rep != "bob" {
		t.Fatalf("outcome %s, rep %s: want won back by the new rep bob", res.Outcome, st.Rep)
	}
	if call := taskByID(st, "thank-you-call"); call.Assignee != "bob" || call.CompletedBy != "bob" {
		t.Errorf("thank-you call = %+v, want bob's", call)
	}
	if h.rejected["alice-call"] == nil {
		t.Error("alice completed bob's call after firing herself from the account")
	}
	if !hasEscalation(st, "exit-interview", "reassigned", "bob") {
		t.Errorf("escalations = %+v, want the reassignment recorded", st.Escalations)
	}
	if people, _ := h.attrs["WinBackPeople"].([]string); !slices.Equal(people, []string{"bob", "maria"}) {
		t.Errorf("WinBackPeople = %v, want the new rep and the manager", h.attrs["WinBackPeople"])
	}
	if !strings.Contains(h.results["exit-interview"].Next, "moves to bob") {
		t.Errorf("exit interview result = %q, want it to say the account moves to bob", h.results["exit-interview"].Next)
	}
}

func TestCustomerReturnsMidWait(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	h.signal(5*hour, SignalCustomerReturned, CustomerReturnedSignal{Source: "crm", Note: "signed the renewal"})

	res, st := h.run()

	if res.Outcome != OutcomeWonBack || !res.Closed.Equal(monday9.Add(5*hour)) {
		t.Fatalf("result = %+v: want won back at once, at %s", res, monday9.Add(5*hour))
	}
	if taskByID(st, "thank-you-call") != nil {
		t.Error("the thank-you call was still scheduled after the customer returned")
	}
	if h.attrs["WinBackStage"] != "closed" {
		t.Errorf("stage = %v", h.attrs["WinBackStage"])
	}
}

// considering plays a campaign up to a "considering" thank-you call: the check-ins follow.
func (h *harness) considering() {
	h.happyPath(interview, pursue)
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
}

func TestStopMidWaitStopsSMSButEmailGoesOn(t *testing.T) {
	h := newHarness(t)
	h.considering()
	h.signal(10*day, SignalOptOut, OptOutSignal{Channel: ChannelSMS, Source: "twilio:STOP"})
	h.signal(100*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	_, st := h.run()

	for _, s := range h.customerMessages() {
		if s.Channel == ChannelSMS && s.At.After(monday9.Add(10*day)) {
			t.Errorf("SMS %s sent at %s after STOP", s.Step, s.At)
		}
	}
	// Check-in 2 (day 14) was an SMS: it goes by email instead; the emails go on.
	if want := []string{"revisit-email", "check-in-1", "check-in-2", "check-in-3", "check-in-5"}; !slices.Equal(h.steps(ChannelEmail), want) {
		t.Errorf("emails = %v, want %v", h.steps(ChannelEmail), want)
	}
	if !slices.Contains(st.OptedOut, ChannelSMS) {
		t.Errorf("opted out = %v", st.OptedOut)
	}
}

func TestUnsubscribeStopsEmail(t *testing.T) {
	h := newHarness(t)
	h.considering()
	h.signal(8*day, SignalOptOut, OptOutSignal{Channel: ChannelEmail, Source: "sendgrid:unsubscribe"})
	h.signal(100*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	h.run()

	for _, s := range h.customerMessages() {
		if s.Channel == ChannelEmail && s.At.After(monday9.Add(8*day)) {
			t.Errorf("email %s sent at %s after unsubscribe", s.Step, s.At)
		}
	}
	if got := h.steps(ChannelSMS); !slices.Contains(got, "check-in-2") {
		t.Errorf("SMS = %v: want the SMS check-ins to go on", got)
	}
}

func TestOptOutOfEverythingCloses(t *testing.T) {
	h := newHarness(t)
	h.considering()
	h.signal(8*day, SignalOptOut, OptOutSignal{Channel: ChannelEmail, Source: "sendgrid:unsubscribe"})
	h.signal(9*day, SignalOptOut, OptOutSignal{Channel: ChannelSMS, Source: "twilio:STOP"})

	res, _ := h.run()

	if res.Outcome != OutcomeOptedOut || !res.Closed.Equal(monday9.Add(9*day)) {
		t.Fatalf("result = %+v, want opted_out at once on day 9", res)
	}
}

func TestNoAnswerRetriesUpToTheLimit(t *testing.T) {
	h := newHarness(t)
	h.happyPath(interview, pursue)
	noAnswer := TaskAnswers{Outcome: CallNoAnswer}
	h.complete(26*hour, "thank-you-call", "alice", noAnswer)
	h.complete(26*hour+2*day+hour, "thank-you-call-2", "alice", noAnswer)
	h.complete(26*hour+4*day+2*hour, "thank-you-call-3", "alice", noAnswer)
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	_, st := h.run()

	for _, id := range []string{"thank-you-call", "thank-you-call-2", "thank-you-call-3"} {
		if task := taskByID(st, id); task == nil || task.Status != TaskDone {
			t.Errorf("task %s = %+v, want done", id, task)
		}
	}
	if taskByID(st, "thank-you-call-4") != nil {
		t.Error("a fourth call attempt past the playbook's limit of 3")
	}
	if got := h.steps(ChannelSMS); !slices.Equal(got, []string{"check-in-2"}) {
		t.Errorf("SMS = %v: want the check-ins to follow the last attempt", got)
	}
}

func TestAYearOfCheckInsAcrossContinueAsNew(t *testing.T) {
	h := newHarness(t)
	h.suggestCAN = true // every check-in ends its run: the hardest case for carried state
	h.newEnv()
	h.considering()

	res, st := h.run()

	if res.Outcome != OutcomeExpired {
		t.Fatalf("outcome = %s, want expired at the end of the schedule", res.Outcome)
	}
	if h.runs < 8 || st.Runs != h.runs {
		t.Errorf("runs = %d (status says %d): want several runs by continue-as-new", h.runs, st.Runs)
	}
	if st.CheckInsDone != 8 {
		t.Errorf("check-ins done = %d, want all 8", st.CheckInsDone)
	}
	var got []string
	for _, s := range h.customerMessages() {
		got = append(got, s.Step+"/"+string(s.Channel))
	}
	want := []string{"revisit-email/email", "check-in-1/email", "check-in-2/sms", "check-in-3/email",
		"check-in-5/email", "check-in-6/sms", "check-in-7/email"}
	if !slices.Equal(got, want) {
		t.Errorf("messages = %v, want %v", got, want)
	}
	// The call check-ins were tasks; nobody did them, so they expired and the schedule went on.
	for _, id := range []string{"check-in-call-4", "check-in-call-8"} {
		if task := taskByID(st, id); task == nil || task.Status != TaskExpired {
			t.Errorf("task %s = %+v, want expired (carried across runs)", id, task)
		}
	}
	if len(st.Messages) < len(want) || st.Decision == nil {
		t.Errorf("status lost history across runs: %d messages, decision %v", len(st.Messages), st.Decision)
	}
}

func TestSMSInQuietHoursWaitsForTheCustomersMorning(t *testing.T) {
	h := newHarness(t)
	h.in.Customer.TimeZone = "Asia/Tokyo" // 09:00 in New York is 23:00 in Tokyo
	h.considering()
	h.signal(20*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	h.run()

	var sms *sent
	for i, s := range h.customerMessages() {
		if s.Channel == ChannelSMS {
			sms = &h.customerMessages()[i]
		}
	}
	if sms == nil {
		t.Fatal("no SMS check-in")
	}
	local := sms.At.In(mustLoad("Asia/Tokyo"))
	if local.Hour() != 9 || !sms.At.Equal(monday9.Add(14*day+10*hour)) {
		t.Errorf("SMS at %s (%s Tokyo), want 09:00 Tokyo the morning after day 14", sms.At, local)
	}
}

func TestFrequencyCapSpacesMessages(t *testing.T) {
	h := newHarness(t)
	h.in.Playbook.FrequencyCap = FrequencyCap{Max: 1, Per: 10 * day}
	h.considering()
	h.signal(40*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	h.run()

	msgs := h.customerMessages()
	for i := 1; i < len(msgs); i++ {
		if gap := msgs[i].At.Sub(msgs[i-1].At); gap < 10*day {
			t.Errorf("%s and %s only %s apart under a cap of 1 per 10 days", msgs[i-1].Step, msgs[i].Step, gap)
		}
	}
	if len(msgs) < 3 {
		t.Errorf("messages = %d: want the cap to delay, not drop", len(msgs))
	}
}

func TestInvalidEmailFallsBackToSMSAndAsksRepToFixIt(t *testing.T) {
	h := newHarness(t)
	h.failSend = func(ch Channel, step string) error {
		if ch == ChannelEmail && step == "revisit-email" {
			return temporal.NewNonRetryableApplicationError("to: invalid email", activities.ErrInvalidRecipient, nil)
		}
		return nil
	}
	h.happyPath(interview, pursue)
	h.complete(5*hour, "fix-contact-email", "alice", TaskAnswers{Email: "dana.reyes@acme.example"})
	h.complete(26*hour, "thank-you-call", "alice", TaskAnswers{Outcome: CallConsidering})
	h.signal(8*day, SignalCustomerReturned, CustomerReturnedSignal{Source: "cli"})

	_, st := h.run()

	if got := h.steps(ChannelSMS); !slices.Equal(got, []string{"revisit-email"}) {
		t.Errorf("SMS = %v: want the revisit to go by SMS when the email bounced as invalid", got)
	}
	if task := taskByID(st, "fix-contact-email"); task == nil || task.Status != TaskDone {
		t.Fatalf("fix-contact task = %+v", task)
	}
	var checkIn *sent
	for i, s := range h.customerMessages() {
		if s.Step == "check-in-1" {
			checkIn = &h.customerMessages()[i]
		}
	}
	if checkIn == nil || checkIn.To != "dana.reyes@acme.example" {
		t.Errorf("check-in 1 = %+v: want it sent to the corrected address", checkIn)
	}
}

func TestInvalidUpdatesAreRejectedWithTheirReason(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", backstory)
	cases := []struct {
		id, task, by string
		a            TaskAnswers
		want         string
	}{
		{"unknown", "nope", "alice", interview, `no task "nope"`},
		{"closed", "backstory", "alice", backstory, `already done`},
		{"stranger", "exit-interview", "bob", interview, "assigned to alice"},
		{"nobody", "exit-interview", "", interview, "by: say who"},
		{"missing", "exit-interview", "alice", TaskAnswers{Reason: ReasonLetDown, Scope: ScopeSpecific}, "whyLeaving"},
		{"bad-reason", "exit-interview", "alice", TaskAnswers{WhyLeaving: "x", WhatWouldKeepYou: "y", Reason: "price", Scope: ScopeSpecific}, `reason: "price" is not one of`},
		{"bad-scope", "exit-interview", "alice", TaskAnswers{WhyLeaving: "x", WhatWouldKeepYou: "y", Reason: ReasonOther, Scope: "global"}, "scope"},
		{"decision-early", "decision", "maria", pursue, `no task "decision"`},
	}
	for i, c := range cases {
		c := c
		h.at(2*hour+time.Duration(i)*time.Minute, func() { h.completeNow(c.id, c.task, c.by, c.a) })
	}
	h.signal(3*hour, SignalCancel, CancelSignal{By: "ops", Reason: "test over"})

	res, st := h.run()

	for _, c := range cases {
		err := h.rejected[c.id]
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: rejection %v, want it to mention %q", c.id, err, c.want)
		}
	}
	if task := taskByID(st, "exit-interview"); task.Status != TaskCancelled || task.Answers != nil {
		t.Errorf("exit interview = %+v: rejected updates must leave no trace", task)
	}
	if res.Outcome != OutcomeCancelled {
		t.Errorf("outcome = %s", res.Outcome)
	}
}

func TestDecisionAnswersAreChecked(t *testing.T) {
	cases := map[string]struct {
		a    TaskAnswers
		want string
	}{
		"no verdict":         {TaskAnswers{}, "pursue"},
		"walk away, no why":  {TaskAnswers{Pursue: no()}, "rationale"},
		"pursue, no offer":   {TaskAnswers{Pursue: yes(), WhatWeChanged: "x"}, "offer"},
		"pursue, no change":  {TaskAnswers{Pursue: yes(), Offer: OfferIncentive}, "whatWeChanged"},
		"call, bad outcome":  {TaskAnswers{Outcome: "maybe"}, "outcome"},
		"fix contact, empty": {TaskAnswers{}, "email"},
	}
	kinds := map[string]TaskKind{"call, bad outcome": TaskThankYouCall, "fix contact, empty": TaskFixContact}
	for name, c := range cases {
		kind := TaskDecision
		if k, ok := kinds[name]; ok {
			kind = k
		}
		err := ValidateAnswers(kind, c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, c.want)
		}
	}
	if err := ValidateAnswers(TaskDecision, TaskAnswers{Pursue: yes(), Offer: OfferStayInTouch}); err != nil {
		t.Errorf("stay in touch needs no change: %v", err)
	}
}

func (h *harness) reassign(d time.Duration, id string, r ReassignRequest) {
	h.at(d, func() {
		h.env.UpdateWorkflow(UpdateReassignTask, id, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.rejected[id] = err },
			OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err != nil {
					h.rejected[id] = err
				}
			},
		}, r)
	})
}

func TestReassignATaskAndTheWholeAccount(t *testing.T) {
	h := newHarness(t)
	h.complete(1*hour, "backstory", "alice", backstory)
	// Alice hands her exit interview to bob; bob may not hand the account on, alice may.
	h.reassign(90*time.Minute, "task", ReassignRequest{TaskID: "exit-interview", To: "bob", By: "alice", Reason: "bob knows them"})
	h.reassign(95*time.Minute, "stranger", ReassignRequest{To: "carol", By: "bob"})
	h.reassign(100*time.Minute, "same", ReassignRequest{TaskID: "exit-interview", To: "bob", By: "maria"})
	h.complete(2*hour, "exit-interview", "bob", interview)
	h.complete(3*hour, "decision", "maria", pursue)
	h.reassign(4*hour, "account", ReassignRequest{To: "bob", By: "maria", Reason: "fire yourself, not the firm"})
	h.complete(26*hour, "thank-you-call", "bob", TaskAnswers{Outcome: CallWonBack})

	res, st := h.run()

	if res.Outcome != OutcomeWonBack || st.Rep != "bob" {
		t.Fatalf("outcome %s, rep %s: want bob to own the account and win it back", res.Outcome, st.Rep)
	}
	if task := taskByID(st, "exit-interview"); task.CompletedBy != "bob" {
		t.Errorf("exit interview done by %s, want bob", task.CompletedBy)
	}
	if task := taskByID(st, "thank-you-call"); task.Assignee != "bob" {
		t.Errorf("thank-you call went to %s after the account moved to bob", task.Assignee)
	}
	if err := h.rejected["stranger"]; err == nil || !strings.Contains(err.Error(), "only the account's rep") {
		t.Errorf("bob moving alice's account: %v, want a rejection", err)
	}
	if err := h.rejected["same"]; err == nil || !strings.Contains(err.Error(), "already assigned to bob") {
		t.Errorf("reassigning to the same person: %v, want a rejection", err)
	}
	if h.rejected["task"] != nil || h.rejected["account"] != nil {
		t.Errorf("valid reassignments rejected: %v, %v", h.rejected["task"], h.rejected["account"])
	}
	if !hasEscalation(st, "", "reassigned", "bob") || !hasEscalation(st, "exit-interview", "reassigned", "bob") {
		t.Errorf("escalations = %+v: want both reassignments recorded", st.Escalations)
	}
}
