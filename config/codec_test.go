package config_test

import (
	"context"
	"slices"
	"testing"

	"go.temporal.io/sdk/converter"
)

const codecKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // bytes 0..31

func TestCodecEndpointDefaults(t *testing.T) {
	c := newVars(t).load(t)
	if c.Codec.Token != "" || len(c.Codec.Keys) != 0 {
		t.Errorf("Codec = %v, want no keys and no token", c.Codec)
	}
	// The dev server's UI, under both names a browser may use for it.
	if want := []string{"http://localhost:8233", "http://127.0.0.1:8233"}; !slices.Equal(c.Codec.CORSOrigins, want) {
		t.Errorf("CORSOrigins = %q, want %q", c.Codec.CORSOrigins, want)
	}
	if err := c.Codec.RequireToken(); err != nil {
		t.Errorf("RequireToken without keys: %v", err)
	}
	if pc, err := c.Codec.PayloadCodec(); pc != nil || err != nil {
		t.Errorf("PayloadCodec without keys = %v, %v; want nil", pc, err)
	}
	if dc, err := c.Codec.DataConverter(); err != nil || dc != converter.GetDefaultDataConverter() {
		t.Errorf("DataConverter without keys = %v, %v; want the SDK's default", dc, err)
	}
}

func TestCodecEndpointSettings(t *testing.T) {
	tokenFile := writeFile(t, "codec-token", "codec-token-from-a-file-0123\n")
	c := newVars(t,
		"WINBACK_CODEC_KEYS", "k1="+codecKey,
		"WINBACK_CODEC_TOKEN_FILE", tokenFile,
		"WINBACK_CODEC_CORS_ORIGINS", " https://Temporal.Example.com/ , http://localhost:8233,",
	).load(t)
	if c.Codec.Token != "codec-token-from-a-file-0123" {
		t.Errorf("Token read from WINBACK_CODEC_TOKEN_FILE = %q", c.Codec.Token)
	}
	// As browsers send them in the Origin header: lower-case host, no trailing slash.
	if want := []string{"https://temporal.example.com", "http://localhost:8233"}; !slices.Equal(c.Codec.CORSOrigins, want) {
		t.Errorf("CORSOrigins = %q, want %q", c.Codec.CORSOrigins, want)
	}
	if err := c.Codec.RequireToken(); err != nil {
		t.Errorf("RequireToken: %v", err)
	}

	// The data converter Dial installs encrypts, and reads back what it wrote.
	dc, err := c.Codec.DataConverter()
	if err != nil {
		t.Fatal(err)
	}
	p, err := dc.ToPayload("Dana Reyes")
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Metadata["encoding"]) != "binary/encrypted" || string(p.Metadata["encryption-key-id"]) != "k1" {
		t.Errorf("payload metadata = %q, want binary/encrypted with key k1", p.Metadata)
	}
	var back string
	if err := dc.FromPayload(p, &back); err != nil || back != "Dana Reyes" {
		t.Errorf("round trip = %q, %v", back, err)
	}
}

func TestCodecKeysNeedATokenToBeServed(t *testing.T) {
	c := newVars(t, "WINBACK_CODEC_KEYS", "k1="+codecKey).load(t)
	// The CLI encrypts without one; only the endpoint needs it.
	assertMentions(t, c.Codec.RequireToken(), "WINBACK_CODEC_TOKEN", "WINBACK_CODEC_KEYS")
}

func TestDialRefusesTwoConverters(t *testing.T) {
	c := newVars(t, "WINBACK_CODEC_KEYS", "k1="+codecKey, "TEMPORAL_ADDRESS", "127.0.0.1:1").load(t)
	c.Temporal.ClientOptions.DataConverter = converter.GetDefaultDataConverter()
	cl, err := c.Dial(context.Background(), nil)
	if err == nil {
		cl.Close()
	}
	assertMentions(t, err, "WINBACK_CODEC_KEYS", "data or failure converter")
}
