package report_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }

// facts are three campaigns: acme (lost by alice, moved to bob, won back in 4 days with an
// apology), beta (alice's, walked away by policy, opted out of SMS), globex (bob's, open).
func facts() store.ReportFacts {
	return store.ReportFacts{
		Groups: []store.ReportGroup{
			{Dimension: store.DimAll, Campaigns: 3, Closed: 2, WonBack: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 79200, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimOutcome, Key: "won_back", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimOutcome, Key: "walked_away", Campaigns: 1, Closed: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 1200},
			{Dimension: store.DimLostBy, Key: "alice", Campaigns: 2, Closed: 2, WonBack: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 49200, ValueWonBack: 48000},
			{Dimension: store.DimLostBy, Key: "bob", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimOffer, Key: "", Campaigns: 2, Closed: 1, WalkedAway: 1, OptedOut: 1, ValueLost: 31200},
			{Dimension: store.DimOffer, Key: "apology", Campaigns: 1, Closed: 1, WonBack: 1, ValueLost: 48000, ValueWonBack: 48000},
			{Dimension: store.DimLaunchMonth, Key: "2026-04", Campaigns: 1, ValueLost: 30000},
			{Dimension: store.DimLaunchMonth, Key: "2026-03", Campaigns: 2, Closed: 2, WonBack: 1, ValueLost: 49200, ValueWonBack: 48000},
		},
		WonBack: []store.WonBackCampaign{{Reason: "let_down", Offer: "apology", LaunchMonth: "2026-03", LostBy: "alice",
			Launched: day(3, 2), Closed: day(3, 6), AccountValue: 48000}},
		Rationales: []store.Rationale{{Text: "account value below 5000", DecidedBy: "policy", Campaigns: 1}},
		Paths: []store.StagePath{{Stages: []string{"backstory"}, Campaigns: 1}, {Stages: []string{"check_ins", "closed", "exit_interview"}, Campaigns: 1},
			{Stages: []string{"closed", "decision"}, Campaigns: 1}},
	}
}

func find(gs []report.Group, key string) report.Group {
	for _, g := range gs {
		if g.Key == key {
			return g
		}
	}
	return report.Group{Key: "missing " + key}
}

