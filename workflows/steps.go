package workflows

import "fmt"

// The names the campaign gives its steps. Each is spelled here once; what a campaign persists
// keeps the spelling it always had, because running campaigns and the send ledger hold it: a
// stage is shown as WinBackStage ("exit_interview"), a task kind is in the status
// ("exit_interview"), a task ID is in the status and the inbox's URLs ("exit-interview"), and a
// message step is part of each send's key ("winback:acme/revisit-email").

// The IDs of the playbook's one-off tasks.
const (
	TaskIDBackstory     = "backstory"
	TaskIDExitInterview = "exit-interview"
	TaskIDDecision      = "decision"
)

// ThankYouCallID is the ID of a thank-you call task: "thank-you-call", then
// "thank-you-call-2" for the second attempt.
func ThankYouCallID(attempt int) string {
	if attempt <= 1 {
		return "thank-you-call"
	}
	return fmt.Sprintf("thank-you-call-%d", attempt)
}

// CheckInCallID is the ID of the task of the n-th check-in, when it is a call.
func CheckInCallID(n int) string { return fmt.Sprintf("check-in-call-%d", n) }

// FixContactID is the ID of the n-th task to fix a channel's contact: "fix-contact-email",
// then "fix-contact-email-2".
func FixContactID(ch Channel, n int) string {
	if n <= 1 {
		return "fix-contact-" + string(ch)
	}
	return fmt.Sprintf("fix-contact-%s-%d", ch, n)
}

// StepRevisitEmail is the step of the revisit email.
const StepRevisitEmail = "revisit-email"

// CheckInStep is the step of the n-th check-in message.
func CheckInStep(n int) string { return fmt.Sprintf("check-in-%d", n) }

// ReplyTaskID is the ID of the task to answer the customer's n-th reply: "reply-1", "reply-2".
func ReplyTaskID(n int) string { return fmt.Sprintf("reply-%d", n) }

// FulfilTaskID is the ID of the task to fulfil an accepted offer: "fulfil-offer-1".
func FulfilTaskID(offerID string) string { return "fulfil-" + offerID }
