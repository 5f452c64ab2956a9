package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// callbackDelay is how long after accepting a text the sandbox reports it "sent", and again
// "delivered": a little later than the send's answer, as with Twilio.
const callbackDelay = 500 * time.Millisecond

// postStatusCallbacks reports a text as "sent", then "delivered", to its StatusCallback URL, as
// Twilio does: a form POST signed with X-Twilio-Signature under the auth token the message was
// sent with. It runs in the background until done or the sandbox closes.
func (s *Sandbox) postStatusCallbacks(callback, token string, form url.Values) {
	if u, err := url.Parse(callback); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		for _, status := range []string{"sent", "delivered"} {
			select {
			case <-s.bgCtx.Done():
				return
			case <-time.After(callbackDelay):
			}
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("MessageStatus", status)
			f.Set("SmsStatus", status)
			if err := s.postSigned(callback, token, f); err != nil {
				s.log.Warn("sandbox: status callback not delivered", "status", status, "messageSid", f.Get("MessageSid"), "error", err)
				return
			}
		}
	}()
}

func (s *Sandbox) postSigned(callback, token string, form url.Values) error {
	ctx, cancel := context.WithTimeout(s.bgCtx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", TwilioSignature(token, callback, form))
	req.Header.Set("I-Twilio-Idempotency-Token", form.Get("MessageSid")+"-"+form.Get("MessageStatus"))
	resp, err := callbackClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return &callbackStatusError{resp.StatusCode}
	}
	return nil
}

var callbackClient = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type callbackStatusError struct{ status int }

// Error says what the webhook answered.
func (e *callbackStatusError) Error() string {
	return "the webhook answered " + http.StatusText(e.status)
}

// TwilioSignature is base64(HMAC-SHA1(token, URL + each POST parameter's name and value, sorted
// by name)), what Twilio sends as X-Twilio-Signature. The sandbox signs its callbacks with it,
// and tests sign the inbound requests they play.
func TwilioSignature(token, callback string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(callback)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(form.Get(k))
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
