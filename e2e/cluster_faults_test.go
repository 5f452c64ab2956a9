package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/winback/winback/sandbox"
)

// TestClusterFaultsLoseNothingAndDuplicateNothing is the fault test on a real cluster: a few
// hundred campaigns on a Temporal server on PostgreSQL and three workers sharing the PostgreSQL
// store, while each worker is SIGKILLed at least twice and restarted, one worker is stopped for
// good mid-run, PostgreSQL stops for a few seconds while sends are in flight and starts again,
// and the provider answers 5xx and then 429 for a while. At the end every campaign has its
// expected outcome and the provider holds each expected customer message exactly once: it
// prints how many were lost, duplicated or ended wrong (all must be 0).
//
// The provider is one sandbox in this test process, outside the workers, so a kill loses no
// count, and every worker is pointed at it as at a real SendGrid and Twilio (keys and base
// URLs): a send retried on another worker after a crash asks the same provider whether the
// message went out. Half of the kills, and the PostgreSQL stop, happen at the worst moment for
// a send: the provider has accepted the message and the worker has not heard so (the sandbox
// holds its answer while the test acts). Turning SendGrid's Email Activity lookup off
// (SENDGRID_EMAIL_ACTIVITY=false, the at-least-once window the README states) makes this test
// report those emails as duplicates: it does see the window.
//
// 300 campaigns by default (WINBACK_CHAOS_CAMPAIGNS; WINBACK_CHAOS_SEED repeats the random
// moments): about 100 per worker, so every kill strands dozens of campaigns and each burst of
// sends is dense enough that a kill armed for one lands within a second; and few enough that
// two cores running the server, PostgreSQL and three workers keep to the playbook's schedule
// (no check-in skipped as late). The playbook's clock (the last check-in 130 s after launch,
// expiry at 145 s) sets most of the time: three to four minutes in all, whatever the number.
// `make cluster-fault` runs it alone.
func TestClusterFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	n, rng := chaosSettings(t, 300)
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }

	provider := startSharedSandbox(t)
	cs := startClusterStack(t, 3, append(provider.env(), "WINBACK_PLAYBOOK="+chaosPlaybookFile(t), "WINBACK_LOG_LEVEL=info")...)
	defer cs.keepLogsOnFailure()
	phase("cluster ready, 3 workers on the shared store, one sandbox provider for all")

	campaigns := newChaosCampaigns("cf", n)
	start := time.Now()
	campaigns.launch(cs.cli)
	phase(fmt.Sprintf("launched %d campaigns", n))

	// The playbook of faults, in time from the launch: each worker killed twice (once at a
	// random moment, once the instant the provider accepted one of its messages), storms over
	// the revisit emails, PostgreSQL down for a few seconds as the first check-ins go out, one
	// worker killed on a check-in and then stopped for good (SIGTERM, as a scale-in does) before
	// the third. The workers' roles are drawn at random; a: killed, killed again, stopped; b and
	// c: killed twice, running at the end. A worker killed waits out its sticky queue's timeout
	// (~5 s) before others take its campaigns: the schedule leaves room for it.
	perm := rng.Perm(3)
	a, b, c := perm[0], perm[1], perm[2]
	at := func(from, to float64) time.Time {
		return start.Add(time.Duration((from + rng.Float64()*(to-from)) * float64(time.Second)))
	}
	kills, midSend := 0, 0
	var pgDown time.Duration
	// restartAfterKill restarts worker i after a pause, as a supervisor would.
	restartAfterKill := func(i int, when string) {
		kills++
		phase(fmt.Sprintf("worker %d SIGKILLed %s", i+1, when))
		time.Sleep(time.Duration(500+rng.IntN(1500)) * time.Millisecond)
		cs.restart(i)
		phase(fmt.Sprintf("worker %d restarted (pid %d)", i+1, cs.workers[i].worker.PID()))
	}
	killAndRestart := func(i int) {
		cs.kill(i)
		restartAfterKill(i, "at a random moment")
	}
	// killMidSend kills worker i the instant the provider accepts one of its customer messages,
	// or at the end of the wait if it sends none.
	killMidSend := func(i int) {
		w := cs.workers[i]
		m, ok := provider.trip.at(30*time.Second, func(m sandbox.Message) bool { return sentBy(m, w.http) }, func() { cs.kill(i) })
		if !ok {
			killAndRestart(i)
			return
		}
		midSend++
		restartAfterKill(i, fmt.Sprintf("the instant the provider accepted its %s of %s", m.Step, m.WorkflowID))
	}
	events := []struct {
		at time.Time
		do func()
	}{
		{at(3, 8), func() { killAndRestart(a) }},
		{at(8, 10), func() {
			provider.fault(sandbox.Fault{Provider: sandbox.ProviderAll, Mode: sandbox.Mode5xx, Seconds: 6}, "5xx")
		}},
		{at(10, 14), func() { killMidSend(b) }},
		{at(14, 20), func() { killMidSend(c) }},
		{at(28, 34), func() {
			provider.fault(sandbox.Fault{Provider: sandbox.ProviderAll, Mode: sandbox.Mode429, Seconds: 6, ResetSeconds: 2}, "429")
		}},
		{at(40, 60), func() { killAndRestart(b) }},
		{at(60, 80), func() { killAndRestart(c) }},
		{at(88, 92), func() {
			// Down for a few seconds: the held send's ledger write, and every other send and
			// workflow task meanwhile, meet a database that does not answer.
			pg := cs.cluster.Postgres
			m, ok := provider.trip.at(30*time.Second, isCustomerMessage, pg.Stop)
			if !ok {
				pg.Stop()
			}
			down := time.Now()
			time.Sleep(time.Duration(2000+rng.IntN(2000)) * time.Millisecond)
			pg.Start(t)
			when := "at a random moment (no send came to hold)"
			if ok {
				when = fmt.Sprintf("the instant the provider accepted the %s of %s, whose answer went back while it was down", m.Step, m.WorkflowID)
			}
			pgDown = time.Since(down)
			phase(fmt.Sprintf("PostgreSQL stopped %s; started again %.1fs later", when, pgDown.Seconds()))
		}},
		{at(100, 106), func() { killMidSend(a) }},
		{at(114, 122), func() {
			cs.workers[a].worker.Stop(syscall.SIGTERM)
			phase(fmt.Sprintf("worker %d stopped for good (SIGTERM)", a+1))
		}},
	}
	for _, e := range events {
		time.Sleep(time.Until(e.at))
		e.do()
	}

	// Wait for every campaign to close: one visibility list a second, well within the
	// server's visibility budget (deploy/cluster/dynamicconfig.yaml) beside the workers' gauges.
	cs.waitAllClosed(6 * time.Minute)
	phase("every campaign closed")

	tally := campaigns.tally(t, cs.cli.status, provider.sb.Messages)
	summary := fmt.Sprintf("cluster fault test: %d campaigns, 3 workers sharing the PostgreSQL store, %d worker kills (%d mid-send), "+
		"1 worker stopped for good, 1 PostgreSQL restart (down %.1fs), sandbox 5xx and 429 storms; %s; %s",
		n, kills, midSend, pgDown.Seconds(), tally, time.Since(start).Round(time.Second))
	t.Log(summary)
	fmt.Println(summary)
	tally.checkLate(t)
	t.Logf("customer messages by the worker that sent them: %v; send ledger rows by state: %s", provider.bySender(cs),
		strings.ReplaceAll(cs.cluster.Postgres.SQL(t, "winback", "SELECT state || ' ' || count(*) FROM send_ledger GROUP BY state ORDER BY state"), "\n", ", "))
	t.Logf("what the workers' logs say of the send ledger: %s", cs.logCounts(map[string]string{
		"found at the provider after an interrupted attempt, not sent again": "was interrupted after",
		"interrupted before reaching the provider, sent once":                "is not known to have reached",
		"already in the ledger, not sent again":                              "already sent; not sending again",
		"sent but not recorded":                                              "not recorded in the send ledger",
	}))
	for i, w := range cs.workers {
		if i == a {
			continue
		}
		if exited, code := w.worker.Exited(); exited {
			t.Errorf("worker %d exited with %d", i+1, code)
		}
	}
}

