package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// Encoding is the metadata "encoding" of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID is the metadata entry that names the key a payload was encrypted with.
	MetadataKeyID = "encryption-key-id"
)

// Key is one AES-256 key and the ID stored beside every payload it encrypts. IDs are not
// secret; keys are.
type Key struct {
	ID  string
	Key []byte // 32 bytes
}

// aesCodec is a converter.PayloadCodec with one AEAD per key.
type aesCodec struct {
	current string                 // ID of the key that encrypts
	aeads   map[string]cipher.AEAD // by key ID, every key decrypts
	ids     []string               // in configured order, for error messages
}

// New returns a payload codec that encrypts with the first key and decrypts with any of them.
// Errors name key IDs, never key material.
func New(keys []Key) (converter.PayloadCodec, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: no keys (set WINBACK_CODEC_KEYS)")
	}
	c := &aesCodec{current: keys[0].ID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for i, k := range keys {
		switch {
		case k.ID == "":
			return nil, fmt.Errorf("codec: key %d has no ID", i+1)
		case len(k.Key) != 32:
			return nil, fmt.Errorf("codec: key %q is %d bytes, need 32 for AES-256", k.ID, len(k.Key))
		case c.aeads[k.ID] != nil:
			return nil, fmt.Errorf("codec: key ID %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block) // 12-byte nonce, 16-byte tag
		if err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
		c.ids = append(c.ids, k.ID)
	}
	return c, nil
}

// Encode encrypts every payload with the current key.
func (c *aesCodec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: serialise payload: %w", err)
		}
		// A random nonce per payload: at 2^32 payloads per key the collision risk is still
		// below 2^-32, and keys are rotated long before that.
		data := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(data); err != nil {
			return payloads, fmt.Errorf("codec: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(data, data, plain, nil),
		}
	}
	return out, nil
}

// Decode decrypts the encrypted payloads with the key each names, and returns the others as
// they are.
func (c *aesCodec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p // written before a key was set, or by another codec
			continue
		}
		plain, err := c.open(p)
		if err != nil {
			return payloads, err
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return payloads, fmt.Errorf("codec: decrypted payload is not a payload: %w", err)
		}
	}
	return out, nil
}

func (c *aesCodec) open(p *commonpb.Payload) ([]byte, error) {
	idBytes, ok := p.GetMetadata()[MetadataKeyID]
	if !ok {
		return nil, fmt.Errorf("codec: encrypted payload has no %s metadata", MetadataKeyID)
	}
	id := string(idBytes)
	aead := c.aeads[id]
	if aead == nil {
		return nil, fmt.Errorf("codec: payload encrypted with key %q, which is not configured (have %s): add it back to WINBACK_CODEC_KEYS after the current key",
			printable(id), strings.Join(quoteAll(c.ids), ", "))
	}
	data := p.GetData()
	if len(data) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("codec: payload encrypted with key %q is truncated (%d bytes)", id, len(data))
	}
	nonce, sealed := data[:aead.NonceSize()], data[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, nil)
	if err != nil {
		return nil, fmt.Errorf("codec: payload encrypted with key %q does not decrypt: it was altered, or key %q is not the key that encrypted it", id, id)
	}
	return plain, nil
}

// printable keeps a key ID read from a payload (not from our config) short and on one line.
func printable(id string) string {
	if len(id) > 64 {
		id = id[:64] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, id)
}

func quoteAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%q", id)
	}
	return out
}
