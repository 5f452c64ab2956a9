package deploy_test

import (
	"encoding/json"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// No Docker engine runs in CI, so this test reads docker-compose.yml, the Dockerfile and the
// files they mount, and checks that they fit together: what `docker compose up` would find out
// late and loudly.

const repoRoot = ".."

type composeFile struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image         string                `yaml:"image"`
	ContainerName string                `yaml:"container_name"`
	Build         any                   `yaml:"build"`
	Command       []string              `yaml:"command"`
	Environment   env                   `yaml:"environment"`
	Ports         []string              `yaml:"ports"`
	Expose        []string              `yaml:"expose"`
	DependsOn     map[string]dependency `yaml:"depends_on"`
	Healthcheck   *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Volumes []string `yaml:"volumes"`
}

type dependency struct {
	Condition string `yaml:"condition"`
}

// env is a service's environment, in map or list form. readCompose resolves ${VAR:-default}
// in its values as compose would.
type env map[string]string

func (e *env) UnmarshalYAML(n *yaml.Node) error {
	*e = env{}
	if n.Kind == yaml.SequenceNode {
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, kv := range list {
			k, v, _ := strings.Cut(kv, "=")
			(*e)[k] = v
		}
		return nil
	}
	var m map[string]string
	if err := n.Decode(&m); err != nil {
		return err
	}
	maps.Copy(*e, m)
	return nil
}

