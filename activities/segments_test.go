package activities_test

import (
	"strings"
	"testing"

	"github.com/winback/winback/activities"
)

func TestSMSSegments(t *testing.T) {
	cases := []struct {
		name string
		body string
		want int
	}{
		{"empty", "", 0},
		{"GSM-7, one segment full", strings.Repeat("a", 160), 1},
		{"GSM-7, one over", strings.Repeat("a", 161), 2},
		{"GSM-7, two segments full", strings.Repeat("a", 306), 2},
		{"GSM-7, three", strings.Repeat("a", 307), 3},
		{"GSM-7 accents stay GSM-7", strings.Repeat("é", 160), 1},
		{"extension characters count twice", strings.Repeat("€", 80), 1},
		{"extension characters count twice, over", strings.Repeat("€", 81), 2},
		{"an escape pair is not split", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), 2},
		{"an escape pair pushed to the next segment", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), 3},
		{"UCS-2, one segment full", strings.Repeat("ł", 70), 1},
		{"UCS-2, one over", strings.Repeat("ł", 71), 2},
		{"UCS-2, two segments full", strings.Repeat("ł", 134), 2},
		{"UCS-2, three", strings.Repeat("ł", 135), 3},
		{"one curly quote makes it UCS-2", strings.Repeat("a", 100) + "’", 2},
		{"an emoji is two UTF-16 units", strings.Repeat("😀", 35), 1},
		{"an emoji is two UTF-16 units, over", strings.Repeat("😀", 36), 2},
	}
	for _, c := range cases {
		if got := activities.SMSSegments(c.body); got != c.want {
			t.Errorf("%s: SMSSegments = %d, want %d", c.name, got, c.want)
		}
	}
}
