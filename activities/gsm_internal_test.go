package activities

import (
	"strings"
	"testing"
)

func TestAccentedNamesStayInTheGSMAlphabet(t *testing.T) {
	cases := map[string]string{
		"Hi Tomás Ortega of Łódź Ltd": "Hi Tomas Ortega of Lodz Ltd",
		"Hi Renée, señor Müller":      "Hi Renée, señor Müller", // é, ñ, ü are GSM letters
		"Hi 王伟":                       "Hi 王伟",                  // no plain spelling: UCS-2 as it must be
		"It’s “done” – really…":       "It's \"done\" - really...",
	}
	for in, want := range cases {
		if got := gsmFriendly(in); got != want {
			t.Errorf("gsmFriendly(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("Tomás ", 25) // 150 characters: 3 UCS-2 segments, 1 GSM-7 segment
	if n := SMSSegments(gsmFriendly(long)); n != 1 {
		t.Errorf("a 150-character text with accents costs %d segments, want 1", n)
	}
}
