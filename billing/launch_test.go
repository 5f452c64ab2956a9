package billing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/workflows"
)

func TestReasonOfStripeFeedback(t *testing.T) {
	for feedback, want := range map[string]workflows.Reason{
		"too_expensive":    workflows.ReasonCompetitorPrice,
		"switched_service": workflows.ReasonCompetitorPrice,
		"unused":           workflows.ReasonNoLongerNeeded,
		"customer_service": workflows.ReasonLetDown,
		"low_quality":      workflows.ReasonLetDown,
		"missing_features": workflows.ReasonBadFit,
		"too_complex":      workflows.ReasonBadFit,
		"other":            workflows.ReasonOther,
		"":                 workflows.ReasonOther,
		"a_new_option":     workflows.ReasonOther, // a value Stripe adds later
	} {
		if got := billing.ReasonOf(feedback); got != want {
			t.Errorf("ReasonOf(%q) = %s, want %s", feedback, got, want)
		}
	}
}

// launchNow is the time of the launches below: 2026-03-10 15:00 UTC.
var launchNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

func cancellation() billing.Cancellation {
	return billing.Cancellation{
		Customer: billing.Customer{ID: "cus_abc", Name: "Dana Reyes", Email: "dana@acme.example", Phone: "+12125550142",
			Metadata: map[string]string{"company": "Acme Corp", "segment": "Enterprise", "timezone": "America/New_York"}},
		SubscriptionID: "sub_1", PriceID: "price_1", Currency: "eur", AnnualValue: 360,
		At:       time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC), // 22:00 on Feb 28 in New York
		Feedback: "too_expensive", Comment: "too pricey for me",
	}
}

func TestRowOfACancellation(t *testing.T) {
	cfg := billing.Config{DefaultRep: "bob", RepBySegment: map[string]string{"enterprise": "alice"}, TimeZone: "Europe/Paris"}
	row := cancellation().Row(cfg)
	want := launch.CustomerRow{
		CustomerID: "cus_abc", Name: "Dana Reyes", Company: "Acme Corp", Email: "dana@acme.example", Phone: "+12125550142",
		TimeZone: "America/New_York", AccountValue: "360", Segment: "Enterprise", Departed: "2026-02-28",
		Reason: "competitor_price", Rep: "alice",
		Notes: `Cancelled in Stripe (subscription sub_1, 360 EUR a year, feedback too_expensive). They wrote: "too pricey for me"`,
	}
	if row != want {
		t.Errorf("Row =\n%+v\nwant\n%+v", row, want)
	}
}

