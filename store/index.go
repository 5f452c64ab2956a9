package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The task index and the campaign records: each campaign writes its record (SyncCampaign) every
// time its tasks, stage, outcome or decision change, so a task list (Tasks) and the win-back
// report (ReportFacts) read the store and never ask each campaign. A list may lag a campaign by
// the time the record takes to arrive (about a second); it never shows a task twice or misses
// one the campaign reported.

// CampaignRecord is what a campaign tells the store about itself (activities.CampaignRecord,
// converted by the SyncCampaign activity).
type CampaignRecord struct {
	WorkflowID string
	// CampaignID is the campaign's first run ID: one campaign across continue-as-new, another
	// for a relaunch of the same customer.
	CampaignID string
	// Seq grows with every record of the campaign: a record whose Seq is not above the stored
	// one changes nothing.
	Seq          int64
	CustomerID   string
	Segment      string
	AccountValue float64
	Launched     time.Time
	Departed     time.Time
	Stage        string
	Outcome      string // "" while the campaign runs
	Closed       time.Time
	Reason       string
	Scope        string
	Rep          string // who owns the account now
	Manager      string
	LostBy       string // the rep who owned the account when the customer left
	Pursue       *bool  // the decision, once made
	DecidedBy    string
	Offer        string
	Rationale    string
	OptedOut     []string // channels closed to the campaign
	Tasks        []TaskRecord
	// Offers are the offers the campaign made and what became of them.
	Offers []OfferRecord
	// Holdout: the customer is held out of the campaign (no message, no task), to measure the
	// lift the campaigns cause.
	Holdout bool
	// FootInDoorValue is the value of the smaller project taken (outcome foot_in_door): the
	// report counts it as the value won back of that campaign.
	FootInDoorValue float64
	// Revenue is what billing says the customer's return is worth a year, in RevenueCurrency
	// (ISO 4217, lower case); 0 and "" when billing did not see the return. The report sums it
	// per currency, never across currencies.
	Revenue         float64
	RevenueCurrency string
}

// OfferRecord is one offer of a campaign.
type OfferRecord struct {
	ID        string // "offer-1"
	Kind      string // a workflows.Offer: incentive, foot_in_door...
	Status    string // open, accepted, fulfilled, declined, expired, withdrawn
	Value     float64
	Made      time.Time
	Answered  time.Time
	Fulfilled time.Time
}

// The offer kind and statuses the store's questions depend on (workflows.OfferIncentive,
// OfferAccepted and OfferFulfilled).
const (
	offerIncentive = "incentive"
	offerAccepted  = "accepted"
	offerFulfilled = "fulfilled"
)

// TaskRecord is one task of a campaign, as a task list shows it.
type TaskRecord struct {
	ID          string
	Kind        string
	Title       string
	Assignee    string
	Created     time.Time
	Due         time.Time
	Status      string // TaskOpen, or done, expired, cancelled
	Escalated   bool   // escalated to the manager
	CompletedBy string
	Completed   time.Time
}

// TaskOpen is the status of a task that is waiting for someone.
const TaskOpen = "open"

// Outcome the store gives a campaign that ended without sending its last record (terminated,
// or reset away by ops), once a relaunch of the same customer shows it has ended.
const OutcomeEndedUnrecorded = "ended_unrecorded"

// ErrInvalidRecord is returned for a record the store cannot file: it lacks a WorkflowID or a
// CampaignID. Retrying it does not help.
var ErrInvalidRecord = errors.New("invalid campaign record")

// SyncCampaign files a campaign's record, in one transaction: the campaign's row is written
// unless the store holds a record of it with the same or a higher Seq, and then its task rows
// are replaced by rec.Tasks. It reports whether rec was applied (false: a newer record was
// there first, and nothing changed). The tasks of a closed campaign stay, with their final
// status, for the lists of recent tasks and the report. The first record of a relaunched
// campaign cancels the tasks an earlier campaign of the same customer still shows open: that
// one ended without saying so (terminated), as only a closed campaign can be relaunched.
func (s *Store) SyncCampaign(ctx context.Context, rec CampaignRecord) (applied bool, err error) {
	n, err := s.SyncCampaigns(ctx, []CampaignRecord{rec})
	return n == 1, err
}

// SyncCampaigns files several records in one transaction, each as SyncCampaign would (a
// rebuild of the index, a benchmark's seeding), and reports how many were applied.
func (s *Store) SyncCampaigns(ctx context.Context, recs []CampaignRecord) (applied int, err error) {
	for _, rec := range recs {
		if err := checkRecord(rec); err != nil {
			return 0, err
		}
	}
	now := ms(s.now())
	err = s.inTx(ctx, "file campaign records", func(tx *sql.Tx) error {
		applied = 0
		for _, rec := range recs {
			ok, err := syncCampaign(ctx, tx, rec, now)
			if err != nil {
				return fmt.Errorf("%s: %w", rec.WorkflowID, err)
			}
			if ok {
				applied++
			}
		}
		return nil
	})
	return applied, err
}

