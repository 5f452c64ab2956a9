package activities_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
)

func TestUnsubscribeTokenRoundTrip(t *testing.T) {
	tok := activities.UnsubscribeToken(testSecret, "winback:cust:42", "email")
	if strings.ContainsAny(tok, "+/= ") {
		t.Errorf("token %q is not URL-safe", tok)
	}
	wf, ch, err := activities.VerifyUnsubscribeToken(testSecret, tok)
	if err != nil || wf != "winback:cust:42" || ch != "email" {
		t.Errorf("Verify = (%q, %q, %v), want (winback:cust:42, email, nil)", wf, ch, err)
	}
}

func TestUnsubscribeTokenRejectsForgeries(t *testing.T) {
	tok := activities.UnsubscribeToken(testSecret, "winback:cust-42", "email")
	payload, sig, _ := strings.Cut(tok, ".")
	other := activities.UnsubscribeToken(testSecret, "winback:cust-43", "email")
	otherPayload, _, _ := strings.Cut(other, ".")
	forged := map[string]string{
		"other secret":           activities.UnsubscribeToken([]byte("another-secret-of-32-bytes-long!"), "winback:cust-42", "email"),
		"payload swapped":        otherPayload + "." + sig,
		"signature cut":          payload + "." + sig[:len(sig)-2],
		"no signature":           payload,
		"empty":                  "",
		"garbage":                "!!!.???",
		"signature of other key": payload + "." + strings.SplitN(other, ".", 2)[1],
	}
	for name, f := range forged {
		if _, _, err := activities.VerifyUnsubscribeToken(testSecret, f); !errors.Is(err, activities.ErrBadUnsubscribeToken) {
			t.Errorf("%s: Verify error = %v, want ErrBadUnsubscribeToken", name, err)
		}
	}
}