// sharedSandbox is the SendGrid and Twilio of a test with several workers: one sandbox in the
// test process, served over HTTP, that every worker reaches through its provider settings.
type sharedSandbox struct {
	t    *testing.T
	sb   *sandbox.Sandbox
	url  string
	trip *tripwire
}

func startSharedSandbox(t *testing.T) *sharedSandbox {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	sb.Register(mux)
	trip := &tripwire{next: mux, sb: sb}
	srv := httptest.NewServer(trip)
	// Close the sandbox first: it releases requests held by a timeout fault.
	t.Cleanup(func() { trip.disarm(); _ = sb.Close(); srv.Close() })
	return &sharedSandbox{t: t, sb: sb, url: srv.URL, trip: trip}
}

// env points a worker at the sandbox as at the real providers (config/sendgrid.go,
// config/twilio.go): with keys, so the worker serves no sandbox of its own, and with the Email
// Activity API on, so an email interrupted by a crash is looked up, not sent blind.
func (p *sharedSandbox) env() []string {
	return []string{
		"SENDGRID_API_KEY=SG.cluster-fault-test",
		"SENDGRID_BASE_URL=" + p.url + "/sandbox/sendgrid",
		"SENDGRID_EMAIL_ACTIVITY=true",
		"TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef",
		"TWILIO_AUTH_TOKEN=clusterFaultTest0123",
		"TWILIO_BASE_URL=" + p.url + "/sandbox/twilio",
		"TWILIO_FROM=+15005550006",
	}
}

