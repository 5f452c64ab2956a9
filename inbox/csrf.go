package inbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// Every form carries a CSRF token in the hidden field "csrf": an HMAC of the session's random
// nonce, so it is valid only for the session that rendered the form, and only while it lasts.
// The sign-in form has no session yet; its token is bound to a short-lived random cookie
// instead. SameSite=Lax cookies already keep other sites' POSTs out; the token also covers
// browsers and proxies that do not honour it.

const (
	csrfField    = "csrf"
	signInCookie = "winback_signin"
	signInTTL    = time.Hour
)

// csrfToken is the token for forms of session s.
func (i *Inbox) csrfToken(s session) string { return i.csrfMAC("session|" + s.Nonce) }

func (i *Inbox) csrfMAC(bound string) string {
	m := hmac.New(sha256.New, i.keys.csrf)
	m.Write([]byte(bound))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether a POST from session s carries its token. It parses the form.
func (i *Inbox) checkCSRF(r *http.Request, s session) bool {
	if err := r.ParseForm(); err != nil {
		return false
	}
	return validToken(r.PostFormValue(csrfField), i.csrfToken(s))
}

// signInToken returns the sign-in form's token, setting the cookie it is bound to when the
// browser has none yet.
func (i *Inbox) signInToken(w http.ResponseWriter, r *http.Request) string {
	nonce := ""
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) >= 16 {
		nonce = c.Value
	} else {
		nonce = randomToken()
		http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: nonce, Path: cookiePath, MaxAge: int(signInTTL.Seconds()),
			HttpOnly: true, Secure: i.o.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	return i.csrfMAC("signin|" + nonce)
}

// checkSignInCSRF reports whether a sign-in POST carries the token of its cookie.
func (i *Inbox) checkSignInCSRF(r *http.Request) bool {
	c, err := r.Cookie(signInCookie)
	if err != nil || len(c.Value) < 16 {
		return false
	}
	return validToken(r.PostFormValue(csrfField), i.csrfMAC("signin|"+c.Value))
}

// validToken compares in constant time; an empty token is never valid.
func validToken(given, want string) bool {
	return given != "" && hmac.Equal([]byte(given), []byte(want))
}
