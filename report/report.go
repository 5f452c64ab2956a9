// Package report is the win-back report in money and time: over the campaigns launched in a
// date range, how many were won back, the win-back rate, the account value lost and won back,
// the median days to win back, how many we walked away from (and why) and how many opted out,
// by reason, scope, offer, segment, launch month and the rep who lost the customer; the value
// won back by month and the funnel of stages; what each kind of offer did (offered, accepted,
// fulfilled, value won back); and, when some customers were held out of their campaign, the
// lift the campaigns cause, with its 95% confidence interval; and the revenue billing saw come
// back, per currency (amounts of different currencies are never added). It does the arithmetic
// on the store's campaign records (store.ReportFacts); `winback report` prints it and the inbox's
// report page draws it.
//
// The customers held out are tracked like the rest but are not campaigns we ran: the totals,
// the tables by dimension, the funnel, the medians and the value by month count the customers
// worked; the held-out ones have their own figures (HeldOut) and the comparison (Lift); the
// outcome breakdown counts both.
package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// Report is the win-back report over the campaigns launched in [From, To).
type Report struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Totals has every campaign of the range worked (not held out); Open and Closed split them.
	Totals Group `json:"totals"`
	// HeldOut has the customers of the range held out of their campaign (no message, no task):
	// those who returned on their own are its WonBack.
	HeldOut Group `json:"heldOut"`
	// ByOutcome counts the closed campaigns by outcome, worked or held out; every outcome a
	// campaign can close with is listed, 0 included. ByOutcomeHeldOut counts the held-out ones
	// among them (won_back: returned on their own; holdout: still away at the horizon).
	ByOutcome        map[string]int `json:"byOutcome"`
	ByOutcomeHeldOut map[string]int `json:"byOutcomeHeldOut"`
	// The tables, by dimension. A campaign without a value (no offer made, no reason yet) is
	// in the group NoValue.
	ByReason      []Group `json:"byReason"`
	ByScope       []Group `json:"byScope"`
	ByOffer       []Group `json:"byOffer"`
	BySegment     []Group `json:"bySegment"`
	ByLaunchMonth []Group `json:"byLaunchMonth"` // oldest first
	// ByLostBy credits each campaign to the rep who owned the account when the customer left,
	// whoever owns the campaign when it closes ("is it me?" moves the account, not the loss).
	ByLostBy []Group `json:"byLostBy"`
	// WonBackByMonth is the account value won back in each month (of the win back), oldest
	// first, months without any included between the first and the last.
	WonBackByMonth []Month `json:"wonBackByMonth"`
	// Funnel counts the campaigns that reached each stage, in playbook order, then won back.
	Funnel []Step `json:"funnel"`
	// Rationales are why we walked away, the most frequent first (at most store.MaxRationales).
	Rationales []Rationale `json:"walkedAwayRationales"`
	// Offers are what each kind of offer did, in the order of workflows.Offers.
	Offers []OfferFigures `json:"offers"`
	// Lift compares the customers worked with those held out: over every customer (All), by
	// reason, and by offer (each offer's customers against every customer held out).
	Lift Lifts `json:"lift"`
	// Revenue is what billing saw come back with the customers worked, a year, per currency
	// (never added across currencies), sorted by currency; RevenueHeldOut the same of the
	// customers held out who came back on their own. Empty without billing.
	Revenue        []Revenue `json:"revenueWonBack"`
	RevenueHeldOut []Revenue `json:"revenueHeldOut"`
}

// Lifts are the report's comparisons of the customers worked with those held out.
type Lifts struct {
	All      Lift   `json:"all"`
	ByReason []Lift `json:"byReason"`
	// ByOffer compares the customers offered each kind (the decision's offer; those with none,
	// walked away from or not decided yet, are left out) with every customer held out (who got
	// no offer): offers go to the customers a manager picked, not
	// to customers drawn by chance, so read it as a hint of which offers work, not a measure.
	ByOffer []Lift `json:"byOffer"`
}

