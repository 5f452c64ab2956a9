package webhooks

import (
	"encoding/xml"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

const (
	twilioNotConfigured   = "Twilio webhooks are refused (503): no Twilio auth token is configured; set TWILIO_AUTH_TOKEN (or TWILIO_AUTH_TOKEN_FILE) to the account's auth token"
	sendGridNotConfigured = "SendGrid events are refused (503): no verification key is configured; in SendGrid, enable Settings > Mail Settings > Event Webhook > Signed Event Webhook and set SENDGRID_WEBHOOK_PUBLIC_KEY to its verification key"
)

// refuse answers a short plain-text reason. It never echoes what the request carried.
func refuse(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(reason + "\n"))
}

// retryLater answers 503 with Retry-After, for the provider to try again.
func retryLater(w http.ResponseWriter, reason string) {
	w.Header().Set("Retry-After", "60")
	refuse(w, http.StatusServiceUnavailable, reason)
}

// twiML answers Twilio with a TwiML document: a reply text, or nothing to send when msg is "".
func twiML(w http.ResponseWriter, msg string) {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<Response>")
	if msg != "" {
		b.WriteString("<Message>")
		_ = xml.EscapeText(&b, []byte(msg))
		b.WriteString("</Message>")
	}
	b.WriteString("</Response>")
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// throttle lets a repeated warning through at most once a minute.
type throttle struct{ last atomic.Int64 }

func (t *throttle) allow(now time.Time) bool {
	last := t.last.Load()
	if last != 0 && now.UnixNano()-last < int64(time.Minute) {
		return false
	}
	return t.last.CompareAndSwap(last, now.UnixNano())
}
