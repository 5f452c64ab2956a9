package config_test

import (
	"testing"
	"time"

	"github.com/winback/winback/config"
)

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"2s": 2 * time.Second, "72h": 72 * time.Hour, "1h30m": 90 * time.Minute, "0": 0,
		"7d": 7 * day, "0d": 0, "365d": 365 * day, "1d12h": day + 12*time.Hour, "-2d": -2 * day,
	} {
		got, err := config.ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "7", "d", "7days", "1.5d", "7d-2h", "7d+2h", "x7d", "99999999999d", "106752d", "106751d24h"} {
		if got, err := config.ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}
