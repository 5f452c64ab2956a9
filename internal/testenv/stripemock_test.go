package testenv_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/winback/winback/internal/testenv"
)

// TestStripeMockServesOnLoopbackAndStops: the mock answers Stripe's API on 127.0.0.1 (both of
// its listeners), refuses a request without a key as Stripe does, and is gone after Stop.
func TestStripeMockServesOnLoopbackAndStops(t *testing.T) {
	m := testenv.StartStripeMock(t)
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Errorf("URL %s, want 127.0.0.1", m.URL)
	}
	for _, proto := range []string{"HTTP", "HTTPS"} {
		if !regexp.MustCompile(`Listening for ` + proto + ` at address: 127\.0\.0\.1:\d+`).MatchString(m.Log.String()) {
			t.Errorf("%s does not listen on 127.0.0.1 only:\n%s", proto, m.Log.String())
		}
	}

	req, _ := http.NewRequest(http.MethodGet, m.URL+"/v1/customers/cus_probe", nil)
	req.Header.Set("Authorization", "Bearer sk_test_123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"cus_probe"`) {
		t.Errorf("GET /v1/customers/cus_probe = %d %s, want the customer", resp.StatusCode, body)
	}
	if resp, err := http.Get(m.URL + "/v1/customers/cus_probe"); err != nil {
		t.Error(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a key: %s, want 401 as Stripe answers", resp.Status)
	}

	m.Stop()
	if resp, err := http.Get(m.URL + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("stripe-mock (pid %d) still answers after Stop", m.PID())
	}
}