// Group is the report's figures for the campaigns that share one value of a dimension (or
// every campaign, for Totals).
type Group struct {
	Key       string `json:"key,omitempty"`
	Campaigns int    `json:"campaigns"`
	Open      int    `json:"open"`
	Closed    int    `json:"closed"`
	WonBack   int    `json:"wonBack"`
	// WinBackRate is WonBack / Closed: the share of the campaigns that ended that ended won
	// back (0 when none closed).
	WinBackRate float64 `json:"winBackRate"`
	// ValueLost is the account value of every campaign of the group, ValueWonBack that of the
	// campaigns won back plus, for those that closed foot_in_door, the value of the smaller
	// project the customer took (a foot in the door's value counts as won back).
	ValueLost    float64 `json:"valueLost"`
	ValueWonBack float64 `json:"valueWonBack"`
	// MedianDaysToWinBack is the median, over the campaigns won back, of the time from launch
	// to won back, in days (0 when none was); MedianTimeToWinBack the same as a duration.
	MedianDaysToWinBack float64       `json:"medianDaysToWinBack"`
	MedianTimeToWinBack time.Duration `json:"-"`
	// WalkedAway counts the campaigns we decided not to pursue, OptedOut those whose customer
	// opted out of a channel or of the campaign.
	WalkedAway int `json:"walkedAway"`
	OptedOut   int `json:"optedOut"`
}

// Month is the account value won back in one month.
type Month struct {
	Month     string    `json:"month"` // "2026-03"
	WonBack   int       `json:"wonBack"`
	Value     float64   `json:"value"`
	Beginning time.Time `json:"-"` // the month's first day, UTC
}

// Step is one stage of the funnel and the campaigns that reached it.
type Step struct {
	Stage     string  `json:"stage"` // a workflows.Stage, or "won_back"
	Label     string  `json:"label"`
	Campaigns int     `json:"campaigns"`
	Share     float64 `json:"share"` // of every campaign launched
}

// Rationale is why we walked away from some customers, and who decided (a manager, or
// "policy").
type Rationale struct {
	Text      string `json:"rationale"`
	DecidedBy string `json:"decidedBy"`
	Campaigns int    `json:"campaigns"`
}

// NoValue is the key of the campaigns without a value (no offer made, no reason yet...).
const NoValue = "(none)"

// FunnelWonBack is the funnel's last step.
const FunnelWonBack = "won_back"

// funnelStages are the stages of the funnel, in playbook order.
var funnelStages = []workflows.Stage{workflows.StageBackstory, workflows.StageExitInterview, workflows.StageDecision,
	workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall, workflows.StageCheckIns}

// skippedInTouch are the stages of the funnel a campaign that stays in touch does not go through.
var skippedInTouch = []workflows.Stage{workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall}

// Outcomes are the outcomes a campaign closes with, in the order the report lists them.
var Outcomes = []workflows.Outcome{workflows.OutcomeWonBack, workflows.OutcomeFootInDoor, workflows.OutcomeDeclined,
	workflows.OutcomeWalkedAway, workflows.OutcomeOptedOut, workflows.OutcomeExpired, workflows.OutcomeCancelled,
	workflows.OutcomeHoldout}

// Build makes the report of the facts of the campaigns launched in [from, to) (zero: open).
func Build(f store.ReportFacts, from, to time.Time) Report {
	r := Report{From: from, To: to, ByOutcome: map[string]int{}, ByOutcomeHeldOut: map[string]int{}}
	for _, o := range Outcomes {
		r.ByOutcome[string(o)], r.ByOutcomeHeldOut[string(o)] = 0, 0
	}
	won := map[string]map[string][]time.Duration{} // dimension, key: times to win back
	var all, allHeld []time.Duration
	byMonth := map[string]*Month{}
	for _, w := range f.WonBack {
		d := w.Closed.Sub(w.Launched)
		if w.Holdout {
			allHeld = append(allHeld, d)
			continue
		}
		all = append(all, d)
		for _, dim := range store.ReportDimensions {
			if won[dim] == nil {
				won[dim] = map[string][]time.Duration{}
			}
			k := cmp.Or(w.Key(dim), NoValue)
			won[dim][k] = append(won[dim][k], d)
		}
		m := w.Closed.UTC().Format("2006-01")
		if byMonth[m] == nil {
			byMonth[m] = &Month{Month: m}
		}
		byMonth[m].WonBack++
		byMonth[m].Value += w.AccountValue
	}
	tables := map[string]*[]Group{
		store.DimReason: &r.ByReason, store.DimScope: &r.ByScope, store.DimOffer: &r.ByOffer,
		store.DimSegment: &r.BySegment, store.DimLaunchMonth: &r.ByLaunchMonth, store.DimLostBy: &r.ByLostBy,
	}
	heldOut := map[string]map[string]store.ReportGroup{} // dimension, key: the held-out customers
	for _, g := range f.Groups {
		switch {
		case g.Dimension == store.DimOutcome:
			if g.Key != "" {
				r.ByOutcome[g.Key] += g.Campaigns
				if g.Holdout {
					r.ByOutcomeHeldOut[g.Key] += g.Campaigns
				}
			}
		case g.Holdout:
			if heldOut[g.Dimension] == nil {
				heldOut[g.Dimension] = map[string]store.ReportGroup{}
			}
			heldOut[g.Dimension][cmp.Or(g.Key, NoValue)] = g
		case g.Dimension == store.DimAll:
			r.Totals = group(g, all)
			r.Totals.Key = ""
		case tables[g.Dimension] != nil:
			k := cmp.Or(g.Key, NoValue)
			*tables[g.Dimension] = append(*tables[g.Dimension], group(g, won[g.Dimension][k]))
		}
	}
	for dim, t := range tables {
		if dim == store.DimLaunchMonth {
			slices.SortFunc(*t, func(a, b Group) int { return cmp.Compare(a.Key, b.Key) })
			continue
		}
		slices.SortFunc(*t, func(a, b Group) int { return cmp.Or(cmp.Compare(b.Campaigns, a.Campaigns), cmp.Compare(a.Key, b.Key)) })
	}
	r.HeldOut = group(heldOut[store.DimAll][NoValue], allHeld)
	r.HeldOut.Key = ""
	r.WonBackByMonth = months(byMonth)
	r.Funnel = funnel(f.Paths, r.Totals.Campaigns, r.Totals.WonBack)
	for _, x := range f.Rationales {
		r.Rationales = append(r.Rationales, Rationale{Text: x.Text, DecidedBy: x.DecidedBy, Campaigns: x.Campaigns})
	}
	r.Offers = offerFigures(f.Offers)
	r.Lift = lifts(r, heldOut)
	r.Revenue, r.RevenueHeldOut = revenues(f.Revenue)
	return r
}

