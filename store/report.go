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
// It reads each record in the range once and adds them up here: one scan, where grouping in
// SQL by each dimension took one sort per dimension (five times as long on SQLite). Its cost
// follows the number of campaigns in the range, not the tasks.
func (s *Store) ReportFacts(ctx context.Context, q ReportQuery) (ReportFacts, error) {
	var conds []string
	var args []any
	if !q.From.IsZero() {
		args = append(args, ms(q.From))
		conds = append(conds, fmt.Sprintf("launched_ms >= $%d", len(args)))
	}
	if !q.To.IsZero() {
		args = append(args, ms(q.To))
		conds = append(conds, fmt.Sprintf("launched_ms < $%d", len(args)))
	}
	query := `SELECT reason, scope, offer, segment, launch_month, lost_by, outcome, stages, opted_out, account_value,
		launched_ms, closed_ms, rationale, decided_by FROM campaign_records`
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return ReportFacts{}, s.fail("read the campaign records", err)
	}
	defer rows.Close()
	var t tally
	for rows.Next() {
		var c reportRow
		var launched, closed int64
		if err := rows.Scan(&c.won.Reason, &c.won.Scope, &c.won.Offer, &c.won.Segment, &c.won.LaunchMonth, &c.won.LostBy,
			&c.outcome, &c.stages, &c.optedOut, &c.won.AccountValue, &launched, &closed, &c.rationale, &c.decidedBy); err != nil {
			return ReportFacts{}, s.fail("read the campaign records", err)
		}
		c.won.Launched, c.won.Closed = fromMS(launched), fromMS(closed)
		t.add(c)
	}
	if err := rows.Err(); err != nil {
		return ReportFacts{}, s.fail("read the campaign records", err)
	}
	return t.facts(), nil
}

// reportRow is one campaign record as the report reads it.
type reportRow struct {
	won                  WonBackCampaign // its keys, dates and value, whatever its outcome
	outcome, stages      string
	optedOut             string
	rationale, decidedBy string
}

// tally adds up the report's facts, one campaign at a time.
type tally struct {
	groups     map[[2]string]*ReportGroup
	order      [][2]string
	wonBack    []WonBackCampaign
	rationales map[Rationale]int
	paths      map[string]int
}

func (t *tally) add(c reportRow) {
	if t.groups == nil {
		t.groups, t.rationales, t.paths = map[[2]string]*ReportGroup{}, map[Rationale]int{}, map[string]int{}
		t.group(DimAll, "") // every report has its total, even of no campaign
	}
	won := c.outcome == "won_back"
	count := func(g *ReportGroup) {
		g.Campaigns++
		g.ValueLost += c.won.AccountValue
		if c.outcome != "" {
			g.Closed++
		}
		if won {
			g.WonBack++
			g.ValueWonBack += c.won.AccountValue
		}
		if c.outcome == "walked_away" {
			g.WalkedAway++
		}
		if c.outcome == "opted_out" || c.optedOut != "" {
			g.OptedOut++
		}
	}
	count(t.group(DimAll, ""))
	count(t.group(DimOutcome, c.outcome))
	for _, dim := range ReportDimensions {
		count(t.group(dim, c.won.Key(dim)))
	}
	if won {
		t.wonBack = append(t.wonBack, c.won)
	}
	if c.outcome == "walked_away" {
		t.rationales[Rationale{Text: c.rationale, DecidedBy: c.decidedBy}]++
	}
	t.paths[c.stages]++
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
	if t.groups == nil { // no campaign in the range
		return ReportFacts{Groups: []ReportGroup{{Dimension: DimAll}}}
	}
	var f ReportFacts
	slices.SortFunc(t.order, func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(dimOrder(a[0]), dimOrder(b[0])), cmp.Compare(a[1], b[1]))
	})
	for _, k := range t.order {
		f.Groups = append(f.Groups, *t.groups[k])
	}
	f.WonBack = t.wonBack
	for r, n := range t.rationales {
		r.Campaigns = n
		f.Rationales = append(f.Rationales, r)
	}
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
