package sandbox

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/winback/winback/activities"
)

// sgEmail, sgPersonalization, sgContent and sgMail are the parts of a Mail Send body we check
// and keep (other fields are accepted and ignored, as SendGrid does with unknown ones).
type sgEmail struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

type sgPersonalization struct {
	To                  []sgEmail         `json:"to"`
	CC                  []sgEmail         `json:"cc"`
	BCC                 []sgEmail         `json:"bcc"`
	Subject             string            `json:"subject"`
	Headers             map[string]string `json:"headers"`
	CustomArgs          map[string]string `json:"custom_args"`
	DynamicTemplateData map[string]any    `json:"dynamic_template_data"`
}

type sgContent struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type sgMail struct {
	From             *sgEmail            `json:"from"`
	ReplyTo          *sgEmail            `json:"reply_to"`
	ReplyToList      []sgEmail           `json:"reply_to_list"`
	Subject          string              `json:"subject"`
	Personalizations []sgPersonalization `json:"personalizations"`
	Content          []sgContent         `json:"content"`
	TemplateID       string              `json:"template_id"`
	Headers          map[string]string   `json:"headers"`
	CustomArgs       map[string]string   `json:"custom_args"`
}

// sgError is one entry of SendGrid's error body {"errors":[...]}; Field is null when the error
// is not about one field.
type sgError struct {
	Message string  `json:"message"`
	Field   *string `json:"field"`
	Help    *string `json:"help"`
}

const sgMaxBody = 30 << 20 // SendGrid's total message size limit

func (s *Sandbox) handleSendGrid(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set(activities.SandboxHeader, "sendgrid")
	h.Set("X-RateLimit-Limit", "600")
	h.Set("X-RateLimit-Remaining", "599")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))

	auth := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		writeSendGridErrors(w, http.StatusUnauthorized, sgError{Message: "The provided authorization grant is invalid, expired, or revoked"})
		return
	}
	if f, ok := s.faults.take(ProviderSendGrid, time.Now()); ok {
		s.log.Info("sandbox: SendGrid fault", "mode", f.Mode)
		switch f.Mode {
		case Mode5xx:
			writeSendGridErrors(w, http.StatusInternalServerError, sgError{Message: "internal error (sandbox fault)"})
		case Mode429:
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(resetOf(f)).Unix(), 10))
			writeSendGridErrors(w, http.StatusTooManyRequests, sgError{Message: "too many requests"})
		case ModeTimeout:
			s.hold(w, r)
		case ModeInvalidNumber:
			writeSendGridErrors(w, http.StatusBadRequest, fieldError("personalizations.0.to.0.email", "Does not contain a valid address."))
		}
		return
	}

	m, errs := readSendGridMail(w, r)
	if len(errs) == 0 {
		errs = validateSendGridMail(m)
	}
	if len(errs) > 0 {
		status := http.StatusBadRequest
		if len(errs) == 1 && errs[0].Message == errTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		s.log.Info("sandbox: SendGrid request refused", "status", status, "errors", len(errs))
		writeSendGridErrors(w, status, errs...)
		return
	}

	id := newSendGridID()
	now := time.Now().UTC()
	for i, p := range m.Personalizations {
		msg := sendGridMessage(m, p, now)
		msg.ID = id
		if i > 0 {
			msg.ID = fmt.Sprintf("%s.%d", id, i)
		}
		if err := s.store.add(msg); err != nil {
			s.log.Error("sandbox: message not kept", "error", err)
			writeSendGridErrors(w, http.StatusInternalServerError, sgError{Message: "sandbox could not store the message"})
			return
		}
		s.log.Info("sandbox: email accepted", "id", msg.ID, "workflowId", msg.WorkflowID, "step", msg.Step)
	}
	h.Set("X-Message-Id", id)
	w.WriteHeader(http.StatusAccepted)
}

const errTooLarge = "The request body is larger than 30 MB."

// readSendGridMail decodes the body (gzip when Content-Encoding says so).
func readSendGridMail(w http.ResponseWriter, r *http.Request) (sgMail, []sgError) {
	var body io.Reader = http.MaxBytesReader(w, r.Body, sgMaxBody)
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return sgMail{}, []sgError{{Message: "The request body is not valid gzip."}}
		}
		body = io.LimitReader(zr, sgMaxBody)
	default:
		return sgMail{}, []sgError{{Message: fmt.Sprintf("Content-Encoding %q is not supported; use gzip or none.", enc)}}
	}
	var m sgMail
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return sgMail{}, []sgError{{Message: errTooLarge}}
		}
		return sgMail{}, []sgError{{Message: "Bad Request: the request body is not valid JSON (" + err.Error() + ")."}}
	}
	return m, nil
}

