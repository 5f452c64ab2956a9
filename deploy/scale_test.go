package deploy_test

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// What `docker compose up --scale worker=3` needs: workers that keep nothing of their own, the
// store in the compose PostgreSQL, one entry point that balances over every replica, metrics
// from every replica, and a dashboard whose sums are right across them.

// visibilityGauges count campaigns across the cluster: one worker at a time exports their real
// value (it holds a lease in the store), the others 0.
var visibilityGauges = []string{"winback_campaigns_open", "winback_campaigns_with_open_task", "winback_campaigns_with_overdue_task"}

// mount is one short-syntax volume entry: SOURCE:TARGET[:MODE], or an anonymous TARGET.
type mount struct{ source, target, mode string }

func parseMount(v string) mount {
	parts := strings.Split(v, ":")
	switch len(parts) {
	case 1:
		return mount{target: parts[0]}
	case 2:
		return mount{source: parts[0], target: parts[1]}
	}
	return mount{source: parts[0], target: parts[1], mode: parts[2]}
}

// Replicas share the service's definition: a published host port, a container_name or a
// writable volume would be claimed by all of them.
func TestWorkerReplicasShareNothing(t *testing.T) {
	c := readCompose(t)
	w := c.service(t, "worker")
	if len(w.Ports) != 0 {
		t.Errorf("worker publishes %v: a second replica cannot bind the same host port (the proxy publishes)", w.Ports)
	}
	if w.ContainerName != "" {
		t.Errorf("worker has container_name %q: compose cannot scale a service with a fixed name", w.ContainerName)
	}
	dataDir := path.Clean(w.Environment["WINBACK_DATA_DIR"])
	if !path.IsAbs(dataDir) {
		t.Errorf("worker: WINBACK_DATA_DIR=%q, want an absolute path in the container", w.Environment["WINBACK_DATA_DIR"])
	}
	for _, v := range w.Volumes {
		m := parseMount(v)
		if m.source != "" && m.mode != "ro" {
			t.Errorf("worker mounts %q: every replica would share it; mount read-only, or keep it in the store", v)
		}
		if m.target == dataDir || strings.HasPrefix(dataDir, strings.TrimSuffix(m.target, "/")+"/") {
			t.Errorf("worker: WINBACK_DATA_DIR %s is on the mount %q: it must be the container's own", dataDir, v)
		}
	}
	if u := w.Environment["WINBACK_DATABASE_URL"]; u == "" || strings.HasPrefix(u, "sqlite:") || strings.HasPrefix(u, "file:") {
		t.Errorf("worker: WINBACK_DATABASE_URL=%q: an SQLite file is one worker's store, not the deployment's", u)
	}
}

