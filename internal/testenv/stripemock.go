package testenv

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StripeMockVersion is the stripe-mock pinned in tools/stripe-mock.mod. It embeds Stripe's
// OpenAPI spec and checks every request against it; answers come from fixtures (stateless).
const StripeMockVersion = "v0.203.0"

var (
	stripeMockOnce sync.Once
	stripeMockPath string
	stripeMockErr  error
)

// StripeMockBinary builds the pinned stripe-mock with `go tool` (about 30 s from an empty build
// cache, cached after) and returns the built binary's path. Tests run the binary itself, not
// `go tool`: killing `go tool` would leave its child, the mock, running.
func StripeMockBinary() (string, error) {
	stripeMockOnce.Do(func() {
		cmd := exec.Command("go", "tool", "-modfile=tools/stripe-mock.mod", "-n", "stripe-mock")
		cmd.Dir = RepoRoot()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || len(strings.Fields(string(out))) == 0 {
			stripeMockErr = fmt.Errorf("go tool -modfile=tools/stripe-mock.mod -n stripe-mock: %v: %s", err, firstLine(stderr.String()))
			return
		}
		stripeMockPath = strings.Fields(string(out))[0]
	})
	return stripeMockPath, stripeMockErr
}

// StripeMock is a running stripe-mock.
type StripeMock struct {
	// URL is its HTTP API, e.g. http://127.0.0.1:41234: stripe-go's backend URL. It accepts
	// any key of the shape sk_test_...
	URL  string
	Log  *SyncBuffer
	cmd  *exec.Cmd
	done chan struct{}
}

// listeningHTTP is the line stripe-mock prints once it serves HTTP.
var listeningHTTP = regexp.MustCompile(`Listening for HTTP at address: (\S+)`)

// StartStripeMock starts stripe-mock on 127.0.0.1 (HTTP and HTTPS both: with only one address
// given, the other listens on every interface), waits until it answers, and stops it by its
// PID when the test ends. The ports are the system's choice, read from the mock's own output,
// so two test processes never race for one. When the mock cannot be built (no module cache
// and no network, say) the test is skipped, saying so; `make test` lists the skip and fails it
// under CI.
func StartStripeMock(t testing.TB) *StripeMock {
	t.Helper()
	bin, err := StripeMockBinary()
	if err != nil {
		t.Skipf("stripe-mock %s could not be built (run `make stripe-mock`; the first build needs the Go module proxy): %v", StripeMockVersion, err)
	}
	m := &StripeMock{Log: &SyncBuffer{}, done: make(chan struct{})}
	m.cmd = exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	m.cmd.Stdout, m.cmd.Stderr = m.Log, m.Log
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock %s: %v", bin, err)
	}
	go func() { _ = m.cmd.Wait(); close(m.done) }()
	t.Cleanup(m.Stop)

	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-m.done:
			t.Fatalf("stripe-mock exited while starting:\n%s", m.Log.String())
		default:
		}
		if m.URL == "" {
			if match := listeningHTTP.FindStringSubmatch(m.Log.String()); match != nil {
				m.URL = "http://" + match[1]
			}
			continue
		}
		if resp, err := http.Get(m.URL + "/"); err == nil { // any answer means ready (401 here)
			resp.Body.Close()
			return m
		}
	}
	t.Fatalf("stripe-mock did not start in 30s:\n%s", m.Log.String())
	return nil
}

// PID is the mock's process ID.
func (m *StripeMock) PID() int { return m.cmd.Process.Pid }

// Stop ends the mock: SIGTERM to its PID (it dies at once: it handles no signal), SIGKILL if it
// is still there after five seconds.
func (m *StripeMock) Stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}