func TestTheReportIsInMoneyAndTime(t *testing.T) {
	r := report.Build(facts(), time.Time{}, day(5, 1))
	tot := r.Totals
	if tot.Campaigns != 3 || tot.Open != 1 || tot.Closed != 2 || tot.WonBack != 1 || tot.WinBackRate != 0.5 ||
		tot.ValueLost != 79200 || tot.ValueWonBack != 48000 || tot.MedianDaysToWinBack != 4 || tot.WalkedAway != 1 || tot.OptedOut != 1 {
		t.Errorf("totals %+v", tot)
	}
	if alice := find(r.ByLostBy, "alice"); alice.Campaigns != 2 || alice.WonBack != 1 || alice.MedianDaysToWinBack != 4 || alice.ValueLost != 49200 {
		t.Errorf("lost by alice: %+v (acme is hers though bob owns it now)", alice)
	}
	if bob := find(r.ByLostBy, "bob"); bob.Campaigns != 1 || bob.MedianDaysToWinBack != 0 || bob.Open != 1 {
		t.Errorf("lost by bob: %+v", bob)
	}
	if none := find(r.ByOffer, report.NoValue); none.Campaigns != 2 || r.ByOffer[0].Key != report.NoValue {
		t.Errorf("no offer: %+v; the biggest group first: %+v", none, r.ByOffer)
	}
	if r.ByLaunchMonth[0].Key != "2026-03" || r.ByLaunchMonth[1].Key != "2026-04" {
		t.Errorf("launch months are oldest first: %+v", r.ByLaunchMonth)
	}
	if len(r.ByOutcome) != len(report.Outcomes) || r.ByOutcome["won_back"] != 1 || r.ByOutcome["walked_away"] != 1 {
		t.Errorf("by outcome %v: closed campaigns only, every outcome listed", r.ByOutcome)
	}
	for _, o := range []string{"foot_in_door", "holdout"} {
		if n, listed := r.ByOutcome[o]; !listed || n != 0 {
			t.Errorf("outcome %s: %d, listed %v; want it shown with 0", o, n, listed)
		}
	}
	if len(r.WonBackByMonth) != 1 || r.WonBackByMonth[0].Month != "2026-03" || r.WonBackByMonth[0].Value != 48000 {
		t.Errorf("won back by month %+v", r.WonBackByMonth)
	}
	var funnel []string
	for _, s := range r.Funnel {
		funnel = append(funnel, s.Stage+"="+itoa(s.Campaigns))
	}
	if want := "backstory=3 exit_interview=2 decision=2 revisit_email=1 wait=1 thank_you_call=1 check_ins=1 won_back=1"; strings.Join(funnel, " ") != want {
		t.Errorf("funnel %s, want %s", strings.Join(funnel, " "), want)
	}
	if len(r.Rationales) != 1 || r.Rationales[0].DecidedBy != "policy" {
		t.Errorf("rationales %+v", r.Rationales)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"valueWonBack":48000`) || !strings.Contains(string(b), `"walkedAwayRationales"`) ||
		strings.Contains(string(b), "Beginning") {
		t.Errorf("json: %v %s", err, b)
	}
}

func TestMonthsWithoutAWinBackAreShown(t *testing.T) {
	f := store.ReportFacts{Groups: []store.ReportGroup{{Dimension: store.DimAll, Campaigns: 2, Closed: 2, WonBack: 2}},
		WonBack: []store.WonBackCampaign{{Launched: day(1, 2), Closed: day(1, 3), AccountValue: 10},
			{Launched: day(1, 2), Closed: day(4, 3), AccountValue: 20}}}
	r := report.Build(f, time.Time{}, time.Time{})
	var got []string
	for _, m := range r.WonBackByMonth {
		got = append(got, m.Month)
	}
	if strings.Join(got, " ") != "2026-01 2026-02 2026-03 2026-04" || r.WonBackByMonth[1].Value != 0 || r.WonBackByMonth[3].Value != 20 {
		t.Errorf("months %v: %+v", got, r.WonBackByMonth)
	}
	if r.Totals.MedianTimeToWinBack != 46*24*time.Hour {
		t.Errorf("median of an even count: %s", r.Totals.MedianTimeToWinBack)
	}
}

// A campaign that stays in touch (the manager did not decide, or the customer outgrew us) goes
// from the decision straight to its check-ins: the funnel does not count it in the revisit
// email, the wait or the thank-you call it never had. A campaign pursued with an offer and
// seen only in its check-ins did pass them, unseen.
func TestTheFunnelDoesNotCountTheStagesAStayInTouchCampaignSkips(t *testing.T) {
	f := store.ReportFacts{
		Groups: []store.ReportGroup{{Dimension: store.DimAll, Campaigns: 5}},
		Paths: []store.StagePath{
			{Stages: []string{"backstory", "check_ins", "decision", "exit_interview"}, Offer: "stay_in_touch", Campaigns: 3},
			{Stages: []string{"check_ins"}, Offer: "incentive", Campaigns: 1},
			{Stages: []string{"check_ins", "closed"}, Offer: "stay_in_touch", Campaigns: 1},
		},
	}
	var funnel []string
	for _, s := range report.Build(f, time.Time{}, time.Time{}).Funnel {
		funnel = append(funnel, s.Stage+"="+itoa(s.Campaigns))
	}
	if want := "backstory=5 exit_interview=5 decision=5 revisit_email=1 wait=1 thank_you_call=1 check_ins=5 won_back=0"; strings.Join(funnel, " ") != want {
		t.Errorf("funnel %s, want %s", strings.Join(funnel, " "), want)
	}
}

func TestAnEmptyReportSaysZero(t *testing.T) {
	r := report.Build(store.ReportFacts{Groups: []store.ReportGroup{{Dimension: store.DimAll}}}, time.Time{}, time.Time{})
	if r.Totals.Campaigns != 0 || r.Totals.WinBackRate != 0 || len(r.Funnel) != 8 || r.Funnel[0].Share != 0 {
		t.Errorf("empty report %+v", r)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestFiguresReadForPeople(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999.5: "1,000", 1234567.8: "1,234,568", -48000: "-48,000"} {
		if got := report.Money(v); got != want {
			t.Errorf("Money(%v) = %q, want %q", v, got, want)
		}
	}
	if got := report.Percent(0.2175); got != "21.8%" {
		t.Errorf("Percent: %q", got)
	}
	if got := report.Duration(90*time.Minute, 0.06); got != "1h30m0s" {
		t.Errorf("Duration of a demo: %q", got)
	}
	if got := report.Duration(96*time.Hour, 4); got != "4.0 days" {
		t.Errorf("Duration: %q", got)
	}
}
