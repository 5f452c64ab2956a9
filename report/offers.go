package report

import (
	"cmp"
	"slices"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// OfferFigures are what the offers of one kind did.
type OfferFigures struct {
	Kind string `json:"kind"` // a workflows.Offer
	// Offered counts the offers made, whatever became of them; Accepted those the customer
	// accepted (fulfilled or not yet); Fulfilled those the rep then fulfilled.
	Offered   int `json:"offered"`
	Accepted  int `json:"accepted"`
	Fulfilled int `json:"fulfilled"`
	// WonBack counts the accepted offers whose campaign closed won_back or foot_in_door;
	// ValueWonBack is what came back with them: the account value of a customer won back, the
	// project's value of a foot in the door.
	WonBack      int     `json:"wonBack"`
	ValueWonBack float64 `json:"valueWonBack"`
	// AcceptRate is Accepted / Offered (0 when none was made).
	AcceptRate float64 `json:"acceptRate"`
}

// offerFigures adds up the offers by kind: workflows.Offers' order, then kinds it does not
// know, by name.
func offerFigures(groups []store.OfferGroup) []OfferFigures {
	byKind := map[string]*OfferFigures{}
	var out []*OfferFigures
	for _, g := range groups {
		f := byKind[g.Kind]
		if f == nil {
			f = &OfferFigures{Kind: g.Kind}
			byKind[g.Kind] = f
			out = append(out, f)
		}
		f.Offered += g.Offers
		accepted := g.Status == string(workflows.OfferAccepted) || g.Status == string(workflows.OfferFulfilled)
		if !accepted {
			continue
		}
		f.Accepted += g.Offers
		if g.Status == string(workflows.OfferFulfilled) {
			f.Fulfilled += g.Offers
		}
		switch workflows.Outcome(g.Outcome) {
		case workflows.OutcomeWonBack:
			f.WonBack += g.Offers
			f.ValueWonBack += g.AccountValue
		case workflows.OutcomeFootInDoor:
			f.WonBack += g.Offers
			f.ValueWonBack += g.FootInDoorValue
		}
	}
	order := func(kind string) int {
		if i := slices.Index(workflows.Offers, workflows.Offer(kind)); i >= 0 {
			return i
		}
		return len(workflows.Offers)
	}
	slices.SortFunc(out, func(a, b *OfferFigures) int {
		return cmp.Or(cmp.Compare(order(a.Kind), order(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})
	figures := make([]OfferFigures, len(out))
	for i, f := range out {
		f.AcceptRate = rate(f.Accepted, f.Offered)
		figures[i] = *f
	}
	return figures
}

// lifts compares the customers worked with those held out: every customer, by reason, and by
// the decision's offer (against every customer held out, who got none).
func lifts(r Report, heldOut map[string]map[string]store.ReportGroup) Lifts {
	out := Lifts{All: NewLift("", r.Totals.Campaigns, r.Totals.WonBack, r.HeldOut.Campaigns, r.HeldOut.WonBack)}
	if r.HeldOut.Campaigns == 0 {
		return out
	}
	worked := map[string]Group{}
	for _, g := range r.ByReason {
		worked[g.Key] = g
	}
	keys := map[string]bool{}
	for k := range worked {
		keys[k] = true
	}
	for k := range heldOut[store.DimReason] {
		keys[k] = true
	}
	for k := range keys {
		w, h := worked[k], heldOut[store.DimReason][k]
		out.ByReason = append(out.ByReason, NewLift(k, w.Campaigns, w.WonBack, h.Campaigns, h.WonBack))
	}
	slices.SortFunc(out.ByReason, func(a, b Lift) int {
		return cmp.Or(cmp.Compare(b.Worked.Campaigns+b.HeldOut.Campaigns, a.Worked.Campaigns+a.HeldOut.Campaigns), cmp.Compare(a.Key, b.Key))
	})
	for _, g := range r.ByOffer {
		if g.Key == NoValue {
			continue // no offer: walked away from, or not decided yet; not an offer's doing
		}
		out.ByOffer = append(out.ByOffer, NewLift(g.Key, g.Campaigns, g.WonBack, r.HeldOut.Campaigns, r.HeldOut.WonBack))
	}
	return out
}
