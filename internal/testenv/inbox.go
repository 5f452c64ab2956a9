package testenv

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// InboxSignIn signs in to the inbox at base (http://host:port) as id with password, as a
// browser would, and returns a client that keeps the session.
func InboxSignIn(base, id, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/inbox/signin")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("the sign-in page (%d) has no csrf field", resp.StatusCode)
	}
	form := url.Values{"csrf": {string(m[1])}, "id": {id}, "password": {password}}
	resp, err = c.Post(base+"/inbox/signin", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("signing in as %s: status %d", id, resp.StatusCode)
	}
	return c, nil
}
