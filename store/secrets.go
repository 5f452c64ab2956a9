package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// The secrets a deployment shares through its store when they are not set in the environment.
const (
	// LinkSecret signs unsubscribe links.
	LinkSecret = "link-secret"
	// InboxSecret signs inbox sessions and CSRF tokens.
	InboxSecret = "inbox-secret"
	// HoldoutSecret keys the hash that picks the customers a launch holds out, so every
	// process and every rerun of a launch picks the same ones.
	HoldoutSecret = "holdout-key"
	// contactKeySecret keys the contact hashes; it never leaves the store.
	contactKeySecret = "contact-hash-key"
)

// Secret returns the named secret, making a random one (32 bytes, hex) the first time any
// process of the deployment asks. Every worker and the CLI sharing the store get the same value,
// so a link signed by one worker is good on another.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if v, ok, err := s.readSecret(ctx, name); err != nil || ok {
		return v, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	if _, err := s.ImportSecret(ctx, name, []byte(hex.EncodeToString(raw))); err != nil {
		return nil, err
	}
	v, ok, err := s.readSecret(ctx, name)
	if err == nil && !ok {
		err = fmt.Errorf("secret %s vanished after it was written", name)
	}
	return v, err
}

// ImportSecret keeps value as the named secret unless the store has one already (the first
// writer wins, so processes starting together agree). It reports whether value was kept.
func (s *Store) ImportSecret(ctx context.Context, name string, value []byte) (bool, error) {
	if len(value) < 16 {
		return false, fmt.Errorf("secret %s: %d bytes, need at least 16", name, len(value))
	}
	sealed, err := s.seal(string(value))
	if err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO secrets (name, value, created_ms) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, sealed, ms(s.now()))
	if err != nil {
		return false, s.fail("write secret "+name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Store) readSecret(ctx context.Context, name string) ([]byte, bool, error) {
	var stored string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.fail("read secret "+name, err)
	}
	v, err := s.unseal(stored)
	if err != nil {
		return nil, false, fmt.Errorf("secret %s: %w", name, err)
	}
	return []byte(v), true, nil
}
