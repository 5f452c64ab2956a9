package codec_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"github.com/winback/winback/codec"
)

const (
	token    = "codec-token-0123456789abcdef"
	uiOrigin = "http://127.0.0.1:8233"
)

// codecServer serves the handler the way the worker does: mounted at /codec/ on a mux.
func codecServer(t *testing.T, c converter.PayloadCodec, tok string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/codec/", codec.Handler(c, tok, []string{"http://localhost:8233", uiOrigin}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url string, body io.Reader, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// uiBody is a decode request as the Temporal UI sends it: the payloads of one event.
func uiBody(t *testing.T, ps []*commonpb.Payload) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"payloads": ps})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestPreflight(t *testing.T) {
	srv := codecServer(t, newCodec(t, key("k1", 1)), token)
	preflight := func(origin string) *http.Response {
		return do(t, http.MethodOptions, srv.URL+"/codec/decode", nil,
			"Origin", origin,
			"Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type,x-namespace")
	}

	// Allowed: answered without a token, with what the UI's fetch needs.
	resp := preflight(uiOrigin)
	if resp.StatusCode/100 != 2 {
		t.Errorf("preflight from the UI: %s", resp.Status)
	}
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != uiOrigin || h.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight from the UI: Allow-Origin %q, Allow-Credentials %q", h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Credentials"))
	}
	allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"authorization", "content-type", "x-namespace"} {
		if !strings.Contains(allowed, want) {
			t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, want)
		}
	}
	if !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("Access-Control-Allow-Methods = %q", h.Get("Access-Control-Allow-Methods"))
	}
	if !strings.Contains(h.Get("Vary"), "Origin") {
		t.Errorf("Vary = %q: a cache could serve one origin's answer to another", h.Get("Vary"))
	}

	// Anyone else gets no CORS header at all, so the browser blocks the call.
	for _, origin := range []string{"http://evil.example", "http://127.0.0.1:8234", "null"} {
		resp := preflight(origin)
		for name := range resp.Header {
			if strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("preflight from %s got %s: %q", origin, name, resp.Header.Get(name))
			}
		}
	}
}

func TestTokenIsRequired(t *testing.T) {
	c := newCodec(t, key("k1", 1))
	srv := codecServer(t, c, token)
	body := uiBody(t, encode(t, c, customerPayloads(t)))
	post := func(header ...string) *http.Response {
		header = append(header, "Content-Type", "application/json", "X-Namespace", "default")
		return do(t, http.MethodPost, srv.URL+"/codec/decode", bytes.NewReader(body), header...)
	}
	for name, tc := range map[string]struct {
		header []string
		want   int
	}{
		"no token":           {nil, http.StatusUnauthorized},
		"wrong token":        {[]string{"Authorization", "Bearer codec-token-0123456789abcdeX"}, http.StatusForbidden},
		"token prefix":       {[]string{"Authorization", "Bearer codec-token"}, http.StatusForbidden},
		"token not bearer":   {[]string{"Authorization", "Basic " + token}, http.StatusForbidden},
		"wrong cookie":       {[]string{"Cookie", "winback_codec=" + token}, http.StatusForbidden},
		"from another site":  {[]string{"Authorization", "Bearer " + token, "Origin", "http://evil.example"}, http.StatusForbidden},
		"token":              {[]string{"Authorization", "Bearer " + token}, http.StatusOK},
		"token, from the UI": {[]string{"Authorization", "Bearer " + token, "Origin", uiOrigin}, http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(tc.header...)
			msg, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want {
				t.Fatalf("%s (%s), want %d", resp.Status, bytes.TrimSpace(msg), tc.want)
			}
			if tc.want == http.StatusOK && !readsCustomer(msg) {
				t.Errorf("decoded body %s does not hold the customer", msg)
			}
			if tc.want != http.StatusOK && bytes.Contains(msg, []byte("payloads")) {
				t.Errorf("refused request answered with payloads: %s", msg)
			}
			if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tc.want == http.StatusOK && resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("decoded customer data with Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestRemoteCodec drives the endpoint with the SDK's remote codec client, which is what the
// Temporal CLI uses for --codec-endpoint and --codec-auth.
func TestRemoteCodec(t *testing.T) {
	local := newCodec(t, key("k1", 1))
	srv := codecServer(t, local, token)
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
		Endpoint: srv.URL + "/codec",
		ModifyRequest: func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		},
	})
	plain := customerPayloads(t)
	// Encoded remotely, decoded locally, and the other way round.
	viaHTTP, err := remote.Encode(plain)
	if err != nil {
		t.Fatal(err)
	}
	back, err := local.Decode(viaHTTP)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := remote.Decode(encode(t, local, plain))
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if !proto.Equal(back[i], plain[i]) || !proto.Equal(decoded[i], plain[i]) {
			t.Errorf("payload %d: %v / %v, want %v", i, back[i], decoded[i], plain[i])
		}
	}
	// A history from before the key: still readable through the endpoint.
	if same, err := remote.Decode(plain); err != nil || !proto.Equal(same[0], plain[0]) {
		t.Errorf("plain payload through the endpoint: %v, %v", same, err)
	}
	// An unknown key: the error names it and reaches the caller.
	_, err = remote.Decode(encode(t, newCodec(t, key("retired", 9)), plain))
	if err == nil || !strings.Contains(err.Error(), `"retired"`) {
		t.Errorf("unknown key through the endpoint: %v", err)
	}
}

