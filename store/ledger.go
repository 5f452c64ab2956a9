package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The send ledger keeps, per message key (a campaign, a step, a channel), whether the provider
// accepted the message, so a retried send returns the first result instead of reaching the
// customer twice, whichever worker runs the retry.
//
// A send is written in two steps around the provider call: IntendToSend before it (when, the
// channel, the recipient, what identifies the message at the provider), RecordSent once the
// provider accepted. Neither SendGrid nor Twilio takes an idempotency key, so an intent that no
// RecordSent settled is the only trace of an attempt that died between reaching the provider
// and the record: the next attempt finds it (PendingIntent) and asks the provider before
// sending again. WithdrawIntent drops it when the provider refused the message outright. Every
// write is committed (and, on SQLite, fsynced) before the call returns.

// Sent is what the ledger keeps of an accepted message.
type Sent struct {
	Provider  string
	MessageID string
	SentAt    time.Time
}

// Intent is what an attempt writes before it calls the provider: enough for the next attempt
// to find the message at the provider if this one dies before RecordSent.
type Intent struct {
	Channel string    // "email" or "sms"
	To      string    // the bare address or E.164 number: sealed at rest with codec keys set, cleared once settled
	At      time.Time // just before the provider call
	// BodySHA256 (SMS) is the hex SHA-256 of the text as the provider will see it; emails are
	// found by their key instead.
	BodySHA256 string
}

// SentMessage returns what the ledger recorded for key, if the provider accepted it.
func (s *Store) SentMessage(ctx context.Context, key string) (Sent, bool, error) {
	var r Sent
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT provider, message_id, sent_ms FROM send_ledger WHERE key = $1 AND state = 'sent'`, key).
		Scan(&r.Provider, &r.MessageID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Sent{}, false, nil
	}
	if err != nil {
		return Sent{}, false, s.fail("look up a send", err)
	}
	r.SentAt = fromMS(at)
	return r, true, nil
}

// RecordSent records that the provider accepted key's message, and settles its intent (the
// recipient is forgotten).
func (s *Store) RecordSent(ctx context.Context, key string, r Sent) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO send_ledger (key, state, provider, message_id, sent_ms, updated_ms)
		VALUES ($1, 'sent', $2, $3, $4, $5)
		ON CONFLICT (key) DO UPDATE SET state = 'sent', recipient = '', provider = excluded.provider,
			message_id = excluded.message_id, sent_ms = excluded.sent_ms, updated_ms = excluded.updated_ms`,
		key, r.Provider, r.MessageID, ms(r.SentAt), ms(s.now()))
	if err != nil {
		return s.fail("record a send", err)
	}
	return nil
}

// IntendToSend records, before the provider is called, that key is about to be sent. It
// replaces an earlier intent; it never overwrites a recorded send.
func (s *Store) IntendToSend(ctx context.Context, key string, i Intent) error {
	to, err := s.seal(i.To)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO send_ledger (key, state, channel, recipient, body_sha256, intended_ms, updated_ms)
		VALUES ($1, 'intent', $2, $3, $4, $5, $6)
		ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, recipient = excluded.recipient,
			body_sha256 = excluded.body_sha256, intended_ms = excluded.intended_ms, updated_ms = excluded.updated_ms
		WHERE send_ledger.state = 'intent'`,
		key, i.Channel, to, i.BodySHA256, ms(i.At), ms(s.now()))
	if err != nil {
		return s.fail("record an intent to send", err)
	}
	return nil
}

// PendingIntent returns key's intent when no RecordSent or WithdrawIntent followed it.
func (s *Store) PendingIntent(ctx context.Context, key string) (Intent, bool, error) {
	var i Intent
	var to string
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT channel, recipient, body_sha256, intended_ms FROM send_ledger WHERE key = $1 AND state = 'intent'`, key).
		Scan(&i.Channel, &to, &i.BodySHA256, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Intent{}, false, nil
	}
	if err != nil {
		return Intent{}, false, s.fail("look up an intent to send", err)
	}
	if i.To, err = s.unseal(to); err != nil {
		return Intent{}, false, fmt.Errorf("the intent of %s: %w", key, err)
	}
	i.At = fromMS(at)
	return i, true, nil
}

// WithdrawIntent drops key's pending intent: the provider refused the message, so nothing can
// have gone out.
func (s *Store) WithdrawIntent(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM send_ledger WHERE key = $1 AND state = 'intent'`, key); err != nil {
		return s.fail("withdraw an intent to send", err)
	}
	return nil
}
