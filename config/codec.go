package config

import (
	"encoding/base64"
	"regexp"
	"strings"
)

// Codec holds the keys of the payload codec (AES-256-GCM). With no keys, payloads are stored
// as plain JSON.
type Codec struct {
	// Keys is WINBACK_CODEC_KEYS or the content of WINBACK_CODEC_KEYS_FILE: "id=base64key"
	// entries separated by commas or line breaks. The first encrypts new payloads; all of them
	// decrypt, so a new key goes first and old ones stay until no history needs them. Secret.
	Keys []CodecKey
}

// CodecKey is one payload encryption key and the ID stored beside each payload it encrypts.
type CodecKey struct {
	ID  string
	Key []byte // 32 bytes
}

// codecKeyID keeps key IDs short and safe to put in payload metadata and logs.
var codecKeyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func loadCodec(src *source, p *problems) Codec {
	raw, origin, err := src.secret("WINBACK_CODEC_KEYS")
	if err != nil || raw == "" {
		p.add(err)
		return Codec{}
	}
	var c Codec
	seen := map[string]bool{}
	entries := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
	for i, entry := range entries {
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if !ok || !codecKeyID.MatchString(id) {
			// Never echo the entry: it may hold key material.
			p.addf("%s: entry %d is not id=base64key (IDs are letters, digits, '.', '_' or '-')", origin, i+1)
			continue
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		switch {
		case err != nil:
			p.addf("%s: key %q is not base64 (make one with `openssl rand -base64 32`)", origin, id)
		case len(key) != 32:
			p.addf("%s: key %q is %d bytes, need 32 for AES-256 (make one with `openssl rand -base64 32`)", origin, id, len(key))
		case seen[id]:
			p.addf("%s: key ID %q appears twice", origin, id)
		default:
			seen[id] = true
			c.Keys = append(c.Keys, CodecKey{ID: id, Key: key})
		}
	}
	return c
}
