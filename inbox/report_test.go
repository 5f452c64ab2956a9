package inbox

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/store"
)

// reportFacts: acme (lost by alice, won back in 4 days with an apology, 48,000), beta (alice's,
// walked away by policy), globex (bob's, open).
func reportFacts() store.ReportFacts {
	return store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 3, Closed: 2, WonBack: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 79200, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "walked_away", Campaigns: 1, Closed: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 1200},
			{Dimension: store.DimReason, Key: "let_down", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimReason, Key: "bad_fit", Campaigns: 1, Closed: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 1200},
			{Dimension: store.DimReason, Key: "", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimLostBy, Key: "alice", Campaigns: 2, Closed: 2, WonBack: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 49200, ValueWonBack: 48000},
			{Dimension: store.DimLostBy, Key: "bob", Campaigns: 1, ValueLost: 30000},
		},
		WonBack:    []store.WonBackCampaign{{Reason: "let_down", LostBy: "alice", Launched: testNow.AddDate(0, 0, -4), Closed: testNow, AccountValue: 48000}},
		Rationales: []store.Rationale{{Text: "account value below <5000>", DecidedBy: "policy", Campaigns: 1}},
		Paths: []store.StagePath{{Stages: []string{"backstory"}, Campaigns: 1}, {Stages: []string{"check_ins", "closed"}, Campaigns: 1},
			{Stages: []string{"closed", "decision"}, Campaigns: 1}},
	}
}

func TestAManagerReadsTheReportInMoneyWithCharts(t *testing.T) {
	h := newHarness(t)
	h.fake.Facts = reportFacts()
	p := h.signedIn("maria").get("/inbox/report")
	if p.status != http.StatusOK {
		t.Fatalf("report: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, `aria-current="page">Report`, "Every campaign",
		"<dt>Win-back rate</dt><dd>50.0%", "<dt>Account value won back</dt><dd>48,000 <small>of 79,200 lost</small>",
		"4.0 days", "By the rep who lost the customer", "Alice Archer", "an “is it me?” move does not shift the loss",
		"We let them down", "(none)", "account value below &lt;5000&gt;", "decided by the playbook's policy")
	// Three charts, each an image with its title and description, a bar per item.
	if n := strings.Count(p.body, `role="img"`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	for _, id := range []string{"chart-rate", "chart-value", "chart-funnel"} {
		mustContain(t, p, `aria-labelledby="`+id+`-title `+id+`-desc"`, `<desc id="`+id+`-desc">`)
	}
	mustContain(t, p, "<title>We let them down: 100.0% won back (1 of 1 closed; 0 still open)</title>",
		"<title>June 2025: 48,000 won back from 1 customer</title>",
		"<title>Decision: 2 of 3 campaigns got this far (66.7%)</title>")
	// The funnel's won-back bar is a third of the longest possible.
	if !regexp.MustCompile(`<g class="row won">\s*<title>Won back: 1 of 3`).MatchString(p.body) ||
		!strings.Contains(p.body, `width="89.33333333333333"`) {
		t.Errorf("the funnel's last bar is not drawn as a third")
	}
	mustNotContain(t, p, "style=", "<script")
	if f := h.fake.ReportFilters(); len(f) != 1 || !f[0].From.IsZero() || !f[0].To.IsZero() {
		t.Errorf("report filters %+v, want every campaign", f)
	}
}

func TestTheReportsDatesAreTheManagersDays(t *testing.T) {
	h := newHarness(t)
	maria := h.signedIn("maria")
	p := maria.get("/inbox/report?from=2025-01-01&to=2025-03-31")
	mustContain(t, p, "Campaigns launched from 2025-01-01 to 2025-03-31", `value="2025-01-01"`, "No customer won back yet.")
	f := h.fake.ReportFilters()
	if !f[0].From.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || !f[0].To.Equal(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("range %+v: want the whole last day", f[0])
	}
	for path, says := range map[string]string{
		"/inbox/report?from=January":                  `The date from &#34;January&#34;`,
		"/inbox/report?to=2025-02-30":                 `The date to &#34;2025-02-30&#34;`,
		"/inbox/report?from=2025-03-01&to=2025-01-01": "the first day comes after the last",
	} {
		p := maria.get(path)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, p.status)
		}
		mustContain(t, p, "This report cannot be shown", says)
	}
}

func TestARepCannotReadTheReport(t *testing.T) {
	h := newHarness(t)
	h.fake.Facts = reportFacts()
	b := h.signedIn("alice")
	if p := b.get("/inbox/report"); p.status != http.StatusForbidden || strings.Contains(p.body, "48,000") {
		t.Errorf("alice's report: %d", p.status)
	}
	mustNotContain(t, b.get("/inbox/tasks"), `href="/inbox/report"`)
}

