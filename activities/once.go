package activities

import (
	"context"
	"log/slog"
	"time"

	"github.com/winback/winback/store"
)

// The send ledger's protocol, shared by every channel so it cannot drift between them: a key
// the ledger holds as sent is not sent again; an intent left by an interrupted attempt (on this
// worker or another) makes the retry ask the provider first; every call to a provider is
// preceded by an intent.

// alreadySent returns the recorded result when the ledger holds key as sent (what names the
// message in logs: "email", "text").
func (a *Activities) alreadySent(ctx context.Context, log *slog.Logger, key, what string) (SendResult, bool, error) {
	sent, ok, err := a.store.SentMessage(ctx, key)
	if err != nil {
		return SendResult{}, false, unavailable("send ledger lookup failed (%v); retrying", err)
	}
	if !ok {
		return SendResult{}, false, nil
	}
	log.Info(what+" already sent; not sending again", "provider", sent.Provider, "messageId", sent.MessageID)
	return SendResult{Provider: sent.Provider, MessageID: sent.MessageID, SentAt: sent.SentAt, Deduplicated: true}, true, nil
}

// findFunc asks the provider whether the message an interrupted attempt intended went out.
type findFunc func(prev Intent) (found SendResult, sent bool, err error)

// intendToSend writes the intent to send key. When an earlier attempt left one, it first asks
// the provider (find): a message that went out is recorded and returned (sent), so nothing is
// sent again; a failed question is a retryable error, never a blind resend.
func (a *Activities) intendToSend(ctx context.Context, log *slog.Logger, key, what, provider string, intent Intent, find findFunc) (SendResult, bool, error) {
	prev, ok, err := a.store.PendingIntent(ctx, key)
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
			a.record(ctx, log, key, found)
			found.Deduplicated = true
			return found, true, nil
		}
		log.Info("an earlier attempt of this "+what+" was interrupted and is not known to have reached "+provider+"; sending", "intendedAt", prev.At)
		if prev.At.Before(intent.At) { // a later lookup still finds a message of either attempt
			intent.At = prev.At.UTC()
		}
	}
	if err := a.store.IntendToSend(ctx, key, intent); err != nil {
		return SendResult{}, false, unavailable("send ledger: the intent to send could not be written (%v); retrying", err)
	}
	return SendResult{}, false, nil
}

// contextFind adapts a provider lookup that takes a context.
func contextFind(ctx context.Context, f func(context.Context, Intent) (SendResult, bool, error)) findFunc {
	return func(prev Intent) (SendResult, bool, error) { return f(ctx, prev) }
}

// recordAttempts bounds how long record keeps trying a store that does not answer (a database
// restarting): the message went out, so the activity must not fail for it.
var recordAttempts = []time.Duration{0, 200 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}

// record writes the accepted send to the ledger, retrying a store that fails for a few seconds.
// A failure past that is logged, not returned: the provider has the message, and an error would
// make Temporal retry and send it again. The intent stays, so a later retry of this step asks
// the provider before sending.
func (a *Activities) record(ctx context.Context, log *slog.Logger, key string, res SendResult) {
	if res.MessageID == "" {
		log.Error("provider accepted the message without a message ID", "provider", res.Provider)
	}
	var err error
	for _, wait := range recordAttempts {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		if err = a.store.RecordSent(context.WithoutCancel(ctx), key, store.Sent{Provider: res.Provider, MessageID: res.MessageID, SentAt: res.SentAt}); err == nil {
			log.Info("message sent", "provider", res.Provider, "messageId", res.MessageID)
			return
		}
	}
	log.Error("message sent but not recorded in the send ledger: a retry of this step will ask the provider before sending", "provider", res.Provider, "messageId", res.MessageID, "error", err)
}

// withdraw drops the key's intent after the provider refused the message (see refused). A
// failure only costs a provider lookup on the next attempt.
func (a *Activities) withdraw(ctx context.Context, log *slog.Logger, key string, err error) {
	if !refused(err) {
		return
	}
	if werr := a.store.WithdrawIntent(ctx, key); werr != nil {
		log.Warn("send ledger: the intent of a refused message could not be withdrawn; the next attempt will ask the provider first", "error", werr)
	}
}
