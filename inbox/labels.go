package inbox

import "github.com/winback/winback/workflows"

// Words for people for the values the campaign stores as identifiers.

var reasonLabels = map[string]string{
	string(workflows.ReasonCompetitorPrice): "Switched to a competitor on price",
	string(workflows.ReasonLetDown):         "We let them down",
	string(workflows.ReasonNoLongerNeeded):  "No longer need it, or took it in-house",
	string(workflows.ReasonOutgrew):         "Outgrew us",
	string(workflows.ReasonBadFit):          "Bad fit",
	string(workflows.ReasonOther):           "Other",
}

var scopeLabels = map[string]string{
	string(workflows.ScopeSpecific): "Specific to this account",
	string(workflows.ScopeSystemic): "Systemic: it would drive other customers away too",
}

var offerLabels = map[string]string{
	string(workflows.OfferApology):      "An apology with a conciliatory offer",
	string(workflows.OfferBeatOffer):    "Beat the competitor's offer",
	string(workflows.OfferValueNumbers): "The numbers that show our value",
	string(workflows.OfferIncentive):    "An incentive worth their while",
	string(workflows.OfferFootInDoor):   `A smaller "foot in the door" project`,
	string(workflows.OfferStayInTouch):  "No offer: stay in touch (for customers who outgrew us)",
}

var callOutcomeLabels = map[string]string{
	string(workflows.CallWonBack):     "Won back: they are coming back",
	string(workflows.CallConsidering): "Considering it",
	string(workflows.CallDeclined):    "Declined",
	string(workflows.CallNoAnswer):    "No answer (another call task follows)",
	string(workflows.CallOptedOut):    "Asked us to stop contacting them",
}

var stageLabels = map[string]string{
	string(workflows.StageBackstory):     "Backstory",
	string(workflows.StageExitInterview): "Exit interview",
	string(workflows.StageDecision):      "Decision",
	string(workflows.StageRevisitEmail):  "Revisit email",
	string(workflows.StageWait):          "Waiting before the thank-you call",
	string(workflows.StageThankYouCall):  "Thank-you call",
	string(workflows.StageCheckIns):      "Check-ins",
	string(workflows.StageClosed):        "Closed",
}

var outcomeLabels = map[string]string{
	string(workflows.OutcomeWonBack):    "Won back",
	string(workflows.OutcomeWalkedAway): "Walked away",
	string(workflows.OutcomeDeclined):   "Declined",
	string(workflows.OutcomeOptedOut):   "Opted out",
	string(workflows.OutcomeExpired):    "Expired",
	string(workflows.OutcomeCancelled):  "Cancelled",
}

var kindLabels = map[string]string{
	string(workflows.TaskBackstory):     "Backstory",
	string(workflows.TaskExitInterview): "Exit interview",
	string(workflows.TaskDecision):      "Decision",
	string(workflows.TaskThankYouCall):  "Thank-you call",
	string(workflows.TaskCheckInCall):   "Check-in call",
	string(workflows.TaskFixContact):    "Fix contact details",
}

// label is the words for value, or the value itself when there are none.
func label(labels map[string]string, value string) string {
	if l, ok := labels[value]; ok {
		return l
	}
	return value
}
