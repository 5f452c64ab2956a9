package activities_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

func TestOfferTokenRoundTrip(t *testing.T) {
	expires := time.Now().Add(48 * time.Hour).Truncate(time.Second).UTC()
	tok := activities.OfferToken(testSecret, "winback:cust:42", "offer-1", expires)
	if strings.ContainsAny(tok, "+/=. ") {
		t.Errorf("token %q is not URL-safe in one piece", tok)
	}
	wf, offer, exp, err := activities.VerifyOfferToken(testSecret, tok)
	if err != nil || wf != "winback:cust:42" || offer != "offer-1" || !exp.Equal(expires) {
		t.Errorf("Verify = (%q, %q, %s, %v), want (winback:cust:42, offer-1, %s, nil)", wf, offer, exp, err, expires)
	}
}

// The link travels in text messages: a typical one must leave the message room.
func TestOfferTokenIsCompact(t *testing.T) {
	tok := activities.OfferToken(testSecret, "winback:C-1042", "offer-1", time.Now().Add(time.Hour))
	if len(tok) > 60 {
		t.Errorf("token is %d characters (%s), want at most 60", len(tok), tok)
	}
	if n := activities.SMSSegments(testPublicURL + "/offer?t=" + tok); n != 1 {
		t.Errorf("the link alone is %d segments: not plain GSM-7?", n)
	}
}

func TestOfferTokenExpired(t *testing.T) {
	expires := time.Now().Add(-time.Minute).Truncate(time.Second).UTC()
	tok := activities.OfferToken(testSecret, "winback:cust-42", "offer-2", expires)
	wf, offer, exp, err := activities.VerifyOfferToken(testSecret, tok)
	if !errors.Is(err, activities.ErrOfferTokenExpired) || errors.Is(err, activities.ErrBadOfferToken) {
		t.Fatalf("expired token: err = %v, want ErrOfferTokenExpired", err)
	}
	// An expired token is still ours: the page may say which offer expired, and when.
	if wf != "winback:cust-42" || offer != "offer-2" || !exp.Equal(expires) {
		t.Errorf("expired token = (%q, %q, %s)", wf, offer, exp)
	}
}

func TestOfferTokenRejectsForgeries(t *testing.T) {
	expires := time.Now().Add(24 * time.Hour)
	good := activities.OfferToken(testSecret, "winback:cust-42", "offer-1", expires)
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	forged := map[string]string{
		"other secret":         activities.OfferToken([]byte("another-secret-of-32-bytes-long!"), "winback:cust-42", "offer-1", expires),
		"later expiry":         flip(4),
		"other offer":          flip(8),
		"other campaign":       flip(len(raw) - 17),
		"signature changed":    flip(len(raw) - 1),
		"cut short":            good[:len(good)-3],
		"longer":               good + "AA",
		"empty":                "",
		"garbage":              "!!!???",
		"an unsubscribe token": activities.UnsubscribeToken(testSecret, "winback:cust-42", "email"),
		"unsubscribe payload, offer-length": base64.RawURLEncoding.EncodeToString(
			append([]byte{1, 0, 0, 0, 0, 7}, []byte("offer-1winback:cust-420123456789abcdef")...)),
	}
	for name, f := range forged {
		wf, offer, _, err := activities.VerifyOfferToken(testSecret, f)
		if !errors.Is(err, activities.ErrBadOfferToken) || wf != "" || offer != "" {
			t.Errorf("%s: Verify = (%q, %q, %v), want ErrBadOfferToken and nothing else", name, wf, offer, err)
		}
	}
}

func TestOfferTokenOnTheCallersClock(t *testing.T) {
	expires := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	tok := activities.OfferToken(testSecret, "winback:cust-42", "offer-1", expires)
	if _, _, _, err := activities.VerifyOfferTokenAt(testSecret, tok, expires.Add(-time.Second)); err != nil {
		t.Errorf("a second before its expiry: %v", err)
	}
	if _, _, _, err := activities.VerifyOfferTokenAt(testSecret, tok, expires); !errors.Is(err, activities.ErrOfferTokenExpired) {
		t.Errorf("at its expiry: %v, want ErrOfferTokenExpired", err)
	}
}
