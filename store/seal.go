package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
)

// Values the store gives back are kept as "plain:<text>" or, with a codec, as
// "sealed:<base64 of the encoded payload>": the codec's key ID travels inside, so keys rotate
// the way payload keys do (a new key first, old ones kept while sealed values remain).
const (
	plainPrefix  = "plain:"
	sealedPrefix = "sealed:"
)

// seal encodes a value for the database: sealed with the codec when there is one.
func (s *Store) seal(value string) (string, error) {
	if s.codec == nil {
		return plainPrefix + value, nil
	}
	out, err := s.codec.Encode([]*commonpb.Payload{{
		Metadata: map[string][]byte{"encoding": []byte("binary/plain")}, Data: []byte(value),
	}})
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	raw, err := proto.Marshal(out[0])
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(raw), nil
}

// unseal is the inverse of seal. A sealed value needs a codec that holds its key.
func (s *Store) unseal(stored string) (string, error) {
	if v, ok := strings.CutPrefix(stored, plainPrefix); ok {
		return v, nil
	}
	b64, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return "", errors.New("unseal: not a value the store wrote")
	}
	if s.codec == nil {
		return "", errors.New("the value is sealed with a codec key, and WINBACK_CODEC_KEYS is not set: set the keys it was sealed with")
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("unseal: %w", err)
	}
	p := &commonpb.Payload{}
	if err := proto.Unmarshal(raw, p); err != nil {
		return "", fmt.Errorf("unseal: %w", err)
	}
	out, err := s.codec.Decode([]*commonpb.Payload{p})
	if err != nil {
		return "", fmt.Errorf("unseal (is the key it was sealed with still in WINBACK_CODEC_KEYS?): %w", err)
	}
	return string(out[0].GetData()), nil
}

// ContactHash is the keyed hash under which the store keeps a contact: an email address
// (compared without case) or an E.164 phone number. The key lives in the store, made once and
// never rotated, so a STOP recorded years ago still matches.
func (s *Store) ContactHash(contact string) string {
	m := hmac.New(sha256.New, s.contactKey)
	m.Write([]byte(normalContact(contact)))
	return "h1-" + hex.EncodeToString(m.Sum(nil))
}

func normalContact(c string) string {
	c = strings.TrimSpace(c)
	if strings.Contains(c, "@") {
		return strings.ToLower(c)
	}
	return c
}

// eventHash is the hash under which an inbound event ID is kept (the first 16 bytes of its
// SHA-256, as the webhooks' dedupe file of earlier versions kept it, so that file imports).
func eventHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}
