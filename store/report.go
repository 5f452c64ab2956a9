package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ReportQuery says which campaigns the report counts: those launched in [From, To). A zero
// From is since ever, a zero To until now.
type ReportQuery struct {
	From, To time.Time
}

// The dimensions the report groups campaigns by (ReportGroup.Dimension).
const (
	DimAll         = "all"          // one group: every campaign
	DimReason      = "reason"       // why the customer left
	DimScope       = "scope"        // specific or systemic
	DimOffer       = "offer"        // what we offered ("" when we walked away or did not decide)
	DimSegment     = "segment"      // the customer's segment
	DimLaunchMonth = "launch_month" // the month the campaign was launched, "2026-03" (UTC)
	DimLostBy      = "lost_by"      // the rep who owned the account when the customer left
	DimOutcome     = "outcome"      // how the campaign closed ("" while it runs)
)

// ReportDimensions are the dimensions of the report's tables, in the order it shows them.
var ReportDimensions = []string{DimReason, DimScope, DimOffer, DimSegment, DimLaunchMonth, DimLostBy}

// ReportGroup counts the campaigns that share one value of a dimension.
type ReportGroup struct {
	Dimension string
	Key       string
	Campaigns int
	Closed    int // campaigns with an outcome
	WonBack   int
	// WalkedAway counts the campaigns we decided not to pursue; OptedOut those whose customer
	// opted out of a channel, or of the campaign itself.
	WalkedAway int
	OptedOut   int
	// ValueLost is the account value of every campaign in the group (what walked out of the
	// door); ValueWonBack that of the campaigns won back.
	ValueLost    float64
	ValueWonBack float64
}

// WonBackCampaign is one campaign won back, for medians and the value won back by month.
type WonBackCampaign struct {
	Reason, Scope, Offer, Segment, LaunchMonth, LostBy string
	Launched, Closed                                   time.Time
	AccountValue                                       float64
}

// Key is the campaign's value of a dimension.
func (w WonBackCampaign) Key(dim string) string {
	switch dim {
	case DimReason:
		return w.Reason
	case DimScope:
		return w.Scope
	case DimOffer:
		return w.Offer
	case DimSegment:
		return w.Segment
	case DimLaunchMonth:
		return w.LaunchMonth
	case DimLostBy:
		return w.LostBy
	case DimOutcome:
		return "won_back"
	}
	return ""
}

// Rationale is why we walked away from some customers, and who decided.
type Rationale struct {
	Text      string
	DecidedBy string
	Campaigns int
}

// StagePath counts the campaigns that were seen in the same stages.
type StagePath struct {
	Stages    []string
	Campaigns int
}

// ReportFacts are what the win-back report is made of (the report package does the arithmetic).
type ReportFacts struct {
	Groups     []ReportGroup     // DimAll once, then every value of DimOutcome and each ReportDimensions
	WonBack    []WonBackCampaign // every campaign won back
	Rationales []Rationale       // the most frequent rationales of walking away, at most MaxRationales
	Paths      []StagePath
}

// MaxRationales bounds ReportFacts.Rationales.
const MaxRationales = 20

// ReportFacts reads the campaign records launched in the query's range: counts and money by
// each dimension, the campaigns won back, the rationales of walking away and the stages seen.
// The counts come from the distinct report keys of the range (an index holds them in order:
// a few thousand groups for tens of thousands of campaigns, added up here); only the campaigns
// won back (for the medians) and walked away from (for why) are read one by one.
func (s *Store) ReportFacts(ctx context.Context, q ReportQuery) (ReportFacts, error) {
	// "+launched_ms" keeps SQLite on the report key's index (no sort) rather than the range's.
	conds := []string{"1 = 1"}
	var args []any
	if !q.From.IsZero() {
		args = append(args, ms(q.From))
		conds = append(conds, fmt.Sprintf("+launched_ms >= $%d", len(args)))
	}
	if !q.To.IsZero() {
		args = append(args, ms(q.To))
		conds = append(conds, fmt.Sprintf("+launched_ms < $%d", len(args)))
	}
	where := strings.Join(conds, " AND ")
	var t tally
	t.start()
	if err := s.reportGroups(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the report's counts", err)
	}
	if err := s.reportWonBack(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the campaigns won back", err)
	}
	if err := s.reportRationales(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read why we walked away", err)
	}
	return t.facts(), nil
}

func (s *Store) reportGroups(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT report_key, COUNT(*), COALESCE(SUM(account_value), 0) FROM campaign_records
		WHERE `+where+` GROUP BY report_key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var n int
		var value float64
		if err := rows.Scan(&key, &n, &value); err != nil {
			return err
		}
		t.add(parseReportKey(key), n, value)
	}
	return rows.Err()
}

