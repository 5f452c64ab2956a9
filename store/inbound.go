package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"time"
)

// Inbound dedupe: a webhook claims the IDs of the events in a request (Twilio MessageSid,
// SendGrid sg_event_id...) before it acts, and marks them done once it has, so a retry or a
// replay, whichever worker it reaches, changes nothing. A claim whose worker died is taken over
// after ClaimTTL.

// ClaimTTL is how long a claim holds before another worker may take the event over.
const ClaimTTL = 2 * time.Minute

// InboundRetention is how long a handled event ID is remembered: well past SendGrid's 72 hours
// of retries and Twilio's, so a retry or a replay within it changes nothing.
const InboundRetention = 30 * 24 * time.Hour

// ClaimState is what Claim found.
type ClaimState int

// The claim states.
const (
	ClaimNew  ClaimState = iota // none of the events was handled: act, then Commit (or Release)
	ClaimSeen                   // one of them was handled already: a replay, do nothing
	ClaimBusy                   // another request is handling one of them right now
)

// Claim is a request's hold on its event IDs.
type Claim struct {
	s      *Store
	owner  string
	hashes []string
}

// Claim holds ids for the caller unless one of them was handled already (ClaimSeen) or is being
// handled (ClaimBusy). Only ClaimNew returns a Claim.
func (s *Store) Claim(ctx context.Context, ids ...string) (*Claim, ClaimState, error) {
	owner := make([]byte, 12)
	if _, err := rand.Read(owner); err != nil {
		return nil, 0, err
	}
	c := &Claim{s: s, owner: hex.EncodeToString(owner)}
	for _, id := range ids {
		c.hashes = append(c.hashes, eventHash(id))
	}
	state := ClaimNew
	now := s.now()
	err := s.inTx(ctx, "claim inbound events", func(tx *sql.Tx) error {
		for _, h := range c.hashes {
			var st, holder string
			var at int64
			err := tx.QueryRowContext(ctx, `SELECT state, owner, at_ms FROM inbound_events WHERE id_hash = $1`, h).Scan(&st, &holder, &at)
			switch {
			case err == sql.ErrNoRows:
			case err != nil:
				return err
			case st == "done":
				state = ClaimSeen
				return nil
			case holder != c.owner && now.Sub(fromMS(at)) < ClaimTTL:
				state = ClaimBusy
				return nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inbound_events (id_hash, state, owner, at_ms) VALUES ($1, 'claimed', $2, $3)
				ON CONFLICT (id_hash) DO UPDATE SET state = 'claimed', owner = excluded.owner, at_ms = excluded.at_ms
				WHERE inbound_events.state = 'claimed'`, h, c.owner, ms(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if state != ClaimNew {
		// Nothing of ours to keep: the transaction committed only rows written before the
		// conflict was seen, which Release removes.
		_ = c.Release(ctx)
		return nil, state, nil
	}
	return c, ClaimNew, nil
}

// Commit marks the claimed events handled.
func (c *Claim) Commit(ctx context.Context) error {
	return c.s.inTx(ctx, "mark inbound events handled", func(tx *sql.Tx) error {
		for _, h := range c.hashes {
			if _, err := tx.ExecContext(ctx, `UPDATE inbound_events SET state = 'done', at_ms = $1 WHERE id_hash = $2 AND owner = $3`,
				ms(c.s.now()), h, c.owner); err != nil {
				return err
			}
		}
		return nil
	})
}

// Release gives the claimed events back unhandled, so the provider's retry is handled.
func (c *Claim) Release(ctx context.Context) error {
	return c.s.inTx(ctx, "release inbound events", func(tx *sql.Tx) error {
		for _, h := range c.hashes {
			if _, err := tx.ExecContext(ctx, `DELETE FROM inbound_events WHERE id_hash = $1 AND owner = $2 AND state = 'claimed'`, h, c.owner); err != nil {
				return err
			}
		}
		return nil
	})
}
