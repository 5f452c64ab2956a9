package inbox

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// testNow is the fake clock's start: every due time in the fixtures is relative to it.
var testNow = time.Date(2025, 6, 3, 14, 0, 0, 0, time.UTC)

var (
	teamOnce sync.Once
	team     config.Team
)

// testTeam: reps alice and bob under maria; rep dave under nina. Password: "<id>-pw".
func testTeam(t *testing.T) config.Team {
	t.Helper()
	teamOnce.Do(func() {
		people := []config.Person{
			{ID: "alice", Name: "Alice Archer", Role: config.RoleRep, Manager: "maria", TimeZone: "America/New_York"},
			{ID: "bob", Name: "Bob Baker", Role: config.RoleRep, Manager: "maria"},
			{ID: "maria", Name: "Maria Moreno", Role: config.RoleManager},
			{ID: "dave", Name: "Dave Dunn", Role: config.RoleRep, Manager: "nina"},
			{ID: "nina", Name: "Nina Novak", Role: config.RoleManager},
		}
		for n := range people {
			h, err := bcrypt.GenerateFromPassword([]byte(people[n].ID+"-pw"), bcrypt.MinCost)
			if err != nil {
				panic(err)
			}
			people[n].PasswordHash = string(h)
		}
		team = config.Team{People: people}
	})
	return team
}

// fixtures: acme and initech are alice's, globex is bob's (all managed by maria), umbrella is
// dave's under nina.
func fixtures() []workflows.CampaignStatus {
	task := func(id string, kind workflows.TaskKind, assignee string, due time.Duration) workflows.Task {
		return workflows.Task{ID: id, Kind: kind, Title: string(kind) + " task", Assignee: assignee,
			Created: testNow.Add(-24 * time.Hour), Due: testNow.Add(due), Status: workflows.TaskOpen}
	}
	done := task("backstory", workflows.TaskBackstory, "alice", -20*time.Hour)
	done.Status, done.CompletedBy, done.Completed = workflows.TaskDone, "alice", testNow.Add(-21*time.Hour)
	done.Answers = &workflows.TaskAnswers{OurSide: "Two late deliveries in Q3", Landmines: []string{"billing dispute"}}
	return []workflows.CampaignStatus{
		{CustomerID: "acme", Stage: workflows.StageExitInterview, Rep: "alice", Manager: "maria", Launched: testNow.Add(-48 * time.Hour),
			Tasks: []workflows.Task{done, task("exit-interview", workflows.TaskExitInterview, "alice", time.Hour)}},
		{CustomerID: "globex", Stage: workflows.StageExitInterview, Rep: "bob", Manager: "maria", Launched: testNow.Add(-48 * time.Hour),
			Tasks: []workflows.Task{task("exit-interview", workflows.TaskExitInterview, "bob", -time.Hour)}},
		{CustomerID: "initech", Stage: workflows.StageBackstory, Rep: "alice", Manager: "maria", Launched: testNow.Add(-48 * time.Hour),
			Tasks: []workflows.Task{task("backstory", workflows.TaskBackstory, "alice", -2*time.Hour)}},
		{CustomerID: "umbrella", Stage: workflows.StageBackstory, Rep: "dave", Manager: "nina", Launched: testNow.Add(-48 * time.Hour),
			Tasks: []workflows.Task{task("backstory", workflows.TaskBackstory, "dave", 3*time.Hour)}},
	}
}

// harness is an inbox over a fake client on an httptest server, with a settable clock.
type harness struct {
	t     *testing.T
	inbox *Inbox
	fake  *campaignstest.Fake
	srv   *httptest.Server
	mu    sync.Mutex
	now   time.Time
}

func newHarness(t *testing.T, tweak ...func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, fake: campaignstest.New(fixtures()...), now: testNow}
	o := Options{Client: h.fake, Namespace: "default", Team: testTeam(t), Secret: []byte("0123456789abcdef-test-secret")}
	for _, fn := range tweak {
		fn(&o)
	}
	in, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	in.now = h.clock
	h.inbox = in
	mux := http.NewServeMux()
	in.Register(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
type browser struct {
	h *harness
	c *http.Client
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response, read.
type page struct {
	status   int
	body     string
	location string
	resp     *http.Response
}

func (b *browser) do(req *http.Request) page {
	b.h.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location"), resp: resp}
}

func (b *browser) get(path string) page {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the first form on the page at path.
func (b *browser) csrf(path string) string {
	b.h.t.Helper()
	p := b.get(path)
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		b.h.t.Fatalf("GET %s: no csrf field (status %d):\n%s", path, p.status, p.body)
	}
	return m[1]
}

// signIn signs in with the test team's password and checks it worked.
func (b *browser) signIn(id string) {
	b.h.t.Helper()
	p := b.post("/inbox/signin", url.Values{"csrf": {b.csrf("/inbox/signin")}, "id": {id}, "password": {id + "-pw"}})
	if p.status != http.StatusSeeOther || p.location != "/inbox/tasks" {
		b.h.t.Fatalf("sign in as %s: status %d, location %q\n%s", id, p.status, p.location, p.body)
	}
}

// signedIn returns a browser signed in as id.
func (h *harness) signedIn(id string) *browser {
	h.t.Helper()
	b := h.browser()
	b.signIn(id)
	return b
}

func mustContain(t *testing.T, p page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (status %d) does not contain %q:\n%s", p.status, w, p.body)
		}
	}
}

func mustNotContain(t *testing.T, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page (status %d) contains %q", p.status, w)
		}
	}
}