func (s *Store) reportWonBack(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT reason, scope, offer, segment, launch_month, lost_by, launched_ms, closed_ms, account_value
		FROM campaign_records WHERE outcome = 'won_back' AND `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var w WonBackCampaign
		var launched, closed int64
		if err := rows.Scan(&w.Reason, &w.Scope, &w.Offer, &w.Segment, &w.LaunchMonth, &w.LostBy, &launched, &closed, &w.AccountValue); err != nil {
			return err
		}
		w.Launched, w.Closed = fromMS(launched), fromMS(closed)
		t.wonBack = append(t.wonBack, w)
	}
	return rows.Err()
}

func (s *Store) reportRationales(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT rationale, decided_by, COUNT(*) FROM campaign_records
		WHERE outcome = 'walked_away' AND `+where+` GROUP BY rationale, decided_by`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Rationale
		if err := rows.Scan(&r.Text, &r.DecidedBy, &r.Campaigns); err != nil {
			return err
		}
		t.rationales = append(t.rationales, r)
	}
	return rows.Err()
}

// reportKey is what the report groups a campaign by, kept in one column (report_key) so that
// the report adds up groups of campaigns, not campaigns.
type reportKey struct {
	Reason, Scope, Offer, Segment, LaunchMonth, LostBy, Outcome string
	Stages                                                      string // ",a,b,"
	OptedOut                                                    bool
}

// keySep separates the fields of a report key (the ASCII unit separator: no value has one).
const keySep = "\x1f"

// String is the key as the report_key column holds it.
func (k reportKey) String() string {
	opted := ""
	if k.OptedOut {
		opted = "1"
	}
	fields := []string{k.Reason, k.Scope, k.Offer, k.Segment, k.LaunchMonth, k.LostBy, k.Outcome, k.Stages, opted}
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(f, keySep, " ")
	}
	return strings.Join(fields, keySep)
}

// parseReportKey reads a report_key column.
func parseReportKey(s string) reportKey {
	f := strings.Split(s, keySep)
	for len(f) < 9 {
		f = append(f, "")
	}
	return reportKey{Reason: f[0], Scope: f[1], Offer: f[2], Segment: f[3], LaunchMonth: f[4], LostBy: f[5], Outcome: f[6],
		Stages: f[7], OptedOut: f[8] == "1"}
}

// key is the value of a dimension in the key.
func (k reportKey) key(dim string) string {
	switch dim {
	case DimOutcome:
		return k.Outcome
	case DimReason:
		return k.Reason
	case DimScope:
		return k.Scope
	case DimOffer:
		return k.Offer
	case DimSegment:
		return k.Segment
	case DimLaunchMonth:
		return k.LaunchMonth
	case DimLostBy:
		return k.LostBy
	}
	return ""
}

// tally adds up the report's facts, one group of campaigns at a time.
type tally struct {
	groups     map[[2]string]*ReportGroup
	order      [][2]string
	wonBack    []WonBackCampaign
	rationales []Rationale
	paths      map[string]int
}

func (t *tally) start() {
	t.groups, t.paths = map[[2]string]*ReportGroup{}, map[string]int{}
	t.group(DimAll, "") // every report has its total, even of no campaign
}

// add counts n campaigns of key k, worth value together.
func (t *tally) add(k reportKey, n int, value float64) {
	count := func(g *ReportGroup) {
		g.Campaigns += n
		g.ValueLost += value
		if k.Outcome != "" {
			g.Closed += n
		}
		switch k.Outcome {
		case "won_back":
			g.WonBack += n
			g.ValueWonBack += value
		case "walked_away":
			g.WalkedAway += n
		}
		if k.Outcome == "opted_out" || k.OptedOut {
			g.OptedOut += n
		}
	}
	count(t.group(DimAll, ""))
	count(t.group(DimOutcome, k.Outcome))
	for _, dim := range ReportDimensions {
		count(t.group(dim, k.key(dim)))
	}
	t.paths[k.Stages] += n
}

func (t *tally) group(dim, key string) *ReportGroup {
	k := [2]string{dim, key}
	g := t.groups[k]
	if g == nil {
		g = &ReportGroup{Dimension: dim, Key: key}
		t.groups[k] = g
		t.order = append(t.order, k)
	}
	return g
}

// facts are the tally's totals: groups by dimension then key, rationales the most frequent
// first, paths by their stages.
func (t *tally) facts() ReportFacts {
	var f ReportFacts
	slices.SortFunc(t.order, func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(dimOrder(a[0]), dimOrder(b[0])), cmp.Compare(a[1], b[1]))
	})
	for _, k := range t.order {
		f.Groups = append(f.Groups, *t.groups[k])
	}
	f.WonBack = t.wonBack
	f.Rationales = t.rationales
	slices.SortFunc(f.Rationales, func(a, b Rationale) int {
		return cmp.Or(cmp.Compare(b.Campaigns, a.Campaigns), cmp.Compare(a.Text, b.Text), cmp.Compare(a.DecidedBy, b.DecidedBy))
	})
	if len(f.Rationales) > MaxRationales {
		f.Rationales = f.Rationales[:MaxRationales]
	}
	for _, set := range slices.Sorted(maps.Keys(t.paths)) {
		p := StagePath{Campaigns: t.paths[set]}
		for _, st := range strings.Split(set, ",") {
			if st != "" {
				p.Stages = append(p.Stages, st)
			}
		}
		f.Paths = append(f.Paths, p)
	}
	return f
}

// dimOrder puts DimAll first, then DimOutcome, then ReportDimensions in their order.
func dimOrder(dim string) int {
	switch dim {
	case DimAll:
		return -2
	case DimOutcome:
		return -1
	}
	return slices.Index(ReportDimensions, dim)
}
