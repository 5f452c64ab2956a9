package codec

import (
	"html/template"
	"net/http"
	"time"
)

// The Temporal UI (2.42) cannot be given a token for a codec server: "Pass the user access
// token" sends the UI's own OIDC login token (and only to https:// endpoints). What it can do
// is "Include cross-origin credentials", which sends cookies. So a person signs in here once
// with the token; the cookie then rides along with the UI's requests to /codec/decode.
//
// The cookie is SameSite=Strict: browsers send it only from the same site, which is the UI
// when both run on one host name (127.0.0.1:8233 and 127.0.0.1:8080 are one site; localhost
// and 127.0.0.1 are two).

const (
	sessionCookie = "winback_codec"
	sessionMaxAge = 12 * time.Hour
	maxLoginBytes = 4 << 10
)

var loginProtection = http.NewCrossOriginProtection()

func (h *handler) serveLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if !h.enabled {
		http.Error(w, "the codec endpoint has no token: set WINBACK_CODEC_TOKEN", http.StatusServiceUnavailable)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.renderLogin(w, http.StatusOK, "")
	case http.MethodPost:
		if err := loginProtection.Check(r); err != nil {
			http.Error(w, "sign in from this page, not from another site", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxLoginBytes)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if !h.tokenMatches(r.PostForm.Get("token")) {
			h.renderLogin(w, http.StatusForbidden, "That is not the codec token.")
			return
		}
		http.SetCookie(w, &http.Cookie{
			Name: sessionCookie, Value: h.session, Path: "/codec",
			MaxAge: int(sessionMaxAge.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
		})
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = signedInPage.Execute(w, map[string]string{"Endpoint": scheme + "://" + r.Host + "/codec", "Hours": "12"})
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}

func (h *handler) renderLogin(w http.ResponseWriter, status int, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, problem)
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>winback codec: sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}input{font:inherit;width:100%;margin:.5rem 0}.problem{color:#b00}</style>
</head><body>
<h1>Decode winback payloads in the Temporal UI</h1>
<p>Customer data in Temporal is encrypted. Sign in with the codec token (WINBACK_CODEC_TOKEN) to let this browser decode it.</p>
{{if .}}<p class="problem">{{.}}</p>{{end}}
<form method="post" action="/codec/login">
<label for="token">Codec token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<input type="submit" value="Sign in">
</form>
</body></html>
`))

var signedInPage = template.Must(template.New("signed-in").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>winback codec: signed in</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2rem}</style>
</head><body>
<h1>Signed in for {{.Hours}} hours</h1>
<p>Now, in the Temporal UI, open <b>Codec Server</b> settings and:</p>
<ol>
<li>choose <b>Use my browser setting and ignore Cluster-level setting</b>;</li>
<li>set the endpoint to <code>{{.Endpoint}}</code>;</li>
<li>tick <b>Include cross-origin credentials</b> (leave <b>Pass the user access token</b> unticked);</li>
<li>Apply, and reload the workflow page.</li>
</ol>
<p>Open the UI on the same host name as this page (both <code>127.0.0.1</code> or both <code>localhost</code>), or the browser will not send the sign-in.</p>
</body></html>
`))