// validateSendGridMail checks what SendGrid checks and Prism does not: from, personalizations
// with to, valid addresses, content or template_id, subject unless a template.
func validateSendGridMail(m sgMail) []sgError {
	var errs []sgError
	checkAddr := func(field, addr string) {
		if !validEmail(addr) {
			errs = append(errs, fieldError(field, "Does not contain a valid address."))
		}
	}
	if m.From == nil || m.From.Email == "" {
		errs = append(errs, fieldError("from", "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter."))
	} else {
		checkAddr("from.email", m.From.Email)
	}
	if m.ReplyTo != nil {
		checkAddr("reply_to.email", m.ReplyTo.Email)
		if len(m.ReplyToList) > 0 {
			errs = append(errs, fieldError("reply_to", "reply_to and reply_to_list cannot be used together."))
		}
	}
	switch n := len(m.Personalizations); {
	case n == 0:
		errs = append(errs, fieldError("personalizations", "The personalizations field is required and must have at least one personalization."))
	case n > 1000:
		errs = append(errs, fieldError("personalizations", "The personalizations field is limited to 1000 personalizations per API request."))
	}
	everyHasSubject := len(m.Personalizations) > 0
	for i, p := range m.Personalizations {
		if len(p.To) == 0 {
			errs = append(errs, fieldError(fmt.Sprintf("personalizations.%d.to", i), "The to array is required for all personalization objects, and must have at least one email object with a valid email address."))
		}
		for _, l := range []struct {
			kind string
			list []sgEmail
		}{{"to", p.To}, {"cc", p.CC}, {"bcc", p.BCC}} {
			for j, e := range l.list {
				checkAddr(fmt.Sprintf("personalizations.%d.%s.%d.email", i, l.kind, j), e.Email)
			}
		}
		if p.Subject == "" {
			everyHasSubject = false
		}
	}
	if m.TemplateID == "" {
		if len(m.Content) == 0 {
			errs = append(errs, fieldError("content", "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block."))
		}
		if m.Subject == "" && !everyHasSubject {
			errs = append(errs, fieldError("subject", "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined."))
		}
	}
	for i, c := range m.Content {
		if c.Value == "" {
			errs = append(errs, fieldError(fmt.Sprintf("content.%d.value", i), "The content value must be a string at least one character in length."))
		}
		if c.Type == "" {
			errs = append(errs, fieldError(fmt.Sprintf("content.%d.type", i), "The content type is required, e.g. text/plain or text/html."))
		}
	}
	return errs
}

// validEmail is a bare address net/mail accepts, with a dot in its domain.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".")
}

// sendGridMessage is the outbox record of one personalization.
func sendGridMessage(m sgMail, p sgPersonalization, at time.Time) Message {
	args := map[string]string{}
	for k, v := range m.CustomArgs {
		args[k] = v
	}
	for k, v := range p.CustomArgs {
		args[k] = v
	}
	headers := map[string]string{}
	for _, hs := range []map[string]string{m.Headers, p.Headers} {
		for k, v := range hs {
			if name := http.CanonicalHeaderKey(k); name == "List-Unsubscribe" || name == "List-Unsubscribe-Post" {
				headers[name] = v
			}
		}
	}
	if m.ReplyTo != nil {
		headers["Reply-To"] = formatAddr(*m.ReplyTo)
	}
	msg := Message{
		Provider:     ProviderSendGrid,
		To:           joinAddrs(p.To),
		From:         formatAddr(*m.From),
		Subject:      m.Subject,
		TemplateID:   m.TemplateID,
		TemplateData: p.DynamicTemplateData,
		WorkflowID:   args[activities.ArgWorkflowID],
		Step:         args[activities.ArgStep],
		Key:          args[activities.ArgKey],
		At:           at,
	}
	if p.Subject != "" {
		msg.Subject = p.Subject
	}
	if len(headers) > 0 {
		msg.Headers = headers
	}
	for _, c := range m.Content {
		switch c.Type {
		case "text/plain":
			msg.Text = c.Value
		case "text/html":
			msg.HTML = c.Value
		}
	}
	return msg
}

func formatAddr(e sgEmail) string {
	if e.Name == "" {
		return e.Email
	}
	return (&mail.Address{Name: e.Name, Address: e.Email}).String()
}

func joinAddrs(es []sgEmail) string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = formatAddr(e)
	}
	return strings.Join(out, ", ")
}

func fieldError(field, msg string) sgError {
	help := "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message." + field
	return sgError{Message: msg, Field: &field, Help: &help}
}

func writeSendGridErrors(w http.ResponseWriter, status int, errs ...sgError) {
	writeJSON(w, status, map[string][]sgError{"errors": errs})
}

