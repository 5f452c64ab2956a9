package codec

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

const (
	// MaxBodyBytes is the largest request the endpoint reads. The UI sends the payloads of one
	// event at a time; Temporal itself refuses payloads over 2 MB.
	MaxBodyBytes = 4 << 20
	// MinTokenLen is the shortest token Handler accepts.
	MinTokenLen = 16

	encodePath = "/codec/encode"
	decodePath = "/codec/decode"
	loginPath  = "/codec/login"
)

// allowHeaders are the request headers the Temporal UI (2.42) sends to a codec server:
// Authorization and Authorization-Extras only with "Pass the user access token".
const allowHeaders = "Authorization, Authorization-Extras, Content-Type, X-Namespace"

// Handler serves c in the Temporal remote codec protocol: POST /codec/encode and
// POST /codec/decode take and return {"payloads": [...]} as protobuf JSON. It is meant to be
// mounted at "/codec/" on the worker's HTTP server.
//
// Every request needs the token, as "Authorization: Bearer <token>" (the Temporal CLI's
// --codec-auth, scripts) or as the cookie /codec/login sets (the Temporal UI, which can send
// cookies but has no field for a token); without it the answer is 401, with a wrong one 403.
// Browsers may call it from origins (scheme://host:port, e.g. http://localhost:8233): those
// get CORS headers, with credentials allowed, and preflights are answered without the token.
// Requests from other origins are refused. A token shorter than MinTokenLen serves nothing.
func Handler(c converter.PayloadCodec, token string, origins []string) http.Handler {
	h := &handler{
		sdk:     converter.NewPayloadCodecHTTPHandler(c),
		origins: make(map[string]bool, len(origins)),
		enabled: len(token) >= MinTokenLen,
	}
	tokenSum := sha256.Sum256([]byte(token))
	h.tokenSum = tokenSum[:]
	h.session = sessionValue(token)
	for _, o := range origins {
		h.origins[strings.TrimSuffix(o, "/")] = true
	}
	return h
}

type handler struct {
	sdk      http.Handler
	tokenSum []byte // SHA-256 of the token: compared in constant time, whatever the length
	session  string // the login cookie's value
	origins  map[string]bool
	enabled  bool
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	allowed := origin != "" && h.origins[origin]
	if origin != "" {
		w.Header().Add("Vary", "Origin")
	}
	if allowed {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}
	// Decoded payloads are customer data: no cache may keep them.
	w.Header().Set("Cache-Control", "no-store")

	switch r.URL.Path {
	case encodePath, decodePath:
		h.serveCodec(w, r, origin, allowed)
	case loginPath:
		h.serveLogin(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (h *handler) serveCodec(w http.ResponseWriter, r *http.Request, origin string, allowed bool) {
	if r.Method == http.MethodOptions {
		h.preflight(w, r, origin, allowed)
		return
	}
	switch {
	case !h.enabled:
		http.Error(w, "the codec endpoint has no token: set WINBACK_CODEC_TOKEN", http.StatusServiceUnavailable)
		return
	case origin != "" && !allowed:
		// A browser page from elsewhere: it could not read the answer, but it gets no work done either.
		http.Error(w, fmt.Sprintf("origin %s is not allowed (WINBACK_CODEC_CORS_ORIGINS)", origin), http.StatusForbidden)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	if !h.authorize(w, r) {
		return
	}
	// JSON only: a cross-origin form post (text/plain, no preflight) never reaches the codec.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	if r.ContentLength > MaxBodyBytes {
		http.Error(w, fmt.Sprintf("request body over %d bytes", MaxBodyBytes), http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("request body over %d bytes", MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	h.sdk.ServeHTTP(w, r)
}

// preflight answers a browser's CORS preflight. It carries no credentials, so it needs none.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request, origin string, allowed bool) {
	if origin == "" {
		w.Header().Set("Allow", "POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !allowed {
		http.Error(w, fmt.Sprintf("origin %s is not allowed (WINBACK_CODEC_CORS_ORIGINS)", origin), http.StatusForbidden)
		return
	}
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	w.Header().Set("Access-Control-Allow-Headers", allowHeaders)
	w.Header().Set("Access-Control-Max-Age", "600")
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
		// Chrome asks before a page on a public address calls one on a private address.
		w.Header().Set("Access-Control-Allow-Private-Network", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}

// authorize accepts the bearer token or the login cookie. With neither it answers 401; with
// a wrong one (and no right one) 403.
func (h *handler) authorize(w http.ResponseWriter, r *http.Request) bool {
	presented := false
	if authz := r.Header.Get("Authorization"); authz != "" {
		presented = true
		scheme, cred, _ := strings.Cut(authz, " ")
		if strings.EqualFold(scheme, "Bearer") && h.tokenMatches(strings.TrimSpace(cred)) {
			return true
		}
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		presented = true
		if subtle.ConstantTimeCompare([]byte(c.Value), []byte(h.session)) == 1 {
			return true
		}
	}
	if !presented {
		w.Header().Set("WWW-Authenticate", `Bearer realm="winback codec"`)
		http.Error(w, "no token: send Authorization: Bearer <WINBACK_CODEC_TOKEN>, or sign in at "+loginPath, http.StatusUnauthorized)
		return false
	}
	http.Error(w, "wrong token", http.StatusForbidden)
	return false
}

func (h *handler) tokenMatches(token string) bool {
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], h.tokenSum) == 1
}

// sessionValue is the login cookie for a token: derived, so the cookie jar never holds the
// token itself, and changing the token signs everyone out.
func sessionValue(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("winback codec session v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
