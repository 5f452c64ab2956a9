package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/winback/winback/workflows"
)

// pathPlaybook is the playbook of the recorded paths. People get a minute for each task, so a
// path goes the way its recorder plays it whatever the machine's load; what must elapse (the
// wait, call retries, check-ins at 20 and 22 seconds, expiry at 25) takes seconds. A path that
// needs a deadline to pass shortens that task's due time.
func pathPlaybook() workflows.Playbook {
	pb := workflows.DefaultPlaybook()
	pb.Version = "record-paths"
	pb.BackstoryDue, pb.ExitInterviewDue, pb.DecisionDue, pb.CallDue, pb.FixContactDue = time.Minute, time.Minute, time.Minute, time.Minute, time.Minute
	pb.BusinessHours = false // minutes of clock time, whatever the hour
	pb.EscalateAfter, pb.ExpireAfter = 1*time.Second, 2*time.Second
	pb.WaitFixed, pb.CallRetryAfter = 1*time.Second, 1*time.Second
	pb.CheckIns = []workflows.CheckIn{{After: 20 * time.Second, Channel: workflows.ChannelEmail}, {After: 22 * time.Second, Channel: workflows.ChannelSMS}}
	pb.StayInTouch = []workflows.CheckIn{{After: 20 * time.Second, Channel: workflows.ChannelEmail}, {After: 22 * time.Second, Channel: workflows.ChannelEmail}}
	pb.Grow = []workflows.CheckIn{{After: 2 * time.Second, Channel: workflows.ChannelEmail}, {After: 3 * time.Second, Channel: workflows.ChannelCall}}
	pb.QuietHours = workflows.QuietHours{}
	pb.FrequencyCap = workflows.FrequencyCap{}
	pb.Expiry = 25 * time.Second
	pb.MaxEventsPerRun = 1000
	return pb
}

const sec = time.Second

// The people's answers, as a campaign usually goes.
var pathBackstory = workflows.TaskAnswers{OurSide: "two late deliveries in Q3", Landmines: []string{"billing dispute in August"}}

// interviewFor is an exit interview whose reason is reason.
func interviewFor(reason workflows.Reason, scope workflows.Scope) workflows.TaskAnswers {
	why := map[workflows.Reason]string{
		workflows.ReasonCompetitorPrice: "Globex is 20% cheaper",
		workflows.ReasonLetDown:         "you missed two deliveries and never told us",
		workflows.ReasonNoLongerNeeded:  "we took it in-house",
		workflows.ReasonOutgrew:         "we need a platform for 2,000 seats",
		workflows.ReasonBadFit:          "it never fit how our team works",
		workflows.ReasonOther:           "our new CFO cut every vendor",
	}[reason]
	return workflows.TaskAnswers{WhyLeaving: why, WhatWouldKeepYou: "show us it will be different", Reason: reason, Scope: scope}
}

// pursueWith pursues with offer and the terms that offer needs.
func pursueWith(offer workflows.Offer, changed string) workflows.TaskAnswers {
	a := workflows.TaskAnswers{Pursue: yes(), Offer: offer, WhatWeChanged: changed, OfferDetails: "for the first year"}
	switch offer {
	case workflows.OfferValueNumbers:
		a.Figures = []string{"you saved 12,000 in 2025"}
	case workflows.OfferIncentive:
		a.OfferValue, a.OfferUntil = "6000", time.Now().AddDate(0, 1, 0).UTC().Format(time.DateOnly)
	case workflows.OfferFootInDoor:
		a.OfferValue = "4000"
	}
	return a
}

// offerPage is the customer's answer on the offer's page.
func (r *recorder) offerPage(wid, offerID string, accept bool) {
	r.waitFor(wid, func(st workflows.CampaignStatus) bool { return offerIn(st, offerID) != nil })
	r.signal(wid, workflows.SignalOfferResponse, workflows.OfferResponseSignal{OfferID: offerID, Accept: accept, At: time.Now(), Source: "offer-link"})
	want := workflows.OfferDeclined
	if accept {
		want = workflows.OfferAccepted
	}
	r.waitFor(wid, func(st workflows.CampaignStatus) bool { return offerIn(st, offerID).Status == want })
}

func offerIn(st workflows.CampaignStatus, id string) *workflows.OfferState {
	for i := range st.Offers {
		if st.Offers[i].ID == id {
			return &st.Offers[i]
		}
	}
	return nil
}

var (
	pathInterview = interviewFor(workflows.ReasonCompetitorPrice, workflows.ScopeSystemic)
	pathPursue    = pursueWith(workflows.OfferBeatOffer, "cut your renewal price by 25%")
)

// throughDecision plays the backstory, the exit interview and the manager's decision.
func (r *recorder) throughDecision(wid string, interview, decision workflows.TaskAnswers) {
	r.complete(wid, "backstory", "alice", pathBackstory)
	r.complete(wid, "exit-interview", "alice", interview)
	r.complete(wid, "decision", "maria", decision)
}

// considering plays the usual campaign up to a thank-you call where the customer is
// considering: the check-ins follow.
func (r *recorder) considering(wid string) {
	r.throughDecision(wid, pathInterview, pathPursue)
	r.complete(wid, "thank-you-call", "alice", workflows.TaskAnswers{Outcome: workflows.CallConsidering})
}

func (r *recorder) call(wid string, outcome workflows.CallOutcome) {
	r.complete(wid, "thank-you-call", "alice", workflows.TaskAnswers{Outcome: outcome})
}

// withPlaybook starts the usual campaign with its playbook changed by edit.
func (r *recorder) withPlaybook(edit func(*workflows.Playbook)) string {
	in := r.input()
	edit(&in.Playbook)
	return r.start(in)
}

func hasChannel(chs []workflows.Channel, ch workflows.Channel) bool { return slices.Contains(chs, ch) }

