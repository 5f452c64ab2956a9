package activities

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// ErrBadUnsubscribeToken is returned by VerifyUnsubscribeToken for a token that is malformed or
// was not signed with our secret (a forged or mangled link).
var ErrBadUnsubscribeToken = errors.New("unsubscribe link is not valid: it was changed or cut short; ask the customer to use the link from their latest email, or opt them out by hand")

// UnsubscribeToken returns the token of an unsubscribe link for one campaign and channel
// ("email"): base64url(channel ":" workflowID) "." base64url(HMAC-SHA256). It does not expire,
// because an unsubscribe link must keep working as long as the email exists.
func UnsubscribeToken(secret []byte, workflowID string, ch string) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(ch + ":" + workflowID))
	return payload + "." + base64.RawURLEncoding.EncodeToString(sign(secret, payload))
}

// VerifyUnsubscribeToken checks a token made by UnsubscribeToken and returns its workflow ID and
// channel, or ErrBadUnsubscribeToken.
func VerifyUnsubscribeToken(secret []byte, token string) (workflowID, channel string, err error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", "", ErrBadUnsubscribeToken
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, sign(secret, payload)) {
		return "", "", ErrBadUnsubscribeToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", ErrBadUnsubscribeToken
	}
	channel, workflowID, ok = strings.Cut(string(raw), ":")
	if !ok || channel == "" || workflowID == "" {
		return "", "", ErrBadUnsubscribeToken
	}
	return workflowID, channel, nil
}

func sign(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("winback-unsubscribe:" + payload))
	return m.Sum(nil)
}
