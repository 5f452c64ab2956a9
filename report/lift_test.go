package report_test

import (
	"math"
	"strings"
	"testing"

	"github.com/winback/winback/report"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.00005 }

// Newcombe's hybrid score interval against the worked examples of Newcombe (1998), Table II,
// method 10 (to four decimals), and Wilson's against his single-proportion paper's 81/263.
func TestTheIntervalsMatchPublishedValues(t *testing.T) {
	for _, c := range []struct {
		x1, n1, x2, n2 int
		low, high      float64
	}{
		{56, 70, 48, 80, 0.0524, 0.3339},
		{9, 10, 3, 10, 0.1705, 0.8090},
		{6, 7, 2, 7, 0.0582, 0.8062},
		{5, 56, 0, 29, -0.0381, 0.1926},
		{0, 10, 0, 20, -0.1611, 0.2775},
		{0, 10, 0, 10, -0.2775, 0.2775},
		{10, 10, 0, 20, 0.6791, 1.0000},
		{10, 10, 0, 10, 0.6075, 1.0000},
	} {
		low, high := report.DifferenceInterval(c.x1, c.n1, c.x2, c.n2)
		if math.Abs(low-c.low) > 0.00005 || math.Abs(high-c.high) > 0.00005 {
			t.Errorf("%d/%d - %d/%d: %.4f to %.4f, want %.4f to %.4f", c.x1, c.n1, c.x2, c.n2, low, high, c.low, c.high)
		}
	}
	if low, high := report.WilsonInterval(81, 263); math.Abs(low-0.2553) > 0.00005 || math.Abs(high-0.3662) > 0.00005 {
		t.Errorf("Wilson 81/263: %.4f to %.4f, want 0.2553 to 0.3662", low, high)
	}
	if low, high := report.WilsonInterval(0, 10); low != 0 || math.Abs(high-0.2775) > 0.00005 {
		t.Errorf("Wilson 0/10: %v to %v: want it to start at 0, not below", low, high)
	}
	if low, high := report.DifferenceInterval(3, 10, 0, 0); low != 0 || high != 0 {
		t.Errorf("an empty group: %v to %v", low, high)
	}
}

// The example of the issue, by hand: 48 of 160 worked returned (30%), 4 of 40 held out (10%).
// Wilson 48/160: centre (0.3 + 1.9207/160) / (1 + 3.8415/160) = 0.30469, half-width
// 1.96 * sqrt(0.3*0.7/160 + 3.8415/102400) / 1.02401 = 0.07033: 0.2344 to 0.3750.
// Wilson 4/40: centre 0.13505, half-width 0.09547: 0.0396 to 0.2305.
// Lift 0.2; low 0.2 - sqrt((0.3-0.2344)² + (0.2305-0.1)²) = 0.0539; high 0.2 +
// sqrt((0.3750-0.3)² + (0.1-0.0396)²) = 0.2963. The Wald interval would say 0.0830 to 0.3170
// (0.2 ± 1.96 * sqrt(0.3*0.7/160 + 0.1*0.9/40)): surer of the lower end than 4 returns allow.
func TestTheLiftOfTheIssuesExample(t *testing.T) {
	l := report.NewLift("", 160, 48, 40, 4)
	if !near(l.Worked.Rate, 0.3) || !near(l.HeldOut.Rate, 0.1) || !near(l.Lift, 0.2) || math.Abs(l.Low-0.0539) > 0.0001 ||
		math.Abs(l.High-0.2963) > 0.0001 || !l.Enough || !l.Clear {
		t.Fatalf("lift %+v", l)
	}
	for _, want := range []string{"The campaigns bring customers back", "30.0% of the customers worked returned, against 10.0% of those held out",
		"a lift of +20.0 points", "95% confidence interval +5.4 points to +29.6 points"} {
		if !strings.Contains(l.Says, want) {
			t.Errorf("%q lacks %q", l.Says, want)
		}
	}
}

// The small-sample rule: each group at least 10 customers, and together at least 5 returns and
// 5 customers who did not return; otherwise a plain sentence says it is too soon.
func TestTooSmallASampleIsSaidPlainly(t *testing.T) {
	for _, c := range []struct {
		name                       string
		worked, ret, held, heldRet int
		enough, clear              bool
		says                       string
	}{
		{"a holdout of 9", 100, 30, 9, 0, false, false, "Too few customers to say: 100 worked and 9 held out, 30 returned in all"},
		{"4 returns in all", 100, 3, 40, 1, false, false, "Too few customers to say"},
		{"almost everyone returned", 20, 19, 10, 9, false, false, "at least 5 who returned and 5 who did not"},
		{"enough, no clear difference", 50, 10, 20, 3, true, false, "No clear difference yet: 20.0% of the customers worked returned, against 15.0%"},
		{"worse than nothing", 100, 5, 50, 15, true, true, "returned less often than those left alone"},
		{"nobody held out", 100, 30, 0, 0, false, false, "No customer was held out"},
	} {
		l := report.NewLift("", c.worked, c.ret, c.held, c.heldRet)
		if l.Enough != c.enough || l.Clear != c.clear || !strings.Contains(l.Says, c.says) {
			t.Errorf("%s: enough %v, clear %v, says %q", c.name, l.Enough, l.Clear, l.Says)
		}
	}
	if got := report.Points(-0.00001); got != "+0.0 points" {
		t.Errorf("Points of nearly nothing: %q", got)
	}
}