// The store is the `winback` database of the compose PostgreSQL, with the password compose
// gives that PostgreSQL, created before the workers start.
func TestStoreIsTheComposePostgres(t *testing.T) {
	const password = "p4ss-from-the-shell"
	c := readComposeWith(t, map[string]string{"POSTGRES_PASSWORD": password})
	raw := c.service(t, "worker").Environment["WINBACK_DATABASE_URL"]
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("worker: WINBACK_DATABASE_URL=%q is not a postgres:// URL", raw)
	}
	pg, ok := c.Services[u.Hostname()]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Fatalf("worker: WINBACK_DATABASE_URL names host %q, not the compose postgres service", u.Hostname())
	}
	if u.Port() != "5432" {
		t.Errorf("worker: WINBACK_DATABASE_URL port %q, want 5432", u.Port())
	}
	if u.User.Username() != pg.Environment["POSTGRES_USER"] {
		t.Errorf("worker: WINBACK_DATABASE_URL signs in as %q, not as %s's POSTGRES_USER %q", u.User.Username(), u.Hostname(), pg.Environment["POSTGRES_USER"])
	}
	// With POSTGRES_PASSWORD set in the shell, both take it.
	if got, _ := u.User.Password(); got != password || pg.Environment["POSTGRES_PASSWORD"] != password {
		t.Errorf("with POSTGRES_PASSWORD set, WINBACK_DATABASE_URL's password is %q and %s's is %q: want both from POSTGRES_PASSWORD",
			got, u.Hostname(), pg.Environment["POSTGRES_PASSWORD"])
	}
	if mode := u.Query().Get("sslmode"); mode != "disable" {
		t.Errorf("worker: WINBACK_DATABASE_URL has sslmode=%q: the compose postgres has no TLS, want disable", mode)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || slices.Contains([]string{"temporal", "temporal_visibility", "postgres"}, db) {
		t.Fatalf("worker: WINBACK_DATABASE_URL names database %q, want a database of winback's own", db)
	}

	// temporal-schema creates it, and the worker waits for temporal-schema.
	if d := c.service(t, "worker").DependsOn["temporal-schema"]; d.Condition != "service_completed_successfully" {
		t.Errorf("worker does not wait for temporal-schema (which creates database %s) to complete", db)
	}
	schema := c.service(t, "temporal-schema")
	if len(schema.Command) == 0 || !strings.HasPrefix(schema.Command[0], "/scripts/") {
		t.Fatalf("temporal-schema runs %v, want a script of deploy/temporal", schema.Command)
	}
	script, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "temporal", strings.TrimPrefix(schema.Command[0], "/scripts/")))
	if err != nil {
		t.Fatal(err)
	}
	var created []string
	for _, m := range regexp.MustCompile(`(?m)^\s*sql --db (\S+) create\b`).FindAllStringSubmatch(string(script), -1) {
		name := strings.Trim(m[1], `"`)
		if v, ok := strings.CutPrefix(name, "$"); ok {
			name = schema.Environment[strings.Trim(v, "{}")]
		}
		if name != "" {
			created = append(created, name)
		}
	}
	if !slices.Contains(created, db) {
		t.Errorf("nothing creates database %s: %s creates %v", db, schema.Command[0], created)
	}
}

// caddySite is a site block of a Caddyfile: its port and its dynamic A upstreams.
type caddySite struct {
	port     string
	dynamicA []caddyUpstream // reverse_proxy { dynamic a ... }
	static   []string        // upstreams written out
}

type caddyUpstream struct{ name, port string }

// caddyTokens splits a Caddyfile into tokens, braces on their own, comments dropped.
func caddyTokens(text string) [][]string {
	var lines [][]string
	for line := range strings.SplitSeq(text, "\n") {
		var tokens []string
		for _, f := range strings.Fields(line) {
			if strings.HasPrefix(f, "#") {
				break
			}
			tokens = append(tokens, f)
		}
		if len(tokens) > 0 {
			lines = append(lines, tokens)
		}
	}
	return lines
}

// parseCaddyfile reads the site blocks of a Caddyfile as far as the test needs: each site's
// port and the upstreams of its reverse_proxy.
func parseCaddyfile(text string) []caddySite {
	var sites []caddySite
	var site *caddySite
	var stack []string // the directive that opened each brace
	var dyn *caddyUpstream
	for _, line := range caddyTokens(text) {
		inProxy := slices.Contains(stack, "reverse_proxy")
		switch {
		case line[0] == "}":
			if len(stack) > 0 && stack[len(stack)-1] == "dynamic a" && dyn != nil {
				site.dynamicA = append(site.dynamicA, *dyn)
				dyn = nil
			}
			stack = stack[:max(len(stack)-1, 0)]
			continue
		case len(stack) == 0 && line[len(line)-1] == "{" && len(line) > 1: // a site block
			sites = append(sites, caddySite{})
			site = &sites[len(sites)-1]
			if _, port, found := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(line[0], "http://"), "https://"), ":"); found {
				site.port = strings.TrimSuffix(port, ",")
			}
			stack = append(stack, "site")
			continue
		case len(stack) == 0 && line[0] == "{": // global options
			stack = append(stack, "global")
			site = nil
			continue
		case site == nil:
			if line[len(line)-1] == "{" {
				stack = append(stack, line[0])
			}
			continue
		case line[0] == "reverse_proxy":
			args := line[1:]
			if args[len(args)-1] == "{" {
				args = args[:len(args)-1]
				stack = append(stack, "reverse_proxy")
			}
			for _, a := range args {
				if !strings.HasPrefix(a, "/") && !strings.HasPrefix(a, "@") && a != "*" {
					site.static = append(site.static, a)
				}
			}
			continue
		case inProxy && len(line) >= 2 && line[0] == "dynamic" && line[1] == "a":
			dyn = &caddyUpstream{}
			if len(line) >= 4 && line[2] != "{" {
				dyn.name, dyn.port = line[2], line[3]
			}
			if line[len(line)-1] == "{" {
				stack = append(stack, "dynamic a")
			} else {
				site.dynamicA = append(site.dynamicA, *dyn)
				dyn = nil
			}
			continue
		case inProxy && line[0] == "to":
			site.static = append(site.static, line[1:]...)
		case dyn != nil && len(line) == 2 && line[0] == "name":
			dyn.name = line[1]
		case dyn != nil && len(line) == 2 && line[0] == "port":
			dyn.port = line[1]
		}
		if line[len(line)-1] == "{" {
			stack = append(stack, line[0])
		}
	}
	return sites
}

