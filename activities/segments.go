package activities

import "strings"

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
