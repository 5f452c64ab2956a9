//go:build browser

package codec_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/codec"
	"github.com/winback/winback/internal/testenv"
)

// TestTemporalUIDecodesThroughTheEndpoint drives the dev server's own UI (2.42) in headless
// Chromium, as a person would after signing in at /codec/login and setting the UI's Codec
// Server to this endpoint with "Include cross-origin credentials". Opt-in: it needs Chromium.
//
//	go test -tags browser ./codec/ -run TestTemporalUIDecodesThroughTheEndpoint -v
func TestTemporalUIDecodesThroughTheEndpoint(t *testing.T) {
	rawKey := bytes.Repeat([]byte{0x5a}, 32)
	pc, err := codec.New([]codec.Key{{ID: "2026-06", Key: rawKey}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	codecURL := "http://" + l.Addr().String()
	server := testenv.StartDevServer(t, testenv.DevServerOptions{UI: true, Extra: []string{"--ui-codec-endpoint", codecURL + "/codec"}})
	uiOrigin := "http://" + server.UIAddress

	var mu sync.Mutex
	statuses := map[string]int{}
	mux := http.NewServeMux()
	mux.Handle("/codec/", codec.Handler(pc, token, []string{uiOrigin}))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		mux.ServeHTTP(rec, r)
		mu.Lock()
		statuses[fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, rec.status)]++
		mu.Unlock()
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	wid, runID := runCampaign(t, server, "2026-06="+base64.StdEncoding.EncodeToString(rawKey))
	page := fmt.Sprintf("%s/namespaces/default/workflows/%s/%s/history", uiOrigin, wid, runID)

	browse := func(signIn bool) string {
		alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.NoSandbox, chromedp.ExecPath("/usr/bin/chromium"))...)
		defer cancel()
		ctx, cancel := chromedp.NewContext(alloc)
		defer cancel()
		ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		var actions []chromedp.Action[chromedp.Void]
		if signIn {
			actions = append(actions,
				chromedp.Navigate(codecURL+"/codec/login"),
				chromedp.SendKeys(chromedp.ID("token"), token),
				chromedp.Submit(chromedp.ID("token")),
				chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Signed in")]`)),
			)
		}
		// What the UI's Codec Server settings write when Applied: a browser-level endpoint
		// that overrides the cluster's, with cross-origin credentials.
		actions = append(actions,
			chromedp.Navigate(uiOrigin+"/namespaces/default/workflows"),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem("endpoint", %q);
				localStorage.setItem("includeCredentials", "true");
				localStorage.setItem("passAccessToken", "false");
				localStorage.setItem("overrideRemoteCodecConfiguration", "true");`, `"`+codecURL+`/codec"`)),
			chromedp.Navigate(page),
		)
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("browser: %v", err)
		}
		var text string
		var err error
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
				t.Fatalf("browser: %v", err)
			}
			if strings.Contains(text, pii["name"]) {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		return text
	}

	if text := browse(true); !strings.Contains(text, pii["name"]) {
		t.Errorf("signed in: the UI does not show %q; page text:\n%s", pii["name"], text)
	}
	mu.Lock()
	t.Logf("codec requests after signing in: %v", statuses)
	statuses = map[string]int{}
	mu.Unlock()

	if text := browse(false); strings.Contains(text, pii["name"]) {
		t.Errorf("not signed in: the UI shows %q", pii["name"])
	}
	mu.Lock()
	t.Logf("codec requests without signing in: %v", statuses)
	if statuses["POST /codec/decode 401"] == 0 {
		t.Errorf("without signing in no decode was refused: %v", statuses)
	}
	mu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
