package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/winback/winback/workflows"
)

// ClusterOptions shape a cluster.
type ClusterOptions struct {
	// Postgres stores the cluster's databases (temporal and temporal_visibility, one cluster
	// per Postgres); nil starts one for this cluster.
	Postgres *Postgres
	// HistoryShards is the number of history shards (0: 4).
	HistoryShards int
	// LogLevel is the server's ("": warn); its log is Cluster.LogFile.
	LogLevel string
}

// Cluster is a real Temporal server (temporal-server 1.29.1, the dev server's version, all four
// services in one process) on PostgreSQL, with the default namespace and winback's search
// attributes ready to use.
type Cluster struct {
	Address   string    // host:port of the frontend's gRPC service
	Namespace string    // "default"
	Postgres  *Postgres // where it stores everything
	Dir       string    // the server's --root: config/ and server.log
	LogFile   string    // the server's output
	// Phases are the steps of the start, each with the time from the start to its end.
	Phases []Phase

	ports  clusterPorts
	shards int
	level  string
	cmd    *exec.Cmd
	exited chan struct{}
}

// Phase is one step of a cluster's start and when it ended, counted from the start.
type Phase struct {
	Name string
	At   time.Duration
}

// clusterPorts are the server's ports on 127.0.0.1.
type clusterPorts struct {
	frontendGRPC, frontendHTTP, frontendMembership int
	historyGRPC, historyMembership                 int
	matchingGRPC, matchingMembership               int
	workerGRPC, workerMembership                   int
}

// namespaceCacheRefresh is system.namespaceCacheRefreshInterval (left at its default): how
// long a change to a namespace, such as new search attributes, takes to reach every service.
const namespaceCacheRefresh = 2 * time.Second