// fault sets a provider fault.
func (p *sharedSandbox) fault(f sandbox.Fault, what string) {
	p.t.Helper()
	if err := f.Validate(); err != nil {
		p.t.Fatal(err)
	}
	p.sb.SetFault(f)
	p.t.Logf("provider: %s for %gs", what, f.Seconds)
}

// bySender counts the customer messages by the worker that sent them.
func (p *sharedSandbox) bySender(cs *clusterStack) map[string]int {
	out := map[string]int{}
	for _, m := range p.sb.Messages("") {
		for i, w := range cs.workers {
			if sentBy(m, w.http) {
				out[fmt.Sprintf("worker %d", i+1)]++
			}
		}
	}
	return out
}

// isCustomerMessage: a customer email carries the sending worker's unsubscribe link, a text
// the sending worker's status callback; staff notices carry neither.
func isCustomerMessage(m sandbox.Message) bool {
	return m.WorkflowID != "" && (m.StatusCallback != "" || m.Headers["List-Unsubscribe"] != "")
}

// sentBy reports whether the worker at HTTP address addr sent m (a worker's public URL, in
// the message's links, is its address).
func sentBy(m sandbox.Message, addr string) bool {
	return isCustomerMessage(m) && strings.Contains(m.StatusCallback+" "+m.Headers["List-Unsubscribe"], "//"+addr+"/")
}

// tripwire serves the sandbox and, when armed, holds the answer to the first accepted message
// that matches while the test acts (kills the sender, restarts the database): the worst moment
// for a send, when the provider has the message and its sender does not know.
type tripwire struct {
	next http.Handler
	sb   *sandbox.Sandbox

	mu      sync.Mutex
	match   func(sandbox.Message) bool // nil: disarmed
	fired   chan sandbox.Message
	release chan struct{}
}

