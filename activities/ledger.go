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
	"time"
)

// Ledger remembers which message keys the providers accepted, so that a retried send activity
// returns the first result instead of sending again ("once per customer").
//
// A send is written in two steps around the provider call: Intend before it (the key, the time,
// the channel, the recipient and what identifies the message at the provider), Record after the
// provider accepted. Lookup returns finished records only; Pending returns an intent that no
// Record settled. Neither SendGrid Mail Send nor Twilio Messages accepts an idempotency key, so a
// pending intent is the only trace of an attempt that died (SIGKILL, crash, lost connection,
// timeout) between reaching the provider and the Record: the next attempt finds it and asks the
// provider whether the message went out before sending again (Twilio: the Messages list,
// matched on To, the body and the creation time; SendGrid: the Email Activity API on the
// winback_key custom arg). Found, it records that message and sends nothing; not found, it
// sends. Withdraw drops an intent when the provider refused the message outright (4xx), so
// retries after a refusal do not pay for a lookup.
//
// What remains: with real SendGrid and no Email Activity add-on (Options.SendGridEmailActivity
// off, or the API answering 403/404), an email whose attempt died in the send window is sent
// again on retry (at-least-once). Twilio and the sandbox: exactly once.
//
// Implementations must make Intend and Record survive the death of the process before they
// return (a write to a file is enough for that; surviving a power loss needs fsync).
type Ledger interface {
	// Lookup returns the recorded result for key, and whether there is one. A pending intent is
	// not a result: Lookup reports ok=false for it.
	Lookup(key string) (SendResult, bool, error)
	// Record stores the result for key durably before it returns, and settles its intent.
	Record(key string, r SendResult) error
	// Intend stores, before the provider is called, that key is about to be sent. A later
	// Intend for the same key replaces the earlier one.
	Intend(key string, i Intent) error
	// Pending returns the intent of key when no Record followed it (nor a Withdraw).
	Pending(key string) (Intent, bool, error)
	// Withdraw drops the pending intent of key: the provider refused the message, so nothing
	// can have gone out.
	Withdraw(key string) error
}

// Intent is what an attempt writes before it calls the provider: enough for the next attempt to
// find the message at the provider if this one dies before the Record.
type Intent struct {
	Channel string    `json:"channel"` // "email" or "sms"
	To      string    `json:"to"`      // the bare email address or the E.164 number
	At      time.Time `json:"at"`      // just before the provider call (our clock)
	// BodySHA256 (SMS) is the hex SHA-256 of the text as sent, folded like Twilio's Smart
	// Encoding folds it (see smsBodyHash): the Messages list is matched on it. A hash, so that
	// the ledger does not keep message text. Emails are matched by the winback_key custom arg.
	BodySHA256 string `json:"bodySha256,omitempty"`
}

// FileLedger is a Ledger in an append-only file of JSON lines (a result or an intent per line),
// loaded into memory when opened. Record fsyncs; Intend only writes (write(2)): the page cache
// outlives a killed process, which is the crash it is there for, and the next Record's fsync
// flushes it too. A power loss between an Intend and its Record can lose the intent, which
// reopens the send window for that one message (at-least-once); an fsync per Intend would close
// it for one more disk flush per send. It is safe for concurrent use by one process, and locks
// the file so that a second process cannot open it. It protects one worker: when several
// workers run a task queue, a retry may run on another worker, so they need a shared Ledger.
type FileLedger struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	m       map[string]SendResult
	intents map[string]Intent
}

// ledgerLine is one line of the file: a result, an intent, or a withdrawal of an intent. Lines
// written before intents existed hold a result only.
type ledgerLine struct {
	Key       string      `json:"key"`
	Result    *SendResult `json:"result,omitempty"`
	Intent    *Intent     `json:"intent,omitempty"`
	Withdrawn bool        `json:"withdrawn,omitempty"`
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
	intents := make(map[string]Intent)
	good := 0 // bytes of complete, valid lines
	for n := 1; good < len(data); n++ {
		end := bytes.IndexByte(data[good:], '\n')
		if end < 0 {
			break // a partial last line from a crash mid-write: dropped below
		}
		line := data[good : good+end]
		if len(bytes.TrimSpace(line)) > 0 {
			var l ledgerLine
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
	return &FileLedger{f: f, path: path, m: m, intents: intents}, nil
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
	return l.append(ledgerLine{Key: key, Result: &r}, true, func() {
		l.m[key] = r
		delete(l.intents, key)
	})
}

// Intend appends the intent for key. It writes without fsync: see FileLedger.
func (l *FileLedger) Intend(key string, i Intent) error {
	return l.append(ledgerLine{Key: key, Intent: &i}, false, func() { l.intents[key] = i })
}

// Pending returns the intent for key that no Record or Withdraw followed.
func (l *FileLedger) Pending(key string) (Intent, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return Intent{}, false, errors.New("send ledger: closed")
	}
	i, ok := l.intents[key]
	return i, ok, nil
}

// Withdraw appends a withdrawal of key's intent, if it has one (without fsync: losing it costs
// one provider lookup on the next attempt).
func (l *FileLedger) Withdraw(key string) error {
	l.mu.Lock()
	_, ok := l.intents[key]
	l.mu.Unlock()
	if !ok {
		return nil
	}
	return l.append(ledgerLine{Key: key, Withdrawn: true}, false, func() { delete(l.intents, key) })
}

// append writes one line (fsyncing when sync), then applies it in memory.
func (l *FileLedger) append(entry ledgerLine, sync bool, apply func()) error {
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