// StartCluster starts a Temporal server on PostgreSQL (its own, unless o.Postgres is set),
// creates both schemas with temporal-sql-tool, creates the default namespace, registers the
// WinBack* search attributes and waits until campaigns can use them. The server is stopped when
// the test ends and killed if the test process dies. A port picked free can be taken before the
// server binds it, so a server that cannot bind is started again on fresh ports.
func StartCluster(t testing.TB, o ClusterOptions) *Cluster {
	t.Helper()
	began := time.Now()
	c := &Cluster{Namespace: "default", Postgres: o.Postgres, shards: o.HistoryShards, level: o.LogLevel}
	if c.shards == 0 {
		c.shards = 4
	}
	if c.level == "" {
		c.level = "warn"
	}
	lap := func(name string) {
		c.Phases = append(c.Phases, Phase{name, time.Since(began)})
	}
	if c.Postgres == nil {
		c.Postgres = StartPostgres(t) // first: without PostgreSQL, skip before building anything
		lap("postgres up")
	}
	server, sqlTool, schemaDir := ServerBinaries(t)
	lap("server binaries")
	if err := c.createSchemas(sqlTool, schemaDir); err != nil {
		t.Fatal(err)
	}
	lap("schemas created")

	c.Dir = t.TempDir()
	c.LogFile = filepath.Join(c.Dir, "server.log")
	if err := os.MkdirAll(filepath.Join(c.Dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	for attempt := 1; ; attempt++ {
		c.ports = freeClusterPorts(t)
		c.Address = fmt.Sprintf("127.0.0.1:%d", c.ports.frontendGRPC)
		err := c.start(server)
		if err == nil {
			break
		}
		c.Stop()
		if attempt == 3 || !errors.Is(err, errPortTaken) {
			t.Fatal(err)
		}
		t.Logf("temporal-server could not bind its ports (attempt %d), trying fresh ones", attempt)
		// The dead server's rows in cluster_membership name ports nobody answers on: clear
		// them, so the new server's ring starts from its own members only.
		c.Postgres.SQL(t, "temporal", "DELETE FROM cluster_membership")
	}
	lap("frontend SERVING")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl := c.dial(t)
	defer cl.Close()
	if err := c.createNamespace(ctx, cl); err != nil {
		t.Fatal(err)
	}
	lap("namespace created")
	if err := c.addSearchAttributes(ctx, cl); err != nil {
		t.Fatal(err)
	}
	added := time.Now()
	lap("search attributes added")
	if err := c.waitSearchAttributesUsable(ctx, cl, added); err != nil {
		t.Fatal(err)
	}
	lap("ready")

	var phases []string
	for _, p := range c.Phases {
		phases = append(phases, fmt.Sprintf("%s %.1fs", p.Name, p.At.Seconds()))
	}
	t.Logf("temporal-server %s on postgres at %s ready in %s (pid %d; %s)", serverVersion, c.Address,
		time.Since(began).Round(time.Millisecond), c.PID(), strings.Join(phases, ", "))
	return c
}

var (
	serverOnce                                      sync.Once
	serverPath, sqlToolPath, schemas, serverVersion string
	serverErr                                       error
)

// ServerBinaries builds temporal-server and temporal-sql-tool from tools/go.mod, once per test
// process, and returns their paths and the folder of the PostgreSQL schemas of the same
// go.temporal.io/server module. `go tool` keeps the linked binaries in the Go build cache, so
// after the first build (about two minutes with the CLI built, seconds after) this takes about
// a second and leaves nothing behind.
func ServerBinaries(t testing.TB) (server, sqlTool, schemaDir string) {
	t.Helper()
	serverOnce.Do(func() {
		if serverPath, serverErr = goToolPath("server"); serverErr != nil {
			return
		}
		if sqlToolPath, serverErr = goToolPath("sql"); serverErr != nil {
			return
		}
		cmd := exec.Command("go", "list", "-modfile=tools/go.mod", "-m", "-f", "{{.Version}} {{.Dir}}", "go.temporal.io/server")
		cmd.Dir = RepoRoot()
		out, err := cmd.Output()
		version, moduleDir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		if err != nil || moduleDir == "" {
			serverErr = fmt.Errorf("find go.temporal.io/server in the module cache (go list -modfile=tools/go.mod -m): %v", err)
			return
		}
		serverVersion = version
		dir := filepath.Join(moduleDir, "schema", "postgresql", "v12")
		if _, err := os.Stat(filepath.Join(dir, "temporal", "versioned")); err != nil {
			serverErr = fmt.Errorf("the server's PostgreSQL schemas are not where the module should have them: %v", err)
			return
		}
		schemas = dir
	})
	if serverErr != nil {
		t.Fatal(serverErr)
	}
	return serverPath, sqlToolPath, schemas
}

// goToolPath builds a tool of tools/go.mod (go.temporal.io/server/cmd/server is "server") and
// returns the path of the cached executable.
func goToolPath(name string) (string, error) {
	cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "-n", name)
	cmd.Dir = RepoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || len(strings.Fields(string(out))) == 0 {
		return "", fmt.Errorf("go tool -modfile=tools/go.mod -n %s: %v\n%s", name, err, stderr.String())
	}
	return strings.Fields(string(out))[0], nil
}

// createSchemas creates the temporal and temporal_visibility databases and brings them to the
// server's schema version, both at once.
func (c *Cluster) createSchemas(sqlTool, schemaDir string) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, db := range []struct{ name, dir string }{{"temporal", "temporal"}, {"temporal_visibility", "visibility"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			common := []string{"--plugin", "postgres12", "--ep", "127.0.0.1", "-p", strconv.Itoa(c.Postgres.Port),
				"-u", c.Postgres.User, "--db", db.name}
			for _, step := range [][]string{
				{"create-database"},
				{"setup-schema", "-v", "0.0"}, // the version table only
				{"update-schema", "-d", filepath.Join(schemaDir, db.dir, "versioned")},
			} {
				cmd := exec.Command(sqlTool, append(common, step...)...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[i] = fmt.Errorf("temporal-sql-tool --db %s %s: %v\n%s", db.name, step[0], err, out)
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func freeClusterPorts(t testing.TB) clusterPorts {
	return clusterPorts{
		frontendGRPC: FreePort(t), frontendHTTP: FreePort(t), frontendMembership: freeMembershipPort(t),
		historyGRPC: FreePort(t), historyMembership: freeMembershipPort(t),
		matchingGRPC: FreePort(t), matchingMembership: freeMembershipPort(t),
		workerGRPC: FreePort(t), workerMembership: freeMembershipPort(t),
	}
}

// freeMembershipPort returns a free 127.0.0.1 port below 32768. The server records each
// service's membership port in cluster_membership.rpc_port, a SMALLINT: a port from the
// kernel's ephemeral range (32768 and up, where FreePort's come from) makes the server die at
// start with `value "33793" is out of range for type smallint`.
func freeMembershipPort(t testing.TB) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(32768-20000)
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no free port between 20000 and 32767 on 127.0.0.1 after 100 tries")
	return 0
}

// clusterConfig fills in the server config template deploy/cluster/development.yaml (shared
// with `make cluster`); values maps each placeholder's NAME (as in @NAME@) to its value. It
// fails when a placeholder is left without a value.
func clusterConfig(values map[string]string) ([]byte, error) {
	path := filepath.Join(RepoRoot(), "deploy", "cluster", "development.yaml")
	tmpl, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := regexp.MustCompile(`@[A-Z_]+@`).ReplaceAllStringFunc(string(tmpl), func(p string) string {
		if v, ok := values[strings.Trim(p, "@")]; ok {
			return v
		}
		return p
	})
	if left := regexp.MustCompile(`@[A-Z_]+@`).FindAllString(out, -1); len(left) > 0 {
		return nil, fmt.Errorf("%s: no value for %s", path, strings.Join(left, ", "))
	}
	return []byte(out), nil
}

// writeConfig writes config/development.yaml and the dynamic config for the current ports.
func (c *Cluster) writeConfig() error {
	dynamic := filepath.Join(c.Dir, "config", "dynamicconfig.yaml")
	src, err := os.ReadFile(filepath.Join(RepoRoot(), "deploy", "cluster", "dynamicconfig.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(dynamic, src, 0o644); err != nil {
		return err
	}
	p := c.ports
	conf, err := clusterConfig(map[string]string{
		"LOG_LEVEL": c.level, "HISTORY_SHARDS": strconv.Itoa(c.shards), "PG_PORT": strconv.Itoa(c.Postgres.Port),
		"FRONTEND_GRPC_PORT": strconv.Itoa(p.frontendGRPC), "FRONTEND_HTTP_PORT": strconv.Itoa(p.frontendHTTP),
		"FRONTEND_MEMBERSHIP_PORT": strconv.Itoa(p.frontendMembership),
		"HISTORY_GRPC_PORT":        strconv.Itoa(p.historyGRPC), "HISTORY_MEMBERSHIP_PORT": strconv.Itoa(p.historyMembership),
		"MATCHING_GRPC_PORT": strconv.Itoa(p.matchingGRPC), "MATCHING_MEMBERSHIP_PORT": strconv.Itoa(p.matchingMembership),
		"WORKER_GRPC_PORT": strconv.Itoa(p.workerGRPC), "WORKER_MEMBERSHIP_PORT": strconv.Itoa(p.workerMembership),
		"DYNAMIC_CONFIG": dynamic,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.Dir, "config", "development.yaml"), conf, 0o644)
}

// start writes the config, starts the server and waits until the frontend is SERVING.
func (c *Cluster) start(server string) error {
	if err := c.writeConfig(); err != nil {
		return err
	}
	log, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	// 1.29.1 has no --config-file: it loads <root>/<config>/<env>.yaml.
	c.cmd = exec.Command(server, "--root", c.Dir, "--config", "config", "--env", "development", "--allow-no-auth", "start")
	c.cmd.Dir = c.Dir
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start temporal-server: %w", err)
	}
	exited := make(chan struct{})
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); close(exited) }(c.cmd)
	c.exited = exited

	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			if c.portTaken() {
				return fmt.Errorf("temporal-server: %w:\n%s", errPortTaken, c.logTail())
			}
			return fmt.Errorf("temporal-server at %s exited while starting; the end of %s:\n%s", c.Address, c.LogFile, c.logTail())
		default:
		}
		if c.healthy() {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("temporal-server at %s was not SERVING after 90s; the end of %s:\n%s", c.Address, c.LogFile, c.logTail())
}

// healthy reports whether the frontend answers its gRPC health check with SERVING.
func (c *Cluster) healthy() bool {
	cl, err := client.Dial(client.Options{HostPort: c.Address, Namespace: c.Namespace, Logger: quietLogger{}})
	if err != nil {
		return false
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = cl.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err == nil
}

// logTail is the end of the server's log for error messages: its last lines, without the
// stack traces its JSON lines carry.
func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.LogFile)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	for i, line := range lines {
		if cut := strings.Index(line, `,"stacktrace":`); cut >= 0 {
			lines[i] = line[:cut] + "}"
		}
	}
	return strings.Join(lines, "\n")
}

// portTaken reports whether the server died because one of its ports was taken.
func (c *Cluster) portTaken() bool {
	b, _ := os.ReadFile(c.LogFile)
	return bytes.Contains(b, []byte("address already in use"))
}

// createNamespace creates the default namespace (a real server has only temporal-system),
// retrying while the services are still finding each other.
func (c *Cluster) createNamespace(ctx context.Context, cl client.Client) error {
	var err error
	for {
		_, err = cl.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        c.Namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if err == nil || errors.As(err, &exists) {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("create namespace %s on %s: %v; the end of %s:\n%s", c.Namespace, c.Address, err, c.LogFile, c.logTail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// addSearchAttributes registers the WinBack* search attributes, as `winback setup` does:
// those missing are added, retrying until the new namespace has reached the frontend's cache.
func (c *Cluster) addSearchAttributes(ctx context.Context, cl client.Client) error {
	for {
		err := c.addMissingSearchAttributes(ctx, cl)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("register winback's search attributes on %s: %v", c.Address, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *Cluster) addMissingSearchAttributes(ctx context.Context, cl client.Client) error {
	resp, err := cl.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: c.Namespace})
	if err != nil {
		return err
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range workflows.SearchAttributeTypes {
		if have, ok := resp.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		} else if have != typ {
			return fmt.Errorf("search attribute %s is %s, want %s", name, have, typ)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = cl.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: c.Namespace, SearchAttributes: maps.Clone(missing),
	})
	return err
}

// waitSearchAttributesUsable waits until the new WinBack* names work everywhere. Each service
// (frontend, history, matching, worker) caches namespaces and reloads them all every
// namespaceCacheRefresh, counted from the end of its previous reload; until history has the
// new names, a start or an upsert fails with "no mapping defined for search attribute". So:
// wait until a query on WinBackStage works (the frontend has them), and until one refresh
// interval plus a margin has passed since they were added (every service has reloaded since).
// The dev server avoids the wait with system.forceSearchAttributesCacheRefreshOnRead, which we
// leave off, as in production: see deploy/cluster/dynamicconfig.yaml.
func (c *Cluster) waitSearchAttributesUsable(ctx context.Context, cl client.Client, added time.Time) error {
	for {
		_, err := cl.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: c.Namespace, Query: "WinBackStage = 'probe'",
		})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fmt.Errorf("the WinBack* search attributes were registered on %s but a query on WinBackStage still fails: %v", c.Address, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-time.After(time.Until(added.Add(namespaceCacheRefresh + 500*time.Millisecond))):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Cluster) dial(t testing.TB) client.Client {
	t.Helper()
	cl, err := client.Dial(client.Options{HostPort: c.Address, Namespace: c.Namespace, Logger: quietLogger{}})
	if err != nil {
		t.Fatalf("dial the cluster at %s: %v", c.Address, err)
	}
	return cl
}

// Client dials the cluster's default namespace; the client is closed when the test ends.
func (c *Cluster) Client(t testing.TB) client.Client {
	t.Helper()
	cl := c.dial(t)
	t.Cleanup(cl.Close)
	return cl
}

// Temporal runs the Temporal CLI against the cluster and returns its stdout.
func (c *Cluster) Temporal(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(TemporalBinary(t), append(args, "--address", c.Address, "--namespace", c.Namespace)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("temporal %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// PID is the server's process ID, or 0 when it is not running.
func (c *Cluster) PID() int {
	if c.cmd == nil || c.cmd.Process == nil {
		return 0
	}
	return c.cmd.Process.Pid
}

// RestartPostgres stops the cluster's PostgreSQL and starts it again on the same data and
// port, under the running server.
func (c *Cluster) RestartPostgres(t testing.TB) {
	t.Helper()
	c.Postgres.Restart(t)
}

// Stop stops the server (SIGTERM to its PID, SIGKILL after ten seconds) and waits for it.
func (c *Cluster) Stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	c.cmd = nil
}
