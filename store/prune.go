package store

import (
	"context"
	"time"
)

// PruneReport says what Prune removed.
type PruneReport struct {
	InboundEvents int64 // handled event IDs past InboundRetention, and abandoned claims
	Sends         int64 // settled sends older than the ledger retention
}

// Prune forgets what no longer needs remembering: inbound event IDs past InboundRetention, and
// settled sends older than ledgerRetention (longer than any campaign lasts, so no retry or
// reset of a live campaign can need them). Intents, opt-outs, the consent log and the secrets
// are kept. One worker runs it (see TryLease).
func (s *Store) Prune(ctx context.Context, ledgerRetention time.Duration) (PruneReport, error) {
	now := s.now()
	var r PruneReport
	res, err := s.db.ExecContext(ctx, `DELETE FROM inbound_events WHERE at_ms < $1`, ms(now.Add(-InboundRetention)))
	if err != nil {
		return r, s.fail("prune inbound events", err)
	}
	r.InboundEvents, _ = res.RowsAffected()
	if ledgerRetention > 0 {
		res, err = s.db.ExecContext(ctx, `DELETE FROM send_ledger WHERE state = 'sent' AND updated_ms < $1`, ms(now.Add(-ledgerRetention)))
		if err != nil {
			return r, s.fail("prune the send ledger", err)
		}
		r.Sends, _ = res.RowsAffected()
	}
	return r, nil
}
