package inbox

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/winback/winback/config"
)

// signInView is the sign-in page.
type signInView struct {
	base
	ID      string // what was typed, kept after a failure
	Next    string
	Problem string
	NoTeam  bool
}

// handleSignInPage shows the sign-in form; a browser already signed in goes to its tasks.
func (i *Inbox) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	if _, state := i.readSession(r); state == sessionValid {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	v := signInView{Next: next, NoTeam: len(i.signInPeople()) == 0}
	switch {
	case r.URL.Query().Get("expired") != "":
		v.Flash = "Your session has expired. Sign in again to carry on."
	case r.URL.Query().Get("signedout") != "":
		v.Flash = "You have signed out."
	}
	i.renderSignIn(w, r, http.StatusOK, v)
}

// handleSignIn checks an ID and password against the team file. An unknown ID and a wrong
// password get the same answer in about the same time (bcrypt runs either way), and repeated
// failures from one address are slowed down by the limiter.
func (i *Inbox) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		i.renderMessage(w, r, nil, http.StatusBadRequest, "Sign-in failed", "The form could not be read. Go back and try again.")
		return
	}
	id := strings.TrimSpace(r.PostFormValue("id"))
	password := r.PostFormValue("password")
	v := signInView{ID: id, Next: localNext(r.PostFormValue("next")), NoTeam: len(i.signInPeople()) == 0}
	if !i.checkSignInCSRF(r) {
		i.log.Warn("Inbox: a sign-in form without a valid CSRF token was refused", "ip", clientIP(r))
		v.Problem = "This sign-in form has expired or did not come from this page. Try again."
		i.renderSignIn(w, r, http.StatusForbidden, v)
		return
	}
	ip := clientIP(r)
	if wait := i.limiter.retryAfter(id, ip, i.now()); wait > 0 {
		i.log.Warn("Inbox: sign-in refused: too many failures", "ip", ip)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		v.Problem = fmt.Sprintf("Too many failed sign-ins. Wait %s, then try again.", roundUp(wait))
		i.renderSignIn(w, r, http.StatusTooManyRequests, v)
		return
	}
	p, ok := i.checkPassword(id, password)
	if !ok {
		i.limiter.fail(id, ip, i.now())
		if _, known := i.o.Team.Person(id); known {
			i.log.Warn("Inbox: sign-in failed: wrong password", "user", id, "ip", ip)
		} else {
			i.log.Warn("Inbox: sign-in failed: unknown user", "ip", ip) // the ID may be a mistyped password
		}
		v.Problem = "That user ID and password do not match. Check both and try again."
		i.renderSignIn(w, r, http.StatusUnauthorized, v)
		return
	}
	i.limiter.succeed(id, ip)
	s := i.newSession(p)
	i.setSession(w, &s)
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Path: cookiePath, MaxAge: -1})
	i.log.Info("Inbox: signed in", "user", p.ID, "role", p.Role, "ip", ip)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// checkPassword returns the person when id and password match the team file.
func (i *Inbox) checkPassword(id, password string) (config.Person, bool) {
	p, known := i.o.Team.Person(id)
	hash := i.dummyHash
	if known && p.PasswordHash != "" {
		hash = []byte(p.PasswordHash)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return p, known && p.PasswordHash != "" && err == nil
}

// handleSignOut ends the session: the cookie goes, and the session is revoked in this process.
func (i *Inbox) handleSignOut(w http.ResponseWriter, r *http.Request, s session) {
	i.revoked.add(s.Nonce, s.Expires)
	i.setSession(w, nil)
	i.log.Info("Inbox: signed out", "user", s.Person.ID)
	http.Redirect(w, r, "/inbox/signin?signedout=1", http.StatusSeeOther)
}

// signInPeople are the people who can sign in: those with a password hash.
func (i *Inbox) signInPeople() []config.Person {
	var out []config.Person
	for _, p := range i.o.Team.People {
		if p.PasswordHash != "" {
			out = append(out, p)
		}
	}
	return out
}

// dummyHash is a bcrypt hash of a random password at the team's highest cost, compared
// against when the ID is unknown so that case takes as long as a wrong password.
func dummyHash(team config.Team) ([]byte, error) {
	cost := bcrypt.DefaultCost
	found := false
	for _, p := range team.People {
		if c, err := bcrypt.Cost([]byte(p.PasswordHash)); err == nil && (!found || c > cost) {
			cost, found = c, true
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(randomToken()), cost)
	if err != nil {
		return nil, fmt.Errorf("inbox: prepare the sign-in check: %w", err)
	}
	return h, nil
}

// localNext keeps a post-sign-in destination only when it is an inbox page, so the sign-in
// form cannot be used to send someone to another site.
func localNext(next string) string {
	if strings.HasPrefix(next, "/inbox/") && !strings.HasPrefix(next, "/inbox/signin") &&
		!strings.ContainsAny(next, "\\\r\n") && !strings.Contains(next, "//") {
		return next
	}
	return "/inbox/tasks"
}

// clientIP is the address the request came from. X-Forwarded-For is not trusted: behind a
// proxy every user shares the proxy's address for rate limiting.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
