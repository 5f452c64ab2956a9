package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Billing problems: a billing event (a Stripe webhook) that could not be acted on is recorded
// here, answered so billing stops retrying it, and shown to ops (the inbox's Billing page) until
// someone resolves it by hand. Nothing billing says is lost: either it was acted on, or it is
// here, or billing retries it.

// BillingProblem is one billing event that could not be acted on, and why.
type BillingProblem struct {
	EventID   string // the billing event's ID: "evt_..."
	EventType string // "customer.subscription.deleted"...
	// BillingCustomer is the customer in billing ("cus_..."); CustomerID ours, when known.
	BillingCustomer string
	CustomerID      string
	// Problem says what is wrong and what to do, for people. It may quote the customer's
	// contact details, so it is sealed with the codec when there is one.
	Problem string
	At      time.Time
	// Resolved is when someone marked it resolved (zero while it is open), and ResolvedBy who.
	Resolved   time.Time
	ResolvedBy string
}

// BillingProblemQuery pages the open billing problems, newest first.
type BillingProblemQuery struct {
	// Offset and Limit page the problems; a Limit of 0 is DefaultTaskLimit, at most MaxTaskLimit.
	Offset, Limit int
}

// BillingProblemPage is one page of the open billing problems.
type BillingProblemPage struct {
	Problems []BillingProblem
	// Total counts the open problems, on every page.
	Total int
}

// ErrInvalidBillingProblem is returned for a problem the store cannot record (no event ID, no
// type or no text), or a resolution without who resolved it. Retrying it does not help.
var ErrInvalidBillingProblem = errors.New("invalid billing problem")

// RecordBillingProblem records why a billing event could not be acted on. The same event
// recorded again (billing sent it again once its earlier answer was lost) replaces the first
// record and opens it again.
func (s *Store) RecordBillingProblem(ctx context.Context, p BillingProblem) error {
	if strings.TrimSpace(p.EventID) == "" || strings.TrimSpace(p.EventType) == "" || strings.TrimSpace(p.Problem) == "" {
		return fmt.Errorf("%w: the event ID, its type and the problem are required (got %q, %q, %d characters)",
			ErrInvalidBillingProblem, p.EventID, p.EventType, len(p.Problem))
	}
	if p.At.IsZero() {
		p.At = s.now()
	}
	sealed, err := s.seal(p.Problem)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO billing_problems (event_id, event_type, billing_customer, customer_id, problem, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (event_id) DO UPDATE SET event_type = excluded.event_type, billing_customer = excluded.billing_customer,
			customer_id = excluded.customer_id, problem = excluded.problem, at_ms = excluded.at_ms, resolved_ms = 0, resolved_by = ''`,
		p.EventID, p.EventType, p.BillingCustomer, p.CustomerID, sealed, ms(p.At)); err != nil {
		return s.fail("record a billing problem", err)
	}
	return nil
}

// BillingProblems reads one page of the open billing problems, newest first, with their count.
func (s *Store) BillingProblems(ctx context.Context, q BillingProblemQuery) (BillingProblemPage, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultTaskLimit
	}
	if q.Limit > MaxTaskLimit || q.Offset < 0 {
		return BillingProblemPage{}, fmt.Errorf("billing problems: offset %d and limit %d: want an offset of 0 or more and a limit of at most %d",
			q.Offset, q.Limit, MaxTaskLimit)
	}
	var page BillingProblemPage
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM billing_problems WHERE resolved_ms = 0`).Scan(&page.Total); err != nil {
		return BillingProblemPage{}, s.fail("count the billing problems", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT event_id, event_type, billing_customer, customer_id, problem, at_ms
		FROM billing_problems WHERE resolved_ms = 0 ORDER BY at_ms DESC, event_id LIMIT $1 OFFSET $2`, q.Limit, q.Offset)
	if err != nil {
		return BillingProblemPage{}, s.fail("read the billing problems", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p BillingProblem
		var sealed string
		var at int64
		if err := rows.Scan(&p.EventID, &p.EventType, &p.BillingCustomer, &p.CustomerID, &sealed, &at); err != nil {
			return BillingProblemPage{}, s.fail("read the billing problems", err)
		}
		if p.Problem, err = s.unseal(sealed); err != nil {
			return BillingProblemPage{}, fmt.Errorf("billing problem of event %s: %w", p.EventID, err)
		}
		p.At = fromMS(at)
		page.Problems = append(page.Problems, p)
	}
	if err := rows.Err(); err != nil {
		return BillingProblemPage{}, s.fail("read the billing problems", err)
	}
	return page, nil
}

// ResolveBillingProblem marks the problem of an event resolved, by whom. It reports whether
// there was an open problem of that event (false: none, or someone resolved it first).
func (s *Store) ResolveBillingProblem(ctx context.Context, eventID, by string) (bool, error) {
	if strings.TrimSpace(eventID) == "" || strings.TrimSpace(by) == "" {
		return false, fmt.Errorf("%w: say which event's problem is resolved, and who resolved it", ErrInvalidBillingProblem)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE billing_problems SET resolved_ms = $1, resolved_by = $2
		WHERE event_id = $3 AND resolved_ms = 0`, ms(s.now()), by, eventID)
	if err != nil {
		return false, s.fail("resolve a billing problem", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail("resolve a billing problem", err)
	}
	return n > 0, nil
}
