package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The suppression list: a contact (email address or phone number) that opted out of a channel
// stays opted out, whatever campaign comes next, until an opt-in lifts it (START for SMS, or a
// person who records why). Every opt-out and opt-in also goes to the consent log.

// Where an opt-out came from.
const (
	SourceStop        = "stop"        // an SMS keyword: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT
	SourceUnsubscribe = "unsubscribe" // the unsubscribe link, or SendGrid's unsubscribe events
	SourceSpamReport  = "spam_report" // the customer marked an email as spam
	SourceBounce      = "bounce"      // the address does not exist (a permanent bounce)
	SourceByHand      = "by_hand"     // a person, from the CLI or the inbox, or on a call
	SourceProvider    = "provider"    // the provider refused: the recipient opted out there (Twilio 21610)
)

// Suppression is one contact's opt-out of one channel.
type Suppression struct {
	Channel    string    // "email" or "sms"
	Source     string    // one of the Source constants
	Detail     string    // the keyword or event, for people; never an address
	By         string    // who: a person's ID, or the provider
	WorkflowID string    // the campaign it came through, if any
	At         time.Time // when
}

// Describe says, for people, why a channel is suppressed: "opted out of sms by stop (STOP) on 2026-11-02".
func (p Suppression) Describe() string {
	what := p.Source
	if p.Detail != "" {
		what += " (" + p.Detail + ")"
	}
	s := fmt.Sprintf("opted out of %s by %s on %s", p.Channel, what, p.At.UTC().Format(time.DateOnly))
	if p.By != "" {
		s += ", recorded by " + p.By
	}
	return s
}

// ConsentEvent is one line of the consent log.
type ConsentEvent struct {
	Channel    string
	Action     string // "opt_out" or "opt_in"
	Source     string
	Detail     string
	By         string
	Why        string
	WorkflowID string
	At         time.Time
}

// Suppress records that contact opted out of a channel. The first opt-out is kept as the
// reason (a later STOP does not rewrite an earlier unsubscribe); each goes to the consent log.
func (s *Store) Suppress(ctx context.Context, contact string, p Suppression) error {
	if err := checkContact(contact, p.Channel); err != nil {
		return err
	}
	if p.At.IsZero() {
		p.At = s.now()
	}
	h := s.ContactHash(contact)
	return s.inTx(ctx, "record an opt-out", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO suppressions (contact, channel, source, detail, by_whom, workflow_id, at_ms)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contact, channel) DO NOTHING`,
			h, p.Channel, p.Source, p.Detail, p.By, p.WorkflowID, ms(p.At)); err != nil {
			return err
		}
		return logConsent(ctx, tx, h, ConsentEvent{Channel: p.Channel, Action: "opt_out", Source: p.Source, Detail: p.Detail,
			By: p.By, WorkflowID: p.WorkflowID, At: p.At})
	})
}

// Lift ends contact's opt-out of a channel: START for SMS (source stop), or a person's explicit
// opt-in, with who and why. It reports whether there was an opt-out to lift.
func (s *Store) Lift(ctx context.Context, contact, channel, source, by, why string) (bool, error) {
	if err := checkContact(contact, channel); err != nil {
		return false, err
	}
	if strings.TrimSpace(by) == "" || strings.TrimSpace(why) == "" {
		return false, errors.New("an opt-in needs who records it and why")
	}
	h := s.ContactHash(contact)
	lifted := false
	err := s.inTx(ctx, "record an opt-in", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM suppressions WHERE contact = $1 AND channel = $2`, h, channel)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		lifted = n > 0
		return logConsent(ctx, tx, h, ConsentEvent{Channel: channel, Action: "opt_in", Source: source, By: by, Why: why, At: s.now()})
	})
	return lifted, err
}

