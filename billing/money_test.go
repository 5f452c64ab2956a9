package billing_test

import (
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84"

	"github.com/winback/winback/billing"
)

func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		amount   float64
		currency string
		minor    int64
	}{
		{12.50, "usd", 1250},
		{12.5, "EUR", 1250}, // any case
		{0.1 + 0.2, "usd", 30},
		{1500, "jpy", 1500}, // zero-decimal: yen, not hundredths
		{1500.4, "jpy", 1500},
		{50000, "krw", 50000},
		{12.345, "kwd", 12350}, // three-decimal, and Stripe wants the last digit 0
		{3.5, "bhd", 3500},
		{99, "isk", 9900}, // two decimals in the API, whole krona only
		{99.4, "isk", 9900},
		{1000, "huf", 100000},
		{1000, "ugx", 1000},
	} {
		got, err := billing.ToMinor(tc.amount, tc.currency)
		if err != nil || got != tc.minor {
			t.Errorf("ToMinor(%v, %s) = %d, %v; want %d", tc.amount, tc.currency, got, err, tc.minor)
		}
	}
	for _, tc := range []struct {
		minor    float64
		currency string
		units    float64
	}{
		{1250, "usd", 12.5},
		{1250, "jpy", 1250},
		{12345, "kwd", 12.345},
		{9900, "isk", 99},
		{23988, "gbp", 239.88},
	} {
		got, err := billing.FromMinor(tc.minor, tc.currency)
		if err != nil || got != tc.units {
			t.Errorf("FromMinor(%v, %s) = %v, %v; want %v", tc.minor, tc.currency, got, err, tc.units)
		}
	}
}

func TestUnknownCurrencyIsRefusedNotGuessed(t *testing.T) {
	for _, cur := range []string{"xyz", "btc", ""} {
		if _, err := billing.ToMinor(10, cur); err == nil {
			t.Errorf("ToMinor(10, %q) succeeded; want an error", cur)
		}
	}
	_, err := billing.FromMinor(1000, "xyz")
	if err == nil || !strings.Contains(err.Error(), `unknown currency "xyz"`) {
		t.Errorf("FromMinor(1000, xyz) error = %v, want it to name the unknown currency", err)
	}
	if _, err := billing.ToMinor(-1, "usd"); err == nil {
		t.Error("ToMinor(-1, usd) succeeded; want an error")
	}
}

// item is a subscription item: quantity × a price in minor units, every count intervals.
func item(id string, unitAmount, quantity int64, currency string, interval stripe.PriceRecurringInterval, count int64) *stripe.SubscriptionItem {
	return &stripe.SubscriptionItem{ID: id, Quantity: quantity, Price: &stripe.Price{
		ID: "price_" + id, Currency: stripe.Currency(currency), UnitAmount: unitAmount,
		Recurring: &stripe.PriceRecurring{Interval: interval, IntervalCount: count},
	}}
}

func TestAnnualValue(t *testing.T) {
	month, year, week, day := stripe.PriceRecurringIntervalMonth, stripe.PriceRecurringIntervalYear, stripe.PriceRecurringIntervalWeek, stripe.PriceRecurringIntervalDay
	for _, tc := range []struct {
		name     string
		items    []*stripe.SubscriptionItem
		currency string
		want     float64
	}{
		{"monthly", []*stripe.SubscriptionItem{item("a", 2000, 1, "usd", month, 1)}, "usd", 240},
		{"monthly, 2 seats", []*stripe.SubscriptionItem{item("a", 1500, 2, "eur", month, 1)}, "eur", 360},
		{"every 3 months", []*stripe.SubscriptionItem{item("a", 30000, 1, "usd", month, 3)}, "usd", 1200},
		{"yearly", []*stripe.SubscriptionItem{item("a", 99900, 1, "usd", year, 1)}, "usd", 999},
		{"every 2 years", []*stripe.SubscriptionItem{item("a", 100000, 1, "usd", year, 2)}, "usd", 500},
		{"weekly", []*stripe.SubscriptionItem{item("a", 1000, 1, "gbp", week, 1)}, "gbp", 520},
		{"daily", []*stripe.SubscriptionItem{item("a", 100, 1, "usd", day, 1)}, "usd", 365},
		{"no cents off by float", []*stripe.SubscriptionItem{item("a", 1999, 1, "usd", month, 1)}, "usd", 239.88},
		{"two items", []*stripe.SubscriptionItem{item("a", 2000, 1, "usd", month, 1), item("b", 12000, 3, "usd", year, 1)}, "usd", 600},
		{"yen: zero-decimal", []*stripe.SubscriptionItem{item("a", 5000, 1, "jpy", month, 1)}, "jpy", 60000},
		{"won: zero-decimal", []*stripe.SubscriptionItem{item("a", 9900, 2, "krw", month, 1)}, "krw", 237600},
		{"dinar: three-decimal", []*stripe.SubscriptionItem{item("a", 12500, 1, "kwd", month, 1)}, "kwd", 150},
		{"no items", nil, "usd", 0},
	} {
		got, err := billing.AnnualValue(tc.items, tc.currency)
		if err != nil || got != tc.want {
			t.Errorf("%s: AnnualValue = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}

	decimal := item("a", 0, 1000, "usd", month, 1)
	decimal.Price.UnitAmountDecimal = 0.5 // half a cent per unit
	tiered := item("b", 0, 1, "usd", month, 1)
	tiered.Price.BillingScheme = stripe.PriceBillingSchemeTiered
	if got, err := billing.AnnualValue([]*stripe.SubscriptionItem{decimal, tiered}, "usd"); err != nil || got != 60 {
		t.Errorf("sub-cent and tiered prices: %v, %v; want 60 (tiered counts 0)", got, err)
	}

	for name, items := range map[string][]*stripe.SubscriptionItem{
		"unknown interval": {item("a", 100, 1, "usd", "fortnight", 1)},
		"other currency":   {item("a", 100, 1, "eur", month, 1)},
		"not recurring":    {{ID: "a", Quantity: 1, Price: &stripe.Price{ID: "price_once", Currency: "usd", UnitAmount: 100}}},
	} {
		if _, err := billing.AnnualValue(items, "usd"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := billing.AnnualValue([]*stripe.SubscriptionItem{item("a", 100, 1, "xyz", month, 1)}, "xyz"); err == nil || !strings.Contains(err.Error(), "unknown currency") {
		t.Errorf("unknown currency: %v, want an error saying so", err)
	}
}
