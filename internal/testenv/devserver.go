// Package testenv starts the real parts integration tests run against: the Temporal dev server
// (built by `go tool` from tools/go.mod), and winback's own binaries. Every process binds
// 127.0.0.1 on free ports and dies with the test process.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/winback/winback/workflows"
)

// RepoRoot is the repository's top folder (where go.mod is).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	temporalOnce sync.Once
	temporalPath string
	temporalErr  error
)

// TemporalBinary builds the pinned Temporal CLI with `go tool` (cached after the first build,
// which takes about two minutes) and returns the path of the built binary.
func TemporalBinary(t testing.TB) string {
	t.Helper()
	temporalOnce.Do(func() {
		cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "-n", "temporal")
		cmd.Dir = RepoRoot()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			temporalErr = fmt.Errorf("go tool -modfile=tools/go.mod -n temporal: %v\n%s", err, stderr.String())
			return
		}
		temporalPath = strings.Fields(string(out))[0]
	})
	if temporalErr != nil {
		t.Fatal(temporalErr)
	}
	return temporalPath
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// DevServer is a running Temporal dev server.
type DevServer struct {
	Address   string // host:port of the frontend gRPC service
	UIAddress string // host:port of the Web UI ("" when headless)
	DBFile    string
	args      []string
	cmd       *exec.Cmd
	exited    chan struct{}
	log       *bytes.Buffer
	t         testing.TB
}

// DevServerOptions shape a dev server.
type DevServerOptions struct {
	DBFile string // "" = a file in the test's temp dir
	UI     bool
	Extra  []string // more start-dev flags
}

// StartDevServer starts a dev server with the WinBack* search attributes registered, waits
// until it answers, and stops it when the test ends. A port picked free can be taken by another
// test process before the server binds it (the server then dies at start), so a server that
// dies while starting is started again on fresh ports, up to three times.
func StartDevServer(t testing.TB, o DevServerOptions) *DevServer {
	t.Helper()
	bin := TemporalBinary(t)
	if o.DBFile == "" {
		o.DBFile = filepath.Join(t.TempDir(), "temporal.db")
	}
	var s *DevServer
	for attempt := 1; ; attempt++ {
		s = newDevServer(t, o)
		err := s.start(bin)
		if err == nil {
			break
		}
		s.Stop()
		if attempt == 3 {
			t.Fatal(err)
		}
		t.Logf("dev server did not start (attempt %d), trying fresh ports: %v", attempt, firstLine(err.Error()))
	}
	t.Cleanup(s.Stop)
	return s
}

func newDevServer(t testing.TB, o DevServerOptions) *DevServer {
	port := FreePort(t)
	s := &DevServer{Address: fmt.Sprintf("127.0.0.1:%d", port), DBFile: o.DBFile, t: t, log: &bytes.Buffer{}}
	s.args = []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port),
		"--http-port", fmt.Sprint(FreePort(t)), "--metrics-port", fmt.Sprint(FreePort(t)),
		"--db-filename", o.DBFile, "--log-level", "error"}
	if o.UI {
		ui := FreePort(t)
		s.UIAddress = fmt.Sprintf("127.0.0.1:%d", ui)
		s.args = append(s.args, "--ui-port", fmt.Sprint(ui))
	} else {
		s.args = append(s.args, "--headless")
	}
	s.args = append(s.args, SearchAttributeFlags()...)
	s.args = append(s.args, o.Extra...)
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// SearchAttributeFlags are the start-dev flags that register winback's search attributes.
func SearchAttributeFlags() []string {
	names := make([]string, 0, len(workflows.SearchAttributeTypes))
	for name := range workflows.SearchAttributeTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	var flags []string
	for _, name := range names {
		// The enum's String() is the CLI's type name: Keyword, Datetime, Double.
		flags = append(flags, "--search-attribute", name+"="+workflows.SearchAttributeTypes[name].String())
	}
	return flags
}

func (s *DevServer) start(bin string) error {
	s.log.Reset()
	s.cmd = exec.Command(bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start dev server: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	s.exited = exited
	return s.waitReady()
}

// waitReady waits until the server answers a health check, or reports why it did not.
func (s *DevServer) waitReady() error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("dev server at %s exited while starting; its log:\n%s", s.Address, s.log.String())
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.Address, Logger: quietLogger{}})
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			cancel()
			c.Close()
			if err == nil {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("dev server at %s did not become ready; its log:\n%s", s.Address, s.log.String())
}

// Stop stops the server (SIGTERM, then SIGKILL) and waits for it.
func (s *DevServer) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Restart stops the server and starts it again on the same ports and database file.
func (s *DevServer) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(TemporalBinary(s.t)); err != nil {
		s.t.Fatal(err)
	}
}

// Client dials the server.
func (s *DevServer) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.Address, Logger: quietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Temporal runs the Temporal CLI against this server and returns its stdout.
func (s *DevServer) Temporal(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(TemporalBinary(t), append(args, "--address", s.Address)...)
	cmd.Env = append(os.Environ(), "TEMPORAL_ADDRESS="+s.Address)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("temporal %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
