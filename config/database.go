package config

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/winback/winback/store"
)

// Database says where the store is: what outlives a campaign run (the send ledger, the
// suppression list, inbound dedupe, the contact index), shared by every worker and the CLI.
type Database struct {
	// URL is WINBACK_DATABASE_URL or the content of WINBACK_DATABASE_URL_FILE:
	// postgres://user:password@host:5432/database for a team, or sqlite:path/to/winback.db.
	// Default: an SQLite file in the data folder. Secret (it may hold a password).
	URL string
	// Origin names where URL came from, for messages ("WINBACK_DATABASE_URL").
	Origin string
}

func loadDatabase(src *source, dataDir string, p *problems) Database {
	raw, origin, err := src.secret("WINBACK_DATABASE_URL")
	if err != nil {
		p.add(err)
		return Database{}
	}
	if raw == "" {
		return Database{URL: "sqlite:" + filepath.Join(dataDir, "winback.db"), Origin: "WINBACK_DATABASE_URL (default)"}
	}
	if err := store.CheckURL(raw); err != nil {
		p.addf("%s %v", origin, err)
	}
	return Database{URL: raw, Origin: origin}
}

// OpenStore opens the store at start: it stops the process with an error that names the
// variable when the URL points nowhere or at a schema newer than this build. It then takes in,
// once, what a data folder of an earlier version kept in files (the send ledger, the webhooks'
// dedupe log, the generated secrets), and fills the link and inbox secrets the environment did
// not set with the deployment's own from the store, so every process shares them.
func (c *Config) OpenStore(ctx context.Context, logger *slog.Logger) (*store.Store, error) {
	codec, err := c.Codec.PayloadCodec()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, store.Options{URL: c.Database.URL, Codec: codec, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Database.Origin, err)
	}
	r, err := s.ImportDataDir(ctx, c.DataDir)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: importing the data folder %s: %w", c.Database.Origin, c.DataDir, err)
	}
	if !r.Empty() {
		logger.Info("store: imported the files of an earlier version", "store", s.Where(), "files", r.Files,
			"sends", r.Sends, "intents", r.Intents, "inboundEvents", r.InboundEvents, "secrets", r.Secrets)
	}
	// Secrets not set in the environment are the deployment's own, shared through the store.
	for _, sec := range []struct {
		value *[]byte
		name  string
	}{{&c.LinkSecret, store.LinkSecret}, {&c.InboxSecret, store.InboxSecret}} {
		if len(*sec.value) > 0 {
			continue
		}
		if *sec.value, err = s.Secret(ctx, sec.name); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: the %s: %w", c.Database.Origin, sec.name, err)
		}
	}
	return s, nil
}

// LogValue shows where the store is, never its password.
func (d Database) LogValue() slog.Value { return slog.StringValue(store.Describe(d.URL)) }

// String prints the store as LogValue does.
func (d Database) String() string { return store.Describe(d.URL) }