// proxySite returns the Caddyfile site the proxy serves.
func proxySite(t *testing.T, c composeFile) caddySite {
	t.Helper()
	proxy := c.service(t, "proxy")
	if !strings.HasPrefix(proxy.Image, "caddy:") {
		t.Fatalf("proxy runs %q, want the official caddy image", proxy.Image)
	}
	var source string
	for _, v := range proxy.Volumes {
		if m := parseMount(v); m.target == "/etc/caddy/Caddyfile" {
			source = m.source
		}
	}
	if source == "" {
		t.Fatal("proxy: no Caddyfile mounted at /etc/caddy/Caddyfile")
	}
	text, err := os.ReadFile(filepath.Join(repoRoot, source))
	if err != nil {
		t.Fatal(err)
	}
	sites := parseCaddyfile(string(text))
	if len(sites) != 1 || sites[0].port == "" {
		t.Fatalf("%s: want one site block on a port (`:8080 {`), found %d", source, len(sites))
	}
	return sites[0]
}

// The proxy is the one way in: it publishes the port of WINBACK_PUBLIC_URL and balances over
// the replicas it finds by the worker service's name, on the port the workers listen on.
func TestProxyBalancesOverEveryWorker(t *testing.T) {
	c := readCompose(t)
	site := proxySite(t, c)
	if got := c.service(t, "proxy").published(site.port); got != "8080" {
		t.Errorf("proxy: its site port %s is published on %q, want 127.0.0.1:8080", site.port, got)
	}
	if len(site.static) > 0 {
		t.Errorf("proxy: upstreams %v are written out: the replicas come and go, find them by DNS (dynamic a)", site.static)
	}
	want := caddyUpstream{name: "worker", port: workerPort(t, c)}
	if !slices.Contains(site.dynamicA, want) {
		t.Errorf("proxy: reverse_proxy upstreams %+v, want `dynamic a` with name worker and port %s", site.dynamicA, want.port)
	}
	if d, ok := c.service(t, "proxy").DependsOn["worker"]; !ok || d.Condition == "" {
		t.Error("proxy does not depend on worker")
	}
}

