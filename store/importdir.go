package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ImportReport says what ImportDataDir took from a data folder of an earlier version.
type ImportReport struct {
	Sends, Intents, InboundEvents int
	Secrets                       []string
	Files                         []string // the files imported, now renamed *.imported
}

// Empty reports whether nothing was imported.
func (r ImportReport) Empty() bool { return len(r.Files) == 0 && len(r.Secrets) == 0 }

// ImportDataDir takes, once, what an earlier version kept in files of its data folder: the send
// ledger (ledger.jsonl), the webhooks' dedupe log (webhooks-seen.log) and the generated link and
// inbox secrets (kept unless the store has its own, so links already sent stay good). Each file
// is renamed *.imported when its content is in the store, so a restart does not import it again.
func (s *Store) ImportDataDir(ctx context.Context, dir string) (ImportReport, error) {
	var r ImportReport
	if dir == "" {
		return r, nil
	}
	for _, name := range []string{LinkSecret, InboxSecret} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return r, err
		}
		v := strings.TrimSpace(string(data))
		if len(v) < 16 {
			return r, fmt.Errorf("%s holds %d bytes, need at least 16: delete it to have the store make a new one (links signed with it stop working)",
				filepath.Join(dir, name), len(v))
		}
		kept, err := s.ImportSecret(ctx, name, []byte(v))
		if err != nil {
			return r, err
		}
		if kept {
			r.Secrets = append(r.Secrets, name)
		}
	}
	ledger := filepath.Join(dir, "ledger.jsonl")
	if n, i, err := s.importLedger(ctx, ledger); err != nil {
		return r, fmt.Errorf("import %s: %w", ledger, err)
	} else if n+i > 0 || fileExists(ledger) {
		r.Sends, r.Intents = n, i
		if err := markImported(ledger); err != nil {
			return r, err
		}
		r.Files = append(r.Files, ledger)
	}
	seen := filepath.Join(dir, "webhooks-seen.log")
	if n, err := s.importSeen(ctx, seen); err != nil {
		return r, fmt.Errorf("import %s: %w", seen, err)
	} else if n > 0 || fileExists(seen) {
		r.InboundEvents = n
		if err := markImported(seen); err != nil {
			return r, err
		}
		r.Files = append(r.Files, seen)
	}
	return r, nil
}

// ledgerLine is a line of the file ledger of earlier versions: a result, an intent, or the
// withdrawal of an intent.
type ledgerLine struct {
	Key    string `json:"key"`
	Result *struct {
		Provider  string    `json:"provider"`
		MessageID string    `json:"messageId"`
		SentAt    time.Time `json:"sentAt"`
	} `json:"result"`
	Intent *struct {
		Channel    string    `json:"channel"`
		To         string    `json:"to"`
		At         time.Time `json:"at"`
		BodySHA256 string    `json:"bodySha256"`
	} `json:"intent"`
	Withdrawn bool `json:"withdrawn"`
}

func (s *Store) importLedger(ctx context.Context, path string) (sends, intents int, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	results := map[string]Sent{}
	pending := map[string]Intent{}
	var order []string
	listed := map[string]bool{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var l ledgerLine
		if err := json.Unmarshal(line, &l); err != nil || l.Key == "" {
			if n == bytes.Count(data, []byte("\n")) { // a last line cut short by a crash
				break
			}
			return 0, 0, fmt.Errorf("line %d is not a ledger entry", n+1)
		}
		if !listed[l.Key] {
			listed[l.Key] = true
			order = append(order, l.Key)
		}
		switch {
		case l.Result != nil:
			results[l.Key] = Sent{Provider: l.Result.Provider, MessageID: l.Result.MessageID, SentAt: l.Result.SentAt}
			delete(pending, l.Key)
		case l.Intent != nil:
			pending[l.Key] = Intent{Channel: l.Intent.Channel, To: l.Intent.To, At: l.Intent.At, BodySHA256: l.Intent.BodySHA256}
		case l.Withdrawn:
			delete(pending, l.Key)
		}
	}
	for _, key := range order {
		if r, ok := results[key]; ok {
			if err := s.RecordSent(ctx, key, r); err != nil {
				return sends, intents, err
			}
			sends++
		} else if i, ok := pending[key]; ok {
			if _, done, err := s.SentMessage(ctx, key); err != nil || done {
				if err != nil {
					return sends, intents, err
				}
				continue
			}
			if err := s.IntendToSend(ctx, key, i); err != nil {
				return sends, intents, err
			}
			intents++
		}
	}
	return sends, intents, nil
}

// importSeen reads "<unix seconds> <hex of 16 bytes>" lines, the dedupe log of earlier versions.
func (s *Store) importSeen(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ts, h, ok := strings.Cut(sc.Text(), " ")
		at, terr := strconv.ParseInt(ts, 10, 64)
		if !ok || terr != nil || len(h) != 32 {
			continue // a torn line
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO inbound_events (id_hash, state, owner, at_ms) VALUES ($1, 'done', '', $2)
			ON CONFLICT (id_hash) DO NOTHING`, h, at*1000); err != nil {
			return n, s.fail("import inbound events", err)
		}
		n++
	}
	return n, sc.Err()
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func markImported(path string) error {
	if err := os.Rename(path, path+".imported"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("imported %s into the store, but could not rename it (it would be imported again, harmlessly): %w", path, err)
	}
	return nil
}