func (tw *tripwire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		tw.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	tw.next.ServeHTTP(rec, r)
	if rec.Code/100 == 2 {
		tw.check(rec)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// check fires the armed tripwire when the message just accepted matches, and waits until the
// test has acted.
func (tw *tripwire) check(rec *httptest.ResponseRecorder) {
	tw.mu.Lock()
	if tw.match == nil {
		tw.mu.Unlock()
		return
	}
	m, ok := tw.accepted(rec)
	if !ok || !tw.match(m) {
		tw.mu.Unlock()
		return
	}
	fired, release := tw.fired, tw.release
	tw.match = nil
	tw.mu.Unlock()
	fired <- m
	select {
	case <-release:
	case <-time.After(time.Minute):
	}
}

// accepted finds the message an answer is about: SendGrid's X-Message-Id, Twilio's sid.
func (tw *tripwire) accepted(rec *httptest.ResponseRecorder) (sandbox.Message, bool) {
	id := rec.Header().Get("X-Message-Id")
	if id == "" {
		var body struct{ Sid string }
		if json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Sid == "" {
			return sandbox.Message{}, false
		}
		id = body.Sid
	}
	msgs := tw.sb.Messages("")
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].ID == id {
			return msgs[i], true
		}
	}
	return sandbox.Message{}, false
}

// at arms the tripwire for the first accepted message that matches, within wait: it runs act
// while that message's answer is held, and returns the message. Without one in time it
// disarms and returns false, having done nothing.
func (tw *tripwire) at(wait time.Duration, match func(sandbox.Message) bool, act func()) (sandbox.Message, bool) {
	tw.mu.Lock()
	tw.match, tw.fired, tw.release = match, make(chan sandbox.Message, 1), make(chan struct{})
	fired, release := tw.fired, tw.release
	tw.mu.Unlock()
	defer close(release)
	select {
	case m := <-fired:
		act()
		return m, true
	case <-time.After(wait):
	}
	tw.mu.Lock()
	armed := tw.match != nil
	tw.match = nil
	tw.mu.Unlock()
	if armed {
		return sandbox.Message{}, false
	}
	m := <-fired // it fired as the wait ended
	act()
	return m, true
}

func (tw *tripwire) disarm() {
	tw.mu.Lock()
	tw.match = nil
	tw.mu.Unlock()
}

// waitAllClosed waits until visibility lists no open campaign; on a timeout it names some
// that are still open.
func (c *clusterStack) waitAllClosed(timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		open := c.cli.runningCampaigns()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			out, _, _ := c.cli.run("list", "--open", "--limit", "10")
			c.t.Fatalf("%d campaigns still open after %s (-1: the list failed); some of them:\n%s", open, timeout, out)
		}
		time.Sleep(time.Second)
	}
}

// logCounts counts, for each name, the lines of every worker process's log (the killed ones
// too) that contain its text.
func (c *clusterStack) logCounts(texts map[string]string) string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(texts)) {
		n := 0
		for _, ps := range c.started {
			for _, p := range ps {
				n += strings.Count(p.Log.String(), texts[name])
			}
		}
		out = append(out, fmt.Sprintf("%d %s", n, name))
	}
	return strings.Join(out, ", ")
}

// keepLogsOnFailure writes every worker process's log, and the server's and PostgreSQL's, to
// a folder that outlives the test when it failed, and says where.
func (c *clusterStack) keepLogsOnFailure() {
	if !c.t.Failed() {
		return
	}
	dir, err := os.MkdirTemp("", "winback-cluster-logs-")
	if err != nil {
		c.t.Logf("keeping the logs: %v", err)
		return
	}
	for i := range c.workers {
		for j, p := range c.started[i] {
			_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("worker%d.%d.log", i+1, j+1)), []byte(p.Log.String()), 0o644)
		}
	}
	for name, src := range map[string]string{"temporal-server.log": c.cluster.LogFile,
		"postgres.log": filepath.Join(c.cluster.Postgres.Dir, "postgres.log")} {
		if b, err := os.ReadFile(src); err == nil {
			_ = os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
	}
	c.t.Logf("the logs of every process are kept in %s", dir)
}
