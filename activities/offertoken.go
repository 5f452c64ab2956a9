package activities

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// ErrBadOfferToken is returned by VerifyOfferToken for a token that is malformed or was not
// signed with our secret (a forged, mangled or cut-short link). Nothing in it can be trusted.
var ErrBadOfferToken = errors.New("offer link is not valid: it was changed or cut short")

// ErrOfferTokenExpired is returned by VerifyOfferToken for a token we signed whose expiry has
// passed. Its workflow ID, offer ID and expiry are returned with it, so a page can say which
// offer expired and when.
var ErrOfferTokenExpired = errors.New("offer link has expired")

// offerTokenVersion is the first byte of every offer token: a new layout gets a new version,
// and an old token is then refused as malformed rather than misread.
const offerTokenVersion = 1

// offerMACSize is the signature's length: HMAC-SHA256 truncated to 128 bits (half the hash,
// the shortest RFC 2104 recommends), so a link fits in a text message with room to spare.
const offerMACSize = 16

// OfferToken returns the token of a campaign's one-click offer link (accept or decline), for
// the offer offerID of the campaign workflowID, good until expires. It is compact, because it
// travels in text messages: base64url (no padding) of a version byte, the expiry (Unix
// seconds, 4 bytes), the offer ID (length-prefixed), the workflow ID and an HMAC-SHA256 of all
// that under secret, with its own domain prefix (an unsubscribe token's signature never
// verifies as an offer's, nor the other way round), truncated to 16 bytes. The token carries
// no customer data beyond the campaign's workflow ID.
func OfferToken(secret []byte, workflowID, offerID string, expires time.Time) string {
	b := make([]byte, 0, 6+len(offerID)+len(workflowID)+offerMACSize)
	b = append(b, offerTokenVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(max(expires.Unix(), 0)))
	b = append(b, byte(min(len(offerID), 255)))
	b = append(b, offerID[:min(len(offerID), 255)]...)
	b = append(b, workflowID...)
	b = append(b, signOffer(secret, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// VerifyOfferToken checks a token made by OfferToken against secret and the clock, and returns
// its workflow ID, offer ID and expiry. A token that is malformed or not ours returns
// ErrBadOfferToken and nothing else; one whose expiry has passed returns ErrOfferTokenExpired
// with its (authentic) contents.
func VerifyOfferToken(secret []byte, token string) (workflowID, offerID string, expires time.Time, err error) {
	return VerifyOfferTokenAt(secret, token, time.Now())
}

// VerifyOfferTokenAt is VerifyOfferToken on a clock of the caller's: the token has expired when
// now is at or past its expiry.
func VerifyOfferTokenAt(secret []byte, token string, now time.Time) (workflowID, offerID string, expires time.Time, err error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 6+offerMACSize {
		return "", "", time.Time{}, ErrBadOfferToken
	}
	body, mac := b[:len(b)-offerMACSize], b[len(b)-offerMACSize:]
	if !hmac.Equal(mac, signOffer(secret, body)) || body[0] != offerTokenVersion {
		return "", "", time.Time{}, ErrBadOfferToken
	}
	expires = time.Unix(int64(binary.BigEndian.Uint32(body[1:5])), 0).UTC()
	n := int(body[5])
	rest := body[6:]
	if n == 0 || n >= len(rest) {
		return "", "", time.Time{}, ErrBadOfferToken
	}
	offerID, workflowID = string(rest[:n]), string(rest[n:])
	if !now.Before(expires) {
		return workflowID, offerID, expires, fmt.Errorf("%w on %s", ErrOfferTokenExpired, expires.Format("2 January 2006 15:04 MST"))
	}
	return workflowID, offerID, expires, nil
}

func signOffer(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("winback-offer:v1:"))
	m.Write(body)
	return m.Sum(nil)[:offerMACSize]
}
