package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/winback/winback/config"
)

// A session is a signed cookie, not a server-side record, so any worker behind a load balancer
// accepts it: "v1|user|expiry|nonce", then an HMAC-SHA256 over that and the person's current
// password hash. Changing someone's password (or removing them from the team) and restarting
// therefore ends their sessions. Signing out revokes the nonce in this process's memory.

const (
	sessionCookie = "winback_inbox"
	cookiePath    = "/inbox"
	cookieGrace   = 24 * time.Hour
)

// keys are the per-purpose keys derived from Options.Secret, so a session MAC can never pass
// for a CSRF token or the other way round.
type keys struct{ session, csrf []byte }

func deriveKeys(secret []byte) keys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("winback inbox " + purpose + " v1"))
		return m.Sum(nil)
	}
	return keys{session: derive("session"), csrf: derive("csrf")}
}

// session is a signed-in person.
type session struct {
	Person  config.Person
	Nonce   string // random per sign-in: binds CSRF tokens to this session
	Expires time.Time
}

// location is the person's time zone (UTC when the team file gives none).
func (s session) location() *time.Location {
	if s.Person.TimeZone != "" {
		if loc, err := time.LoadLocation(s.Person.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// sessionState says what a request's cookie was.
type sessionState int

const (
	sessionNone    sessionState = iota // no cookie, or one we did not sign
	sessionExpired                     // ours, but too old (or signed out)
	sessionValid
)

func (i *Inbox) newSession(p config.Person) session {
	return session{Person: p, Nonce: randomToken(), Expires: i.now().Add(i.o.SessionTTL)}
}

// encode makes the cookie value.
func (i *Inbox) encode(s session) string {
	payload := strings.Join([]string{"v1", s.Person.ID, strconv.FormatInt(s.Expires.Unix(), 10), s.Nonce}, "|")
	return b64(payload) + "." + b64(string(i.sessionMAC(payload, s.Person.PasswordHash)))
}

func (i *Inbox) sessionMAC(payload, passwordHash string) []byte {
	m := hmac.New(sha256.New, i.keys.session)
	m.Write([]byte(payload))
	m.Write([]byte{0})
	m.Write([]byte(passwordHash))
	return m.Sum(nil)
}

// readSession checks the request's session cookie.
func (i *Inbox) readSession(r *http.Request) (session, sessionState) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, sessionNone
	}
	encPayload, encMAC, ok := strings.Cut(c.Value, ".")
	if !ok {
		return session{}, sessionNone
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(encPayload)
	mac, err2 := base64.RawURLEncoding.DecodeString(encMAC)
	if err1 != nil || err2 != nil {
		return session{}, sessionNone
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 4 || parts[0] != "v1" {
		return session{}, sessionNone
	}
	p, known := i.o.Team.Person(parts[1])
	if !known || p.PasswordHash == "" || !hmac.Equal(mac, i.sessionMAC(string(payload), p.PasswordHash)) {
		return session{}, sessionNone
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return session{}, sessionNone
	}
	s := session{Person: p, Nonce: parts[3], Expires: time.Unix(exp, 0)}
	if !i.now().Before(s.Expires) || i.revoked.has(s.Nonce, i.now()) {
		return s, sessionExpired
	}
	return s, sessionValid
}

// setSession sends the session cookie; expire it with a zero session.
func (i *Inbox) setSession(w http.ResponseWriter, s *session) {
	c := &http.Cookie{
		Name: sessionCookie, Path: cookiePath, HttpOnly: true, Secure: i.o.SecureCookies, SameSite: http.SameSiteLaxMode,
	}
	if s == nil {
		c.MaxAge = -1
	} else {
		// Max-Age rather than Expires: relative, so a browser whose clock is off keeps it as
		// long. A day longer than the session, so the browser still shows it when it has
		// expired and the sign-in page can say so; the signed expiry is what counts.
		c.Value, c.MaxAge = i.encode(*s), int((s.Expires.Sub(i.now()) + cookieGrace).Seconds())
	}
	http.SetCookie(w, c)
}

type sessionKey struct{}

// signedIn lets a request through only with a valid session, and a POST only with a valid
// CSRF token for that session. A browser without a session goes to the sign-in page (told
// that its session expired, when it did) and comes back afterwards; a forged or stale form
// gets 403 and reaches no campaign.
func (i *Inbox) signedIn(next func(http.ResponseWriter, *http.Request, session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, state := i.readSession(r)
		if state != sessionValid {
			to := "/inbox/signin?next=" + url.QueryEscape(r.URL.RequestURI())
			if r.Method != http.MethodGet {
				to = "/inbox/signin?next=" + url.QueryEscape(r.URL.Path)
			}
			if state == sessionExpired {
				to += "&expired=1"
				i.setSession(w, nil)
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !i.checkCSRF(r, s) {
			i.log.Warn("Inbox: a form without a valid CSRF token was refused", "user", s.Person.ID, "path", r.URL.Path)
			i.renderMessage(w, r, &s, http.StatusForbidden, "This form cannot be accepted",
				"The form did not carry a valid security token: it may be from an older page, another session, "+
					"or another site. Nothing was changed. Go back, reload the page and try again.")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)), s)
	}
}

// revocations remembers the sessions signed out in this process until they would have expired.
type revocations struct {
	mu     sync.Mutex
	nonces map[string]time.Time
}

func newRevocations() *revocations { return &revocations{nonces: map[string]time.Time{}} }

func (v *revocations) add(nonce string, until time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.nonces[nonce] = until
}

func (v *revocations) has(nonce string, now time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for n, until := range v.nonces { // prune: the map only holds sessions that could still be used
		if !now.Before(until) {
			delete(v.nonces, n)
		}
	}
	_, ok := v.nonces[nonce]
	return ok
}

// randomToken is 128 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
