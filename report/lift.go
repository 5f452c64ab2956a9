package report

import (
	"fmt"
	"math"
)

// The lift the campaigns cause: the return rate of the customers worked minus that of the
// customers held out (chosen by a keyed hash of their ID, so the two groups differ only by
// chance and by the campaign), with a 95% confidence interval for that difference of two
// proportions.
//
// The interval is Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
// difference between independent proportions", method 10), built from each group's Wilson
// score interval. The simpler Wald interval (difference ± 1.96 standard errors) is what a
// textbook shows first, but a holdout is small by design and its returns are few: Wald then
// covers the truth far less often than 95%, collapses to a width of zero when a group has no
// return (0 of 40 held out came back: "certain"), and can leave [-1, 1]. Newcombe's interval
// keeps close to its 95% with a handful of returns, stays inside [-1, 1], and costs two square
// roots more.

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// The small-sample rule: the report says how the groups compare only when each has at least
// MinGroupCustomers customers and, the two groups together, at least MinOutcomes returns and
// MinOutcomes customers who did not return. Below that a difference is a few customers' doing,
// whatever its interval says (the usual rule of thumb for comparing proportions, relaxed from
// "each group" to "together" because a holdout of 40 with a 10% return rate has only 4
// returns and is still worth reading).
const (
	MinGroupCustomers = 10
	MinOutcomes       = 5
)

// Arm is one side of the comparison: the customers worked, or those held out.
type Arm struct {
	Campaigns int `json:"campaigns"`
	// Returns counts those won back (by the campaign, or on their own when held out).
	Returns int `json:"returns"`
	// Rate is Returns / Campaigns: of every customer launched, closed or not, so that the
	// holdout (which closes only at the horizon, or when the customer returns) is not
	// flattered by counting its returns among few closed campaigns. 0 for no campaign.
	Rate float64 `json:"rate"`
}

// Lift compares the customers worked with those held out, for every customer or for those of
// one reason or offer (Key).
type Lift struct {
	Key     string `json:"key,omitempty"`
	Worked  Arm    `json:"worked"`
	HeldOut Arm    `json:"heldOut"`
	// Lift is Worked.Rate - HeldOut.Rate, in [-1, 1]: 0.2 is 20 more returns in 100 customers.
	Lift float64 `json:"lift"`
	// Low and High bound the lift's 95% confidence interval (Newcombe); 0 when a group is empty.
	Low  float64 `json:"ciLow"`
	High float64 `json:"ciHigh"`
	// Enough: the groups are large enough to say how they compare (see MinGroupCustomers).
	Enough bool `json:"enough"`
	// Clear: Enough, and the interval leaves out 0: the campaigns changed the return rate.
	Clear bool `json:"clear"`
	// Says is the comparison in a plain sentence.
	Says string `json:"says"`
}

// NewLift compares worked customers of whom returned came back with held-out ones of whom
// returnedHeld came back on their own.
func NewLift(key string, worked, returned, held, returnedHeld int) Lift {
	l := Lift{Key: key, Worked: arm(worked, returned), HeldOut: arm(held, returnedHeld)}
	if worked > 0 && held > 0 {
		l.Lift = l.Worked.Rate - l.HeldOut.Rate
		l.Low, l.High = DifferenceInterval(returned, worked, returnedHeld, held)
	}
	l.Enough = worked >= MinGroupCustomers && held >= MinGroupCustomers &&
		returned+returnedHeld >= MinOutcomes && (worked-returned)+(held-returnedHeld) >= MinOutcomes
	l.Clear = l.Enough && (l.Low > 0 || l.High < 0)
	l.Says = l.say()
	return l
}

func arm(n, returns int) Arm {
	return Arm{Campaigns: n, Returns: returns, Rate: rate(returns, n)}
}

// say puts the comparison in a sentence.
func (l Lift) say() string {
	switch {
	case l.HeldOut.Campaigns == 0:
		return "No customer was held out, so the lift cannot be measured: launch with --holdout, or set the playbook's holdoutPercent."
	case !l.Enough:
		return fmt.Sprintf("Too few customers to say: %d worked and %d held out, %d returned in all. "+
			"Each group needs at least %d customers, and together at least %d who returned and %d who did not.",
			l.Worked.Campaigns, l.HeldOut.Campaigns, l.Worked.Returns+l.HeldOut.Returns, MinGroupCustomers, MinOutcomes, MinOutcomes)
	}
	rates := fmt.Sprintf("%s of the customers worked returned, against %s of those held out", Percent(l.Worked.Rate), Percent(l.HeldOut.Rate))
	interval := fmt.Sprintf("95%% confidence interval %s to %s", Points(l.Low), Points(l.High))
	switch {
	case l.Low > 0:
		return fmt.Sprintf("The campaigns bring customers back: %s, a lift of %s (%s).", rates, Points(l.Lift), interval)
	case l.High < 0:
		return fmt.Sprintf("The customers worked returned less often than those left alone: %s, a lift of %s (%s).", rates, Points(l.Lift), interval)
	}
	return fmt.Sprintf("No clear difference yet: %s, a lift of %s, but the %s includes no lift at all.", rates, Points(l.Lift), interval)
}

// Points is a difference of rates in percentage points: 0.2 is "+20.0 points".
func Points(d float64) string {
	if math.Abs(d) < 0.0005 {
		d = 0 // no "-0.0"
	}
	return fmt.Sprintf("%+.1f points", 100*d)
}

// WilsonInterval is the 95% Wilson score interval of the proportion x of n (0, 0 for n = 0).
func WilsonInterval(x, n int) (low, high float64) {
	if n <= 0 {
		return 0, 0
	}
	p, nn := float64(x)/float64(n), float64(n)
	z2 := z95 * z95
	denom := 1 + z2/nn
	centre := (p + z2/(2*nn)) / denom
	half := z95 * math.Sqrt(p*(1-p)/nn+z2/(4*nn*nn)) / denom
	return max(centre-half, 0), min(centre+half, 1)
}

// DifferenceInterval is the 95% confidence interval of x1/n1 - x2/n2 by Newcombe's hybrid score
// method (each proportion's Wilson interval, combined); 0, 0 when a group is empty.
func DifferenceInterval(x1, n1, x2, n2 int) (low, high float64) {
	if n1 <= 0 || n2 <= 0 {
		return 0, 0
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	l1, u1 := WilsonInterval(x1, n1)
	l2, u2 := WilsonInterval(x2, n2)
	d := p1 - p2
	low = d - math.Sqrt((p1-l1)*(p1-l1)+(u2-p2)*(u2-p2))
	high = d + math.Sqrt((u1-p1)*(u1-p1)+(p2-l2)*(p2-l2))
	return max(low, -1), min(high, 1)
}