// holdoutFacts: a launch of 200 with a 20% holdout; 160 worked, 48 back and one foot in the
// door (5,000); 40 held out, 4 back on their own and 36 closed as holdout.
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
			{Dimension: store.DimReason, Key: "let_down", Campaigns: 160, Closed: 160, WonBack: 48},
			{Dimension: store.DimReason, Key: "let_down", Holdout: true, Campaigns: 40, Closed: 40, WonBack: 4},
			{Dimension: store.DimOffer, Key: "incentive", Campaigns: 160, Closed: 160, WonBack: 48},
		},
		Offers: []store.OfferGroup{
			{Kind: "incentive", Status: "fulfilled", Outcome: "won_back", Offers: 48, AccountValue: 480000},
			{Kind: "incentive", Status: "declined", Outcome: "declined", Offers: 111},
			{Kind: "foot_in_door", Status: "fulfilled", Outcome: "foot_in_door", Offers: 1, AccountValue: 10000, FootInDoorValue: 5000},
		},
	}
}

func TestTheReportPageShowsTheLiftOverTheHoldoutAndWhatOffersDid(t *testing.T) {
	h := newHarness(t)
	h.fake.Facts = holdoutFacts()
	p := h.signedIn("maria").get("/inbox/report")
	if p.status != http.StatusOK {
		t.Fatalf("report: %d\n%s", p.status, p.body)
	}
	mustContain(t, p,
		"<dt>Held out</dt><dd>40 <small>4 returned on their own",
		// (html/template writes "+" as "&#43;", which reads the same.)
		"<dt>Lift over the holdout</dt><dd>&#43;20.0 points <small>95% interval &#43;5.4 to &#43;29.6 points</small>",
		`<p class="lift-says">The campaigns bring customers back: 30.0% of the customers worked returned, against 10.0% of those held out`,
		// The chart: the two rates with their intervals, and the lift's, for screen readers too.
		`aria-labelledby="chart-lift-title chart-lift-desc"`, "the lift is &#43;20.0 points, 95% interval &#43;5.4 to &#43;29.6 points.",
		"<title>Customers worked: 30.0% returned, 95% interval 23.4% to 37.5%</title>",
		"<title>Customers held out: 10.0% returned on their own, 95% interval 4.0% to 23.1%</title>",
		`<circle class="point"`, `<line class="zero"`,
		// The table, by reason and by offer.
		"<th scope=\"row\">Every customer</th><td>48 of 160 (30.0%)</td><td>4 of 40 (10.0%)</td><td>&#43;20.0 points</td>",
		"Reason: We let them down", "Offer: An incentive worth their while", "clear lift",
		// What each offer did.
		`<th scope="row">An incentive worth their while</th><td>159</td><td>48 <small>(30.2%)</small></td><td>48</td>`,
		"<td>5,000</td>",
		// Every outcome, the new ones included.
		`<th scope="row">A foot in the door</th><td>1</td><td>0</td>`, `<th scope="row">Held out</th><td>36</td><td>36</td>`,
		`<th scope="row">Won back</th><td>52</td><td>4</td>`)
	if n := strings.Count(p.body, `role="img"`); n != 3 {
		t.Errorf("%d charts, want the rate's, the funnel's and the lift's (no dated win back: no value chart)", n)
	}
	mustNotContain(t, p, "style=", "<script")
}

func TestWithoutAHoldoutTheReportPageSaysHowToMeasureTheLift(t *testing.T) {
	h := newHarness(t)
	h.fake.Facts = reportFacts()
	p := h.signedIn("maria").get("/inbox/report")
	mustContain(t, p, "No customer was held out, so the lift cannot be measured", "No offer made in this range yet.",
		`<th scope="row">Held out</th><td>0</td><td>0</td>`)
	mustNotContain(t, p, `id="chart-lift"`, "<dt>Held out</dt>")
}

// With billing, the report page shows the revenue won back in each currency on its own, the
// customers held out beside; without billing it says nothing of revenue.
func TestTheReportPageShowsTheRevenueFromBillingPerCurrency(t *testing.T) {
	h := newHarness(t)
	f := reportFacts()
	f.Revenue = []store.RevenueGroup{{Currency: "eur", Campaigns: 2, Amount: 2000.5}, {Currency: "usd", Campaigns: 1, Amount: 5000},
		{Currency: "eur", Holdout: true, Campaigns: 1, Amount: 300}}
	h.fake.Facts = f
	maria := h.signedIn("maria")
	p := maria.get("/inbox/report")
	if p.status != http.StatusOK {
		t.Fatalf("report: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "<dt>Revenue won back <small>(billing, a year)</small></dt><dd>2,001 EUR <small>from 2 customers</small><br>5,000 USD <small>from 1 customer</small></dd>",
		`<h2 class="section" id="revenue">Revenue won back, from billing</h2>`,
		`<tr><th scope="row">EUR</th><td>2</td><td>2,001 EUR</td>`+"\n    <td>1</td><td>300 EUR</td></tr>",
		`<tr><th scope="row">USD</th><td>1</td><td>5,000 USD</td>`+"\n    <td>0</td><td>0 USD</td></tr>",
		"amounts in different currencies are never added")
	mustNotContain(t, p, "7,001", "7,000", "style=")

	h.fake.Facts = reportFacts()
	mustNotContain(t, maria.get("/inbox/report"), "Revenue won back", `id="revenue"`)
}
