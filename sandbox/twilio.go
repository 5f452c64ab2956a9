package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/winback/winback/activities"
)

// e164 is a phone number in E.164: +, a country code that does not start with 0, 15 digits at most.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// twilioError is Twilio's error body.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeTwilioError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, twilioError{Code: code, Message: msg, MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), Status: status})
}

func (s *Sandbox) handleTwilio(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(activities.SandboxHeader, "twilio")
	account := r.PathValue("AccountSid")
	user, pass, ok := r.BasicAuth()
	if !ok || user != account || pass == "" {
		writeTwilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if f, ok := s.faults.take(ProviderTwilio, time.Now()); ok {
		s.log.Info("sandbox: Twilio fault", "mode", f.Mode)
		switch f.Mode {
		case Mode5xx:
			writeTwilioError(w, http.StatusInternalServerError, 20500, "Internal Server Error (sandbox fault)")
		case Mode429:
			w.Header().Set("Retry-After", strconv.Itoa(int(resetOf(f)/time.Second)))
			writeTwilioError(w, http.StatusTooManyRequests, 20429, "Too Many Requests")
		case ModeTimeout:
			s.hold(w, r)
		case ModeInvalidNumber:
			writeTwilioError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", r.PostFormValue("To")))
		}
		return
	}

	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeTwilioError(w, http.StatusBadRequest, 20001, "The request body is not a valid form: "+err.Error())
		return
	}
	to, from, service, body := r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("MessagingServiceSid"), r.PostForm.Get("Body")
	switch {
	case to == "":
		writeTwilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case !e164.MatchString(to):
		writeTwilioError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", to))
		return
	case from == "" && service == "":
		writeTwilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case body == "":
		writeTwilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case len([]rune(body)) > 1600:
		writeTwilioError(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
		return
	}

	now := time.Now().UTC()
	sid := newMessageSID()
	callback := r.PostForm.Get("StatusCallback")
	msg := Message{
		ID: sid, Provider: ProviderTwilio, To: to, From: from, Text: body,
		StatusCallback: callback, At: now,
	}
	if msg.From == "" {
		msg.From = service
	}
	if u, err := url.Parse(callback); err == nil && callback != "" {
		msg.WorkflowID, msg.Step = u.Query().Get("wf"), u.Query().Get("step")
		if msg.WorkflowID != "" {
			msg.Key = msg.WorkflowID + "/" + msg.Step
		}
	}
	if err := s.store.add(msg); err != nil {
		s.log.Error("sandbox: message not kept", "error", err)
		writeTwilioError(w, http.StatusInternalServerError, 20500, "sandbox could not store the message")
		return
	}
	s.log.Info("sandbox: text accepted", "id", sid, "workflowId", msg.WorkflowID, "step", msg.Step)
	writeJSON(w, http.StatusCreated, twilioMessage(account, sid, from, service, to, body, now))
	if s.callbacks && callback != "" {
		form := url.Values{"AccountSid": {account}, "ApiVersion": {"2010-04-01"}, "MessageSid": {sid},
			"SmsSid": {sid}, "To": {to}, "From": {msg.From}}
		if service != "" {
			form.Set("MessagingServiceSid", service)
		}
		s.postStatusCallbacks(callback, pass, form)
	}
}

// twilioMessage is the Message resource Twilio answers with on create.
func twilioMessage(account, sid, from, service, to, body string, at time.Time) map[string]any {
	status := "queued"
	if service != "" {
		status = "accepted" // Twilio picks the sender from the service's pool later
	}
	date := at.Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + account + "/Messages/" + sid
	return map[string]any{
		"sid": sid, "account_sid": account, "api_version": "2010-04-01",
		"to": to, "from": nullIfEmpty(from), "messaging_service_sid": nullIfEmpty(service),
		"body": body, "status": status, "direction": "outbound-api",
		"num_segments": strconv.Itoa(activities.SMSSegments(body)), "num_media": "0",
		"date_created": date, "date_updated": date, "date_sent": nil,
		"error_code": nil, "error_message": nil, "price": nil, "price_unit": "USD",
		"uri":              uri + ".json",
		"subresource_uris": map[string]string{"media": uri + "/Media.json"},
	}
}

func nullIfEmpty(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

// newMessageSID is "SM" and 32 hex digits, like Twilio's.
func newMessageSID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "SM" + hex.EncodeToString(b)
}

// handleTwilioList serves Twilio's Messages list (GET .../Messages.json), so that a send retried
// after a crash can ask whether the text went out: filters To, From, DateSent, DateSent> and
// DateSent< (a date YYYY-MM-DD or an RFC 3339 time, compared by UTC day as Twilio does; on the
// wire "DateSent>=2026-03-02" is the key "DateSent>" with the value "2026-03-02"), PageSize and
// Page; newest first; the next page in next_page_uri. Unlike Twilio, the sandbox takes a text's
// acceptance as its date_sent (Twilio sets date_sent when it hands the text to the carrier),
// and it does not keep which account sent a text: it lists them all.
func (s *Sandbox) handleTwilioList(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(activities.SandboxHeader, "twilio")
	account := r.PathValue("AccountSid")
	user, pass, ok := r.BasicAuth()
	if !ok || user != account || pass == "" {
		writeTwilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	q := r.URL.Query()
	type dayFilter struct {
		cmp  int // -1: on or before, 0: on, 1: on or after
		day  time.Time
		name string
	}
	var days []dayFilter
	for name, cmp := range map[string]int{"DateSent": 0, "DateSent>": 1, "DateSent<": -1} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		d, err := parseTwilioDay(v)
		if err != nil {
			writeTwilioError(w, http.StatusBadRequest, 20001, fmt.Sprintf("Invalid %s: %q is not a date (YYYY-MM-DD)", name, v))
			return
		}
		days = append(days, dayFilter{cmp, d, name})
	}
	pageSize, page := 50, 0
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeTwilioError(w, http.StatusBadRequest, 20001, "PageSize must be an integer from 1 to 1000")
			return
		}
		pageSize = n
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeTwilioError(w, http.StatusBadRequest, 20001, "Page must be a non-negative integer")
			return
		}
		page = n
	}
	to, from := q.Get("To"), q.Get("From")
	msgs := s.store.list(func(m *Message) bool {
		if m.Provider != ProviderTwilio || (to != "" && m.To != to) || (from != "" && m.From != from) {
			return false
		}
		day := m.At.UTC().Truncate(24 * time.Hour)
		for _, f := range days {
			switch c := day.Compare(f.day); {
			case f.cmp == 0 && c != 0, f.cmp > 0 && c < 0, f.cmp < 0 && c > 0:
				return false
			}
		}
		return true
	})
	slices.Reverse(msgs) // newest first
	start := min(page*pageSize, len(msgs))
	end := min(start+pageSize, len(msgs))
	out := make([]map[string]any, 0, end-start)
	for _, m := range msgs[start:end] {
		from, service := m.From, ""
		if strings.HasPrefix(m.From, "MG") {
			from, service = "", m.From
		}
		item := twilioMessage(account, m.ID, from, service, m.To, m.Text, m.At)
		item["status"] = "delivered"
		item["date_sent"] = m.At.UTC().Format(time.RFC1123Z)
		out = append(out, item)
	}
	base := "/2010-04-01/Accounts/" + account + "/Messages.json"
	pageURI := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "Page" && k != "PageToken" {
				v[k] = vs
			}
		}
		v.Set("PageSize", strconv.Itoa(pageSize))
		v.Set("Page", strconv.Itoa(p))
		return base + "?" + v.Encode()
	}
	var next, prev any
	if end < len(msgs) {
		next = pageURI(page + 1)
	}
	if page > 0 {
		prev = pageURI(page - 1)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"messages": out, "page": page, "page_size": pageSize, "start": start, "end": max(end-1, start),
		"uri": pageURI(page), "first_page_uri": pageURI(0), "next_page_uri": next, "previous_page_uri": prev,
	})
}

// parseTwilioDay reads a DateSent filter: YYYY-MM-DD, or an RFC 3339 time (what twilio-go
// sends), as its UTC day.
func parseTwilioDay(v string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC().Truncate(24 * time.Hour), nil
}