// checkRecord refuses a record the store cannot file.
func checkRecord(rec CampaignRecord) error {
	if strings.TrimSpace(rec.WorkflowID) == "" || strings.TrimSpace(rec.CampaignID) == "" {
		return fmt.Errorf("%w: WorkflowID and CampaignID are required (got %q, %q)", ErrInvalidRecord, rec.WorkflowID, rec.CampaignID)
	}
	seen := map[string]bool{}
	for _, t := range rec.Tasks {
		if strings.TrimSpace(t.ID) == "" || seen[t.ID] {
			return fmt.Errorf("%w: %s lists a task with no ID, or task %q twice", ErrInvalidRecord, rec.WorkflowID, t.ID)
		}
		seen[t.ID] = true
	}
	offers := map[string]bool{}
	for _, o := range rec.Offers {
		if strings.TrimSpace(o.ID) == "" || offers[o.ID] {
			return fmt.Errorf("%w: %s lists an offer with no ID, or offer %q twice", ErrInvalidRecord, rec.WorkflowID, o.ID)
		}
		offers[o.ID] = true
	}
	return nil
}

// syncCampaign files one record in tx; see SyncCampaign.
func syncCampaign(ctx context.Context, tx *sql.Tx, rec CampaignRecord, now int64) (bool, error) {
	var seq int64
	var stages string
	err := tx.QueryRowContext(ctx, `SELECT seq, stages FROM campaign_records WHERE campaign_id = $1`, rec.CampaignID).Scan(&seq, &stages)
	known := err == nil
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, err
	case seq >= rec.Seq:
		return false, nil // a newer (or the same) record is filed: this one is late
	}
	stages = mergeStages(stages, rec.Stage)
	key := reportKey{Reason: rec.Reason, Scope: rec.Scope, Offer: rec.Offer, Segment: rec.Segment, LaunchMonth: month(rec.Launched),
		LostBy: rec.LostBy, Outcome: rec.Outcome, Stages: stages, OptedOut: len(rec.OptedOut) > 0, Holdout: rec.Holdout}
	holdout := 0
	if rec.Holdout {
		holdout = 1
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO campaign_records (campaign_id, workflow_id, seq, customer_id, segment,
		account_value, launched_ms, launch_month, departed_ms, stage, stages, outcome, closed_ms, reason, scope, rep, manager,
		lost_by, decision, decided_by, offer, rationale, opted_out, report_key, updated_ms, holdout, foot_in_door_value,
		revenue, revenue_currency)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
			$26, $27, $28, $29)
		ON CONFLICT (campaign_id) DO UPDATE SET workflow_id = excluded.workflow_id, seq = excluded.seq,
			customer_id = excluded.customer_id, segment = excluded.segment, account_value = excluded.account_value,
			launched_ms = excluded.launched_ms, launch_month = excluded.launch_month, departed_ms = excluded.departed_ms,
			stage = excluded.stage, stages = excluded.stages, outcome = excluded.outcome, closed_ms = excluded.closed_ms,
			reason = excluded.reason, scope = excluded.scope, rep = excluded.rep, manager = excluded.manager,
			lost_by = excluded.lost_by, decision = excluded.decision, decided_by = excluded.decided_by,
			offer = excluded.offer, rationale = excluded.rationale, opted_out = excluded.opted_out,
			report_key = excluded.report_key, updated_ms = excluded.updated_ms, holdout = excluded.holdout,
			foot_in_door_value = excluded.foot_in_door_value, revenue = excluded.revenue,
			revenue_currency = excluded.revenue_currency
		WHERE campaign_records.seq < excluded.seq`,
		rec.CampaignID, rec.WorkflowID, rec.Seq, rec.CustomerID, rec.Segment, rec.AccountValue, msz(rec.Launched),
		month(rec.Launched), msz(rec.Departed), rec.Stage, stages, rec.Outcome, msz(rec.Closed),
		rec.Reason, rec.Scope, rec.Rep, rec.Manager, rec.LostBy, decision(rec.Pursue), rec.DecidedBy, rec.Offer,
		rec.Rationale, strings.Join(rec.OptedOut, ","), key.String(), now, holdout, rec.FootInDoorValue,
		rec.Revenue, rec.RevenueCurrency)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil // a newer record landed between the read and the write
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_tasks WHERE campaign_id = $1`, rec.CampaignID); err != nil {
		return false, err
	}
	if err := insertTasks(ctx, tx, rec); err != nil {
		return false, err
	}
	if known {
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_offers WHERE campaign_id = $1`, rec.CampaignID); err != nil {
			return false, err
		}
	}
	if err := insertOffers(ctx, tx, rec); err != nil {
		return false, err
	}
	if !known {
		if err := endEarlierCampaigns(ctx, tx, rec, now); err != nil {
			return false, err
		}
	}
	return true, nil
}

// taskColumns are the columns insertTasks writes, in order.
const taskColumns = 14

// insertTasks writes rec's task rows in one statement.
func insertTasks(ctx context.Context, tx *sql.Tx, rec CampaignRecord) error {
	if len(rec.Tasks) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO campaign_tasks (campaign_id, task_id, workflow_id, customer_id, kind, title, assignee, rep, manager,
		status, escalated, created_ms, due_ms, completed_ms, completed_by) VALUES `)
	args := make([]any, 0, len(rec.Tasks)*(taskColumns+1)+1)
	args = append(args, rec.CampaignID)
	for n, t := range rec.Tasks {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString("($1")
		for range taskColumns {
			args = append(args, nil)
			fmt.Fprintf(&b, ", $%d", len(args))
		}
		b.WriteString(")")
		escalated := 0
		if t.Escalated {
			escalated = 1
		}
		copy(args[len(args)-taskColumns:], []any{t.ID, rec.WorkflowID, rec.CustomerID, t.Kind, t.Title, t.Assignee,
			rec.Rep, rec.Manager, t.Status, escalated, msz(t.Created), msz(t.Due), msz(t.Completed), t.CompletedBy})
	}
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// insertOffers writes rec's offer rows (a campaign makes a handful at most).
func insertOffers(ctx context.Context, tx *sql.Tx, rec CampaignRecord) error {
	for _, o := range rec.Offers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_offers (campaign_id, offer_id, customer_id, kind, status, value,
			made_ms, answered_ms, fulfilled_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			rec.CampaignID, o.ID, rec.CustomerID, o.Kind, o.Status, o.Value, msz(o.Made), msz(o.Answered), msz(o.Fulfilled)); err != nil {
			return err
		}
	}
	return nil
}