// The parser itself: a proxy to one fixed container, or to nothing, must not pass for dynamic.
func TestParseCaddyfile(t *testing.T) {
	for _, tc := range []struct {
		text string
		want caddySite
	}{
		{":8080 {\n\treverse_proxy {\n\t\tdynamic a {\n\t\t\tname worker\n\t\t\tport 8080 # the workers\n\t\t}\n\t}\n}\n",
			caddySite{port: "8080", dynamicA: []caddyUpstream{{"worker", "8080"}}}},
		{"{\n\tadmin off\n}\nhttp://:8080 {\n\treverse_proxy {\n\t\tdynamic a worker 8080\n\t}\n}\n",
			caddySite{port: "8080", dynamicA: []caddyUpstream{{"worker", "8080"}}}},
		{":8080 {\n\treverse_proxy worker:8080\n}\n", caddySite{port: "8080", static: []string{"worker:8080"}}},
		{":8080 {\n\t# reverse_proxy { dynamic a worker 8080 }\n\trespond ok\n}\n", caddySite{port: "8080"}},
		{":9000 {\n\treverse_proxy {\n\t\tto worker-1:8080\n\t}\n}\n", caddySite{port: "9000", static: []string{"worker-1:8080"}}},
	} {
		got := parseCaddyfile(tc.text)
		if len(got) != 1 || got[0].port != tc.want.port || !slices.Equal(got[0].dynamicA, tc.want.dynamicA) || !slices.Equal(got[0].static, tc.want.static) {
			t.Errorf("parseCaddyfile(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}

// summed matches a visibility gauge as the direct argument of a sum, with the aggregation's
// by (...) or without (...) clause before or after it.
var summed = regexp.MustCompile(`\bsum\s*(?:(by|without)\s*\(([^)]*)\)\s*)?\(\s*(winback_[a-z_]+)\s*(\{[^}]*\})?\s*\)(?:\s*(by|without)\s*\(([^)]*)\))?`)

// sumsAcrossWorkers says what is wrong with how expr aggregates gauge, or "".
func sumsAcrossWorkers(expr, gauge string) string {
	uses := len(regexp.MustCompile(`\b`+gauge+`\b`).FindAllStringIndex(expr, -1))
	good := 0
	for _, m := range summed.FindAllStringSubmatch(expr, -1) {
		if m[3] != gauge {
			continue
		}
		clause, labels := m[1]+m[5], strings.Split(m[2]+","+m[6], ",")
		for i := range labels {
			labels[i] = strings.TrimSpace(labels[i])
		}
		switch {
		case regexp.MustCompile(`\binstance\s*(=|!=|=~|!~)`).MatchString(m[4]):
			return "selects instances: the sum must cover every worker, since only one exports the real value"
		case clause == "by" && slices.Contains(labels, "instance"):
			return "sums by instance, which keeps each worker apart"
		case clause == "without" && !slices.Contains(labels, "instance"):
			return "sums without some labels but keeps instance, which keeps each worker apart"
		}
		good++
	}
	if good < uses {
		return "does not sum it across workers (avg, max or one instance is wrong: only one worker exports the real value)"
	}
	return ""
}

// Only one worker at a time exports a visibility gauge's real value, the others 0: the only
// right cross-worker view is their sum.
func TestVisibilityGaugesAreSummed(t *testing.T) {
	charted := map[string]bool{}
	for _, p := range readDashboard(t) {
		for _, target := range p.Targets {
			for _, g := range visibilityGauges {
				if !regexp.MustCompile(`\b` + g + `\b`).MatchString(target.Expr) {
					continue
				}
				charted[g] = true
				if problem := sumsAcrossWorkers(target.Expr, g); problem != "" {
					t.Errorf("panel %q: %q %s", p.Title, target.Expr, problem)
				}
			}
		}
	}
	for _, g := range visibilityGauges {
		if !charted[g] {
			t.Errorf("the dashboard does not chart %s", g)
		}
	}
}

func TestSumsAcrossWorkers(t *testing.T) {
	const g = "winback_campaigns_open"
	for expr, ok := range map[string]bool{
		"sum(winback_campaigns_open)":                                     true,
		"sum by (stage) (winback_campaigns_open)":                         true,
		"sum(winback_campaigns_open{stage=\"decision\"}) by (stage)":      true,
		"sum without (instance) (winback_campaigns_open)":                 true,
		"winback_campaigns_open":                                          false,
		"avg(winback_campaigns_open)":                                     false,
		"max by (stage) (winback_campaigns_open)":                         false,
		"sum by (instance) (winback_campaigns_open)":                      false,
		"sum without (stage) (winback_campaigns_open)":                    false,
		"winback_campaigns_open{instance=\"worker-1:8080\"}":              false,
		"sum(winback_campaigns_open) + winback_campaigns_open":            false,
		"sum(winback_campaigns_open{instance=\"worker:8080\"})":           false,
		"sum(rate(winback_campaigns_open[5m]))":                           false,
		"sum(winback_campaigns_open_total) + avg(winback_campaigns_open)": false,
	} {
		if got := sumsAcrossWorkers(expr, g) == ""; got != ok {
			t.Errorf("sumsAcrossWorkers(%q) passes = %v, want %v", expr, got, ok)
		}
	}
}