var variable = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::?-([^}]*))?\}`)

// interpolate resolves ${VAR} and ${VAR:-default} with the variables in shell.
func interpolate(s string, shell map[string]string) string {
	return variable.ReplaceAllStringFunc(s, func(m string) string {
		sub := variable.FindStringSubmatch(m)
		if v, ok := shell[sub[1]]; ok && v != "" {
			return v
		}
		return sub[2]
	})
}

// readCompose reads docker-compose.yml as compose would with none of its variables set.
func readCompose(t *testing.T) composeFile {
	t.Helper()
	return readComposeWith(t, nil)
}

// readComposeWith reads docker-compose.yml as compose would with the variables in shell set.
func readComposeWith(t *testing.T, shell map[string]string) composeFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, s := range c.Services {
		for k, v := range s.Environment {
			s.Environment[k] = interpolate(v, shell)
		}
	}
	return c
}

func (c composeFile) service(t *testing.T, name string) service {
	t.Helper()
	s, ok := c.Services[name]
	if !ok {
		t.Fatalf("docker-compose.yml has no %q service", name)
	}
	return s
}

// published returns the host port that publishes containerPort, or "".
func (s service) published(containerPort string) string {
	for _, p := range s.Ports {
		p = strings.TrimSuffix(p, "/tcp")
		parts := strings.Split(p, ":") // [ip:]host:container, or container alone
		if len(parts) >= 2 && parts[len(parts)-1] == containerPort {
			return parts[len(parts)-2]
		}
	}
	return ""
}

func TestServicesExist(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"postgres", "temporal-schema", "temporal", "temporal-setup", "temporal-ui", "worker", "proxy", "prometheus", "grafana"} {
		c.service(t, name)
	}
	if !strings.HasPrefix(c.service(t, "temporal").Image, "temporalio/server:") {
		t.Errorf("temporal runs %q, want the official temporalio/server image", c.service(t, "temporal").Image)
	}
	if !strings.HasPrefix(c.service(t, "temporal-ui").Image, "temporalio/ui:") {
		t.Errorf("temporal-ui runs %q, want temporalio/ui", c.service(t, "temporal-ui").Image)
	}
	if c.service(t, "worker").Build == nil {
		t.Error("worker is not built from the repository's Dockerfile")
	}
}

// pinned says what is wrong with an image reference, or "".
func pinned(image string) string {
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case strings.Contains(image, "@sha256:"):
		return ""
	case !ok || tag == "":
		return "has no tag"
	case tag == "latest":
		return "is pinned to latest"
	case strings.Contains(tag, "$"):
		return "takes its tag from a variable"
	}
	return ""
}

func TestImagesArePinned(t *testing.T) {
	for name, s := range readCompose(t).Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("%s: neither image nor build", name)
			continue
		}
		if s.Image != "" {
			if problem := pinned(s.Image); problem != "" {
				t.Errorf("%s: image %q %s", name, s.Image, problem)
			}
		}
	}
	for _, from := range dockerfile(t).froms {
		if problem := pinned(from); problem != "" {
			t.Errorf("Dockerfile: FROM %s %s", from, problem)
		}
	}
}

// testedVersions reads, from tools/go.mod, the Temporal server the tests run and the UI its
// pinned CLI embeds.
func testedVersions(t *testing.T) (server, ui string) {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join(repoRoot, "tools", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	version := func(module string) string {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(module) + ` v(\d+\.\d+\.\d+)\b`).FindSubmatch(mod)
		if m == nil {
			t.Fatalf("tools/go.mod requires no %s", module)
		}
		return string(m[1])
	}
	return version("go.temporal.io/server"), version("github.com/temporalio/ui-server/v2")
}

// The compose Temporal is the one the tests run (testenv.StartCluster builds it from
// tools/go.mod): bumping one without the other fails here.
func TestTemporalImagesAreTheTestedVersion(t *testing.T) {
	server, ui := testedVersions(t)
	uiMinor := ui[:strings.LastIndex(ui, ".")]
	seen := map[string]bool{}
	for name, s := range readCompose(t).Services {
		repo, tag, _ := strings.Cut(s.Image, ":")
		tag, _, _ = strings.Cut(tag, "@")
		switch repo {
		case "temporalio/server", "temporalio/auto-setup":
			if tag != server {
				t.Errorf("%s runs %s, want %s:%s (go.temporal.io/server in tools/go.mod)", name, s.Image, repo, server)
			}
		case "temporalio/admin-tools": // e.g. 1.29.1-tctl-1.18.4-cli-1.5.0: its schemas are the server's
			if tag != server && !strings.HasPrefix(tag, server+"-") {
				t.Errorf("%s runs %s, want admin-tools of server %s (tools/go.mod)", name, s.Image, server)
			}
		case "temporalio/ui": // the dev server's UI; a patch release without an image may differ
			if tag != uiMinor && !strings.HasPrefix(tag, uiMinor+".") {
				t.Errorf("%s runs %s, want UI %s.x, the one the pinned CLI embeds (ui-server v%s in tools/go.mod)", name, s.Image, uiMinor, ui)
			}
		}
		seen[repo] = true
	}
	for _, repo := range []string{"temporalio/server", "temporalio/admin-tools", "temporalio/ui"} {
		if !seen[repo] {
			t.Errorf("no service runs %s", repo)
		}
	}
}

// The server runs with the dynamic config of the tests' cluster (visibility at 100 calls/s).
func TestTemporalUsesTheClustersDynamicConfig(t *testing.T) {
	s := readCompose(t).service(t, "temporal")
	want := s.Environment["DYNAMIC_CONFIG_FILE_PATH"]
	if want == "" {
		t.Fatal("temporal: DYNAMIC_CONFIG_FILE_PATH is not set")
	}
	if !slices.ContainsFunc(s.Volumes, func(v string) bool {
		return strings.HasPrefix(v, "./deploy/cluster/dynamicconfig.yaml:"+want+":") || v == "./deploy/cluster/dynamicconfig.yaml:"+want
	}) {
		t.Errorf("temporal: DYNAMIC_CONFIG_FILE_PATH=%s is not deploy/cluster/dynamicconfig.yaml mounted (volumes %v)", want, s.Volumes)
	}
}

func TestPublishedPorts(t *testing.T) {
	c := readCompose(t)
	for _, p := range []struct{ service, container, host string }{
		{"temporal", "7233", "7233"},
		{"temporal-ui", "8080", "8233"},
		{"proxy", "8080", "8080"},
		{"prometheus", "9090", "9090"},
	} {
		if got := c.service(t, p.service).published(p.container); got != p.host {
			t.Errorf("%s: container port %s published on %q, want %s", p.service, p.container, got, p.host)
		}
	}
	for _, name := range []string{"postgres", "worker"} {
		if got := c.service(t, name).Ports; len(got) != 0 {
			t.Errorf("%s publishes %v: it stays on the compose network", name, got)
		}
	}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %q on every interface, want 127.0.0.1 only", name, p)
			}
		}
	}
}

func TestDependsOnConditions(t *testing.T) {
	c := readCompose(t)
	want := map[string]map[string]string{
		"temporal-schema": {"postgres": "service_healthy"},
		"temporal":        {"temporal-schema": "service_completed_successfully"},
		"temporal-setup":  {"temporal": "service_healthy"},
		"temporal-ui":     {"temporal": "service_healthy"},
		"worker":          {"temporal-schema": "service_completed_successfully", "temporal": "service_healthy", "temporal-setup": "service_completed_successfully"},
		"proxy":           {"worker": "service_started"},
		"prometheus":      {"worker": "service_started"},
	}
	for name, deps := range want {
		got := c.service(t, name).DependsOn
		for dep, cond := range deps {
			if got[dep].Condition != cond {
				t.Errorf("%s depends on %s with condition %q, want %q", name, dep, got[dep].Condition, cond)
			}
		}
	}
	for name, s := range c.Services {
		for dep, d := range s.DependsOn {
			target, ok := c.Services[dep]
			switch {
			case !ok:
				t.Errorf("%s depends on %s, which is not a service", name, dep)
			case d.Condition == "service_healthy" && (target.Healthcheck == nil || len(target.Healthcheck.Test) == 0):
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			case !slices.Contains([]string{"service_healthy", "service_completed_successfully", "service_started"}, d.Condition):
				t.Errorf("%s depends on %s with condition %q", name, dep, d.Condition)
			}
		}
	}
}

// workerPort returns the port the worker's HTTP server listens on in its container.
func workerPort(t *testing.T, c composeFile) string {
	t.Helper()
	host, port, err := net.SplitHostPort(c.service(t, "worker").Environment["WINBACK_HTTP_ADDR"])
	if err != nil {
		t.Fatalf("worker: WINBACK_HTTP_ADDR: %v", err)
	}
	if host != "0.0.0.0" && host != "" {
		t.Errorf("worker listens on %q: the proxy and Prometheus cannot reach it", host)
	}
	return port
}

// entryPort returns the host port of the one entry point to the workers, the proxy.
func entryPort(t *testing.T, c composeFile) string {
	t.Helper()
	site := proxySite(t, c)
	port := c.service(t, "proxy").published(site.port)
	if port == "" {
		t.Fatalf("proxy: the Caddyfile's site port %s is not published", site.port)
	}
	return port
}

func TestWorkerEnvironment(t *testing.T) {
	c := readCompose(t)
	w := c.service(t, "worker")
	host, port, err := net.SplitHostPort(w.Environment["TEMPORAL_ADDRESS"])
	if err != nil {
		t.Fatalf("worker: TEMPORAL_ADDRESS: %v", err)
	}
	temporal, ok := c.Services[host]
	if !ok || !strings.HasPrefix(temporal.Image, "temporalio/server:") || port != "7233" {
		t.Errorf("worker: TEMPORAL_ADDRESS=%s is not the temporal service's frontend", w.Environment["TEMPORAL_ADDRESS"])
	}

	// Links in emails and the providers' webhooks reach the workers through the proxy.
	hostPort := entryPort(t, c)
	public, err := url.Parse(w.Environment["WINBACK_PUBLIC_URL"])
	if err != nil || public.Port() != hostPort {
		t.Errorf("worker: WINBACK_PUBLIC_URL=%q does not reach the proxy's published port %s", w.Environment["WINBACK_PUBLIC_URL"], hostPort)
	}

	// The worker's environment, with nothing set in the shell, is a valid configuration.
	vars := maps.Clone(w.Environment)
	vars["WINBACK_DATA_DIR"] = t.TempDir()
	if _, err := config.LoadFrom(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }); err != nil {
		t.Errorf("the worker's compose environment does not load: %v", err)
	}
}

func TestUIUsesTheWorkersCodecEndpoint(t *testing.T) {
	c := readCompose(t)
	ui := c.service(t, "temporal-ui")
	if ui.Environment["TEMPORAL_ADDRESS"] != c.service(t, "worker").Environment["TEMPORAL_ADDRESS"] {
		t.Errorf("the UI (%s) and the worker (%s) talk to different servers",
			ui.Environment["TEMPORAL_ADDRESS"], c.service(t, "worker").Environment["TEMPORAL_ADDRESS"])
	}
	hostPort := entryPort(t, c)
	endpoint, err := url.Parse(ui.Environment["TEMPORAL_CODEC_ENDPOINT"])
	if err != nil || endpoint.Scheme != "http" || endpoint.Path != "/codec" {
		t.Fatalf("temporal-ui: TEMPORAL_CODEC_ENDPOINT=%q, want http://localhost:PORT/codec", ui.Environment["TEMPORAL_CODEC_ENDPOINT"])
	}
	// The browser calls the codec, so it must be on the host: the proxy's published port.
	if h := endpoint.Hostname(); (h != "localhost" && h != "127.0.0.1") || endpoint.Port() != hostPort {
		t.Errorf("temporal-ui: TEMPORAL_CODEC_ENDPOINT=%s is not the proxy's published port %s", endpoint, hostPort)
	}
}

// Prometheus finds every worker replica by DNS: a static worker:8080 would scrape whichever
// replica Docker's resolver names first, and miss the others.
func TestPrometheusScrapesEveryWorker(t *testing.T) {
	c := readCompose(t)
	var source string
	for _, v := range c.service(t, "prometheus").Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[1] == "/etc/prometheus/prometheus.yml" {
			source = parts[0]
		}
	}
	if source == "" {
		t.Fatal("prometheus: no prometheus.yml mounted at /etc/prometheus/prometheus.yml")
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, source))
	if err != nil {
		t.Fatal(err)
	}
	var prom struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			MetricsPath   string `yaml:"metrics_path"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
			DNSSDConfigs []struct {
				Names []string `yaml:"names"`
				Type  string   `yaml:"type"`
				Port  int      `yaml:"port"`
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(data, &prom); err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	port := workerPort(t, c)
	found := false
	for _, job := range prom.ScrapeConfigs {
		for _, sc := range job.StaticConfigs {
			for _, target := range sc.Targets {
				if host, _, _ := net.SplitHostPort(target); host == "worker" {
					t.Errorf("%s: job %s scrapes %s statically: that is one replica, not every one", source, job.JobName, target)
				}
			}
		}
		for _, sd := range job.DNSSDConfigs {
			if slices.Contains(sd.Names, "worker") && strings.EqualFold(sd.Type, "A") && strconv.Itoa(sd.Port) == port &&
				(job.MetricsPath == "" || job.MetricsPath == "/metrics") {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("%s: no job scrapes /metrics of every `worker` replica (dns_sd_configs: names [worker], type A, port %s)", source, port)
	}
}

type dashboardPanel struct {
	Title   string
	Targets []struct{ Expr string }
}

// readDashboard returns the panels of the provisioned Grafana dashboard.
func readDashboard(t *testing.T) []dashboardPanel {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "grafana", "dashboards", "winback.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct{ Panels []dashboardPanel }
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	return dash.Panels
}

// The Grafana dashboard charts metrics the worker really exports, from the provisioned datasource.
func TestGrafanaDashboardUsesOurMetrics(t *testing.T) {
	exported := append([]string{"winback_campaigns_closed_total", "winback_sends_total", "winback_task_escalations_total",
		"winback_opt_outs_total", "temporal_workflow_task_execution_latency_bucket"}, visibilityGauges...)
	for _, p := range readDashboard(t) {
		for _, target := range p.Targets {
			if !slices.ContainsFunc(exported, func(m string) bool { return strings.Contains(target.Expr, m) }) {
				t.Errorf("panel %q charts %q, which the worker does not export", p.Title, target.Expr)
			}
		}
	}
	ds, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))
	if err != nil || !strings.Contains(string(ds), "http://prometheus:9090") {
		t.Errorf("the Grafana datasource does not point at the prometheus service: %v", err)
	}
}