// group is a store group with its rates and median.
func group(g store.ReportGroup, toWin []time.Duration) Group {
	out := Group{Key: cmp.Or(g.Key, NoValue), Campaigns: g.Campaigns, Open: g.Campaigns - g.Closed, Closed: g.Closed,
		WonBack: g.WonBack, WinBackRate: rate(g.WonBack, g.Closed), ValueLost: g.ValueLost, ValueWonBack: g.ValueWonBack,
		WalkedAway: g.WalkedAway, OptedOut: g.OptedOut}
	out.MedianTimeToWinBack = median(toWin)
	out.MedianDaysToWinBack = out.MedianTimeToWinBack.Hours() / 24
	return out
}

// months lists the months from the first win back to the last, empty ones included.
func months(byMonth map[string]*Month) []Month {
	if len(byMonth) == 0 {
		return nil
	}
	var first, last time.Time
	for m := range byMonth {
		t, _ := time.Parse("2006-01", m)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	var out []Month
	for t := first; !t.After(last); t = t.AddDate(0, 1, 0) {
		m := Month{Month: t.Format("2006-01")}
		if got := byMonth[m.Month]; got != nil {
			m = *got
		}
		m.Beginning = t
		out = append(out, m)
	}
	return out
}

// funnel counts the campaigns that reached each stage: a campaign seen in a stage passed every
// stage before it, except those a campaign that stays in touch skips (no revisit email, no wait,
// no thank-you call: the decision sends it straight to its check-ins).
func funnel(paths []store.StagePath, campaigns, wonBack int) []Step {
	reached := make([]int, len(funnelStages))
	for _, p := range paths {
		furthest := -1
		for _, s := range p.Stages {
			furthest = max(furthest, slices.Index(funnelStages, workflows.Stage(s)))
		}
		for i := 0; i <= furthest; i++ {
			if p.Offer == string(workflows.OfferStayInTouch) && slices.Contains(skippedInTouch, funnelStages[i]) &&
				!slices.Contains(p.Stages, string(funnelStages[i])) {
				continue
			}
			reached[i] += p.Campaigns
		}
	}
	var steps []Step
	for i, s := range funnelStages {
		n := reached[i]
		if i == 0 {
			n = campaigns // every campaign starts with its backstory
		}
		steps = append(steps, Step{Stage: string(s), Label: s.Label(), Campaigns: n, Share: rate(n, campaigns)})
	}
	return append(steps, Step{Stage: FunnelWonBack, Label: workflows.OutcomeWonBack.Label(), Campaigns: wonBack, Share: rate(wonBack, campaigns)})
}

// rate is n/of, or 0 when of is 0.
func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// median is the middle duration (the mean of the two middle ones for an even count); 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}
