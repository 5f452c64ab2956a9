package codec_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/winback/winback/codec"
)

func key(id string, fill byte) codec.Key {
	return codec.Key{ID: id, Key: bytes.Repeat([]byte{fill}, 32)}
}

func newCodec(t *testing.T, keys ...codec.Key) converter.PayloadCodec {
	t.Helper()
	c, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// customer is what a campaign payload looks like: the default converter's JSON of a struct.
func customerPayloads(t *testing.T) []*commonpb.Payload {
	t.Helper()
	ps, err := converter.GetDefaultDataConverter().ToPayloads(
		map[string]string{"name": "Dana Reyes", "email": "dana@acme.example"}, "+12125550142")
	if err != nil {
		t.Fatal(err)
	}
	return ps.Payloads
}

func encode(t *testing.T, c converter.PayloadCodec, ps []*commonpb.Payload) []*commonpb.Payload {
	t.Helper()
	out, err := c.Encode(ps)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	c := newCodec(t, key("k1", 1))
	plain := customerPayloads(t)
	enc := encode(t, c, plain)
	for i, p := range enc {
		if got := string(p.Metadata["encoding"]); got != codec.Encoding {
			t.Errorf("payload %d: encoding %q, want %q", i, got, codec.Encoding)
		}
		if got := string(p.Metadata[codec.MetadataKeyID]); got != "k1" {
			t.Errorf("payload %d: key ID %q, want k1", i, got)
		}
		raw, _ := proto.Marshal(p)
		for _, pii := range []string{"Dana", "dana@acme", "2125550142", "json/plain"} {
			if bytes.Contains(raw, []byte(pii)) {
				t.Errorf("payload %d: %q readable after encoding", i, pii)
			}
		}
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if !proto.Equal(dec[i], plain[i]) {
			t.Errorf("payload %d: decoded %v, want %v", i, dec[i], plain[i])
		}
	}
	// A fresh nonce every time: the same payload never encrypts to the same bytes.
	again := encode(t, c, plain)
	if bytes.Equal(again[0].Data, enc[0].Data) {
		t.Error("two encodings of one payload are identical")
	}
}

func TestRotation(t *testing.T) {
	a, b := key("2025-01", 0xa), key("2026-06", 0xb)
	old := encode(t, newCodec(t, a), customerPayloads(t))

	rotated := newCodec(t, b, a) // the new key first, the old one kept
	if _, err := rotated.Decode(old); err != nil {
		t.Fatalf("payloads from before the rotation: %v", err)
	}
	fresh := encode(t, rotated, customerPayloads(t))
	if got := string(fresh[0].Metadata[codec.MetadataKeyID]); got != "2026-06" {
		t.Errorf("after rotation new payloads use key %q, want 2026-06", got)
	}
	// Once the old key is gone, its payloads name it in the error.
	_, err := newCodec(t, b).Decode(old)
	if err == nil || !strings.Contains(err.Error(), `"2025-01"`) {
		t.Errorf("decode with the old key removed: %v, want an error naming 2025-01", err)
	}
}

func TestUnknownKeyNamesTheIDNotTheKey(t *testing.T) {
	secret := key("gone", 0x42)
	enc := encode(t, newCodec(t, secret), customerPayloads(t))
	_, err := newCodec(t, key("current", 7)).Decode(enc)
	if err == nil {
		t.Fatal("decoded with an unknown key")
	}
	t.Logf("error: %v", err)
	msg := err.Error()
	if !strings.Contains(msg, `"gone"`) || !strings.Contains(msg, `"current"`) {
		t.Errorf("error %q does not name the payload's key and the configured ones", msg)
	}
	for _, k := range []string{string(secret.Key), base64.StdEncoding.EncodeToString(secret.Key), "QkJCQk"} {
		if strings.Contains(msg, k) {
			t.Errorf("error %q shows key material", msg)
		}
	}
}

func TestTamperingIsDetected(t *testing.T) {
	c := newCodec(t, key("k1", 1), key("k2", 2))
	for name, tamper := range map[string]func(p *commonpb.Payload){
		"flipped ciphertext bit": func(p *commonpb.Payload) { p.Data[len(p.Data)/2] ^= 1 },
		"flipped nonce bit":      func(p *commonpb.Payload) { p.Data[0] ^= 1 },
		"truncated":              func(p *commonpb.Payload) { p.Data = p.Data[:10] },
		"other key's ID":         func(p *commonpb.Payload) { p.Metadata[codec.MetadataKeyID] = []byte("k2") },
		"no key ID":              func(p *commonpb.Payload) { delete(p.Metadata, codec.MetadataKeyID) },
	} {
		t.Run(name, func(t *testing.T) {
			enc := encode(t, c, customerPayloads(t))
			tamper(enc[0])
			if dec, err := c.Decode(enc); err == nil {
				t.Fatalf("tampered payload decoded to %v", dec[0])
			} else {
				t.Logf("error: %v", err)
			}
		})
	}
}

func TestPlainPayloadsPassThrough(t *testing.T) {
	// Histories written before a key was set, and payloads of other encodings.
	plain := customerPayloads(t)
	plain = append(plain, &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("binary/null")}}, &commonpb.Payload{})
	dec, err := newCodec(t, key("k1", 1)).Decode(plain)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if !proto.Equal(dec[i], plain[i]) {
			t.Errorf("payload %d changed: %v, want %v", i, dec[i], plain[i])
		}
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for name, tc := range map[string]struct {
		keys    []codec.Key
		mention string
	}{
		"none":      {nil, "no keys"},
		"short key": {[]codec.Key{{ID: "k1", Key: []byte("0123456789abcdef")}}, `key "k1" is 16 bytes, need 32`},
		"no ID":     {[]codec.Key{{Key: make([]byte, 32)}}, "key 1 has no ID"},
		"twice":     {[]codec.Key{key("k1", 1), key("k1", 2)}, `"k1" appears twice`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := codec.New(tc.keys)
			if err == nil || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("New: %v, want an error mentioning %q", err, tc.mention)
			}
			if err != nil && strings.Contains(err.Error(), "0123456789abcdef") {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
}

func TestFailureMessagesAreEncrypted(t *testing.T) {
	var opts client.Options
	codec.Use(&opts, newCodec(t, key("k1", 1)))
	appErr := temporal.NewNonRetryableApplicationError(`phone "+12125550142" is not a valid E.164 number`, "InvalidPhone", nil)
	failure := opts.FailureConverter.ErrorToFailure(appErr)
	raw, _ := proto.Marshal(failure)
	if bytes.Contains(raw, []byte("2125550142")) {
		t.Errorf("failure holds the phone in clear: %v", failure)
	}
	if failure.GetApplicationFailureInfo().GetType() != "InvalidPhone" || !failure.GetApplicationFailureInfo().GetNonRetryable() {
		t.Errorf("failure lost its type or retry policy: %v", failure)
	}
	back := opts.FailureConverter.FailureToError(failure)
	var decoded *temporal.ApplicationError
	if !errors.As(back, &decoded) || !strings.Contains(decoded.Error(), "+12125550142") {
		t.Errorf("decoded failure = %v, want the original message", back)
	}
}
