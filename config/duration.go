package config

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

// dayPrefix matches a whole number of days, optionally followed by a Go duration ("7d", "1d12h").
var dayPrefix = regexp.MustCompile(`^(-?)(\d+)d(.*)$`)

// ParseDuration accepts everything time.ParseDuration does ("72h", "90m", "2s") plus a leading
// whole number of days: "7d", "1d12h". A day is 24 hours, not a calendar day: playbooks count
// business days separately (WaitBusinessDays).
func ParseDuration(s string) (time.Duration, error) {
	m := dayPrefix.FindStringSubmatch(s)
	if m == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (write it like \"72h\", \"7d\" or \"2s\")", s)
		}
		return d, nil
	}
	sign, days, rest := m[1], m[2], m[3]
	n, err := strconv.ParseInt(days, 10, 64)
	if err != nil || n > math.MaxInt64/int64(24*time.Hour) {
		return 0, fmt.Errorf("%q is too long a duration", s)
	}
	d := time.Duration(n) * 24 * time.Hour
	if rest != "" {
		if rest[0] == '-' || rest[0] == '+' {
			return 0, fmt.Errorf("%q is not a duration (write it like \"72h\", \"7d\" or \"1d12h\")", s)
		}
		extra, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (write it like \"72h\", \"7d\" or \"1d12h\")", s)
		}
		if d > math.MaxInt64-extra {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		d += extra
	}
	if sign == "-" {
		d = -d
	}
	return d, nil
}
