package inbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns/campaignstest"
)

func TestSignInSetsASecureSessionCookieAndShowsTheTasks(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.SecureCookies = true })
	b := h.browser()
	first := b.get("/inbox/tasks")
	if first.status != http.StatusSeeOther || !strings.HasPrefix(first.location, "/inbox/signin?next=") {
		t.Fatalf("signed out: status %d, location %q; want a redirect to sign in", first.status, first.location)
	}
	form := b.get("/inbox/signin")
	mustContain(t, form, `<label for="id">User ID</label>`, `<label for="password">Password</label>`, `name="csrf"`)

	p := b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {"alice"}, "password": {"alice-pw"}})
	if p.status != http.StatusSeeOther || p.location != "/inbox/tasks" {
		t.Fatalf("sign in: status %d, location %q", p.status, p.location)
	}
	var session *http.Cookie
	for _, c := range p.resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	switch {
	case session == nil:
		t.Fatal("no session cookie")
	case !session.HttpOnly, !session.Secure, session.SameSite != http.SameSiteLaxMode, session.Path != "/inbox":
		t.Errorf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/inbox", session)
	case session.MaxAge != int((DefaultSessionTTL + cookieGrace).Seconds()):
		t.Errorf("session cookie Max-Age %d, want %d", session.MaxAge, int((DefaultSessionTTL + cookieGrace).Seconds()))
	}
}

func TestWrongPasswordAndUnknownUserGetTheSameAnswer(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	wrong := b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {"alice"}, "password": {"nope"}})
	unknown := b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {"zed"}, "password": {"nope"}})
	for name, p := range map[string]page{"wrong password": wrong, "unknown user": unknown} {
		if p.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, p.status)
		}
		mustContain(t, p, "That user ID and password do not match.")
		for _, c := range p.resp.Cookies() {
			if c.Name == sessionCookie && c.MaxAge >= 0 {
				t.Errorf("%s: a session cookie was set", name)
			}
		}
	}
	if b.get("/inbox/tasks").status != http.StatusSeeOther {
		t.Error("after failed sign-ins, the tasks page is open")
	}
}

func TestRepeatedFailuresAreSlowedDown(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	for range maxPerUserIP {
		b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {"alice"}, "password": {"guess"}})
	}
	p := b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {"alice"}, "password": {"alice-pw"}})
	if p.status != http.StatusTooManyRequests || p.resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures the right password got %d (Retry-After %q), want 429", maxPerUserIP, p.status, p.resp.Header.Get("Retry-After"))
	}
	mustContain(t, p, "Too many failed sign-ins. Wait 15 minutes")
	h.advance(limitWindow)
	b.signIn("alice")
}

func TestExpiredSessionGoesToSignInWithAMessage(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	if p := b.get("/inbox/tasks"); p.status != http.StatusOK {
		t.Fatalf("tasks: %d", p.status)
	}
	h.advance(DefaultSessionTTL + time.Second)
	p := b.get("/inbox/tasks")
	if p.status != http.StatusSeeOther || !strings.Contains(p.location, "expired=1") {
		t.Fatalf("expired session: status %d, location %q; want a redirect to sign in, marked expired", p.status, p.location)
	}
	mustContain(t, b.get(p.location), "Your session has expired. Sign in again to carry on.")

	// A form sent with an expired session changes nothing.
	b = h.signedIn("alice")
	h.advance(DefaultSessionTTL + time.Second)
	post := b.post("/inbox/customers/acme/tasks/exit-interview", url.Values{"csrf": {"anything"}, "whyLeaving": {"price"}})
	if post.status != http.StatusSeeOther || !strings.Contains(post.location, "expired=1") {
		t.Errorf("POST with an expired session: status %d, location %q", post.status, post.location)
	}
	if u := h.fake.Updates(); len(u) != 0 {
		t.Errorf("an expired session sent %d updates", len(u))
	}
}

func TestForgedSessionCookieIsNotASession(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	u, _ := url.Parse(h.srv.URL + "/inbox")
	cookies := b.c.Jar.Cookies(u)
	for _, c := range cookies {
		if c.Name == sessionCookie {
			payload, _, _ := strings.Cut(c.Value, ".")
			forged := *c
			forged.Path = "/inbox"
			forged.Value = strings.Replace(c.Value, payload, b64("v1|maria|9999999999|nonce"), 1)
			b.c.Jar.SetCookies(u, []*http.Cookie{&forged})
		}
	}
	p := b.get("/inbox/tasks")
	if p.status != http.StatusSeeOther || strings.Contains(p.location, "expired") {
		t.Fatalf("forged cookie: status %d, location %q; want a plain redirect to sign in", p.status, p.location)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	h := newHarness(t)
	b := h.signedIn("alice")
	u, _ := url.Parse(h.srv.URL + "/inbox")
	var old []*http.Cookie
	old = append(old, b.c.Jar.Cookies(u)...)
	p := b.post("/inbox/signout", url.Values{"csrf": {b.csrf("/inbox/tasks")}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.location, "signedout=1") {
		t.Fatalf("sign out: status %d, location %q", p.status, p.location)
	}
	if b.get("/inbox/tasks").status != http.StatusSeeOther {
		t.Error("after sign-out the tasks page is open")
	}
	// The old cookie, replayed, is no longer a session.
	for _, c := range old {
		c.Path = "/inbox"
	}
	b.c.Jar.SetCookies(u, old)
	if b.get("/inbox/tasks").status != http.StatusSeeOther {
		t.Error("a signed-out session's cookie still works")
	}
}

func TestSignInFormNeedsItsCSRFToken(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.get("/inbox/signin")
	p := b.post("/inbox/signin", url.Values{"id": {"alice"}, "password": {"alice-pw"}})
	if p.status != http.StatusForbidden {
		t.Fatalf("sign-in without a token: %d, want 403", p.status)
	}
}

func TestSignInOnlyReturnsToInboxPages(t *testing.T) {
	for next, want := range map[string]string{
		"/inbox/customers/acme":      "/inbox/customers/acme",
		"https://evil.example/":      "/inbox/tasks",
		"//evil.example/inbox/":      "/inbox/tasks",
		"/inbox/..//evil.example":    "/inbox/tasks",
		"/inbox/signin?next=/inbox/": "/inbox/tasks",
		"":                           "/inbox/tasks",
	} {
		if got := localNext(next); got != want {
			t.Errorf("localNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestNewRefusesAShortSecret(t *testing.T) {
	_, err := New(Options{Client: campaignstest.New(), Secret: []byte("short")})
	if err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Fatalf("New with a 5-byte secret: %v", err)
	}
}

func TestSignInReturnsToThePageAskedFor(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	first := b.get("/inbox/customers/acme")
	next, _ := url.Parse(first.location)
	if next.Query().Get("next") != "/inbox/customers/acme" {
		t.Fatalf("redirect %q does not carry the page asked for", first.location)
	}
	p := b.post("/inbox/signin", url.Values{"csrf": {b.csrf(first.location)}, "id": {"alice"}, "password": {"alice-pw"},
		"next": {next.Query().Get("next")}})
	if p.location != "/inbox/customers/acme" {
		t.Errorf("after sign-in: location %q, want the customer page", p.location)
	}
}
