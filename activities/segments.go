package activities

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// gsm7Basic is the GSM 03.38 default alphabet (one septet each); gsm7Extended are the characters
// sent with an escape (two septets each).
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Extended = "^{}\\[~]|€\f"
)

// SMSSegments returns how many SMS segments body is billed as: GSM-7 when every character is
// in the GSM alphabet (160 septets in one segment, 153 per segment when split, an escaped
// character never split), otherwise UCS-2 (70 code units in one segment, 67 when split, a
// surrogate pair never split). An empty body is 0 segments.
func SMSSegments(body string) int {
	if body == "" {
		return 0
	}
	costs := make([]int, 0, len(body))
	gsm := true
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsm7Basic, r):
			costs = append(costs, 1)
		case strings.ContainsRune(gsm7Extended, r):
			costs = append(costs, 2)
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	single, multi := 160, 153
	if !gsm {
		costs = costs[:0]
		for _, r := range body {
			if r > 0xFFFF {
				costs = append(costs, 2) // a surrogate pair
			} else {
				costs = append(costs, 1)
			}
		}
		single, multi = 70, 67
	}
	total := 0
	for _, c := range costs {
		total += c
	}
	if total <= single {
		return 1
	}
	segments, used := 1, 0
	for _, c := range costs {
		if used+c > multi {
			segments++
			used = 0
		}
		used += c
	}
	return segments
}

// gsmFriendly spells accented letters that the GSM alphabet lacks (á, í, ó, ú, ł, ś, ë...) as
// their plain letters, so one "Tomás" does not turn a text into UCS-2, which fits 70 characters
// a segment instead of 160. Letters the alphabet has (é, ñ, ü...) stay; a text with characters
// that have no plain spelling (Greek, CJK, emoji) is left as it is, since it needs UCS-2 anyway.
func gsmFriendly(body string) string {
	if SMSSegments(body) > 0 && isGSM(body) {
		return body
	}
	var b strings.Builder
	for _, r := range body {
		if isGSM(string(r)) {
			b.WriteRune(r)
			continue
		}
		plain, ok := plainLetter(r)
		if !ok {
			return body
		}
		b.WriteString(plain)
	}
	return b.String()
}

func isGSM(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsm7Basic, r) && !strings.ContainsRune(gsm7Extended, r) {
			return false
		}
	}
	return true
}

// plainLetter is the letter without its accent (NFD, marks dropped), or a few letters that do
// not decompose; ok is false when r has no plain spelling.
func plainLetter(r rune) (string, bool) {
	if s, ok := map[rune]string{'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ø': "ø", 'œ': "oe", 'Œ': "OE", 'ı': "i",
		'’': "'", '‘': "'", '“': "\"", '”': "\"", '–': "-", '—': "-", '…': "..."}[r]; ok {
		return s, true
	}
	var plain strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if !isGSM(string(d)) {
			return "", false
		}
		plain.WriteRune(d)
	}
	return plain.String(), plain.Len() > 0
}
