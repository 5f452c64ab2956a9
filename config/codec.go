package config

import (
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/codec"
)

// Codec holds the keys of the payload codec (AES-256-GCM) and how its HTTP endpoint, which
// lets the Temporal UI decode payloads, is guarded. With no keys, payloads are stored as plain
// JSON.
type Codec struct {
	// Keys is WINBACK_CODEC_KEYS or the content of WINBACK_CODEC_KEYS_FILE: "id=base64key"
	// entries separated by commas or line breaks. The first encrypts new payloads; all of them
	// decrypt, so a new key goes first and old ones stay until no history needs them. Secret.
	Keys []CodecKey
	// Token guards the codec endpoint (WINBACK_CODEC_TOKEN or _FILE, at least 16 characters):
	// whoever holds it can decrypt every payload. Required to serve the endpoint (RequireToken).
	// Secret.
	Token string
	// CORSOrigins are the browser origins allowed to call the endpoint, the Temporal UI's
	// (WINBACK_CODEC_CORS_ORIGINS, comma-separated, default the dev server's UI:
	// http://localhost:8233,http://127.0.0.1:8233).
	CORSOrigins []string
}

// defaultCodecCORSOrigins is where `temporal server start-dev` serves its UI.
const defaultCodecCORSOrigins = "http://localhost:8233,http://127.0.0.1:8233"

// CodecKey is one payload encryption key and the ID stored beside each payload it encrypts.
type CodecKey struct {
	ID  string
	Key []byte // 32 bytes
}

// codecKeyID keeps key IDs short and safe to put in payload metadata and logs.
var codecKeyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func loadCodec(src *source, p *problems) Codec {
	return Codec{
		Keys:        loadCodecKeys(src, p),
		Token:       loadCodecToken(src, p),
		CORSOrigins: loadCORSOrigins(src, p),
	}
}

func loadCodecKeys(src *source, p *problems) []CodecKey {
	raw, origin, err := src.secret("WINBACK_CODEC_KEYS")
	if err != nil || raw == "" {
		p.add(err)
		return nil
	}
	var keys []CodecKey
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
			keys = append(keys, CodecKey{ID: id, Key: key})
		}
	}
	return keys
}

func loadCodecToken(src *source, p *problems) string {
	token, origin, err := src.secret("WINBACK_CODEC_TOKEN")
	switch {
	case err != nil:
		p.add(err)
		return ""
	case token == "":
		return ""
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		p.addf("%s: contains spaces, line breaks or control characters (e.g. `openssl rand -hex 32`)", origin)
		return ""
	case len(token) < codec.MinTokenLen:
		p.addf("%s: is %d characters, need at least %d (e.g. `openssl rand -hex 32`)", origin, len(token), codec.MinTokenLen)
		return ""
	}
	return token
}

// loadCORSOrigins reads the browser origins allowed to call the codec endpoint. Credentials
// are allowed with them, so "*" is refused and each must be an exact origin.
func loadCORSOrigins(src *source, p *problems) []string {
	name := "WINBACK_CODEC_CORS_ORIGINS"
	var origins []string
	for entry := range strings.SplitSeq(src.getOr(name, defaultCodecCORSOrigins), ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		origin, err := checkOrigin(entry)
		if err != nil {
			p.addf("%s: %q %v", src.origin(name), entry, err)
			continue
		}
		origins = append(origins, origin)
	}
	return origins
}

// checkOrigin returns a browser origin (scheme://host[:port]) in the form browsers send it.
func checkOrigin(s string) (string, error) {
	if s == "*" {
		return "", errors.New("is not allowed: the endpoint takes credentials, so list each origin, e.g. http://localhost:8233")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("is not an origin: want scheme://host[:port] with no path, e.g. http://localhost:8233")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// PayloadCodec returns the codec for the configured keys, or nil when there are none.
func (c Codec) PayloadCodec() (converter.PayloadCodec, error) {
	if len(c.Keys) == 0 {
		return nil, nil
	}
	keys := make([]codec.Key, len(c.Keys))
	for i, k := range c.Keys {
		keys[i] = codec.Key{ID: k.ID, Key: k.Key}
	}
	return codec.New(keys)
}

// DataConverter is the data converter Dial installs: the SDK's default, encrypting with the
// codec when keys are set. Code that reads payloads out of raw histories (the inbox reading a
// campaign's input) needs it too.
func (c Codec) DataConverter() (converter.DataConverter, error) {
	pc, err := c.PayloadCodec()
	if err != nil || pc == nil {
		return converter.GetDefaultDataConverter(), err
	}
	return codec.DataConverter(pc), nil
}

// RequireToken reports an error, naming the variable, when the codec endpoint cannot be served
// safely: keys are set but no token guards them. The worker calls it before serving /codec/.
func (c Codec) RequireToken() error {
	if len(c.Keys) > 0 && c.Token == "" {
		return errors.New("WINBACK_CODEC_TOKEN (or WINBACK_CODEC_TOKEN_FILE) is required with WINBACK_CODEC_KEYS: " +
			"it guards the codec endpoint that decrypts payloads for the Temporal UI (make one with `openssl rand -hex 32`)")
	}
	return nil
}