// newSendGridID is a message ID shaped like SendGrid's (22 characters of base64url).
func newSendGridID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func resetOf(f Fault) time.Duration {
	if f.ResetSeconds <= 0 {
		return time.Second
	}
	return time.Duration(f.ResetSeconds) * time.Second
}

// activityClause is one term of an Email Activity query: unique_args['name']="value",
// to_email="value" or msg_id="value", optionally in parentheses.
var activityClause = regexp.MustCompile(`^\(?\s*(unique_args\['([A-Za-z0-9_]+)'\]|to_email|msg_id)\s*=\s*"([^"\\]*)"\s*\)?$`)

// handleSendGridActivity serves the Email Activity API's message filter (GET /v3/messages), so
// that an email retried after a crash can ask whether it went out. It understands the query
// terms the activities use, joined by AND: unique_args['winback_key' | 'winback_workflow_id' |
// 'winback_step']="...", to_email="..." and msg_id="..."; anything else is a 400 naming the
// query. limit is 1 to 1000 (10 by default). Auth as Mail Send (any Bearer key); faults do not
// apply (they fail sends).
func (s *Sandbox) handleSendGridActivity(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set(activities.SandboxHeader, "sendgrid")
	h.Set("X-RateLimit-Limit", "600")
	h.Set("X-RateLimit-Remaining", "599")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		writeSendGridErrors(w, http.StatusUnauthorized, sgError{Message: "The provided authorization grant is invalid, expired, or revoked"})
		return
	}
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeSendGridErrors(w, http.StatusBadRequest, fieldError("limit", "limit must be an integer from 1 to 1000"))
			return
		}
		limit = n
	}
	var keep []func(*Message) bool
	if query := strings.TrimSpace(q.Get("query")); query != "" {
		for _, term := range splitAnd(query) {
			mt := activityClause.FindStringSubmatch(strings.TrimSpace(term))
			if mt == nil {
				writeSendGridErrors(w, http.StatusBadRequest, fieldError("query", fmt.Sprintf("the sandbox does not understand the query term %q", term)))
				return
			}
			want := mt[3]
			switch {
			case mt[1] == "to_email":
				keep = append(keep, func(m *Message) bool { return strings.EqualFold(bareAddress(m.To), want) })
			case mt[1] == "msg_id":
				keep = append(keep, func(m *Message) bool { return activityMsgID(m) == want })
			default:
				field := map[string]func(*Message) string{
					activities.ArgKey:        func(m *Message) string { return m.Key },
					activities.ArgWorkflowID: func(m *Message) string { return m.WorkflowID },
					activities.ArgStep:       func(m *Message) string { return m.Step },
				}[mt[2]]
				if field == nil {
					writeSendGridErrors(w, http.StatusBadRequest, fieldError("query", fmt.Sprintf("the sandbox keeps only the winback_* custom args, not %q", mt[2])))
					return
				}
				keep = append(keep, func(m *Message) bool { return field(m) == want })
			}
		}
	}
	msgs := s.store.list(func(m *Message) bool {
		if m.Provider != ProviderSendGrid {
			return false
		}
		for _, k := range keep {
			if !k(m) {
				return false
			}
		}
		return true
	})
	slices.Reverse(msgs) // newest first
	out := make([]map[string]any, 0, min(limit, len(msgs)))
	for _, m := range msgs[:min(limit, len(msgs))] {
		from := m.From
		if a, err := mail.ParseAddress(m.From); err == nil {
			from = a.Address
		}
		out = append(out, map[string]any{
			"msg_id": activityMsgID(&m), "from_email": from, "to_email": bareAddress(m.To),
			"subject": m.Subject, "status": "delivered", "opens_count": 0, "clicks_count": 0,
			"last_event_time": m.At.UTC().Format(time.RFC3339),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// splitAnd splits a query on AND (any case), outside quotes.
func splitAnd(q string) []string {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(q); i++ {
		switch {
		case q[i] == '"':
			inQuote = !inQuote
		case !inQuote && i+5 <= len(q) && strings.EqualFold(q[i:i+5], " AND "):
			parts = append(parts, q[start:i])
			start = i + 5
			i += 4
		}
	}
	return append(parts, q[start:])
}

// activityMsgID is the Email Activity msg_id of a kept email: the X-Message-Id Mail Send
// answered, then SendGrid's internal part (here ".sandbox.0").
func activityMsgID(m *Message) string { return m.ID + ".sandbox.0" }

// bareAddress is the first address of a To line, without its name.
func bareAddress(to string) string {
	if list, err := mail.ParseAddressList(to); err == nil && len(list) > 0 {
		return list[0].Address
	}
	return to
}
