// Package report is the win-back report: outcomes, the win-back rate, and counts by reason,
// scope, rep and segment, over the campaigns started in a date range. It works on campaign runs
// as visibility lists them (campaigns.Campaign); `winback report` prints it.
package report

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// JoinRuns turns visibility runs into campaigns: each campaign has the state of its last run
// and the start of its first. A campaign's runs share a workflow ID and follow each other by
// continue-as-new; a workflow ID can also hold several campaigns, one after another (a
// relaunch after a closed one), so a run that did not continue as new ends its campaign.
func JoinRuns(runs []campaigns.Campaign) []campaigns.Campaign {
	byID := map[string][]campaigns.Campaign{}
	for _, r := range runs {
		byID[r.WorkflowID] = append(byID[r.WorkflowID], r)
	}
	var joined []campaigns.Campaign
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		rs := byID[id]
		slices.SortStableFunc(rs, func(a, b campaigns.Campaign) int { return a.Start.Compare(b.Start) })
		var start time.Time // of the first run of the campaign being joined; zero between campaigns
		for i, r := range rs {
			if start.IsZero() {
				start = r.Start
			}
			// A run that did not continue as new ends its campaign; so does the last run
			// listed, when its successor is not in the list.
			if r.Status != campaigns.StatusContinuedAsNew || i == len(rs)-1 {
				r.Start = start
				joined = append(joined, r)
				start = time.Time{}
			}
		}
	}
	return joined
}

// Report is the win-back report over the campaigns started in [From, To).
type Report struct {
	From      time.Time `json:"from,omitzero"`
	To        time.Time `json:"to"`
	Campaigns int       `json:"campaigns"`
	Open      int       `json:"open"`
	Closed    int       `json:"closed"`
	WonBack   int       `json:"wonBack"`
	// WinBackRate is WonBack / Closed (0 when none closed).
	WinBackRate float64        `json:"winBackRate"`
	ByOutcome   map[string]int `json:"byOutcome"`
	ByReason    []Group        `json:"byReason"`
	ByScope     []Group        `json:"byScope"`
	ByRep       []Group        `json:"byRep"` // the assignee of the campaign's last task
	BySegment   []Group        `json:"bySegment"`
	// MedianTimeToWinBack is the median of close minus start over the won-back campaigns.
	MedianTimeToWinBack time.Duration `json:"-"`
	MedianDaysToWinBack float64       `json:"medianDaysToWinBack"`
}

// Group counts the campaigns that share a reason, scope, rep or segment.
type Group struct {
	Key         string  `json:"key"`
	Campaigns   int     `json:"campaigns"`
	Closed      int     `json:"closed"`
	WonBack     int     `json:"wonBack"`
	WinBackRate float64 `json:"winBackRate"`
}

// NoValue is the group of campaigns without a value (no reason recorded yet...).
const NoValue = "(none)"

// Build aggregates the campaigns (JoinRuns) started in [from, to) (a zero from: since ever).
func Build(joined []campaigns.Campaign, from, to time.Time) Report {
	r := Report{From: from, To: to, ByOutcome: map[string]int{}}
	groups := map[string]map[string]*Group{}
	count := func(dim, key string, closed, won bool) {
		if groups[dim] == nil {
			groups[dim] = map[string]*Group{}
		}
		key = cmp.Or(key, NoValue)
		g := groups[dim][key]
		if g == nil {
			g = &Group{Key: key}
			groups[dim][key] = g
		}
		g.Campaigns++
		if closed {
			g.Closed++
		}
		if won {
			g.WonBack++
		}
	}
	var toWin []time.Duration
	for _, s := range joined {
		if s.Start.Before(from) || !s.Start.Before(to) {
			continue
		}
		r.Campaigns++
		closed := s.Status != campaigns.StatusRunning && s.Status != campaigns.StatusContinuedAsNew
		won := closed && s.Outcome == string(workflows.OutcomeWonBack)
		if closed {
			r.Closed++
			r.ByOutcome[cmp.Or(s.Outcome, s.Status)]++ // a terminated campaign has no outcome
		} else {
			r.Open++
		}
		if won {
			r.WonBack++
			toWin = append(toWin, s.Close.Sub(s.Start))
		}
		count("reason", s.Reason, closed, won)
		count("scope", s.Scope, closed, won)
		count("rep", s.Assignee, closed, won)
		count("segment", s.Segment, closed, won)
	}
	r.WinBackRate = rate(r.WonBack, r.Closed)
	r.ByReason = sortedGroups(groups["reason"])
	r.ByScope = sortedGroups(groups["scope"])
	r.ByRep = sortedGroups(groups["rep"])
	r.BySegment = sortedGroups(groups["segment"])
	r.MedianTimeToWinBack = median(toWin)
	r.MedianDaysToWinBack = r.MedianTimeToWinBack.Hours() / 24
	return r
}

// sortedGroups lists groups, the most campaigns first, then by key.
func sortedGroups(m map[string]*Group) []Group {
	out := make([]Group, 0, len(m))
	for _, g := range m {
		g.WinBackRate = rate(g.WonBack, g.Closed)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Campaigns, a.Campaigns), cmp.Compare(a.Key, b.Key))
	})
	return out
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
