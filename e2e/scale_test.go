package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
)

// TestTaskListsAtTheScaleOfTheIssue is issue 15's scenario: 5,000 open campaigns, half of them
// alice's, asleep with tasks due in days. Their records are filed straight into the stack's
// store, as the campaigns would file them, so the test runs in seconds; the CLI and the worker's
// inbox are the real processes. `winback tasks --rep alice` exits 0 at once with every task and
// no warning; the inbox's My tasks is paged and small; the report counts it all, in money.
func TestTaskListsAtTheScaleOfTheIssue(t *testing.T) {
	s := startStack(t)
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(s.dataDir(), "winback.db"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	seeded := time.Now()
	alices, err := testenv.SeedIndex(context.Background(), st, testenv.Seed{Prefix: "scale-", Open: 5000, Closed: 1000,
		Rep: "alice", Others: []string{"bob"}, Manager: "maria", Now: now})
	if err != nil || alices != 2500 {
		t.Fatalf("seeding: %d of alice's, %v", alices, err)
	}
	t.Logf("filed 6,000 campaign records in %s", time.Since(seeded).Round(time.Millisecond))

	// The CLI: the first page and its counts, then every page, with no per-campaign call.
	began := time.Now()
	out, errOut, code := testenv.Run(t, s.env, s.cli, "tasks", "--rep", "alice")
	took := time.Since(began)
	if code != 0 || errOut != "" || !strings.Contains(out, "overdue of 2500 tasks") || !strings.Contains(out, "Page 1 of 50") {
		t.Fatalf("winback tasks --rep alice: exit %d in %s\n%s%s", code, took, out, errOut)
	}
	t.Logf("winback tasks --rep alice: exit 0 in %s", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("winback tasks --rep alice took %s: the list should not depend on the campaigns", took)
	}
	var all cliTaskList
	s.runJSON(&all, 0, "tasks", "--rep", "alice", "--page", "all", "-o", "json")
	seen := map[string]bool{}
	for n, o := range all.Tasks {
		key := o.CustomerID + "/" + o.Task.ID
		if seen[key] || o.Task.Assignee != "alice" || (n > 0 && o.Task.Due.Before(all.Tasks[n-1].Task.Due)) {
			t.Fatalf("task %d %s: twice, not alice's, or out of order", n, key)
		}
		seen[key] = true
	}
	if len(all.Tasks) != 2500 || all.Total != 2500 || all.Overdue == 0 {
		t.Errorf("every page: %d tasks, total %d, overdue %d; want 2500", len(all.Tasks), all.Total, all.Overdue)
	}

	// The inbox: 50 tasks a page, with the counts, small and quick.
	base := "http://" + s.http
	alice, err := testenv.InboxSignIn(base, "alice", "alice-demo")
	if err != nil {
		t.Fatal(err)
	}
	get := func(c *http.Client, path string) (int, string, time.Duration) {
		t.Helper()
		began := time.Now()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), time.Since(began)
	}
	status, body, took := get(alice, "/inbox/tasks")
	if status != 200 || strings.Count(body, `<li class="task`) != 50 || !strings.Contains(body, "of 2500 tasks") || !strings.Contains(body, "page 1 of 50") {
		t.Fatalf("alice's first page: %d, %d tasks\n%s", status, strings.Count(body, `<li class="task`), body)
	}
	t.Logf("alice's My tasks: %d bytes in %s", len(body), took.Round(time.Millisecond))
	if len(body) > 100_000 {
		t.Errorf("the first page is %d bytes", len(body))
	}
	if status, body, _ := get(alice, "/inbox/tasks?page=50&kind=backstory"); status != 200 || !strings.Contains(body, "There is no page 50") {
		t.Errorf("page 50 of alice's backstories: %d", status)
	}
	if status, _, _ := get(alice, "/inbox/tasks?page=0"); status != http.StatusBadRequest {
		t.Errorf("page 0: %d, want 400", status)
	}

	// The report: every seeded campaign, in money, the loss credited to who lost it.
	var r cliReport
	s.runJSON(&r, 0, "report")
	if r.Totals.Campaigns != 6000 || r.Totals.Open != 5000 || r.Totals.WonBack == 0 || r.Totals.WonBack != r.ByOutcome["won_back"] || r.Totals.ValueWonBack <= 0 ||
		len(r.ByLostBy) != 2 || !slices.ContainsFunc(r.Funnel, func(f struct {
		Stage     string
		Campaigns int
	}) bool {
		return f.Stage == "decision" && f.Campaigns > 0
	}) {
		t.Errorf("report: %+v", r.Totals)
	}
	maria, err := testenv.InboxSignIn(base, "maria", "maria-demo")
	if err != nil {
		t.Fatal(err)
	}
	status, body, took = get(maria, "/inbox/report")
	if status != 200 || strings.Count(body, `role="img"`) != 3 {
		t.Errorf("maria's report page: %d", status)
	}
	t.Logf("maria's report page: %d bytes in %s", len(body), took.Round(time.Millisecond))
}

// dataDir is the stack's WINBACK_DATA_DIR.
func (s *stack) dataDir() string {
	for _, kv := range slices.Backward(s.env) {
		if v, ok := strings.CutPrefix(kv, "WINBACK_DATA_DIR="); ok {
			return v
		}
	}
	s.t.Fatal("the stack has no WINBACK_DATA_DIR")
	return ""
}