// Suppressed returns contact's opt-out of a channel, if there is one.
func (s *Store) Suppressed(ctx context.Context, contact, channel string) (Suppression, bool, error) {
	if strings.TrimSpace(contact) == "" {
		return Suppression{}, false, nil
	}
	p := Suppression{Channel: channel}
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT source, detail, by_whom, workflow_id, at_ms FROM suppressions WHERE contact = $1 AND channel = $2`,
		s.ContactHash(contact), channel).Scan(&p.Source, &p.Detail, &p.By, &p.WorkflowID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Suppression{}, false, nil
	}
	if err != nil {
		return Suppression{}, false, s.fail("look up an opt-out", err)
	}
	p.At = fromMS(at)
	return p, true, nil
}

// ConsentHistory is every opt-out and opt-in of contact, oldest first (to the millisecond).
func (s *Store) ConsentHistory(ctx context.Context, contact string) ([]ConsentEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, action, source, detail, by_whom, why, workflow_id, at_ms
		FROM consent_log WHERE contact = $1 ORDER BY at_ms`, s.ContactHash(contact))
	if err != nil {
		return nil, s.fail("read the consent log", err)
	}
	defer rows.Close()
	var out []ConsentEvent
	for rows.Next() {
		var e ConsentEvent
		var at int64
		if err := rows.Scan(&e.Channel, &e.Action, &e.Source, &e.Detail, &e.By, &e.Why, &e.WorkflowID, &at); err != nil {
			return nil, s.fail("read the consent log", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read the consent log", err)
	}
	return out, nil
}

func logConsent(ctx context.Context, tx *sql.Tx, hash string, e ConsentEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consent_log (contact, channel, action, source, detail, by_whom, why, workflow_id, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, hash, e.Channel, e.Action, e.Source, e.Detail, e.By, e.Why, e.WorkflowID, ms(e.At))
	return err
}

func checkContact(contact, channel string) error {
	if strings.TrimSpace(contact) == "" {
		return errors.New("no contact given")
	}
	if channel != "email" && channel != "sms" {
		return fmt.Errorf("channel %q is not email or sms", channel)
	}
	return nil
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.fail(what, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(what, err)
	}
	return nil
}

// SuppressCampaign puts every contact the campaign indexed on p.Channel on the suppression list:
// an unsubscribe link, or a person recording an opt-out, names the campaign rather than the
// address. It reports how many contacts it suppressed (0 for a campaign that indexed none).
func (s *Store) SuppressCampaign(ctx context.Context, workflowID string, p Suppression) (int, error) {
	if err := checkContact("campaign", p.Channel); err != nil {
		return 0, err
	}
	if p.At.IsZero() {
		p.At = s.now()
	}
	if p.WorkflowID == "" {
		p.WorkflowID = workflowID
	}
	n := 0
	err := s.inTx(ctx, "record an opt-out", func(tx *sql.Tx) error {
		hashes, err := campaignContacts(ctx, tx, workflowID, p.Channel)
		if err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO suppressions (contact, channel, source, detail, by_whom, workflow_id, at_ms)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contact, channel) DO NOTHING`,
				h, p.Channel, p.Source, p.Detail, p.By, p.WorkflowID, ms(p.At)); err != nil {
				return err
			}
			if err := logConsent(ctx, tx, h, ConsentEvent{Channel: p.Channel, Action: "opt_out", Source: p.Source, Detail: p.Detail,
				By: p.By, WorkflowID: p.WorkflowID, At: p.At}); err != nil {
				return err
			}
		}
		n = len(hashes)
		return nil
	})
	return n, err
}

// LiftCampaign ends the opt-outs of every contact the campaign indexed on channel: a person
// records that the customer asked to hear from us again, with who and why. It reports how many
// opt-outs it lifted.
func (s *Store) LiftCampaign(ctx context.Context, workflowID, channel, source, by, why string) (int, error) {
	if err := checkContact("campaign", channel); err != nil {
		return 0, err
	}
	if strings.TrimSpace(by) == "" || strings.TrimSpace(why) == "" {
		return 0, errors.New("an opt-in needs who records it and why")
	}
	lifted := 0
	err := s.inTx(ctx, "record an opt-in", func(tx *sql.Tx) error {
		hashes, err := campaignContacts(ctx, tx, workflowID, channel)
		if err != nil {
			return err
		}
		for _, h := range hashes {
			res, err := tx.ExecContext(ctx, `DELETE FROM suppressions WHERE contact = $1 AND channel = $2`, h, channel)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				lifted++
			}
			if err := logConsent(ctx, tx, h, ConsentEvent{Channel: channel, Action: "opt_in", Source: source, By: by, Why: why,
				WorkflowID: workflowID, At: s.now()}); err != nil {
				return err
			}
		}
		return nil
	})
	return lifted, err
}

// campaignContacts are the contact hashes a campaign indexed on a channel.
func campaignContacts(ctx context.Context, tx *sql.Tx, workflowID, channel string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT contact FROM contacts WHERE workflow_id = $1 AND channel = $2`, workflowID, channel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
	}
	return hashes, rows.Err()
}
