package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/store"
)

// The pre-store send ledger, kept here ONLY as the baseline of the sends figure: winback sent
// through it until commit 48086c8 moved the ledger into the store. It is the FileLedger of
// `git show 48086c8^:activities/ledger.go` (and its flock), copied as it was but for names,
// minus the key locks that the activities still hold themselves. Nothing but the bench uses it;
// do not fix or improve it, or the baseline stops being the old ledger.

// fileIntent is the old activities.Intent, with its JSON names.
type fileIntent struct {
	Channel    string    `json:"channel"`
	To         string    `json:"to"`
	At         time.Time `json:"at"`
	BodySHA256 string    `json:"bodySha256,omitempty"`
}

// fileLedger is the old FileLedger: an append-only file of JSON lines (a result or an intent
// per line), loaded into memory when opened. Record fsyncs; Intend only writes (write(2)).
type fileLedger struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	m       map[string]activities.SendResult
	intents map[string]fileIntent
}

// fileLedgerLine is one line of the file: a result, an intent, or a withdrawal of an intent.
type fileLedgerLine struct {
	Key       string                 `json:"key"`
	Result    *activities.SendResult `json:"result,omitempty"`
	Intent    *fileIntent            `json:"intent,omitempty"`
	Withdrawn bool                   `json:"withdrawn,omitempty"`
}

// openFileLedger opens (or creates) the ledger file at path, creating its folder. A last line
// cut short by a crash is dropped; any other unreadable line is an error naming its number.
func openFileLedger(path string) (*fileLedger, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("send ledger: create the folder of %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("send ledger: open %s: %w", path, err)
	}
	l, err := loadFileLedger(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// loadFileLedger locks f, reads its entries and leaves f positioned after the last whole line.
func loadFileLedger(f *os.File, path string) (*fileLedger, error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil, fmt.Errorf("send ledger: %s is in use by another process (%v): give each worker its own data folder, or a shared Ledger", path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("send ledger: read %s: %w", path, err)
	}
	m := make(map[string]activities.SendResult)
	intents := make(map[string]fileIntent)
	good := 0 // bytes of complete, valid lines
	for n := 1; good < len(data); n++ {
		end := bytes.IndexByte(data[good:], '\n')
		if end < 0 {
			break // a partial last line from a crash mid-write: dropped below
		}
		line := data[good : good+end]
		if len(bytes.TrimSpace(line)) > 0 {
			var l fileLedgerLine
			if err := json.Unmarshal(line, &l); err != nil || l.Key == "" || (l.Result == nil && l.Intent == nil && !l.Withdrawn) {
				return nil, fmt.Errorf("send ledger: %s line %d is not a ledger entry; move the file aside to start a new ledger (sends it recorded could then repeat)", path, n)
			}
			switch {
			case l.Result != nil:
				m[l.Key] = *l.Result
				delete(intents, l.Key)
			case l.Intent != nil:
				intents[l.Key] = *l.Intent
			default:
				delete(intents, l.Key)
			}
		}
		good += end + 1
	}
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			return nil, fmt.Errorf("send ledger: drop the partial last line of %s: %w", path, err)
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		return nil, fmt.Errorf("send ledger: %s: %w", path, err)
	}
	return &fileLedger{f: f, path: path, m: m, intents: intents}, nil
}

// Lookup returns the recorded result for key.
func (l *fileLedger) Lookup(key string) (activities.SendResult, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return activities.SendResult{}, false, errors.New("send ledger: closed")
	}
	r, ok := l.m[key]
	return r, ok, nil
}

// Record appends the result for key and fsyncs the file before it returns.
func (l *fileLedger) Record(key string, r activities.SendResult) error {
	return l.append(fileLedgerLine{Key: key, Result: &r}, true, func() {
		l.m[key] = r
		delete(l.intents, key)
	})
}

