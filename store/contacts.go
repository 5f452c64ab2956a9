package store

import (
	"context"
	"time"
)

// The contact index: which campaigns a contact belongs to, so an inbound SMS ("STOP", "yes,
// call me") finds its campaign. A campaign indexes its contacts at launch and again when a rep
// corrects one.

// IndexContact records that contact (an email address or E.164 number) reaches the campaign
// workflowID of customerID on channel.
func (s *Store) IndexContact(ctx context.Context, contact, channel, customerID, workflowID string) error {
	if err := checkContact(contact, channel); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO contacts (contact, channel, workflow_id, customer_id, updated_ms) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (contact, channel, workflow_id) DO UPDATE SET customer_id = excluded.customer_id, updated_ms = excluded.updated_ms`,
		s.ContactHash(contact), channel, workflowID, customerID, ms(s.now()))
	if err != nil {
		return s.fail("index a contact", err)
	}
	return nil
}

// CampaignsOf returns the workflow IDs of the campaigns contact was indexed for on channel,
// most recently indexed first. Some may have closed since: signalling them says so.
func (s *Store) CampaignsOf(ctx context.Context, contact, channel string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT workflow_id FROM contacts WHERE contact = $1 AND channel = $2 ORDER BY updated_ms DESC LIMIT 100`,
		s.ContactHash(contact), channel)
	if err != nil {
		return nil, s.fail("look up a contact's campaigns", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail("look up a contact's campaigns", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("look up a contact's campaigns", err)
	}
	return ids, nil
}

// leaseHolder names this process in the leases table.
type leaseHolder = string

// TryLease takes or renews the named lease for holder until ttl from now, and reports whether
// holder has it: one worker of many does a job (the visibility gauges, pruning) while it holds
// the lease; another takes over once it lapses.
func (s *Store) TryLease(ctx context.Context, name string, holder leaseHolder, ttl time.Duration) (bool, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
		WHERE leases.holder = excluded.holder OR leases.until_ms < $4`, name, holder, ms(now.Add(ttl)), ms(now))
	if err != nil {
		return false, s.fail("take the lease "+name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
