package webhooks

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// seenTTL is how long a handled event ID is remembered: well past SendGrid's 72 hours of
	// retries and Twilio's retries, so a retry or a replay within it changes nothing.
	seenTTL = 30 * 24 * time.Hour
	// seenMax bounds memory and the file (about 50 bytes each): the oldest IDs go first.
	seenMax = 500_000
)

// seenKey is a hashed event ID: the file holds no provider token, and no line can be broken by
// what a provider put in an ID.
type seenKey [16]byte

func keyOf(id string) seenKey {
	sum := sha256.Sum256([]byte(id))
	return seenKey(sum[:16])
}

type seenEntry struct {
	key seenKey
	at  int64 // unix seconds
}

// seenSet remembers the event IDs already handled, in memory and, when it has a file, on disk
// (one "<unix seconds> <hex hash>" line each, appended and synced before the provider is
// answered 200). A request claims its IDs before it acts and commits them once done, or releases
// them when it failed, so that the provider's retry is handled again.
type seenSet struct {
	mu      sync.Mutex
	now     func() time.Time
	log     *slog.Logger
	at      map[seenKey]int64
	order   []seenEntry // oldest first, for expiry and the size bound
	pending map[seenKey]bool
	path    string
	file    *os.File // nil: memory only
	lines   int      // lines in the file, to know when to compact it
}

// claimState is what claim found.
type claimState int

const (
	claimNew  claimState = iota // none of the IDs was handled: act, then commit or release
	claimSeen                   // one of them was handled already: a replay, do nothing
	claimBusy                   // another request is handling one of them right now
)

// claim is a request's hold on its event IDs.
type claim struct {
	set  *seenSet
	keys []seenKey
}

func openSeenSet(path string, now func() time.Time, log *slog.Logger) (*seenSet, error) {
	s := &seenSet{now: now, log: log, at: map[seenKey]int64{}, pending: map[seenKey]bool{}, path: path}
	if path == "" {
		return s, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("webhooks: DedupeFile: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("webhooks: DedupeFile: %w", err)
	}
	s.file = f
	if err := s.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("webhooks: DedupeFile %s: %w (delete it to start afresh; replays of older events would then be handled again)", path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	s.maybeCompact()
	return s, nil
}

// load reads the file; lines that do not parse (a torn last write) are skipped.
func (s *seenSet) load() error {
	sc := bufio.NewScanner(s.file)
	bad := 0
	for sc.Scan() {
		s.lines++
		ts, hexKey, ok := strings.Cut(sc.Text(), " ")
		at, err := strconv.ParseInt(ts, 10, 64)
		raw, herr := hex.DecodeString(hexKey)
		if !ok || err != nil || herr != nil || len(raw) != len(seenKey{}) {
			bad++
			continue
		}
		k := seenKey(raw)
		if _, dup := s.at[k]; !dup {
			s.at[k] = at
			s.order = append(s.order, seenEntry{k, at})
		}
	}
	if bad > 0 {
		s.log.Warn("webhooks: skipped unreadable lines of the dedupe file", "file", s.path, "lines", bad)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return s.endLine()
}

// endLine ends a torn last line (a crash mid-write), so the next append starts a line of its own.
func (s *seenSet) endLine() error {
	info, err := s.file.Stat()
	if err != nil || info.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := s.file.ReadAt(last, info.Size()-1); err != nil {
		return err
	}
	if last[0] != '\n' {
		_, err = s.file.WriteString("\n")
	}
	return err
}

// claim holds ids for the caller unless one of them was handled already or is being handled.
func (s *seenSet) claim(ids ...string) (*claim, claimState) {
	keys := make([]seenKey, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, keyOf(id))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	for _, k := range keys {
		if _, ok := s.at[k]; ok {
			return nil, claimSeen
		}
	}
	for _, k := range keys {
		if s.pending[k] {
			return nil, claimBusy
		}
	}
	for _, k := range keys {
		s.pending[k] = true
	}
	return &claim{set: s, keys: keys}, claimNew
}

// commit records the IDs as handled, on disk first when there is a file. A write error is
// logged: the IDs stay remembered in memory.
func (c *claim) commit() {
	s := c.set
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().Unix()
	var b strings.Builder
	added := 0
	for _, k := range c.keys {
		delete(s.pending, k)
		if _, ok := s.at[k]; ok {
			continue
		}
		s.at[k] = now
		s.order = append(s.order, seenEntry{k, now})
		fmt.Fprintf(&b, "%d %s\n", now, hex.EncodeToString(k[:]))
		added++
	}
	if s.file == nil || added == 0 {
		return
	}
	_, err := s.file.WriteString(b.String())
	if err == nil {
		err = s.file.Sync()
	}
	if err != nil {
		s.log.Error("webhooks: could not write the dedupe file: a replay after a restart would be handled again", "file", s.path, "error", err)
	}
	s.lines += added
	s.expire()
	s.maybeCompact()
}

// release gives the IDs back unhandled, so the provider's retry is handled.
func (c *claim) release() {
	c.set.mu.Lock()
	defer c.set.mu.Unlock()
	for _, k := range c.keys {
		delete(c.set.pending, k)
	}
}

// expire forgets the IDs older than seenTTL, and the oldest beyond seenMax.
func (s *seenSet) expire() {
	cutoff := s.now().Add(-seenTTL).Unix()
	n := 0
	for n < len(s.order) && (s.order[n].at < cutoff || len(s.at) > seenMax) {
		if e := s.order[n]; s.at[e.key] == e.at {
			delete(s.at, e.key)
		}
		n++
	}
	if n > 0 {
		s.order = s.order[n:]
	}
}

// maybeCompact rewrites the file with the live IDs once it holds twice as many lines, so it
// does not grow without bound. The new file replaces the old one atomically.
func (s *seenSet) maybeCompact() {
	if s.file == nil || s.lines < 1024 || s.lines < 2*len(s.at) {
		return
	}
	tmp := s.path + ".tmp"
	err := func() error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		for _, e := range s.order {
			if s.at[e.key] == e.at {
				fmt.Fprintf(w, "%d %s\n", e.at, hex.EncodeToString(e.key[:]))
			}
		}
		err = errors.Join(w.Flush(), f.Sync(), f.Close())
		if err != nil {
			return err
		}
		if err := os.Rename(tmp, s.path); err != nil {
			return err
		}
		nf, err := os.OpenFile(s.path, os.O_RDWR|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		s.file.Close()
		s.file = nf
		s.lines = len(s.at)
		return nil
	}()
	if err != nil {
		os.Remove(tmp)
		s.log.Error("webhooks: could not compact the dedupe file; it keeps growing until this works", "file", s.path, "error", err)
	}
}

// Close closes the file; the set keeps working in memory.
func (s *seenSet) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	return err
}