// recordedPaths is every path of the campaign workflow that the replay test must keep running.
func recordedPaths() []recordedPath {
	var paths []recordedPath
	add := func(name, about string, drive func(r *recorder) string) {
		paths = append(paths, recordedPath{name: name, about: about, drive: drive})
	}

	// Each exit-interview reason, carried through the manager's decision, the revisit email
	// (chosen by reason), the wait and the thank-you call.
	for _, rc := range []struct {
		reason  workflows.Reason
		scope   workflows.Scope
		offer   workflows.Offer
		changed string
		outcome workflows.CallOutcome
	}{
		{workflows.ReasonCompetitorPrice, workflows.ScopeSystemic, workflows.OfferBeatOffer, "cut your renewal price by 25%", workflows.CallWonBack},
		{workflows.ReasonLetDown, workflows.ScopeSpecific, workflows.OfferApology, "gave your account a delivery manager", workflows.CallConsidering},
		{workflows.ReasonNoLongerNeeded, workflows.ScopeSystemic, workflows.OfferValueNumbers, "priced what in-house really costs", workflows.CallDeclined},
		{workflows.ReasonOutgrew, workflows.ScopeSpecific, workflows.OfferFootInDoor, "scoped a pilot for one of your new teams", workflows.CallWonBack},
		{workflows.ReasonBadFit, workflows.ScopeSpecific, workflows.OfferIncentive, "built the workflow your team asked for", workflows.CallDeclined},
		{workflows.ReasonOther, workflows.ScopeSystemic, workflows.OfferIncentive, "simplified our contract", workflows.CallWonBack},
	} {
		about := fmt.Sprintf("exit interview gives reason %s (%s); the manager pursues with offer %s; revisit email, wait, thank-you call: %s",
			rc.reason, rc.scope, rc.offer, rc.outcome)
		if rc.outcome == workflows.CallConsidering {
			about += "; the customer returns after the first check-in"
		}
		add("reason-"+strings.ReplaceAll(string(rc.reason), "_", "-"), about, func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, interviewFor(rc.reason, rc.scope), pursueWith(rc.offer, rc.changed))
			r.call(wid, rc.outcome)
			want := map[workflows.CallOutcome]workflows.Outcome{workflows.CallWonBack: workflows.OutcomeWonBack,
				workflows.CallDeclined: workflows.OutcomeDeclined, workflows.CallConsidering: workflows.OutcomeWonBack}[rc.outcome]
			if rc.outcome == workflows.CallConsidering {
				r.waitFor(wid, func(st workflows.CampaignStatus) bool { return st.CheckInsDone >= 1 })
				r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "crm", Note: "signed a renewal"})
			}
			st := r.closed(wid, want)
			r.check(st.Reason == rc.reason && st.Decision != nil && st.Decision.Offer == rc.offer && st.Decision.By == "maria",
				"reason %s, decision %+v", st.Reason, st.Decision)
			r.check(hasMessage(st, "revisit-email", workflows.ChannelEmail, "sent"), "no revisit email: %+v", st.Messages)
			return wid
		})
	}

	// Walking away: by the manager, and by the playbook's policy when the manager is silent.
	add("walk-away-manager", "the manager walks away with a rationale; nothing is sent", func(r *recorder) string {
		wid := r.start(r.input())
		r.throughDecision(wid, pathInterview, workflows.TaskAnswers{Pursue: no(), Rationale: "their volume no longer covers our cost to serve"})
		st := r.closed(wid, workflows.OutcomeWalkedAway)
		r.check(st.Decision.By == "maria" && len(st.Messages) == 0, "decision %+v, messages %+v", st.Decision, st.Messages)
		return wid
	})
	add("walk-away-policy-value", "account value 500 is below WalkAwayBelowValue; the manager does not decide (reminder marker); the policy walks away",
		func(r *recorder) string {
			in := r.input()
			in.Customer.AccountValue = 500
			in.Playbook.DecisionDue = 1 * sec
			wid := r.start(in)
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.complete(wid, "exit-interview", "alice", pathInterview)
			st := r.closed(wid, workflows.OutcomeWalkedAway)
			r.check(st.Decision.By == "policy" && strings.Contains(st.Decision.Rationale, "account value"), "decision %+v", st.Decision)
			r.check(taskIn(st, "decision").Status == workflows.TaskExpired, "decision task %+v", taskIn(st, "decision"))
			return wid
		})
	add("walk-away-policy-reason", "exit interview gives bad_fit (a WalkAwayReasons reason); nobody decides; the policy walks away", func(r *recorder) string {
		wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.DecisionDue = 1 * sec })
		r.complete(wid, "backstory", "alice", pathBackstory)
		r.complete(wid, "exit-interview", "alice", interviewFor(workflows.ReasonBadFit, workflows.ScopeSpecific))
		st := r.closed(wid, workflows.OutcomeWalkedAway)
		r.check(st.Decision.By == "policy" && strings.Contains(st.Decision.Rationale, "bad_fit"), "decision %+v", st.Decision)
		return wid
	})
	add("decision-default", "the manager does not answer; the policy promises nothing: stay in touch (no revisit email, no call); the customer returns",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.DecisionDue = 1 * sec })
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.complete(wid, "exit-interview", "alice", pathInterview)
			r.waitFor(wid, func(st workflows.CampaignStatus) bool { return st.Decision != nil })
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "crm"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(st.Decision.By == "policy" && st.Decision.Pursue && st.Decision.Offer == workflows.OfferStayInTouch, "decision %+v", st.Decision)
			r.check(message(st, "revisit-email", workflows.ChannelEmail) == nil && taskIn(st, "thank-you-call") == nil, "revisit or call: %+v", st)
			return wid
		})

	// This release's paths: a bounce after the send, a reply from the customer, a STOP that
	// stands from an earlier campaign.
	add("late-bounce", "SendGrid bounces the revisit email after accepting it: failed_late, a fix-contact task and a staff email, the revisit again by SMS; won back on the call",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			r.waitFor(wid, func(st workflows.CampaignStatus) bool {
				return hasMessage(st, "revisit-email", workflows.ChannelEmail, "sent")
			})
			st, _ := r.status(wid)
			id := message(st, "revisit-email", workflows.ChannelEmail).MessageID
			r.signal(wid, workflows.SignalMessageEvent, workflows.MessageEventSignal{Channel: workflows.ChannelEmail, MessageID: id, Event: "bounce"})
			r.waitTask(wid, "fix-contact-email", isOpen)
			r.call(wid, workflows.CallWonBack)
			st = r.closed(wid, workflows.OutcomeWonBack)
			r.check(hasMessage(st, "revisit-email", workflows.ChannelEmail, "failed_late") && hasMessage(st, "revisit-email", workflows.ChannelSMS, "sent"),
				"messages %+v", st.Messages)
			return wid
		})
	add("customer-reply", "the customer texts back (not a keyword): the reply is kept and the rep answers it in a reply task; won back on the call",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			r.signal(wid, workflows.SignalCustomerReplied, workflows.CustomerRepliedSignal{Channel: workflows.ChannelSMS, Text: "yes, call me tomorrow", MessageID: "SM1"})
			r.waitTask(wid, "reply-1", isOpen)
			r.complete(wid, "reply-1", "alice", workflows.TaskAnswers{Notes: "called back"})
			r.call(wid, workflows.CallWonBack)
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(len(st.Replies) == 1 && taskIn(st, "reply-1").Status == workflows.TaskDone, "replies %+v", st.Replies)
			return wid
		})
	add("standing-stop", "the customer replied STOP to an earlier campaign: this one learns it at launch, sends no SMS (the SMS check-in by email), and expires",
		func(r *recorder) string {
			in := r.input()
			in.Customer.Phone = stoppedPhone
			wid := r.start(in)
			r.considering(wid)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(len(st.Consent) == 1 && st.Consent[0].Channel == workflows.ChannelSMS, "consent %+v", st.Consent)
			r.check(r.sender.sentTo(wid, "check-in-2", workflows.ChannelSMS) == "" && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent"),
				"messages %+v", st.Messages)
			return wid
		})

	// Stay in touch: customers who outgrew us get the light cadence, no offer, no call.
	add("stay-in-touch-manager", "reason outgrew; the manager picks stay_in_touch: no revisit email or call, the StayInTouch cadence; the customer returns after its first email",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, interviewFor(workflows.ReasonOutgrew, workflows.ScopeSpecific),
				workflows.TaskAnswers{Pursue: yes(), Offer: workflows.OfferStayInTouch})
			r.waitFor(wid, func(st workflows.CampaignStatus) bool { return st.CheckInsDone >= 1 })
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "inbox:alice"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(message(st, "revisit-email", workflows.ChannelEmail) == nil && taskIn(st, "thank-you-call") == nil, "revisit or call: %+v", st)
			r.check(hasMessage(st, "check-in-1", workflows.ChannelEmail, "sent"), "messages %+v", st.Messages)
			return wid
		})
	add("stay-in-touch-policy", "reason outgrew; nobody decides; the policy stays in touch: StayInTouch emails, then expiry", func(r *recorder) string {
		wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.DecisionDue = 1 * sec })
		r.complete(wid, "backstory", "alice", pathBackstory)
		r.complete(wid, "exit-interview", "alice", interviewFor(workflows.ReasonOutgrew, workflows.ScopeSystemic))
		st := r.closed(wid, workflows.OutcomeExpired)
		r.check(st.Decision.By == "policy" && st.Decision.Offer == workflows.OfferStayInTouch, "decision %+v", st.Decision)
		r.check(hasMessage(st, "check-in-1", workflows.ChannelEmail, "sent") && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent"),
			"messages %+v", st.Messages)
		return wid
	})

	// "Is it me?" and reassignment.
	add("is-it-me-new-rep", `"is it me?" answered yes with newRep bob: the account and the thank-you call move to bob, who wins them back`,
		func(r *recorder) string {
			wid := r.start(r.input())
			a := pathInterview
			a.IsItMe, a.NewRep = true, "bob"
			r.throughDecision(wid, a, pathPursue)
			r.complete(wid, "thank-you-call", "bob", workflows.TaskAnswers{Outcome: workflows.CallWonBack})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(st.Rep == "bob" && hasEscalation(st, "exit-interview", "reassigned", "bob"), "rep %s, escalations %+v", st.Rep, st.Escalations)
			return wid
		})
	add("is-it-me-manager", `"is it me?" answered yes without newRep: the account moves to manager maria, whose call ends declined`,
		func(r *recorder) string {
			wid := r.start(r.input())
			a := pathInterview
			a.IsItMe = true
			r.throughDecision(wid, a, pathPursue)
			r.complete(wid, "thank-you-call", "maria", workflows.TaskAnswers{Outcome: workflows.CallDeclined})
			st := r.closed(wid, workflows.OutcomeDeclined)
			r.check(st.Rep == "maria" && taskIn(st, "thank-you-call").CompletedBy == "maria", "rep %s", st.Rep)
			return wid
		})
	add("reassign-task", "alice reassigns the exit interview to bob, who completes it; the rest stays with alice; won back on the call",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.waitTask(wid, "exit-interview", isOpen)
			r.reassign(wid, workflows.ReassignRequest{TaskID: "exit-interview", To: "bob", By: "alice", Reason: "bob ran their onboarding"})
			r.complete(wid, "exit-interview", "bob", pathInterview)
			r.complete(wid, "decision", "maria", pathPursue)
			r.call(wid, workflows.CallWonBack)
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(st.Rep == "alice" && taskIn(st, "exit-interview").CompletedBy == "bob", "rep %s, tasks %+v", st.Rep, st.Tasks)
			return wid
		})
	add("reassign-account", "manager maria moves the whole account to bob (ReassignTask without TaskID) during the exit interview; bob's call ends declined",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.waitTask(wid, "exit-interview", isOpen)
			r.reassign(wid, workflows.ReassignRequest{To: "bob", By: "maria", Reason: "fire yourself, not the firm"})
			r.complete(wid, "exit-interview", "bob", pathInterview)
			r.complete(wid, "decision", "maria", pathPursue)
			r.complete(wid, "thank-you-call", "bob", workflows.TaskAnswers{Outcome: workflows.CallDeclined})
			st := r.closed(wid, workflows.OutcomeDeclined)
			r.check(st.Rep == "bob" && taskIn(st, "thank-you-call").Assignee == "bob", "rep %s, tasks %+v", st.Rep, st.Tasks)
			return wid
		})

	// The customer's own moves: coming back, opting out and in.
	add("returned-mid-wait", "the customer returns (CustomerReturned) during the wait before the thank-you call: won back, the wait's timer cancelled",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = time.Minute })
			r.throughDecision(wid, pathInterview, pathPursue)
			r.waitStage(wid, workflows.StageWait)
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "crm", Note: "reactivated the subscription"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(taskIn(st, "thank-you-call") == nil && r.timerCancelled(wid, "before the thank-you call"),
				"the wait was not cut short: thank-you call %+v", taskIn(st, "thank-you-call"))
			return wid
		})
	add("opt-out-sms-mid-wait", "STOP (OptOut sms) during the wait; considering on the call; the SMS check-in goes by email; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = 5 * sec })
			r.throughDecision(wid, pathInterview, pathPursue)
			r.signalDuring(wid, workflows.StageWait, workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "twilio:STOP"},
				func(st workflows.CampaignStatus) bool { return hasChannel(st.OptedOut, workflows.ChannelSMS) })
			r.call(wid, workflows.CallConsidering)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "check-in-2", workflows.ChannelSMS, "skipped_opted_out") && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent"),
				"messages %+v", st.Messages)
			return wid
		})
	add("opt-out-email-mid-wait", "unsubscribe (OptOut email) during the wait; considering on the call; the email check-in goes by SMS; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = 5 * sec })
			r.throughDecision(wid, pathInterview, pathPursue)
			r.signalDuring(wid, workflows.StageWait, workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: "sendgrid:unsubscribe"},
				func(st workflows.CampaignStatus) bool { return hasChannel(st.OptedOut, workflows.ChannelEmail) })
			r.call(wid, workflows.CallConsidering)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "check-in-1", workflows.ChannelEmail, "skipped_opted_out") && hasMessage(st, "check-in-1", workflows.ChannelSMS, "sent") &&
				hasMessage(st, "check-in-2", workflows.ChannelSMS, "sent"), "messages %+v", st.Messages)
			return wid
		})
	add("opted-out-both", "STOP during the wait, then unsubscribe while the thank-you call is open: both channels out, closes opted_out",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = 5 * sec })
			r.throughDecision(wid, pathInterview, pathPursue)
			r.signalDuring(wid, workflows.StageWait, workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "twilio:STOP"},
				func(st workflows.CampaignStatus) bool { return hasChannel(st.OptedOut, workflows.ChannelSMS) })
			r.waitTask(wid, "thank-you-call", isOpen)
			r.signal(wid, workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelEmail, Source: "sendgrid:unsubscribe"})
			st := r.closed(wid, workflows.OutcomeOptedOut)
			r.check(taskIn(st, "thank-you-call").Status == workflows.TaskCancelled, "call %+v", taskIn(st, "thank-you-call"))
			return wid
		})
	add("opt-in-after-opt-out", "STOP during the wait, considering on the call, then START (OptIn sms): the SMS check-in goes by SMS again; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = 5 * sec })
			r.throughDecision(wid, pathInterview, pathPursue)
			r.signalDuring(wid, workflows.StageWait, workflows.SignalOptOut, workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "twilio:STOP"},
				func(st workflows.CampaignStatus) bool { return hasChannel(st.OptedOut, workflows.ChannelSMS) })
			r.call(wid, workflows.CallConsidering)
			r.signal(wid, workflows.SignalOptIn, workflows.OptInSignal{Channel: workflows.ChannelSMS, Source: "twilio:START"})
			r.waitFor(wid, func(st workflows.CampaignStatus) bool { return len(st.OptedOut) == 0 })
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "check-in-2", workflows.ChannelSMS, "sent"), "messages %+v", st.Messages)
			return wid
		})

	// Contacts the providers refuse.
	add("fix-contact-email", "the revisit email's address is invalid (ErrInvalidRecipient): SMS instead and a fix-contact task; an empty fix refused, then the rep gives a new email that the email check-in uses; expiry",
		func(r *recorder) string {
			in := r.input()
			in.Customer.Email = invalidEmail
			wid := r.start(in)
			r.throughDecision(wid, pathInterview, pathPursue)
			r.waitTask(wid, "fix-contact-email", isOpen)
			r.refused(wid, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: "fix-contact-email", By: "alice"}, "give a corrected email or phone")
			r.complete(wid, "fix-contact-email", "alice", workflows.TaskAnswers{Email: "dana.reyes@acme.example"})
			r.call(wid, workflows.CallConsidering)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "revisit-email", workflows.ChannelEmail, "failed_invalid") && hasMessage(st, "revisit-email", workflows.ChannelSMS, "sent"),
				"messages %+v", st.Messages)
			r.check(r.sender.sentTo(wid, "check-in-1", workflows.ChannelEmail) == "dana.reyes@acme.example", "check-in-1 email went to %q",
				r.sender.sentTo(wid, "check-in-1", workflows.ChannelEmail))
			return wid
		})
	add("fix-contact-phone", "the SMS check-in's number is invalid: email instead and a fix-contact task; the rep gives a new phone that the next SMS check-in uses; expiry",
		func(r *recorder) string {
			in := r.input()
			in.Customer.Phone = invalidPhone
			in.Playbook.CheckIns = append(in.Playbook.CheckIns, workflows.CheckIn{After: 28 * sec, Channel: workflows.ChannelSMS})
			in.Playbook.Expiry = 31 * sec
			wid := r.start(in)
			r.considering(wid)
			r.complete(wid, "fix-contact-sms", "alice", workflows.TaskAnswers{Phone: "+12125550143"})
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "check-in-2", workflows.ChannelSMS, "failed_invalid") && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent"),
				"messages %+v", st.Messages)
			r.check(r.sender.sentTo(wid, "check-in-3", workflows.ChannelSMS) == "+12125550143", "check-in-3 SMS went to %q",
				r.sender.sentTo(wid, "check-in-3", workflows.ChannelSMS))
			return wid
		})
	add("provider-opt-out", "the SMS provider says the customer opted out (ErrRecipientOptedOut): SMS opted out, the check-in goes by email, the next SMS is skipped; expiry",
		func(r *recorder) string {
			in := r.input()
			in.Customer.Phone = providerOptOut
			in.Playbook.CheckIns = append(in.Playbook.CheckIns, workflows.CheckIn{After: 24 * sec, Channel: workflows.ChannelSMS})
			in.Playbook.Expiry = 27 * sec
			wid := r.start(in)
			r.considering(wid)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(hasMessage(st, "check-in-2", workflows.ChannelSMS, "failed_opted_out") && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent") &&
				hasMessage(st, "check-in-3", workflows.ChannelSMS, "skipped_opted_out") && slices.Equal(st.OptedOut, []workflows.Channel{workflows.ChannelSMS}),
				"messages %+v, opted out %v", st.Messages, st.OptedOut)
			return wid
		})

	// Messages held back: quiet hours and the frequency cap.
	zone := quietZone(time.Now())
	add("quiet-hours-hold", fmt.Sprintf("the SMS check-in is held until quiet hours (21-9) end in the customer's zone (%s, night when recorded); the customer returns while it is held, cutting the hold short", zone),
		func(r *recorder) string {
			r.check(zone != "", "no time zone is in its quiet hours now")
			in := r.input()
			in.Customer.TimeZone = zone
			in.Playbook.QuietHours = workflows.QuietHours{Start: 21, End: 9}
			in.Playbook.CheckIns = []workflows.CheckIn{{After: 20 * sec, Channel: workflows.ChannelSMS}}
			wid := r.start(in)
			r.considering(wid)
			r.waitTimer(wid, "quiet hours in "+zone)
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "crm"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(message(st, "check-in-1", workflows.ChannelSMS) == nil && r.timerCancelled(wid, "quiet hours in "+zone),
				"the hold was not cut short: %+v", st.Messages)
			return wid
		})
	add("frequency-cap-hold", "frequency cap 1 per hour: the email check-in is held behind the revisit email; the customer returns while it is held, cutting the hold short",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.FrequencyCap = workflows.FrequencyCap{Max: 1, Per: time.Hour} })
			r.considering(wid)
			r.waitTimer(wid, "(frequency cap)")
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "crm"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(message(st, "check-in-1", workflows.ChannelEmail) == nil && r.timerCancelled(wid, "(frequency cap)"),
				"the hold was not cut short: %+v", st.Messages)
			return wid
		})

	// The thank-you call's other outcomes, and check-in calls.
	add("call-declined", "declined on the thank-you call", func(r *recorder) string {
		wid := r.start(r.input())
		r.throughDecision(wid, pathInterview, pathPursue)
		r.call(wid, workflows.CallDeclined)
		r.closed(wid, workflows.OutcomeDeclined)
		return wid
	})
	add("call-opted-out", "on the thank-you call the customer asks us to stop (outcome opted_out): both channels out, closes opted_out", func(r *recorder) string {
		wid := r.start(r.input())
		r.throughDecision(wid, pathInterview, pathPursue)
		r.call(wid, workflows.CallOptedOut)
		st := r.closed(wid, workflows.OutcomeOptedOut)
		r.check(len(st.OptedOut) == 2, "opted out %v", st.OptedOut)
		return wid
	})
	add("call-no-answer-limit", "no answer on MaxCallAttempts (3) thank-you calls, with retries between them; then the check-ins; expiry",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			for _, id := range []string{"thank-you-call", "thank-you-call-2", "thank-you-call-3"} {
				r.complete(wid, id, "alice", workflows.TaskAnswers{Outcome: workflows.CallNoAnswer})
			}
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(taskIn(st, "thank-you-call-4") == nil && hasMessage(st, "check-in-1", workflows.ChannelEmail, "sent") &&
				hasMessage(st, "check-in-2", workflows.ChannelSMS, "sent"), "tasks %+v, messages %+v", st.Tasks, st.Messages)
			return wid
		})
	add("checkin-call-completed", "a check-in by call (a task for the rep) is completed (considering); an email check-in follows; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) {
				pb.CheckIns = []workflows.CheckIn{{After: 20 * sec, Channel: workflows.ChannelCall}, {After: 27 * sec, Channel: workflows.ChannelEmail}}
				pb.Expiry = 30 * sec
			})
			r.considering(wid)
			r.complete(wid, "check-in-call-1", "alice", workflows.TaskAnswers{Outcome: workflows.CallConsidering, Notes: "evaluating in Q3"})
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(taskIn(st, "check-in-call-1").Status == workflows.TaskDone && hasMessage(st, "check-in-2", workflows.ChannelEmail, "sent"),
				"tasks %+v, messages %+v", st.Tasks, st.Messages)
			return wid
		})
	add("checkin-call-expired", "a check-in call nobody makes: reminder to alice (email), escalation to maria without reassignment (marker), expired as no answer; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) {
				pb.CallDue, pb.ReassignOnEscalation, pb.Expiry = 3*sec, false, 30*sec
				pb.CheckIns = []workflows.CheckIn{{After: 20 * sec, Channel: workflows.ChannelCall}}
			})
			r.considering(wid)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(taskIn(st, "check-in-call-1").Status == workflows.TaskExpired && hasEscalation(st, "check-in-call-1", "reminder", "alice") &&
				hasEscalation(st, "check-in-call-1", "escalation", "maria"), "tasks %+v, escalations %+v", st.Tasks, st.Escalations)
			return wid
		})

	// Continue-as-new, with a signal arriving as a run ends.
	add("can-chain-signal", "check-ins across continue-as-new (MaxEventsPerRun 10); a STOP arrives while check-in 3 is being sent, so the workflow task that continues as new fails (unhandled command) and the next one handles the STOP first; SMS stays opted out in the next runs; expiry",
		func(r *recorder) string {
			in := r.input()
			in.Playbook.MaxEventsPerRun = 10
			in.Playbook.CheckIns = nil
			for i, ch := range []workflows.Channel{workflows.ChannelEmail, workflows.ChannelSMS, workflows.ChannelEmail, workflows.ChannelSMS, workflows.ChannelEmail} {
				in.Playbook.CheckIns = append(in.Playbook.CheckIns, workflows.CheckIn{After: time.Duration(20+2*i) * sec, Channel: ch})
			}
			in.Playbook.Expiry = 31 * sec
			wid := workflows.WorkflowID(in.Customer.ID)
			r.sender.beforeSend(wid+"/check-in-3", func() {
				// From inside the send: the signal lands while the workflow task that will
				// continue as new is still running.
				err := r.c.SignalWorkflow(context.Background(), wid, "", workflows.SignalOptOut,
					workflows.OptOutSignal{Channel: workflows.ChannelSMS, Source: "twilio:STOP"})
				if err != nil {
					r.t.Errorf("%s: STOP during check-in 3: %v", r.name, err)
				}
				time.Sleep(500 * time.Millisecond)
			})
			r.start(in)
			r.considering(wid)
			st := r.closed(wid, workflows.OutcomeExpired)
			r.check(signalBeforeContinueAsNew(r.histories(wid), workflows.SignalOptOut), "no run took the STOP just before continuing as new")
			r.check(st.Runs >= 3 && slices.Equal(st.OptedOut, []workflows.Channel{workflows.ChannelSMS}), "runs %d, opted out %v", st.Runs, st.OptedOut)
			r.check(hasMessage(st, "check-in-4", workflows.ChannelSMS, "skipped_opted_out") && hasMessage(st, "check-in-4", workflows.ChannelEmail, "sent") &&
				hasMessage(st, "check-in-5", workflows.ChannelEmail, "sent"), "messages %+v", st.Messages)
			return wid
		})

	// Cancellation: through Temporal (the UI's button, `temporal workflow cancel`) and by ops' signal.
	add("cancel-temporal-mid-wait", "cancelled through Temporal (CancelWorkflow) during the wait: the wait's timer cancelled, closes cancelled", func(r *recorder) string {
		wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.WaitFixed = time.Minute })
		r.throughDecision(wid, pathInterview, pathPursue)
		r.waitStage(wid, workflows.StageWait)
		if err := r.c.CancelWorkflow(context.Background(), wid, ""); err != nil {
			r.fail("%s: cancel: %v", wid, err)
		}
		st := r.closed(wid, workflows.OutcomeCancelled)
		r.check(taskIn(st, "thank-you-call") == nil && r.timerCancelled(wid, "before the thank-you call"),
			"the wait was not cut short: thank-you call %+v", taskIn(st, "thank-you-call"))
		return wid
	})
	add("cancel-temporal-mid-task", "cancelled through Temporal while the exit interview is open: the task is cancelled, closes cancelled", func(r *recorder) string {
		wid := r.start(r.input())
		r.complete(wid, "backstory", "alice", pathBackstory)
		r.waitTask(wid, "exit-interview", isOpen)
		if err := r.c.CancelWorkflow(context.Background(), wid, ""); err != nil {
			r.fail("%s: cancel: %v", wid, err)
		}
		st := r.closed(wid, workflows.OutcomeCancelled)
		r.check(taskIn(st, "exit-interview").Status == workflows.TaskCancelled, "exit interview %+v", taskIn(st, "exit-interview"))
		return wid
	})
	add("cancel-signal", "ops send the Cancel signal while the decision is open: closes cancelled", func(r *recorder) string {
		wid := r.start(r.input())
		r.complete(wid, "backstory", "alice", pathBackstory)
		r.complete(wid, "exit-interview", "alice", pathInterview)
		r.waitTask(wid, "decision", isOpen)
		r.signal(wid, workflows.SignalCancel, workflows.CancelSignal{By: "oscar", Reason: "the account is in a legal dispute"})
		st := r.closed(wid, workflows.OutcomeCancelled)
		r.check(taskIn(st, "decision").Status == workflows.TaskCancelled, "decision %+v", taskIn(st, "decision"))
		return wid
	})

	// Escalation of an overdue task, with and without reassignment to the manager.
	add("escalation-reassign", "the exit interview goes overdue: reminder to alice (staff email), escalation to maria (marker) who takes it (ReassignOnEscalation) and completes it; won back on the call",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) { pb.ExitInterviewDue, pb.ExpireAfter = 1*sec, 30*sec })
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.waitTask(wid, "exit-interview", func(t workflows.Task) bool { return t.Escalated && t.Assignee == "maria" })
			r.complete(wid, "exit-interview", "maria", pathInterview)
			r.complete(wid, "decision", "maria", pathPursue)
			r.call(wid, workflows.CallWonBack)
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(hasEscalation(st, "exit-interview", "reminder", "alice") && hasEscalation(st, "exit-interview", "escalation", "maria") &&
				r.sender.staffNotices(wid) == 1, "escalations %+v, staff emails %d", st.Escalations, r.sender.staffNotices(wid))
			return wid
		})
	add("escalation-no-reassign", "the exit interview goes overdue: reminder to alice, who has no email (marker), escalation emailed to maria, alice keeps the task (ReassignOnEscalation false) and completes it; won back",
		func(r *recorder) string {
			in := r.input()
			in.Owners.Rep.Email, in.Owners.Manager.Email = "", "maria@winback.example"
			in.Playbook.ExitInterviewDue, in.Playbook.ExpireAfter, in.Playbook.ReassignOnEscalation = 1*sec, 30*sec, false
			wid := r.start(in)
			r.complete(wid, "backstory", "alice", pathBackstory)
			r.waitTask(wid, "exit-interview", func(t workflows.Task) bool { return t.Escalated })
			r.complete(wid, "exit-interview", "alice", pathInterview)
			r.complete(wid, "decision", "maria", pathPursue)
			r.call(wid, workflows.CallWonBack)
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(taskIn(st, "exit-interview").CompletedBy == "alice" && r.sender.staffNotices(wid) == 1,
				"exit interview %+v, staff emails %d", taskIn(st, "exit-interview"), r.sender.staffNotices(wid))
			return wid
		})

	// Every kind of refused update (validators write nothing), between the good ones.
	add("rejected-updates", "every kind of refused CompleteTask and ReassignTask (unknown or closed task, who, answers per kind) before each good one; won back",
		func(r *recorder) string {
			wid := r.start(r.input())
			done := func(id, by string, a workflows.TaskAnswers) workflows.CompleteTaskRequest {
				return workflows.CompleteTaskRequest{TaskID: id, By: by, Answers: a}
			}
			refuseDone := func(req workflows.CompleteTaskRequest, want string) {
				r.refused(wid, workflows.UpdateCompleteTask, req, want)
			}
			refuseMove := func(req workflows.ReassignRequest, want string) {
				r.refused(wid, workflows.UpdateReassignTask, req, want)
			}
			r.waitTask(wid, "backstory", isOpen)
			refuseDone(done("nope", "alice", pathBackstory), `no task "nope"`)
			refuseDone(done("backstory", "", pathBackstory), "say who is completing")
			refuseDone(done("backstory", "bob", pathBackstory), "bob cannot complete")
			refuseDone(done("backstory", "alice", workflows.TaskAnswers{}), "ourSide")
			r.complete(wid, "backstory", "alice", pathBackstory)
			refuseDone(done("backstory", "alice", pathBackstory), "already done")

			r.waitTask(wid, "exit-interview", isOpen)
			bad := pathInterview
			bad.Reason, bad.Scope = "price", "global"
			refuseDone(done("exit-interview", "alice", workflows.TaskAnswers{Reason: workflows.ReasonOther, Scope: workflows.ScopeSpecific}), "whyLeaving")
			refuseDone(done("exit-interview", "alice", bad), `"price" is not one of`)
			strayRep := pathInterview
			strayRep.NewRep = "bob"
			refuseDone(done("exit-interview", "alice", strayRep), "newRep")
			refuseMove(workflows.ReassignRequest{TaskID: "exit-interview", By: "alice"}, "say who takes the work")
			refuseMove(workflows.ReassignRequest{TaskID: "exit-interview", To: "bob"}, "say who is reassigning")
			refuseMove(workflows.ReassignRequest{To: "carol", By: "bob"}, "only the account's rep")
			refuseMove(workflows.ReassignRequest{To: "alice", By: "maria"}, "already owns the account")
			refuseMove(workflows.ReassignRequest{TaskID: "nope", To: "bob", By: "alice"}, `no task "nope"`)
			refuseMove(workflows.ReassignRequest{TaskID: "backstory", To: "bob", By: "alice"}, "already done")
			refuseMove(workflows.ReassignRequest{TaskID: "exit-interview", To: "carol", By: "bob"}, "only alice or manager maria")
			refuseMove(workflows.ReassignRequest{TaskID: "exit-interview", To: "alice", By: "maria"}, "already assigned to alice")
			r.complete(wid, "exit-interview", "alice", pathInterview)

			r.waitTask(wid, "decision", isOpen)
			refuseDone(done("decision", "maria", workflows.TaskAnswers{}), "pursue")
			refuseDone(done("decision", "maria", workflows.TaskAnswers{Pursue: no()}), "rationale")
			refuseDone(done("decision", "maria", workflows.TaskAnswers{Pursue: yes(), Offer: "discount", WhatWeChanged: "x"}), `"discount" is not one of`)
			refuseDone(done("decision", "maria", workflows.TaskAnswers{Pursue: yes(), Offer: workflows.OfferBeatOffer}), "whatWeChanged")
			r.complete(wid, "decision", "maria", pathPursue)

			r.waitTask(wid, "thank-you-call", isOpen)
			refuseDone(done("thank-you-call", "alice", workflows.TaskAnswers{Outcome: "maybe"}), `"maybe" is not one of`)
			r.call(wid, workflows.CallWonBack)
			r.closed(wid, workflows.OutcomeWonBack)
			return wid
		})

	// Provider events about a message we sent.
	add("message-events", "delivered, open and click events (SignalMessageEvent) for the revisit email, a repeated open and one for an unknown message; won back",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			var id string
			r.waitFor(wid, func(st workflows.CampaignStatus) bool {
				if m := message(st, "revisit-email", workflows.ChannelEmail); m != nil {
					id = m.MessageID
				}
				return id != ""
			})
			for _, ev := range []struct{ id, event string }{{id, "delivered"}, {id, "open"}, {id, "click"}, {id, "open"}, {"m-unknown", "bounce"}} {
				r.signal(wid, workflows.SignalMessageEvent, workflows.MessageEventSignal{Channel: workflows.ChannelEmail, MessageID: ev.id, Event: ev.event, At: time.Now()})
			}
			want := []string{"delivered", "open", "click"}
			r.waitFor(wid, func(st workflows.CampaignStatus) bool {
				return slices.Equal(message(st, "revisit-email", workflows.ChannelEmail).Events, want)
			})
			r.call(wid, workflows.CallWonBack)
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(slices.Equal(message(st, "revisit-email", workflows.ChannelEmail).Events, want), "messages %+v", st.Messages)
			return wid
		})

	// To the end of the schedule.
	add("expired", "considering on the thank-you call; email and SMS check-ins; the campaign runs to its expiry", func(r *recorder) string {
		wid := r.start(r.input())
		r.considering(wid)
		st := r.closed(wid, workflows.OutcomeExpired)
		r.check(hasMessage(st, "check-in-1", workflows.ChannelEmail, "sent") && hasMessage(st, "check-in-2", workflows.ChannelSMS, "sent"), "messages %+v", st.Messages)
		return wid
	})
	add("nobody-answers", "nobody answers any task: reminders (email to alice, marker to maria), escalations reassigning to maria, every task expires; the stated reason (scope unknown) and the policy decide: stay in touch, nothing promised; expiry",
		func(r *recorder) string {
			wid := r.withPlaybook(func(pb *workflows.Playbook) {
				pb.BackstoryDue, pb.ExitInterviewDue, pb.DecisionDue, pb.CallDue = 1*sec, 1*sec, 1*sec, 1*sec
				pb.CheckIns = []workflows.CheckIn{{After: 8 * sec, Channel: workflows.ChannelEmail}, {After: 40 * sec, Channel: workflows.ChannelSMS}}
				pb.Expiry = 45 * sec
			})
			st := r.closed(wid, workflows.OutcomeExpired)
			for _, id := range []string{"backstory", "exit-interview", "decision"} {
				r.check(taskIn(st, id) != nil && taskIn(st, id).Status == workflows.TaskExpired, "task %s: %+v", id, taskIn(st, id))
			}
			r.check(st.Reason == workflows.ReasonCompetitorPrice && st.Scope == workflows.ScopeUnknown && st.Decision.By == "policy" &&
				st.Decision.Offer == workflows.OfferStayInTouch, "reason %s, scope %s, decision %+v", st.Reason, st.Scope, st.Decision)
			r.check(hasEscalation(st, "backstory", "escalation", "maria") && r.sender.staffNotices(wid) > 0, "escalations %+v", st.Escalations)
			return wid
		})

	// Offers that act: accepted on the link's page and fulfilled by the rep; a foot in the door
	// and the cadence that grows it; declined, and a new offer from the manager; held out.
	add("offer-accepted", "beat_offer: the customer accepts on the offer's page; a fulfil task for alice, who fulfils it: won back",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			r.offerPage(wid, "offer-1", true)
			r.complete(wid, workflows.FulfilTaskID("offer-1"), "alice", workflows.TaskAnswers{Notes: "applied the 25% to the renewal"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(offerIn(st, "offer-1").Status == workflows.OfferFulfilled, "offers %+v", st.Offers)
			return wid
		})
	for _, grow := range []struct {
		name    string
		call    workflows.CallOutcome
		outcome workflows.Outcome
	}{{"offer-foot-in-door", workflows.CallConsidering, workflows.OutcomeFootInDoor}, {"offer-foot-in-door-grown", workflows.CallWonBack, workflows.OutcomeWonBack}} {
		add(grow.name, fmt.Sprintf("foot_in_door worth 4000: accepted, fulfilled (foot in the door); the grow cadence: an email, then a call (%s); closes %s", grow.call, grow.outcome),
			func(r *recorder) string {
				wid := r.start(r.input())
				r.throughDecision(wid, interviewFor(workflows.ReasonOutgrew, workflows.ScopeSpecific), pursueWith(workflows.OfferFootInDoor, "scoped a pilot for one of your new teams"))
				r.offerPage(wid, "offer-1", true)
				r.complete(wid, workflows.FulfilTaskID("offer-1"), "alice", workflows.TaskAnswers{Notes: "the pilot starts Monday"})
				r.complete(wid, "grow-call-2", "alice", workflows.TaskAnswers{Outcome: grow.call})
				st := r.closed(wid, grow.outcome)
				r.check(st.FootInDoorValue == 4000 && hasMessage(st, "grow-1", workflows.ChannelEmail, "sent"), "value %v, messages %+v", st.FootInDoorValue, st.Messages)
				return wid
			})
	}
	add("offer-declined-new-offer", "the customer declines beat_offer (not an opt-out); the manager makes an incentive (MakeOffer; refused first without terms), sent at once; accepted, fulfilled: won back",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, pathPursue)
			r.offerPage(wid, "offer-1", false)
			r.refused(wid, workflows.UpdateMakeOffer, workflows.MakeOfferRequest{By: "maria", Offer: workflows.OfferIncentive, Details: "three months free"}, "value")
			until := time.Now().AddDate(0, 1, 0).UTC().Format(time.DateOnly)
			var made workflows.MakeOfferResult
			if err := r.update(wid, workflows.UpdateMakeOffer, workflows.MakeOfferRequest{By: "maria", Offer: workflows.OfferIncentive,
				Details: "three months free", Value: 6000, Until: until}, &made); err != nil {
				r.fail("%s: make offer: %v", wid, err)
			}
			r.waitFor(wid, func(st workflows.CampaignStatus) bool {
				return hasMessage(st, made.OfferID, workflows.ChannelEmail, "sent")
			})
			r.offerPage(wid, made.OfferID, true)
			r.complete(wid, workflows.FulfilTaskID(made.OfferID), "alice", workflows.TaskAnswers{Notes: "three months credited"})
			st := r.closed(wid, workflows.OutcomeWonBack)
			r.check(len(st.OptedOut) == 0 && offerIn(st, "offer-1").Status == workflows.OfferDeclined, "opted out %v, offers %+v", st.OptedOut, st.Offers)
			return wid
		})
	add("holdout", "held out at launch: no message, no task; closes holdout at the horizon", func(r *recorder) string {
		in := r.input()
		in.Holdout = true
		wid := r.start(in)
		st := r.closed(wid, workflows.OutcomeHoldout)
		r.check(len(st.Messages) == 0 && len(st.Tasks) == 0, "messages %+v, tasks %+v", st.Messages, st.Tasks)
		return wid
	})
	add("holdout-returned", "held out at launch; the customer returns on their own: won back, nothing sent", func(r *recorder) string {
		in := r.input()
		in.Holdout = true
		wid := r.start(in)
		r.waitStage(wid, workflows.StageHoldout)
		r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "billing"})
		st := r.closed(wid, workflows.OutcomeWonBack)
		r.check(st.Holdout && len(st.Messages) == 0, "holdout %v, messages %+v", st.Holdout, st.Messages)
		return wid
	})
	add("bought-back-before", "the store says the customer was won back with an incentive before: the decision task warns the manager, who walks away",
		func(r *recorder) string {
			wid := r.start(r.input())
			r.throughDecision(wid, pathInterview, workflows.TaskAnswers{Pursue: no(), Rationale: "bought back once already"})
			st := r.closed(wid, workflows.OutcomeWalkedAway)
			r.check(len(st.Warnings) == 1 && strings.Contains(taskIn(st, "decision").Title, "bought back"), "warnings %v, decision %+v", st.Warnings, taskIn(st, "decision"))
			return wid
		})

	// Billing (release 3): a campaign launched from a Stripe cancellation; its incentive becomes a
	// coupon before the email goes, and the payment with that coupon closes it.
	add("billing-coupon-redeemed", "launched from billing; an incentive: its coupon made in billing, the revisit email with its code; accepted; billing says the customer paid with the coupon: won back with the revenue, the offer fulfilled",
		func(r *recorder) string {
			in := r.input()
			in.Billing = &workflows.Billing{Provider: "stripe", CustomerID: "cus_rec", SubscriptionID: "sub_rec", PriceID: "price_rec", Currency: "usd"}
			wid := r.start(in)
			r.throughDecision(wid, pathInterview, pursueWith(workflows.OfferIncentive, "simplified our contract"))
			r.waitFor(wid, func(st workflows.CampaignStatus) bool {
				return hasMessage(st, "revisit-email", workflows.ChannelEmail, "sent")
			})
			r.offerPage(wid, "offer-1", true)
			var st workflows.CampaignStatus
			r.waitFor(wid, func(s workflows.CampaignStatus) bool { st = s; return offerIn(s, "offer-1").Coupon != "" })
			r.signal(wid, workflows.SignalCustomerReturned, workflows.CustomerReturnedSignal{Source: "stripe", Revenue: 24000, Currency: "usd",
				Subscription: "sub_new", Coupons: []string{offerIn(st, "offer-1").Coupon}})
			st = r.closed(wid, workflows.OutcomeWonBack)
			r.check(st.Revenue == 24000 && offerIn(st, "offer-1").Status == workflows.OfferFulfilled, "revenue %v, offers %+v", st.Revenue, st.Offers)
			return wid
		})
	add("billing-coupon-refused", "launched from billing; billing refuses the incentive's coupon: the offer is withdrawn, the manager warned, the revisit email goes without it; declined on the call",
		func(r *recorder) string {
			in := r.input()
			in.Billing = &workflows.Billing{Provider: "stripe", CustomerID: "cus_refuse", Currency: "usd"}
			wid := r.start(in)
			r.throughDecision(wid, pathInterview, pursueWith(workflows.OfferIncentive, "simplified our contract"))
			r.call(wid, workflows.CallDeclined)
			st := r.closed(wid, workflows.OutcomeDeclined)
			r.check(offerIn(st, "offer-1").Status == workflows.OfferWithdrawn && len(st.Warnings) == 1, "offers %+v, warnings %v", st.Offers, st.Warnings)
			return wid
		})
	return paths
}

// signalBeforeContinueAsNew reports whether a run continued as new after a workflow task
// failed because the signal arrived while it ran (the server refuses to close a run over an
// unhandled signal: the next task handles it first).
func signalBeforeContinueAsNew(runs []*historypb.History, signal string) bool {
	for _, h := range runs {
		ev := h.Events
		if ev[len(ev)-1].GetEventType() != enums.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW {
			continue
		}
		for i := 1; i < len(ev); i++ {
			failed := ev[i-1].GetWorkflowTaskFailedEventAttributes().GetCause() == enums.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
			if failed && ev[i].GetWorkflowExecutionSignaledEventAttributes().GetSignalName() == signal {
				return true
			}
		}
	}
	return false
}

// quietZone picks a real time zone where it is night now: inside quiet hours 21 to 9 and more
// than an hour before they end, so an SMS sent in the next minutes is held.
func quietZone(now time.Time) string {
	for _, name := range []string{
		"Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
		"America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia",
		"Atlantic/Azores", "Europe/London", "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai",
		"Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo",
		"Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland", "Pacific/Kiritimati",
	} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if h := now.In(loc).Hour(); h >= 21 || h < 8 {
			return name
		}
	}
	return ""
}