func TestRowFallbacks(t *testing.T) {
	cfg := billing.Config{DefaultRep: "bob", RepBySegment: map[string]string{"enterprise": "alice"}, TimeZone: "Europe/Paris"}
	for _, tc := range []struct {
		name  string
		edit  func(*billing.Cancellation)
		cfg   billing.Config
		check func(launch.CustomerRow) bool
	}{
		{"our customer ID from metadata", func(c *billing.Cancellation) { c.Customer.Metadata["winback_customer_id"] = "CRM-42" }, cfg,
			func(r launch.CustomerRow) bool { return r.CustomerID == "CRM-42" }},
		{"rep from metadata first", func(c *billing.Cancellation) { c.Customer.Metadata["rep"] = "carol" }, cfg,
			func(r launch.CustomerRow) bool { return r.Rep == "carol" }},
		{"default rep for another segment", func(c *billing.Cancellation) { c.Customer.Metadata["segment"] = "smb" }, cfg,
			func(r launch.CustomerRow) bool { return r.Rep == "bob" }},
		{"no rep anywhere", func(c *billing.Cancellation) { delete(c.Customer.Metadata, "segment") }, billing.Config{},
			func(r launch.CustomerRow) bool { return r.Rep == "" }},
		{"manager from metadata", func(c *billing.Cancellation) { c.Customer.Metadata["manager"] = "maria" }, cfg,
			func(r launch.CustomerRow) bool { return r.Manager == "maria" }},
		{"zone from config", func(c *billing.Cancellation) { delete(c.Customer.Metadata, "timezone") }, cfg,
			func(r launch.CustomerRow) bool { return r.TimeZone == "Europe/Paris" && r.Departed == "2026-03-01" }},
		{"zone UTC", func(c *billing.Cancellation) { delete(c.Customer.Metadata, "timezone") }, billing.Config{},
			func(r launch.CustomerRow) bool { return r.TimeZone == "UTC" && r.Departed == "2026-03-01" }},
		{"scheduled: departs on the launch day", func(c *billing.Cancellation) {
			c.Scheduled, c.At = true, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		}, cfg, func(r launch.CustomerRow) bool {
			return r.Departed == "" && strings.HasPrefix(r.Notes, "Cancellation scheduled in Stripe for 2026-04-01 (subscription sub_1")
		}},
		{"no feedback, no comment", func(c *billing.Cancellation) { c.Feedback, c.Comment = "", "" }, cfg,
			func(r launch.CustomerRow) bool {
				return r.Reason == "other" && r.Notes == "Cancelled in Stripe (subscription sub_1, 360 EUR a year)"
			}},
		{"a long comment is cut", func(c *billing.Cancellation) { c.Comment = strings.Repeat("so long ", 500) }, cfg,
			func(r launch.CustomerRow) bool {
				return len([]rune(r.Notes)) < 2000 && strings.HasSuffix(r.Notes, `…"`)
			}},
		{"yen", func(c *billing.Cancellation) { c.Currency, c.AnnualValue = "jpy", 60000 }, cfg,
			func(r launch.CustomerRow) bool {
				return r.AccountValue == "60000" && strings.Contains(r.Notes, "60000 JPY a year")
			}},
	} {
		c := cancellation()
		tc.edit(&c)
		if row := c.Row(tc.cfg); !tc.check(row) {
			t.Errorf("%s: Row = %+v", tc.name, row)
		}
	}
}

// validator checks rows as the CLI's launch does, with the example team.
func validator(t *testing.T) launch.Validator {
	t.Helper()
	team, err := config.ReadTeam("../config/team.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return launch.Validator{Region: "US", Now: launchNow, Owners: team.Owners, Playbook: workflows.DefaultPlaybook()}
}

// TestRowsAreCheckedLikeACSV: a Stripe cancellation goes through the launch's own checks;
// a good one becomes a campaign input, a customer without an email a reported problem.
func TestRowsAreCheckedLikeACSV(t *testing.T) {
	v := validator(t)
	cfg := billing.Config{RepBySegment: map[string]string{"enterprise": "alice"}}
	c := cancellation()
	in, problems := v.Check(c.Row(cfg))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	in.Billing = c.Billing()
	if in.Customer.ID != "cus_abc" || in.Customer.AccountValue != 360 || in.Customer.Company != "Acme Corp" ||
		in.Departure.StatedReason != workflows.ReasonCompetitorPrice || in.Owners.Rep.ID != "alice" || in.Owners.Manager.ID != "maria" ||
		!strings.Contains(in.Departure.Notes, "too pricey for me") {
		t.Errorf("campaign input = %+v", in)
	}
	want := workflows.Billing{Provider: "stripe", CustomerID: "cus_abc", SubscriptionID: "sub_1", PriceID: "price_1", Currency: "eur"}
	if *in.Billing != want {
		t.Errorf("Billing() = %+v, want %+v", *in.Billing, want)
	}

	// stripe-mock's customers, and real ones who never gave an email, have none.
	noEmail := cancellation()
	noEmail.Customer.Email = ""
	_, problems = v.Check(noEmail.Row(cfg))
	if len(problems) != 1 || problems[0].Column != "email" || !strings.Contains(problems[0].Message, "is required") {
		t.Errorf("no email: problems %v, want one, on the email column", problems)
	}

	// A rep nobody routed to is named as the launch names it.
	unrouted := cancellation()
	delete(unrouted.Customer.Metadata, "segment")
	_, problems = v.Check(unrouted.Row(billing.Config{}))
	if len(problems) != 1 || problems[0].Column != "rep" {
		t.Errorf("no rep: problems %v, want one, on the rep column", problems)
	}
}
