package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var (
	// twilioAccountSID, twilioMessagingSID and sendGridTemplateID are the providers' ID shapes.
	twilioAccountSID   = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	twilioMessagingSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	sendGridTemplateID = regexp.MustCompile(`^d-[0-9a-fA-F]{32}$`)
	// alphanumeric is what twilio-go accepts in credentials (it refuses others before sending).
	alphanumeric = regexp.MustCompile(`^[0-9A-Za-z]+$`)
)

// checkHostPort accepts "host:port" and ":port" with a numeric port.
func checkHostPort(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%q is not host:port (port %q is not a number from 0 to 65535)", s, port)
	}
	return nil
}

// checkBaseURL accepts an absolute http(s) URL without query or fragment and returns it
// without a trailing slash, so callers can append paths.
func checkBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q: want a base URL without user, query or fragment", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// hasSpace reports whether s contains whitespace or control characters, which no ID, token or
// header value of ours may hold.
func hasSpace(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}
