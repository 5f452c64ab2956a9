package activities

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Ledger remembers which message keys the providers accepted, so that a retried send activity
// returns the first result instead of sending again ("once per customer").
//
// The send activities look a key up before calling the provider and record it right after the
// provider accepts. That leaves one window no ledger can close, because neither SendGrid Mail
// Send nor Twilio Messages accepts an idempotency key: if the provider accepts the message and
// the answer never reaches us (the worker crashes, or the connection drops or times out after the
// provider processed the request, before the ledger write), the next attempt finds no record and
// sends again. The window is one HTTP round trip plus one fsync; everything after the ledger
// write (a lost activity completion, a worker crash, a retry) is covered.
type Ledger interface {
	// Lookup returns the recorded result for key, and whether there is one.
	Lookup(key string) (SendResult, bool, error)
	// Record stores the result for key durably before it returns.
	Record(key string, r SendResult) error
}

// FileLedger is a Ledger in an append-only file of JSON lines, fsynced on every Record and
// loaded into memory when opened. It is safe for concurrent use by one process, and locks the
// file so that a second process cannot open it. It protects one worker: when several workers
// run a task queue, a retry may run on another worker, so they need a shared Ledger instead.
type FileLedger struct {
	mu   sync.Mutex
	f    *os.File
	path string
	m    map[string]SendResult
}

type ledgerLine struct {
	Key    string     `json:"key"`
	Result SendResult `json:"result"`
}

// OpenFileLedger opens (or creates) the ledger file at path, creating its folder. A last line
// cut short by a crash is dropped; any other unreadable line is an error naming its number.
func OpenFileLedger(path string) (*FileLedger, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("send ledger: create the folder of %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("send ledger: open %s: %w", path, err)
	}
	l, err := loadLedger(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// loadLedger locks f, reads its entries and leaves f positioned after the last whole line.
func loadLedger(f *os.File, path string) (*FileLedger, error) {
	if err := lockFile(f); err != nil {
		return nil, fmt.Errorf("send ledger: %s is in use by another process (%v): give each worker its own data folder, or a shared Ledger", path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("send ledger: read %s: %w", path, err)
	}
	m := make(map[string]SendResult)
	good := 0 // bytes of complete, valid lines
	for n := 1; good < len(data); n++ {
		end := bytes.IndexByte(data[good:], '\n')
		if end < 0 {
			break // a partial last line from a crash mid-write: dropped below
		}
		line := data[good : good+end]
		if len(bytes.TrimSpace(line)) > 0 {
			var l ledgerLine
			if err := json.Unmarshal(line, &l); err != nil || l.Key == "" {
				return nil, fmt.Errorf("send ledger: %s line %d is not a ledger entry; move the file aside to start a new ledger (sends it recorded could then repeat)", path, n)
			}
			m[l.Key] = l.Result
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
	return &FileLedger{f: f, path: path, m: m}, nil
}

// Lookup returns the recorded result for key.
func (l *FileLedger) Lookup(key string) (SendResult, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return SendResult{}, false, errors.New("send ledger: closed")
	}
	r, ok := l.m[key]
	return r, ok, nil
}

// Record appends the result for key and fsyncs the file before it returns.
func (l *FileLedger) Record(key string, r SendResult) error {
	line, err := json.Marshal(ledgerLine{Key: key, Result: r})
	if err != nil {
		return fmt.Errorf("send ledger: encode %q: %w", key, err)
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
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("send ledger: fsync %s: %w", l.path, err)
	}
	l.m[key] = r
	return nil
}

// Close closes the file; later calls fail.
func (l *FileLedger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// keyLocks serialises sends of the same key within this process, so that two attempts running
// at once (a retry started while a timed-out attempt is still finishing) cannot both miss the
// ledger and both send.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = make(map[string]*keyLock)
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
