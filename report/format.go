package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// How the report's figures read, in the CLI's tables and on the inbox's page alike.

// Money is an account value in whole units with thousands separated: 1234567.8 is "1,234,568".
// Account values carry no currency; the team's is meant.
func Money(v float64) string {
	n := int64(math.Round(v))
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// Percent is a rate: 0.25 is "25.0%".
func Percent(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) }

// Duration is a median time to win back: "-" for none, seconds under two days (demos and fast
// playbooks win back in minutes), else days to a tenth.
func Duration(d time.Duration, days float64) string {
	switch {
	case d <= 0:
		return "-"
	case d < 48*time.Hour:
		return d.Round(time.Second).String()
	}
	return fmt.Sprintf("%.1f days", days)
}

// Interval is a lift's confidence interval: "+5.4 to +29.6 points".
func Interval(low, high float64) string {
	return strings.TrimSuffix(Points(low), " points") + " to " + Points(high)
}

// Reading is a lift in a few words, for a table's cell: "clear lift", "clear loss", "no clear
// difference", "too few to say", or "no holdout".
func (l Lift) Reading() string {
	switch {
	case l.HeldOut.Campaigns == 0:
		return "no holdout"
	case !l.Enough:
		return "too few to say"
	case l.Low > 0:
		return "clear lift"
	case l.High < 0:
		return "clear loss"
	}
	return "no clear difference"
}

// String is an arm's returns of its customers with its rate: "48 of 160 (30.0%)".
func (a Arm) String() string {
	return fmt.Sprintf("%d of %d (%s)", a.Returns, a.Campaigns, Percent(a.Rate))
}