func TestRequestLimits(t *testing.T) {
	srv := codecServer(t, newCodec(t, key("k1", 1)), token)
	auth := []string{"Authorization", "Bearer " + token}
	big := bytes.Repeat([]byte("x"), codec.MaxBodyBytes+1)
	if resp := do(t, http.MethodPost, srv.URL+"/codec/decode", bytes.NewReader(big), append(auth, "Content-Type", "application/json")...); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %s", resp.Status)
	}
	// The same without a length up front (chunked).
	if resp := do(t, http.MethodPost, srv.URL+"/codec/decode", io.MultiReader(bytes.NewReader(big)), append(auth, "Content-Type", "application/json")...); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized chunked body: %s", resp.Status)
	}
	if resp := do(t, http.MethodPost, srv.URL+"/codec/decode", strings.NewReader(`{"payloads":[]}`), append(auth, "Content-Type", "text/plain")...); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %s", resp.Status)
	}
	if resp := do(t, http.MethodPost, srv.URL+"/codec/decode", strings.NewReader(`not json`), append(auth, "Content-Type", "application/json")...); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed body: %s", resp.Status)
	}
	if resp := do(t, http.MethodGet, srv.URL+"/codec/decode", nil, auth...); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %s", resp.Status)
	}
	if resp := do(t, http.MethodPost, srv.URL+"/codec/other", nil, auth...); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %s", resp.Status)
	}
}

func TestNoTokenServesNothing(t *testing.T) {
	c := newCodec(t, key("k1", 1))
	for _, tok := range []string{"", "short"} {
		srv := codecServer(t, c, tok)
		for _, auth := range []string{"", "Bearer ", "Bearer " + tok} {
			resp := do(t, http.MethodPost, srv.URL+"/codec/decode", bytes.NewReader(uiBody(t, encode(t, c, customerPayloads(t)))),
				"Authorization", auth, "Content-Type", "application/json")
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("token %q, Authorization %q: %s, want 503", tok, auth, resp.Status)
			}
		}
	}
}

// TestLoginCookie is the Temporal UI's way in: a person signs in once, and the UI's requests,
// made with "Include cross-origin credentials", carry the cookie.
func TestLoginCookie(t *testing.T) {
	c := newCodec(t, key("k1", 1))
	srv := codecServer(t, c, token)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}

	page, err := browser.Get(srv.URL + "/codec/login")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !bytes.Contains(html, []byte(`name="token"`)) {
		t.Fatalf("login page: %s\n%s", page.Status, html)
	}
	if !strings.Contains(page.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("login page can be framed: CSP %q", page.Header.Get("Content-Security-Policy"))
	}

	wrong, err := browser.PostForm(srv.URL+"/codec/login", url.Values{"token": {"not-the-token-at-all"}})
	if err != nil {
		t.Fatal(err)
	}
	wrong.Body.Close()
	if wrong.StatusCode != http.StatusForbidden || len(jar.Cookies(mustURL(t, srv.URL+"/codec/decode"))) != 0 {
		t.Fatalf("wrong token: %s, cookies %v", wrong.Status, jar.Cookies(mustURL(t, srv.URL+"/codec/decode")))
	}

	// A login form posted from another site is refused.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/codec/login", strings.NewReader("token="+token))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login: %v %v", resp.Status, err)
	}

	ok, err := browser.PostForm(srv.URL+"/codec/login", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	html, _ = io.ReadAll(ok.Body)
	ok.Body.Close()
	if ok.StatusCode != http.StatusOK || !bytes.Contains(html, []byte("Include cross-origin credentials")) {
		t.Fatalf("login: %s\n%s", ok.Status, html)
	}
	var cookie *http.Cookie
	for _, sc := range ok.Cookies() {
		if sc.Name == "winback_codec" {
			cookie = sc
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/codec" {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/codec", cookie)
	}
	if strings.Contains(cookie.Value, token) {
		t.Error("the cookie holds the token itself")
	}

	body := uiBody(t, encode(t, c, customerPayloads(t)))
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/codec/decode", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", uiOrigin)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	decoded, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !readsCustomer(decoded) {
		t.Fatalf("decode with the cookie: %s %s", resp.Status, decoded)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != uiOrigin || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("the UI could not read the answer: %v", resp.Header)
	}
}

// readsCustomer reports whether a decode answer holds the customer in clear.
func readsCustomer(body []byte) bool {
	var out commonpb.Payloads
	if err := json.Unmarshal(body, &out); err != nil || len(out.Payloads) == 0 {
		return false
	}
	var c map[string]string
	err := converter.GetDefaultDataConverter().FromPayload(out.Payloads[0], &c)
	return err == nil && c["name"] == "Dana Reyes"
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
