package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Message is one message the sandbox accepted, as the outbox shows it.
type Message struct {
	ID       string `json:"id"`       // SendGrid X-Message-Id (".N" per extra personalization) or Twilio SM... SID
	Provider string `json:"provider"` // "sendgrid" or "twilio"
	To       string `json:"to"`
	From     string `json:"from"`
	Subject  string `json:"subject,omitempty"`
	Text     string `json:"text,omitempty"` // the plain-text part, or the SMS body
	HTML     string `json:"html,omitempty"`
	// TemplateID and TemplateData are set for a SendGrid dynamic template send.
	TemplateID   string         `json:"templateId,omitempty"`
	TemplateData map[string]any `json:"templateData,omitempty"`
	// Headers of interest: List-Unsubscribe, List-Unsubscribe-Post, Reply-To.
	Headers        map[string]string `json:"headers,omitempty"`
	StatusCallback string            `json:"statusCallback,omitempty"` // Twilio only
	// WorkflowID, Step and Key come from SendGrid's custom_args (winback_workflow_id, winback_step,
	// winback_key) or, for Twilio, from the StatusCallback query (wf, step; Key = wf + "/" + step).
	WorkflowID string    `json:"workflowId,omitempty"`
	Step       string    `json:"step,omitempty"`
	Key        string    `json:"key,omitempty"`
	At         time.Time `json:"at"`
}

// store keeps messages in memory and, with a data file, appends each as a JSON line.
type store struct {
	mu   sync.Mutex
	msgs []Message
	f    *os.File
	path string
	log  *slog.Logger
}

func openStore(path string, log *slog.Logger) (*store, error) {
	st := &store{path: path, log: log}
	if path == "" {
		return st, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: create the folder of DataFile %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("sandbox: read DataFile %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m Message
		if err := json.Unmarshal(line, &m); err != nil {
			// A sandbox outbox is not worth refusing to start over: skip and say so.
			log.Warn("sandbox: skipping an unreadable line of the data file", "file", path, "line", n, "error", err)
			continue
		}
		st.msgs = append(st.msgs, m)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// A line cut short by a crash: start the next one on a fresh line.
		if st.f, err = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			_, err = st.f.Write([]byte("\n"))
		}
	} else {
		st.f, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: open DataFile %s: %w", path, err)
	}
	return st, nil
}

// add keeps m (and writes it to the data file, if any).
func (st *store) add(m Message) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.f != nil {
		line, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if _, err := st.f.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("sandbox: append to DataFile %s: %w", st.path, err)
		}
	}
	st.msgs = append(st.msgs, m)
	return nil
}

// list returns copies of the messages that keep accepts, in arrival order.
func (st *store) list(keep func(*Message) bool) []Message {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []Message{}
	for i := range st.msgs {
		if keep(&st.msgs[i]) {
			out = append(out, st.msgs[i])
		}
	}
	return out
}

func (st *store) close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.f == nil {
		return nil
	}
	err := st.f.Close()
	st.f = nil
	return err
}
