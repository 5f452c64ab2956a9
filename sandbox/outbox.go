package sandbox

import (
	_ "embed"
	"html/template"
	"net/http"
	"slices"
	"time"
)

//go:embed outbox.html.tmpl
var outboxSource string

// outboxPage escapes everything it shows (html/template); an email's HTML part is shown in a
// sandboxed iframe (no scripts, no same-origin) through srcdoc, which escapes it as an attribute.
var outboxPage = template.Must(template.New("outbox").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.Local().Format("Mon 2 Jan 15:04:05") },
}).Parse(outboxSource))

type outboxView struct {
	Workflow string
	Messages []Message // newest first
	Total    int
	Faults   []Fault
}

func (s *Sandbox) handleOutbox(w http.ResponseWriter, r *http.Request) {
	wf := r.URL.Query().Get("workflow")
	msgs := s.Messages(wf)
	slices.Reverse(msgs)
	v := outboxView{Workflow: wf, Messages: msgs, Total: len(s.Messages("")), Faults: s.faults.list(time.Now())}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'")
	if err := outboxPage.Execute(w, v); err != nil {
		s.log.Error("sandbox: outbox page", "error", err)
	}
}

// handleOutboxJSON lists messages in arrival order; ?workflow= and ?key= filter them, so a test
// can count the messages of one key.
func (s *Sandbox) handleOutboxJSON(w http.ResponseWriter, r *http.Request) {
	wf, key := r.URL.Query().Get("workflow"), r.URL.Query().Get("key")
	msgs := s.store.list(func(m *Message) bool {
		return (wf == "" || m.WorkflowID == wf) && (key == "" || m.Key == key)
	})
	writeJSON(w, http.StatusOK, msgs)
}
