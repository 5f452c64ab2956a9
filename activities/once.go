package activities

import (
	"context"
	"log/slog"
)

// The send ledger's protocol, shared by every channel so it cannot drift between them: a key
// the ledger holds as sent is not sent again; an intent left by an interrupted attempt makes
// the retry ask the provider first; every call to a provider is preceded by an intent.

// alreadySent returns the recorded result when the ledger holds key as sent (what names the
// message in logs: "email", "text").
func (a *Activities) alreadySent(log *slog.Logger, key, what string) (SendResult, bool, error) {
	res, ok, err := a.ledger.Lookup(key)
	if err != nil {
		return SendResult{}, false, unavailable("send ledger lookup failed (%v); retrying", err)
	}
	if ok {
		log.Info(what+" already sent; not sending again", "provider", res.Provider, "messageId", res.MessageID)
		res.Deduplicated = true
	}
	return res, ok, nil
}

// findFunc asks the provider whether the message an interrupted attempt intended went out.
type findFunc func(prev Intent) (found SendResult, sent bool, err error)

// intendToSend writes the intent to send key. When an earlier attempt left one, it first asks
// the provider (find): a message that went out is recorded and returned (sent), so nothing is
// sent again; a failed question is a retryable error, never a blind resend.
func (a *Activities) intendToSend(log *slog.Logger, key, what, provider string, intent Intent, find findFunc) (SendResult, bool, error) {
	prev, ok, err := a.ledger.Pending(key)
	if err != nil {
		return SendResult{}, false, unavailable("send ledger lookup failed (%v); retrying", err)
	}
	if ok {
		found, sent, ferr := find(prev)
		switch {
		case ferr != nil:
			log.Warn("an earlier attempt of this "+what+" was interrupted, and "+provider+" could not be asked whether it went out; retrying, not sending", "error", ferr)
			return SendResult{}, false, ferr
		case sent:
			log.Info("an earlier attempt of this "+what+" was interrupted after "+provider+" accepted it; not sending again", "provider", found.Provider, "messageId", found.MessageID)
			a.record(log, key, found)
			found.Deduplicated = true
			return found, true, nil
		}
		log.Info("an earlier attempt of this "+what+" was interrupted and is not known to have reached "+provider+"; sending", "intendedAt", prev.At)
		if prev.At.Before(intent.At) { // a later lookup still finds a message of either attempt
			intent.At = prev.At.UTC()
		}
	}
	if err := a.ledger.Intend(key, intent); err != nil {
		return SendResult{}, false, unavailable("send ledger: the intent to send could not be written (%v); retrying", err)
	}
	return SendResult{}, false, nil
}

// contextFind adapts a provider lookup that takes a context.
func contextFind(ctx context.Context, f func(context.Context, Intent) (SendResult, bool, error)) findFunc {
	return func(prev Intent) (SendResult, bool, error) { return f(ctx, prev) }
}
