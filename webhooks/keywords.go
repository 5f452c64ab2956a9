package webhooks

import "strings"

// smsAction is what an inbound text asks for.
type smsAction int

const (
	smsOther smsAction = iota
	smsOptOut
	smsOptIn
	smsHelp
)

// smsKeywords is Twilio's standard list of opt-out, opt-in and help keywords.
var smsKeywords = map[string]smsAction{
	"STOP": smsOptOut, "STOPALL": smsOptOut, "UNSUBSCRIBE": smsOptOut, "CANCEL": smsOptOut, "END": smsOptOut, "QUIT": smsOptOut,
	"START": smsOptIn, "UNSTOP": smsOptIn,
	"HELP": smsHelp,
}

// classifySMS matches the whole body, trimmed and case-insensitive, as Twilio does, and
// returns the keyword in upper case. An opt-out keyword with trailing punctuation ("Stop.")
// counts too: honouring a customer who plainly asked to stop is always the safe side.
func classifySMS(body string) (smsAction, string) {
	word := strings.ToUpper(strings.TrimSpace(body))
	if a, ok := smsKeywords[word]; ok {
		return a, word
	}
	word = strings.TrimSpace(strings.TrimRight(word, ".!"))
	if a, ok := smsKeywords[word]; ok && a == smsOptOut {
		return a, word
	}
	return smsOther, ""
}
