package webhooks

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestSeenSetClaims(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	s, err := openSeenSet("", func() time.Time { return now }, quiet)
	if err != nil {
		t.Fatal(err)
	}
	c, st := s.claim("a", "b")
	if st != claimNew {
		t.Fatalf("first claim: %v", st)
	}
	if _, st := s.claim("b"); st != claimBusy {
		t.Errorf("claim of an ID in flight: %v, want busy", st)
	}
	c.release()
	c, st = s.claim("b", "c")
	if st != claimNew {
		t.Fatalf("claim after release: %v, want new", st)
	}
	c.commit()
	if _, st := s.claim("x", "c"); st != claimSeen {
		t.Errorf("claim sharing one handled ID: %v, want seen", st)
	}
	if _, st := s.claim("a"); st != claimNew {
		t.Errorf("released ID: %v, want new", st)
	}
	now = now.Add(seenTTL + time.Second)
	if _, st := s.claim("c"); st != claimNew {
		t.Errorf("ID older than the TTL: %v, want forgotten", st)
	}
}

func TestSeenSetPersistsAndCompacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "seen.log")
	now := time.Unix(1_780_000_000, 0)
	clock := func() time.Time { return now }
	s, err := openSeenSet(path, clock, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1100 {
		c, _ := s.claim("id-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
		c.commit()
	}
	s.Close()
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("dedupe file: %v, %v; want mode 0600", info, err)
	}
	// A torn last line (a crash mid-write) is skipped, not fatal.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("1780000000 abc")
	f.Close()

	s, err = openSeenSet(path, clock, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, st := s.claim("id-a"); st != claimSeen {
		t.Errorf("after a restart: %v, want seen", st)
	}
	c, _ := s.claim("after-torn")
	c.commit()
	s.Close()
	if s, err = openSeenSet(path, clock, quiet); err != nil {
		t.Fatal(err)
	}
	if _, st := s.claim("after-torn"); st != claimSeen {
		t.Errorf("an ID written after a torn line was lost: %v, want seen", st)
	}
	now = now.Add(seenTTL + time.Hour)
	c, _ = s.claim("fresh")
	c.commit()
	s.Close()
	raw, _ := os.ReadFile(path)
	if lines := strings.Count(string(raw), "\n"); lines != 1 {
		t.Errorf("after every old ID expired the file has %d lines, want 1 (compacted)", lines)
	}
	if strings.Contains(string(raw), "fresh") {
		t.Error("the file holds an ID in clear; want hashes only")
	}
}
