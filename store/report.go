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

// ReportGroup counts the campaigns that share one value of a dimension, and whether they were
// held out: a dimension's value has a group of the campaigns worked and, when some customers
// of it were held out, a group of those (Holdout).
type ReportGroup struct {
	Dimension string
	Key       string
	// Holdout: the group's customers were held out of the campaign (no message, no task).
	Holdout   bool
	Campaigns int
	Closed    int // campaigns with an outcome
	WonBack   int
	// WalkedAway counts the campaigns we decided not to pursue; OptedOut those whose customer
	// opted out of a channel, or of the campaign itself.
	WalkedAway int
	OptedOut   int
	// ValueLost is the account value of every campaign in the group (what walked out of the
	// door); ValueWonBack that of the campaigns won back, plus the value of the smaller
	// projects of those that closed foot_in_door (what came back through the door).
	ValueLost    float64
	ValueWonBack float64
}

// WonBackCampaign is one campaign won back, for medians and the value won back by month.
type WonBackCampaign struct {
	Reason, Scope, Offer, Segment, LaunchMonth, LostBy string
	Launched, Closed                                   time.Time
	AccountValue                                       float64
	// Holdout: a customer held out of the campaign who came back on their own.
	Holdout bool
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

// StagePath counts the campaigns that were seen in the same stages and have the same decision's
// offer ("" before the decision): a campaign that stays in touch goes from the decision straight
// to its check-ins, so the stages it skipped can be told from stages it passed unseen.
type StagePath struct {
	Stages    []string
	Offer     string
	Campaigns int
}

// OfferGroup counts the offers of one kind and status made by campaigns that closed with one
// outcome ("" while they run), with the account value and the foot-in-door value of those
// campaigns (one campaign's values count once for each of its offers in the group).
type OfferGroup struct {
	Kind, Status, Outcome string
	Offers                int
	AccountValue          float64
	FootInDoorValue       float64
}

// RevenueGroup is the revenue billing saw come back with the campaigns of one currency, worked
// or held out: what the new subscriptions are worth a year. Amounts of different currencies are
// never added.
type RevenueGroup struct {
	Currency  string // ISO 4217, lower case: "usd"
	Holdout   bool   // the customers were held out of their campaign and came back on their own
	Campaigns int
	Amount    float64
}

// ReportFacts are what the win-back report is made of (the report package does the arithmetic).
type ReportFacts struct {
	// Groups are DimAll once (the campaigns worked; and the held-out ones when there are any),
	// then every value of DimOutcome and each ReportDimensions, worked then held out.
	Groups     []ReportGroup
	WonBack    []WonBackCampaign // every campaign won back, held out or not
	Rationales []Rationale       // the most frequent rationales of walking away, at most MaxRationales
	Paths      []StagePath       // the stages the campaigns worked were seen in (held-out ones have none)
	Offers     []OfferGroup      // the offers made, by kind, status and their campaign's outcome
	Revenue    []RevenueGroup    // the revenue billing saw come back, by currency, worked then held out
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
	if err := s.reportFootInDoor(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the value of the feet in the door", err)
	}
	if err := s.reportOffers(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the offers", err)
	}
	if err := s.reportWonBack(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the campaigns won back", err)
	}
	if err := s.reportRationales(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read why we walked away", err)
	}
	if err := s.reportRevenue(ctx, where, args, &t); err != nil {
		return ReportFacts{}, s.fail("read the revenue billing saw come back", err)
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

// reportFootInDoor adds the value of the smaller projects taken to the value won back of
// their groups: few campaigns close foot_in_door, and the outcome's index finds them.
func (s *Store) reportFootInDoor(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT report_key, COALESCE(SUM(foot_in_door_value), 0) FROM campaign_records
		WHERE outcome = 'foot_in_door' AND `+where+` GROUP BY report_key`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var value float64
		if err := rows.Scan(&key, &value); err != nil {
			return err
		}
		t.addWonBackValue(parseReportKey(key), value)
	}
	return rows.Err()
}

// reportOffers counts the offers of the range's campaigns by kind, status and outcome.
func (s *Store) reportOffers(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT o.kind, o.status, r.outcome, COUNT(*), COALESCE(SUM(r.account_value), 0),
		COALESCE(SUM(r.foot_in_door_value), 0)
		FROM campaign_offers o JOIN campaign_records r ON r.campaign_id = o.campaign_id
		WHERE `+where+` GROUP BY o.kind, o.status, r.outcome`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g OfferGroup
		if err := rows.Scan(&g.Kind, &g.Status, &g.Outcome, &g.Offers, &g.AccountValue, &g.FootInDoorValue); err != nil {
			return err
		}
		t.offers = append(t.offers, g)
	}
	return rows.Err()
}

func (s *Store) reportWonBack(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT reason, scope, offer, segment, launch_month, lost_by, launched_ms, closed_ms, account_value,
		holdout FROM campaign_records WHERE outcome = 'won_back' AND `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var w WonBackCampaign
		var launched, closed int64
		var holdout int
		if err := rows.Scan(&w.Reason, &w.Scope, &w.Offer, &w.Segment, &w.LaunchMonth, &w.LostBy, &launched, &closed, &w.AccountValue,
			&holdout); err != nil {
			return err
		}
		w.Launched, w.Closed, w.Holdout = fromMS(launched), fromMS(closed), holdout == 1
		t.wonBack = append(t.wonBack, w)
	}
	return rows.Err()
}

// reportRevenue sums the revenue billing saw come back, by currency and holdout: only the
// campaigns whose return billing saw have a currency.
func (s *Store) reportRevenue(ctx context.Context, where string, args []any, t *tally) error {
	rows, err := s.db.QueryContext(ctx, `SELECT revenue_currency, holdout, COUNT(*), COALESCE(SUM(revenue), 0) FROM campaign_records
		WHERE revenue_currency <> '' AND `+where+` GROUP BY revenue_currency, holdout`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g RevenueGroup
		var holdout int
		if err := rows.Scan(&g.Currency, &holdout, &g.Campaigns, &g.Amount); err != nil {
			return err
		}
		g.Holdout = holdout == 1
		t.revenue = append(t.revenue, g)
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
	Holdout                                                     bool // a field since version 3; absent reads false
}

// keySep separates the fields of a report key (the ASCII unit separator: no value has one).
const keySep = "\x1f"

// String is the key as the report_key column holds it.
func (k reportKey) String() string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return ""
	}
	fields := []string{k.Reason, k.Scope, k.Offer, k.Segment, k.LaunchMonth, k.LostBy, k.Outcome, k.Stages, flag(k.OptedOut)}
	if k.Holdout {
		fields = append(fields, "1") // the key of a campaign worked stays what it was before version 3
	}
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(f, keySep, " ")
	}
	return strings.Join(fields, keySep)
}

// parseReportKey reads a report_key column.
func parseReportKey(s string) reportKey {
	f := strings.Split(s, keySep)
	for len(f) < 10 {
		f = append(f, "")
	}
	return reportKey{Reason: f[0], Scope: f[1], Offer: f[2], Segment: f[3], LaunchMonth: f[4], LostBy: f[5], Outcome: f[6],
		Stages: f[7], OptedOut: f[8] == "1", Holdout: f[9] == "1"}
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
	groups     map[groupID]*ReportGroup
	order      []groupID
	wonBack    []WonBackCampaign
	rationales []Rationale
	paths      map[pathID]int
	offers     []OfferGroup
	revenue    []RevenueGroup
}

// pathID names a StagePath: the stages seen (",a,b,") and the decision's offer.
type pathID struct{ stages, offer string }

// groupID names a group: a dimension's value, worked or held out.
type groupID struct {
	dim, key string
	holdout  bool
}

func (t *tally) start() {
	t.groups, t.paths = map[groupID]*ReportGroup{}, map[pathID]int{}
	t.group(DimAll, "", false) // every report has its total, even of no campaign
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
	t.each(k, count)
	if !k.Holdout {
		t.paths[pathID{k.Stages, k.Offer}] += n
	}
}

// addWonBackValue adds the value of smaller projects taken, by campaigns of key k, to the
// value won back of their groups.
func (t *tally) addWonBackValue(k reportKey, value float64) {
	t.each(k, func(g *ReportGroup) { g.ValueWonBack += value })
}

// each calls fn with every group a campaign of key k counts in.
func (t *tally) each(k reportKey, fn func(*ReportGroup)) {
	fn(t.group(DimAll, "", k.Holdout))
	fn(t.group(DimOutcome, k.Outcome, k.Holdout))
	for _, dim := range ReportDimensions {
		fn(t.group(dim, k.key(dim), k.Holdout))
	}
}

func (t *tally) group(dim, key string, holdout bool) *ReportGroup {
	k := groupID{dim, key, holdout}
	g := t.groups[k]
	if g == nil {
		g = &ReportGroup{Dimension: dim, Key: key, Holdout: holdout}
		t.groups[k] = g
		t.order = append(t.order, k)
	}
	return g
}

// facts are the tally's totals: groups by dimension then key, rationales the most frequent
// first, paths by their stages and offer.
func (t *tally) facts() ReportFacts {
	var f ReportFacts
	slices.SortFunc(t.order, func(a, b groupID) int {
		return cmp.Or(cmp.Compare(dimOrder(a.dim), dimOrder(b.dim)), cmp.Compare(a.key, b.key), cmpBool(a.holdout, b.holdout))
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
	for _, id := range slices.SortedFunc(maps.Keys(t.paths), func(a, b pathID) int {
		return cmp.Or(cmp.Compare(a.stages, b.stages), cmp.Compare(a.offer, b.offer))
	}) {
		p := StagePath{Offer: id.offer, Campaigns: t.paths[id]}
		for _, st := range strings.Split(id.stages, ",") {
			if st != "" {
				p.Stages = append(p.Stages, st)
			}
		}
		f.Paths = append(f.Paths, p)
	}
	f.Offers = t.offers
	slices.SortFunc(f.Offers, func(a, b OfferGroup) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Outcome, b.Outcome))
	})
	f.Revenue = t.revenue
	slices.SortFunc(f.Revenue, func(a, b RevenueGroup) int {
		return cmp.Or(cmpBool(a.Holdout, b.Holdout), cmp.Compare(a.Currency, b.Currency))
	})
	return f
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
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
