package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// CopyReport says what CopyTo copied, by table.
type CopyReport map[string]int

// copied are the tables CopyTo moves, with their columns; sealed columns are re-sealed with
// the destination's codec. The schema version table is the destination's own.
var copied = []struct {
	table   string
	columns []string
	sealed  string
}{
	{"secrets", []string{"name", "value", "created_ms"}, "value"},
	{"suppressions", []string{"contact", "channel", "source", "detail", "by_whom", "workflow_id", "at_ms"}, ""},
	{"consent_log", []string{"contact", "channel", "action", "source", "detail", "by_whom", "why", "workflow_id", "at_ms"}, ""},
	{"contacts", []string{"contact", "channel", "workflow_id", "customer_id", "updated_ms"}, ""},
	{"inbound_events", []string{"id_hash", "state", "owner", "at_ms"}, ""},
	{"send_ledger", []string{"key", "state", "channel", "recipient", "body_sha256", "intended_ms", "provider", "message_id", "sent_ms", "updated_ms"}, "recipient"},
	{"campaign_records", []string{"campaign_id", "workflow_id", "seq", "customer_id", "segment", "account_value", "launched_ms",
		"launch_month", "departed_ms", "stage", "stages", "outcome", "closed_ms", "reason", "scope", "rep", "manager", "lost_by",
		"decision", "decided_by", "offer", "rationale", "opted_out", "report_key", "updated_ms", "holdout", "foot_in_door_value",
		"revenue", "revenue_currency"}, ""},
	{"campaign_offers", []string{"campaign_id", "offer_id", "customer_id", "kind", "status", "value", "made_ms", "answered_ms",
		"fulfilled_ms"}, ""},
	{"campaign_tasks", []string{"campaign_id", "task_id", "workflow_id", "customer_id", "kind", "title", "assignee", "rep",
		"manager", "status", "escalated", "created_ms", "due_ms", "completed_ms", "completed_by"}, ""},
	{"billing_problems", []string{"event_id", "event_type", "billing_customer", "customer_id", "problem", "at_ms", "resolved_ms",
		"resolved_by"}, "problem"},
}

// CopyTo copies everything this store holds into dst, an empty store (another backend, say:
// from the SQLite file of a trial to a team's PostgreSQL): the suppression list and its log,
// the contact index with the key of its hashes, the secrets, inbound dedupe, the send ledger,
// the task index with the campaign records of the report, their offers and the revenue billing
// saw, and the billing problems.
// Values sealed with this store's codec are sealed again with dst's. dst must hold no data yet:
// its own secrets, made when it was opened, are replaced, so a contact hashes the same there.
func (s *Store) CopyTo(ctx context.Context, dst *Store) (CopyReport, error) {
	for _, t := range copied[1:] {
		var n int
		if err := dst.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.table).Scan(&n); err != nil {
			return nil, dst.fail("count "+t.table, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%s already holds data (%d rows in %s): copy only into a new, empty store", dst.where, n, t.table)
		}
	}
	report := CopyReport{}
	err := dst.inTx(ctx, "copy the store", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM secrets"); err != nil {
			return err
		}
		for _, t := range copied {
			n, err := s.copyTable(ctx, tx, dst, t.table, t.columns, t.sealed)
			if err != nil {
				return fmt.Errorf("%s: %w", t.table, err)
			}
			report[t.table] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	key, ok, err := dst.readSecret(ctx, contactKeySecret)
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: the copied contact-hash key cannot be read back: %v", dst.where, err)
	}
	dst.contactKey = key
	return report, nil
}

func (s *Store) copyTable(ctx context.Context, tx *sql.Tx, dst *Store, table string, columns []string, sealed string) (int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(columns, ", ")+" FROM "+table)
	if err != nil {
		return 0, s.fail("read "+table, err)
	}
	defer rows.Close()
	marks := make([]string, len(columns))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
	n := 0
	for rows.Next() {
		values := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range columns {
			if c != sealed {
				continue
			}
			v, _ := values[i].(string)
			if b, ok := values[i].([]byte); ok {
				v = string(b)
			}
			if v == "" {
				continue
			}
			plain, err := s.unseal(v)
			if err != nil {
				return n, err
			}
			if values[i], err = dst.seal(plain); err != nil {
				return n, err
			}
		}
		if _, err := tx.ExecContext(ctx, insert, values...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
