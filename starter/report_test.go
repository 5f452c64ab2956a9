package main

import (
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

func TestReportRange(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	from, to, err := reportRange("2026-01-01", "2026-01-31", now)
	if err != nil {
		t.Fatal(err)
	}
	if !from.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range = %v .. %v: want --to's whole day included", from, to)
	}
	from, to, _ = reportRange("", "", now)
	if !from.IsZero() || !to.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults = %v .. %v: want since ever, through today", from, to)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-02-01", "2026-01-01"}} {
		if _, _, err := reportRange(bad[0], bad[1], now); exitCode(err) != exitBadInput {
			t.Errorf("reportRange(%q, %q) = %v, want bad input", bad[0], bad[1], err)
		}
	}
}

func TestPrintReport(t *testing.T) {
	start := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	r := report.Build(store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 3, Closed: 2, WonBack: 1, WalkedAway: 1, ValueLost: 50000, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 1, Closed: 1, WonBack: 1},
			{Dimension: store.DimOutcome, Key: "walked_away", Campaigns: 1, Closed: 1, WalkedAway: 1},
			{Dimension: store.DimReason, Key: "competitor_price", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
		},
		WonBack:    []store.WonBackCampaign{{Reason: "competitor_price", Launched: start, Closed: start.AddDate(0, 0, 2), AccountValue: 48000}},
		Rationales: []store.Rationale{{Text: "not a fit for what we build", DecidedBy: "maria", Campaigns: 1}},
	}, time.Time{}, start.AddDate(0, 1, 0))
	var b strings.Builder
	printReport(&b, r)
	for _, want := range []string{"Campaigns:      3 (open 1, closed 2)", "Win-back rate:  50.0% (1 won back of 2 closed)",
		"Median time to win back: 2.0 days", "competitor_price", "100.0%", "walked_away", "48,000",
		"not a fit for what we build", "MONTH WON BACK"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "SCOPE") {
		t.Errorf("a table without a row is printed:\n%s", b.String())
	}
}

// holdoutFacts are a launch of 200 with a 20% holdout: 160 worked (48 back, one foot in the
// door worth 5,000), 40 held out (4 back on their own, 36 closed as holdout).
func holdoutFacts() store.ReportFacts {
	return store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 160, Closed: 160, WonBack: 48, ValueLost: 1600000, ValueWonBack: 485000},
			{Dimension: store.DimAll, Holdout: true, Campaigns: 40, Closed: 40, WonBack: 4, ValueLost: 400000, ValueWonBack: 40000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 48, Closed: 48, WonBack: 48},
			{Dimension: store.DimOutcome, Key: "won_back", Holdout: true, Campaigns: 4, Closed: 4, WonBack: 4},
			{Dimension: store.DimOutcome, Key: "holdout", Holdout: true, Campaigns: 36, Closed: 36},
			{Dimension: store.DimOutcome, Key: "foot_in_door", Campaigns: 1, Closed: 1, ValueWonBack: 5000},
			{Dimension: store.DimOutcome, Key: "declined", Campaigns: 111, Closed: 111},
			{Dimension: store.DimReason, Key: "let_down", Campaigns: 80, Closed: 80, WonBack: 24},
			{Dimension: store.DimReason, Key: "let_down", Holdout: true, Campaigns: 20, Closed: 20, WonBack: 2},
			{Dimension: store.DimReason, Key: "other", Campaigns: 80, Closed: 80, WonBack: 24},
			{Dimension: store.DimReason, Key: "other", Holdout: true, Campaigns: 5, Closed: 5, WonBack: 2},
			{Dimension: store.DimOffer, Key: "incentive", Campaigns: 80, Closed: 80, WonBack: 32},
			{Dimension: store.DimOffer, Key: "", Campaigns: 79, Closed: 79},
		},
		Offers: []store.OfferGroup{
			{Kind: "incentive", Status: "fulfilled", Outcome: "won_back", Offers: 32, AccountValue: 320000},
			{Kind: "incentive", Status: "declined", Outcome: "declined", Offers: 48},
			{Kind: "foot_in_door", Status: "fulfilled", Outcome: "foot_in_door", Offers: 1, AccountValue: 10000, FootInDoorValue: 5000},
		},
	}
}

func TestTheReportShowsTheLiftOverTheHoldoutAndWhatOffersDid(t *testing.T) {
	r := report.Build(holdoutFacts(), time.Time{}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	var b strings.Builder
	printReport(&b, r)
	text := b.String()
	for _, want := range []string{
		"Campaigns:      160 (open 0, closed 160)",
		"Held out:       40 customers, not counted above (no message, no task); 4 returned on their own",
		"foot_in_door  1          0", "holdout       36         36",
		"OFFER KIND", "incentive     80       32 (40.0%)  32         32        320,000",
		"foot_in_door  1        1 (100.0%)  1          1         5,000",
		"Lift over the holdout: The campaigns bring customers back: 30.0% of the customers worked returned, against 10.0%",
		"every customer    48 of 160 (30.0%)  4 of 40 (10.0%)    +20.0 points  +5.4 to +29.6 points",
		"reason: other", "too few to say", "offer: incentive", "clear lift",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "offer: (none)") {
		t.Errorf("the customers without an offer are compared as if no offer were an offer:\n%s", text)
	}
	var csvOut strings.Builder
	if err := writeReportCSV(&csvOut, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"all,,160,0,160,48,0.3000,1600000.00,485000.00,0.00,0,0,40,4,0.3000,0.1000,0.2000,0.0539,0.2963,clear lift,,,",
		"held_out,,40,0,40,4,",
		"reason,other,80,0,80,24,0.3000,0.00,0.00,0.00,0,0,5,2,0.3000,0.4000,-0.1000,",
		"outcome,holdout,36,,,,,,,,,,36,",
		"offer_kind,incentive,,,,32,,,320000.00,,,,,,,,,,,,80,32,32",
	} {
		if !strings.Contains(csvOut.String(), want) {
			t.Errorf("csv lacks %q:\n%s", want, csvOut.String())
		}
	}
}

// The revenue billing saw is printed per currency, never added across currencies, in text, CSV
// and JSON; a report without billing has no revenue line.
func TestTheReportShowsTheRevenueFromBillingPerCurrency(t *testing.T) {
	f := holdoutFacts()
	f.Revenue = []store.RevenueGroup{{Currency: "eur", Campaigns: 2, Amount: 2000.5}, {Currency: "usd", Campaigns: 1, Amount: 5000},
		{Currency: "eur", Holdout: true, Campaigns: 1, Amount: 300}}
	r := report.Build(f, time.Time{}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	var b strings.Builder
	printReport(&b, r)
	for _, want := range []string{"Revenue won back (billing, a year): 2,001 EUR from 2 customers; 5,000 USD from 1 customer",
		"of whom billing saw come back: 300 EUR from 1 customer"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
	var csvOut strings.Builder
	if err := writeReportCSV(&csvOut, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{",offered,accepted,fulfilled,revenue\n", "\nrevenue,eur,2,,,,,,,,,,,,,,,,,,,,,2000.50\n",
		"\nrevenue,usd,1,", "\nrevenue_held_out,eur,1,,,,,,,,,,,,,,,,,,,,,300.00\n"} {
		if !strings.Contains(csvOut.String(), want) {
			t.Errorf("csv lacks %q:\n%s", want, csvOut.String())
		}
	}

	b.Reset()
	printReport(&b, report.Build(holdoutFacts(), time.Time{}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)))
	if strings.Contains(b.String(), "Revenue") {
		t.Errorf("a report without billing speaks of revenue:\n%s", b.String())
	}
}
