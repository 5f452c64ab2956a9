// Package e2e drives winback the way a new user meets it: the real Temporal dev server, the
// worker and the CLI as processes, email and SMS through the real SDKs into the sandbox.
package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// stack is a dev server, a worker and the CLI wired together for one test.
type stack struct {
	t      *testing.T
	server *testenv.DevServer
	cli    string
	env    []string
	http   string
	worker *testenv.Process
}

func startStack(t *testing.T) *stack { return startStackWith(t) }

// startStackWith starts a stack whose processes also get env (a later value of a variable wins).
func startStackWith(t *testing.T, env ...string) *stack {
	t.Helper()
	workerBin, cli := testenv.Binaries(t)
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	s := &stack{t: t, server: server, cli: cli, http: fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))}
	s.env = []string{
		"TEMPORAL_ADDRESS=" + server.Address,
		"TEMPORAL_NAMESPACE=default",
		"WINBACK_HTTP_ADDR=" + s.http,
		"WINBACK_DATA_DIR=" + t.TempDir(),
		"WINBACK_PLAYBOOK=" + filepath.Join(testenv.RepoRoot(), "config", "playbooks", "fast.yaml"),
		"WINBACK_TEAM=" + filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
		"WINBACK_LOG_LEVEL=warn",
	}
	s.env = append(s.env, env...)
	s.winback(0, "setup")
	s.worker = testenv.StartProcess(t, s.env, workerBin)
	s.waitHealthy()
	return s
}

func (s *stack) waitHealthy() {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + s.http + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if done, code := s.worker.Exited(); done {
			s.t.Fatalf("worker exited with %d:\n%s", code, s.worker.Log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("worker not healthy; its log:\n%s", s.worker.Log.String())
}

// winback runs the CLI and fails the test unless it exits with want.
func (s *stack) winback(want int, args ...string) string {
	s.t.Helper()
	out, errOut, code := testenv.Run(s.t, s.env, s.cli, args...)
	if code != want {
		s.t.Fatalf("winback %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out + errOut
}

func (s *stack) status(customer string) workflows.CampaignStatus {
	s.t.Helper()
	var st workflows.CampaignStatus
	out, errOut, code := testenv.Run(s.t, s.env, s.cli, "status", customer, "-o", "json")
	if code != 0 {
		s.t.Fatalf("winback status %s: exit %d\n%s%s", customer, code, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("status JSON: %v\n%s", err, out)
	}
	return st
}

// eventually polls cond until it holds or the deadline passes.
func (s *stack) eventually(what string, timeout time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	s.t.Fatalf("timed out after %s waiting for %s; worker log:\n%s", timeout, what, s.worker.Log.String())
}

func (s *stack) taskOpen(customer, taskID string) bool {
	for _, t := range s.status(customer).Tasks {
		if t.ID == taskID && t.Status == workflows.TaskOpen {
			return true
		}
	}
	return false
}

func (s *stack) outbox(workflowID string) []sandbox.Message {
	s.t.Helper()
	resp, err := http.Get("http://" + s.http + "/outbox.json?workflow=" + workflowID)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []sandbox.Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		s.t.Fatalf("outbox.json: %v", err)
	}
	return msgs
}

func steps(msgs []sandbox.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Step)
	}
	return out
}

// metric sums every series of a Prometheus metric on the worker's /metrics.
func (s *stack) metric(name string) float64 {
	s.t.Helper()
	resp, err := http.Get("http://" + s.http + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, name+"{") || strings.HasPrefix(line, name+" ") {
			var v float64
			fields := strings.Fields(line)
			fmt.Sscan(fields[len(fields)-1], &v)
			sum += v
		}
	}
	return sum
}

// completeWhenOpen waits for a task to open, then completes it through the CLI as `as`, with
// the answer flags given.
func (s *stack) completeWhenOpen(customer, task, as string, answers ...string) string {
	s.t.Helper()
	s.eventually("task "+task, 30*time.Second, func() bool { return s.taskOpen(customer, task) })
	return s.winback(0, append([]string{"complete", customer, task, "--as", as}, answers...)...)
}