// Intend appends the intent for key, without fsync.
func (l *fileLedger) Intend(key string, i fileIntent) error {
	return l.append(fileLedgerLine{Key: key, Intent: &i}, false, func() { l.intents[key] = i })
}

// Pending returns the intent for key that no Record or Withdraw followed.
func (l *fileLedger) Pending(key string) (fileIntent, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fileIntent{}, false, errors.New("send ledger: closed")
	}
	i, ok := l.intents[key]
	return i, ok, nil
}

// Withdraw appends a withdrawal of key's intent, if it has one (without fsync).
func (l *fileLedger) Withdraw(key string) error {
	l.mu.Lock()
	_, ok := l.intents[key]
	l.mu.Unlock()
	if !ok {
		return nil
	}
	return l.append(fileLedgerLine{Key: key, Withdrawn: true}, false, func() { delete(l.intents, key) })
}

// append writes one line (fsyncing when sync), then applies it in memory.
func (l *fileLedger) append(entry fileLedgerLine, sync bool, apply func()) error {
	line, err := json.Marshal(entry)
	if err != nil {
		return fmt.Errorf("send ledger: encode %q: %w", entry.Key, err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("send ledger: closed")
	}
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("send ledger: append to %s: %w", l.path, err)
	}
	if sync {
		if err := l.f.Sync(); err != nil {
			return fmt.Errorf("send ledger: fsync %s: %w", l.path, err)
		}
	}
	apply()
	return nil
}

// Close closes the file; later calls fail.
func (l *fileLedger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// fileLedgerStore puts the old ledger behind activities.Store, so today's send path runs on
// it. The old path had no suppression list and no contact index: those do nothing here, which
// is what sending cost before the store.
type fileLedgerStore struct{ l *fileLedger }

var _ activities.Store = fileLedgerStore{}

// SentMessage is the old Lookup.
func (s fileLedgerStore) SentMessage(_ context.Context, key string) (store.Sent, bool, error) {
	r, ok, err := s.l.Lookup(key)
	return store.Sent{Provider: r.Provider, MessageID: r.MessageID, SentAt: r.SentAt}, ok, err
}

// RecordSent is the old Record.
func (s fileLedgerStore) RecordSent(_ context.Context, key string, r store.Sent) error {
	return s.l.Record(key, activities.SendResult{Provider: r.Provider, MessageID: r.MessageID, SentAt: r.SentAt})
}

// IntendToSend is the old Intend.
func (s fileLedgerStore) IntendToSend(_ context.Context, key string, i store.Intent) error {
	return s.l.Intend(key, fileIntent{Channel: i.Channel, To: i.To, At: i.At, BodySHA256: i.BodySHA256})
}

// PendingIntent is the old Pending.
func (s fileLedgerStore) PendingIntent(_ context.Context, key string) (store.Intent, bool, error) {
	i, ok, err := s.l.Pending(key)
	return store.Intent{Channel: i.Channel, To: i.To, At: i.At, BodySHA256: i.BodySHA256}, ok, err
}

// WithdrawIntent is the old Withdraw.
func (s fileLedgerStore) WithdrawIntent(_ context.Context, key string) error {
	return s.l.Withdraw(key)
}

// Suppressed finds no opt-out: the old send path had no suppression list.
func (fileLedgerStore) Suppressed(context.Context, string, string) (store.Suppression, bool, error) {
	return store.Suppression{}, false, nil
}

// Suppress records nothing.
func (fileLedgerStore) Suppress(context.Context, string, store.Suppression) error { return nil }

// IndexContact records nothing.
func (fileLedgerStore) IndexContact(context.Context, string, string, string, string) error {
	return nil
}

func (fileLedgerStore) SyncCampaign(context.Context, store.CampaignRecord) (bool, error) {
	return true, nil
}

// CustomerHistory knows no earlier campaign: the old send path had no history.
func (fileLedgerStore) CustomerHistory(context.Context, string, string, time.Time) (store.CustomerHistory, error) {
	return store.CustomerHistory{}, nil
}
