package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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
