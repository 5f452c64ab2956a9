package activities

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// ContactKey is the keyed hash of a phone number (E.164) or email address under which a campaign
// can be found from an inbound message, without the contact itself being indexed: search
// attributes are never encrypted. Launcher and webhooks must use the same secret.
func ContactKey(secret []byte, contact string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(contact))
	return "c1-" + hex.EncodeToString(m.Sum(nil))[:32]
}
