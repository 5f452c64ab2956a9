package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/winback/winback/store"
)

// Revenue is what billing saw come back in one currency: what the new subscriptions of the
// customers who returned are worth a year. Amounts of different currencies are never added:
// a report has one Revenue per currency.
type Revenue struct {
	Currency  string  `json:"currency"`  // ISO 4217, lower case: "eur"
	Campaigns int     `json:"campaigns"` // the customers whose return billing saw
	Amount    float64 `json:"amount"`    // in currency units a year
}

// revenues splits the store's revenue by currency into the customers worked and those held
// out, each sorted by currency.
func revenues(groups []store.RevenueGroup) (worked, heldOut []Revenue) {
	for _, g := range groups {
		r := Revenue{Currency: strings.ToLower(g.Currency), Campaigns: g.Campaigns, Amount: g.Amount}
		if g.Holdout {
			heldOut = addRevenue(heldOut, r)
		} else {
			worked = addRevenue(worked, r)
		}
	}
	byCurrency := func(a, b Revenue) int { return cmp.Compare(a.Currency, b.Currency) }
	slices.SortFunc(worked, byCurrency)
	slices.SortFunc(heldOut, byCurrency)
	return worked, heldOut
}

// addRevenue adds r to the line of its currency.
func addRevenue(rs []Revenue, r Revenue) []Revenue {
	for i := range rs {
		if rs[i].Currency == r.Currency {
			rs[i].Campaigns += r.Campaigns
			rs[i].Amount += r.Amount
			return rs
		}
	}
	return append(rs, r)
}

// MoneyIn is an amount in a currency, in whole units with thousands separated and the
// currency's code: 2000.5 in "eur" is "2,001 EUR".
func MoneyIn(v float64, currency string) string {
	return Money(v) + " " + strings.ToUpper(currency)
}