// endEarlierCampaigns closes what earlier campaigns of rec's customer still show open: a
// campaign is relaunched only after it closed, so whatever it left open has ended.
func endEarlierCampaigns(ctx context.Context, tx *sql.Tx, rec CampaignRecord, now int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT campaign_id FROM campaign_records WHERE workflow_id = $1 AND campaign_id <> $2 AND launched_ms <= $3`,
		rec.WorkflowID, rec.CampaignID, msz(rec.Launched))
	if err != nil {
		return err
	}
	var earlier []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		earlier = append(earlier, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range earlier {
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_tasks SET status = 'cancelled' WHERE campaign_id = $1 AND status = 'open'`, id); err != nil {
			return err
		}
		var k reportKey
		var optedOut string
		var holdout int
		err := tx.QueryRowContext(ctx, `SELECT reason, scope, offer, segment, launch_month, lost_by, stages, opted_out, holdout
			FROM campaign_records WHERE campaign_id = $1 AND outcome = ''`, id).Scan(&k.Reason, &k.Scope, &k.Offer, &k.Segment,
			&k.LaunchMonth, &k.LostBy, &k.Stages, &optedOut, &holdout)
		if errors.Is(err, sql.ErrNoRows) {
			continue // it closed, and said so
		}
		if err != nil {
			return err
		}
		k.Outcome, k.Stages, k.OptedOut, k.Holdout = OutcomeEndedUnrecorded, mergeStages(k.Stages, "closed"), optedOut != "", holdout == 1
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_records SET stage = 'closed', stages = $2, outcome = $3, report_key = $4,
			updated_ms = $5 WHERE campaign_id = $1`, id, k.Stages, k.Outcome, k.String(), now); err != nil {
			return err
		}
	}
	return nil
}

// msz is ms, with the zero time as 0 (so an unset time sorts first and reads back as zero).
func msz(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// month is the calendar month of t in UTC, "2026-03"; "" for the zero time.
func month(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01")
}

// decision is how the campaign_records row keeps the decision: "", "pursue" or "walk_away".
func decision(pursue *bool) string {
	switch {
	case pursue == nil:
		return ""
	case *pursue:
		return "pursue"
	}
	return "walk_away"
}

// mergeStages adds stage to the set ",a,b," of the stages a campaign was seen in, kept sorted
// so that campaigns that went the same way group together.
func mergeStages(set, stage string) string {
	var list []string
	for _, s := range strings.Split(set, ",") {
		if s != "" {
			list = append(list, s)
		}
	}
	if stage != "" && !slices.Contains(list, stage) {
		list = append(list, stage)
	}
	if len(list) == 0 {
		return ""
	}
	slices.Sort(list)
	return "," + strings.Join(list, ",") + ","
}
