package billing

import (
	"fmt"
	"math"
	"strings"

	"github.com/stripe/stripe-go/v84"
)

// Stripe states every amount in the currency's minor unit, and not every currency has cents
// (https://docs.stripe.com/currencies): 1000 is 10.00 USD but 1000 JPY, and 1.000 KWD. A
// currency missing from these tables is refused rather than guessed: a wrong guess is off by
// a factor of 100.

// zeroDecimal are Stripe's zero-decimal currencies: the amount is in whole units.
var zeroDecimal = set("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
	"xaf", "xof", "xpf")

// threeDecimal are Stripe's three-decimal currencies. Stripe wants their amounts rounded to
// the nearest ten of the minor unit (the last digit 0).
var threeDecimal = set("bhd", "jod", "kwd", "omr", "tnd")

// twoDecimal are the other currencies Stripe charges in. ISK, HUF and TWD are among them: in
// Stripe's API they keep two decimals although their charges are in whole units, so an ISK
// amount of 100 is 1 krona (Stripe's "special cases"); ISK amounts are rounded to whole krona.
var twoDecimal = set("usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
	"bdt", "bgn", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "cny", "cop",
	"crc", "cve", "czk", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd",
	"gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "kes", "kgs", "khr", "kyd",
	"kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk",
	"mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "pab", "pen", "pgk", "php", "pkr", "pln",
	"qar", "ron", "rsd", "rub", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sll", "sos", "srd", "std",
	"szl", "thb", "tjs", "top", "try", "ttd", "twd", "tzs", "uah", "uyu", "uzs", "wst", "xcd", "xcg", "yer",
	"zar", "zmw")

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// minorUnit is how a currency's amounts are written in Stripe's API: 10^decimals minor units
// make one unit, and amounts we send are rounded to a multiple of step.
type minorUnit struct {
	decimals int
	step     int64
}

// unitOf returns the minor unit of a currency (ISO 4217, any case), or an error naming it
// when Stripe's tables do not have it.
func unitOf(currency string) (minorUnit, error) {
	c := strings.ToLower(currency)
	switch {
	case zeroDecimal[c]:
		return minorUnit{0, 1}, nil
	case threeDecimal[c]:
		return minorUnit{3, 10}, nil
	case c == "isk":
		return minorUnit{2, 100}, nil
	case twoDecimal[c]:
		return minorUnit{2, 1}, nil
	case c == "":
		return minorUnit{}, fmt.Errorf("no currency")
	}
	return minorUnit{}, fmt.Errorf("unknown currency %q: its minor unit is not known here (https://docs.stripe.com/currencies), so its amounts cannot be read", currency)
}

// ToMinor turns an amount in currency units (12.50) into Stripe's minor units (1250 USD
// cents; 13 JPY, rounded; 12500 KWD fils), rounded to what Stripe accepts for the currency.
func ToMinor(amount float64, currency string) (int64, error) {
	u, err := unitOf(currency)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(amount) || math.IsInf(amount, 0) || amount < 0 {
		return 0, fmt.Errorf("amount %v is not a non-negative number", amount)
	}
	minor := math.Round(amount * math.Pow10(u.decimals))
	if minor > 1e15 {
		return 0, fmt.Errorf("amount %v %s is too large", amount, strings.ToUpper(currency))
	}
	return int64(math.Round(minor/float64(u.step))) * u.step, nil
}

// FromMinor turns Stripe's minor units into currency units: 1250 USD is 12.5, 1250 JPY is 1250.
func FromMinor(minor float64, currency string) (float64, error) {
	u, err := unitOf(currency)
	if err != nil {
		return 0, err
	}
	return roundUnits(minor/math.Pow10(u.decimals), u), nil
}

// roundUnits rounds an amount in units to the currency's minor unit, so 12 × 19.99 reads
// 239.88 and not 239.88000000000002.
func roundUnits(units float64, u minorUnit) float64 {
	p := math.Pow10(u.decimals)
	return math.Round(units*p) / p
}

// periodsPerYear is how many billing intervals make a year.
var periodsPerYear = map[stripe.PriceRecurringInterval]float64{
	stripe.PriceRecurringIntervalDay:   365,
	stripe.PriceRecurringIntervalWeek:  52,
	stripe.PriceRecurringIntervalMonth: 12,
	stripe.PriceRecurringIntervalYear:  1,
}

// AnnualValue is what a subscription's items are worth a year, in units of currency: every
// item's unit amount (unit_amount, or unit_amount_decimal for prices in fractions of the
// minor unit) times its quantity, times the number of its billing intervals in a year
// (interval and interval_count: every 3 months is 4 a year). Tiered and metered prices have no
// unit amount (what they cost depends on usage) and count 0. An item priced in another
// currency, without a recurring interval, or with one this does not know is an error.
func AnnualValue(items []*stripe.SubscriptionItem, currency string) (float64, error) {
	u, err := unitOf(currency)
	if err != nil {
		return 0, err
	}
	var minorPerYear float64
	for _, it := range items {
		if it == nil || it.Price == nil {
			continue
		}
		p := it.Price
		if p.Currency != "" && !strings.EqualFold(string(p.Currency), currency) {
			return 0, fmt.Errorf("item %s is priced in %s, the subscription in %s", it.ID, p.Currency, currency)
		}
		if p.Recurring == nil {
			return 0, fmt.Errorf("item %s: price %s has no recurring interval", it.ID, p.ID)
		}
		perYear, ok := periodsPerYear[p.Recurring.Interval]
		if !ok {
			return 0, fmt.Errorf("item %s: price %s recurs every %q, not a day, week, month or year", it.ID, p.ID, p.Recurring.Interval)
		}
		if n := p.Recurring.IntervalCount; n > 1 {
			perYear /= float64(n)
		}
		unit := float64(p.UnitAmount)
		if unit == 0 {
			unit = p.UnitAmountDecimal
		}
		minorPerYear += unit * float64(it.Quantity) * perYear
	}
	return roundUnits(minorPerYear/math.Pow10(u.decimals), u), nil
}