func TestBindMountsExist(t *testing.T) {
	for name, s := range readCompose(t).Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, "./") {
				if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
			}
		}
	}
}

func TestSetupRegistersEverySearchAttribute(t *testing.T) {
	c := readCompose(t)
	if got := c.service(t, "temporal-setup").Command; !slices.Equal(got, []string{"/scripts/setup.sh"}) {
		t.Fatalf("temporal-setup runs %v, want /scripts/setup.sh", got)
	}
	script, err := os.ReadFile(filepath.Join(repoRoot, "deploy/temporal/setup.sh"))
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^register (\S+) (\S+)$`).FindAllStringSubmatch(string(script), -1) {
		registered[m[1]] = m[2]
	}
	for name, typ := range workflows.SearchAttributeTypes {
		// The enum's String() is the CLI's type name (Keyword, Datetime, KeywordList...).
		if registered[name] != typ.String() {
			t.Errorf("setup.sh registers %s as %q, want %q (workflows/searchattrs.go)", name, registered[name], typ.String())
		}
	}
	for name := range registered {
		if _, ok := workflows.SearchAttributeTypes[name]; !ok {
			t.Errorf("setup.sh registers %s, which workflows/searchattrs.go does not define", name)
		}
	}
}

// dockerfileInfo is what the test needs from the Dockerfile.
type dockerfileInfo struct {
	froms      []string // image of each stage
	runs       []string // RUN instructions, continuation lines joined
	finalUser  string   // USER of the last stage
	finalImage string
}

func dockerfile(t *testing.T) dockerfileInfo {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var info dockerfileInfo
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for line := range strings.SplitSeq(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "FROM":
			info.froms = append(info.froms, fields[1])
			info.finalImage, info.finalUser = fields[1], ""
		case "RUN":
			info.runs = append(info.runs, line)
		case "USER":
			info.finalUser = fields[1]
		}
	}
	return info
}

func TestDockerfileBuildsWorkerAndStarter(t *testing.T) {
	info := dockerfile(t)
	if len(info.froms) < 2 || !strings.HasPrefix(info.froms[0], "golang:1.26") {
		t.Errorf("stages %v: want a golang:1.26 build stage and a separate runtime stage", info.froms)
	}
	if strings.HasPrefix(info.finalImage, "golang:") {
		t.Errorf("the runtime stage is %s: ship the binaries, not the toolchain", info.finalImage)
	}
	if u := strings.Split(info.finalUser, ":")[0]; u == "" || u == "root" || u == "0" {
		t.Errorf("the runtime stage runs as %q, want a non-root user", info.finalUser)
	}
	built := map[string]string{} // package -> binary
	build := regexp.MustCompile(`go build .*?-o (\S+) (\./\S+)`)
	for _, run := range info.runs {
		for _, cmd := range strings.Split(run, "&&") {
			if m := build.FindStringSubmatch(cmd); m != nil {
				built[m[2]] = filepath.Base(m[1])
			}
		}
	}
	for _, pkg := range []string{"./worker", "./starter"} {
		if built[pkg] == "" {
			t.Errorf("the Dockerfile does not build %s (it builds %v)", pkg, built)
		}
	}
	// What compose runs in the image must be something the Dockerfile built.
	w := readCompose(t).service(t, "worker")
	binaries := slices.Collect(maps.Values(built))
	if len(w.Command) == 0 || !slices.Contains(binaries, w.Command[0]) {
		t.Errorf("worker runs %v, which the Dockerfile does not build (%v)", w.Command, binaries)
	}
	if w.Healthcheck == nil || len(w.Healthcheck.Test) < 2 || !slices.Contains(binaries, w.Healthcheck.Test[1]) {
		t.Errorf("worker healthcheck %v does not run a binary the Dockerfile builds (%v)", w.Healthcheck, binaries)
	}
}
