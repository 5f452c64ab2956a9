package config

import (
	"net"
	"strconv"
)

const defaultHTTPAddr = "127.0.0.1:8080"

// loadHTTP reads where the worker listens and the public URL that links and webhooks use.
func loadHTTP(src *source, p *problems) (addr, publicURL string) {
	addr = src.getOr("WINBACK_HTTP_ADDR", defaultHTTPAddr)
	addrOK := true
	if err := checkHostPort(addr); err != nil {
		p.addf("%s: %v", src.origin("WINBACK_HTTP_ADDR"), err)
		addrOK = false
	}
	raw, set := src.get("WINBACK_PUBLIC_URL")
	if !set {
		if !addrOK {
			return addr, ""
		}
		return addr, "http://" + browsable(addr)
	}
	publicURL, err := checkBaseURL(raw)
	if err != nil {
		p.addf("%s: %v", src.origin("WINBACK_PUBLIC_URL"), err)
	}
	return addr, publicURL
}

// browsable turns a listen address into one a browser can open: a wildcard or empty host
// (0.0.0.0:8080, :8080) becomes localhost.
func browsable(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// loadTemporalUIURL reads the Temporal UI's base URL, if any.
func loadTemporalUIURL(src *source, p *problems) string {
	raw, set := src.get("WINBACK_TEMPORAL_UI_URL")
	if !set {
		return ""
	}
	u, err := checkBaseURL(raw)
	if err != nil {
		p.addf("%s: %v", src.origin("WINBACK_TEMPORAL_UI_URL"), err)
	}
	return u
}

// defaultWorkflowCacheSize bounds a worker's memory: about 80 KiB per cached campaign.
const defaultWorkflowCacheSize = 1000

// loadCacheSize reads the worker's workflow cache size.
func loadCacheSize(src *source, p *problems) int {
	raw, set := src.get("WINBACK_WORKFLOW_CACHE_SIZE")
	if !set {
		return defaultWorkflowCacheSize
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 1_000_000 {
		p.addf("%s: %q is not a whole number from 1 to 1000000", src.origin("WINBACK_WORKFLOW_CACHE_SIZE"), raw)
		return defaultWorkflowCacheSize
	}
	return n
}
