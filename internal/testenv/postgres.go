package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Postgres is a throwaway PostgreSQL cluster started by a test: its own folder, trust
// authentication, fsync off (unless PostgresOptions.Durable), listening on 127.0.0.1 only.
type Postgres struct {
	Port int    // TCP port on 127.0.0.1
	Dir  string // mode 0755: data/ (the cluster), postgres.log and the Unix socket
	User string // the database superuser, "postgres"; no password (trust)

	durable bool                // PostgreSQL's own flushing to disk (PostgresOptions.Durable)
	bin     string              // PostgreSQL's bin folder (initdb, postgres, pg_ctl, psql)
	cred    *syscall.Credential // run the server programs as this user; nil when not root
	cmd     *exec.Cmd           // the postmaster, a direct child so Pdeathsig reaches it
	exited  chan struct{}       // closed when the postmaster has exited
	log     *os.File            // postgres.log: the server's output, across restarts
	mu      sync.Mutex          // guards cmd and exited
	t       testing.TB          // the test that started it
}

// pgMaxConnections covers the Temporal server (its four services each keep pools for the
// default and the visibility store) with room for the SQL tool, psql and workers.
const pgMaxConnections = 200

// PostgresOptions shape a PostgreSQL cluster.
type PostgresOptions struct {
	// Durable keeps PostgreSQL's defaults for writing to disk (fsync, synchronous_commit and
	// full_page_writes on), as `make cluster` and production run it, for benchmarks whose
	// figures must include what a commit costs. Off, a throwaway database does not wait for
	// the disk.
	Durable bool
}

// StartPostgres initdb's a PostgreSQL cluster into its own temporary folder, starts it on a
// free 127.0.0.1 port and waits until it accepts connections. It is stopped (pg_ctl) and its
// folder removed when the test ends, and it is killed if the test process dies. Without
// PostgreSQL installed the test is skipped, saying what is missing and how to install it (CI
// installs it: .ci/run).
//
// As root, initdb and postgres run as the unprivileged "postgres" user (created if missing),
// since both refuse to run as root.
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	return StartPostgresWith(t, PostgresOptions{})
}

// StartPostgresWith is StartPostgres with options.
func StartPostgresWith(t testing.TB, o PostgresOptions) *Postgres {
	t.Helper()
	bin, err := PostgresBinDir()
	if errors.Is(err, ErrPostgresNotInstalled) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := &Postgres{User: "postgres", durable: o.Durable, bin: bin, t: t}
	if p.cred, err = postgresCredential(); err != nil {
		t.Fatal(err)
	}
	if p.Dir, err = p.makeDir(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Stop()
		if p.log != nil {
			p.log.Close()
		}
		_ = os.RemoveAll(p.Dir)
	})
	began := time.Now()
	if out, err := p.runAs(filepath.Join(bin, "initdb"), "-D", p.dataDir(), "-U", p.User, "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb %s: %v\n%s", p.dataDir(), err, out)
	}
	if p.log, err = os.OpenFile(filepath.Join(p.Dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		t.Fatal(err)
	}
	// A port picked free can be taken before postgres binds it: then try a fresh one.
	for attempt := 1; ; attempt++ {
		p.Port = FreePort(t)
		err := p.start()
		if err == nil {
			break
		}
		if attempt == 3 || !errors.Is(err, errPortTaken) {
			t.Fatal(err)
		}
		t.Logf("postgres could not bind 127.0.0.1:%d (attempt %d), trying a fresh port", p.Port, attempt)
	}
	t.Logf("postgres %s on 127.0.0.1:%d ready in %s (pid %d)", filepath.Base(filepath.Dir(bin)), p.Port,
		time.Since(began).Round(time.Millisecond), p.PID())
	return p
}

// ErrPostgresNotInstalled is why PostgresBinDir finds no PostgreSQL; the error that wraps it
// says what is missing and how to install it.
var ErrPostgresNotInstalled = errors.New("PostgreSQL is not installed")

var (
	errPortTaken = errors.New("port already in use")
	pgBinOnce    sync.Once
	pgBin        string
	pgBinErr     error
)

// PostgresBinDir finds PostgreSQL's server programs: $PGBIN when set, else the bin folder of
// the newest Debian postgresql-NN package installed (as `dpkg -L` lists it), else the folder
// of initdb on PATH. The error says what is missing and how to install it; it wraps
// ErrPostgresNotInstalled unless PGBIN points at the wrong folder.
func PostgresBinDir() (string, error) {
	pgBinOnce.Do(func() { pgBin, pgBinErr = findPostgresBin() })
	return pgBin, pgBinErr
}

func findPostgresBin() (string, error) {
	need := []string{"initdb", "postgres", "pg_ctl", "psql", "createdb"}
	complete := func(dir string) error {
		for _, prog := range need {
			if _, err := exec.LookPath(filepath.Join(dir, prog)); err != nil {
				return fmt.Errorf("%s has no %s", dir, prog)
			}
		}
		return nil
	}
	if dir := os.Getenv("PGBIN"); dir != "" {
		if err := complete(dir); err != nil {
			return "", fmt.Errorf("PGBIN=%s: %v: point PGBIN at PostgreSQL's bin folder (the one with initdb)", dir, err)
		}
		return dir, nil
	}
	if dir, ok := debianPostgresBin(); ok {
		if err := complete(dir); err != nil {
			return "", fmt.Errorf("%w completely (%v): install it with `apt-get install -y postgresql`", ErrPostgresNotInstalled, err)
		}
		return dir, nil
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(initdb)
		if err := complete(dir); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w (no initdb: PGBIN is unset, no Debian postgresql-NN package is installed, "+
		"and initdb is not on PATH): install it with `apt-get install -y postgresql`", ErrPostgresNotInstalled)
}

// debianPostgresBin is the bin folder of the newest installed postgresql-NN package.
func debianPostgresBin() (string, bool) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Package}\n", "postgresql-[0-9]*").Output()
	if err != nil && len(out) == 0 {
		return "", false
	}
	pkgName := regexp.MustCompile(`^postgresql-(\d+)$`)
	best, bestMajor := "", 0
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 2 || fields[0] != "ii" {
			continue // not installed (rc: only config files left)
		}
		if m := pkgName.FindStringSubmatch(fields[1]); m != nil {
			if major, _ := strconv.Atoi(m[1]); major > bestMajor {
				best, bestMajor = fields[1], major
			}
		}
	}
	if best == "" {
		return "", false
	}
	files, err := exec.Command("dpkg", "-L", best).Output()
	if err != nil {
		return "", false
	}
	for _, f := range strings.Split(string(files), "\n") {
		if strings.HasSuffix(f, "/bin/initdb") {
			return filepath.Dir(f), true
		}
	}
	return "", false
}

// postgresCredential is the user the server programs run as: nil (ourselves) unless we are
// root, then "postgres", created if missing. The credential is set on each process directly,
// the Go way of `runuser -u postgres --`: runuser would fork and wait, leaving the postmaster
// a grandchild that the test process's death signal does not reach.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		out, aerr := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres").CombinedOutput()
		if aerr != nil {
			return nil, fmt.Errorf("PostgreSQL refuses to run as root and there is no postgres user; useradd postgres: %v\n%s", aerr, out)
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("user postgres, just added: %v", err)
		}
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// makeDir makes the cluster's folder, mode 0755 and owned by the user postgres runs as. A
// t.TempDir() would not do: it is 0700 root, and postgres must reach the folder.
func (p *Postgres) makeDir() (string, error) {
	dir, err := os.MkdirTemp("", "winback-pg-")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return dir, err
	}
	if p.cred == nil {
		return dir, nil
	}
	if err := os.Chown(dir, int(p.cred.Uid), int(p.cred.Gid)); err != nil {
		return dir, err
	}
	// Every parent must be searchable by postgres, or initdb fails with "Permission denied".
	for parent := filepath.Dir(dir); ; parent = filepath.Dir(parent) {
		info, err := os.Stat(parent)
		if err != nil {
			return dir, err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return dir, fmt.Errorf("user postgres cannot reach %s: its parent %s is mode %s; "+
				"set TMPDIR to a folder every user can search, or chmod o+x %s", dir, parent, info.Mode().Perm(), parent)
		}
		if parent == filepath.Dir(parent) {
			return dir, nil
		}
	}
}

func (p *Postgres) dataDir() string { return filepath.Join(p.Dir, "data") }

// Addr is the server's host:port.
func (p *Postgres) Addr() string { return fmt.Sprintf("127.0.0.1:%d", p.Port) }

// URL is a postgres:// URL of database db for pgx or psql (user postgres, no password).
func (p *Postgres) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", p.User, p.Port, db)
}

// PID is the postmaster's process ID, or 0 when it is not running.
func (p *Postgres) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// start runs the postmaster as our own child (so it gets SIGKILL if the test process dies)
// and waits until it accepts connections.
func (p *Postgres) start() error {
	args := []string{"-D", p.dataDir(), "-p", strconv.Itoa(p.Port), "-k", p.Dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=" + strconv.Itoa(pgMaxConnections)}
	if !p.durable {
		// A throwaway database: losing it on a power cut is fine, waiting for disks is not.
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(p.bin, "postgres"), args...)
	cmd.Dir = p.Dir
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true, Credential: p.cred}
	logStart, _ := p.log.Seek(0, 2)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.mu.Unlock()

	pidFile := filepath.Join(p.dataDir(), "postmaster.pid")
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			p.mu.Lock()
			p.cmd = nil
			p.mu.Unlock()
			out := p.logSince(logStart)
			if strings.Contains(out, "Address already in use") {
				return fmt.Errorf("postgres on 127.0.0.1:%d: %w:\n%s", p.Port, errPortTaken, out)
			}
			return fmt.Errorf("postgres on 127.0.0.1:%d exited while starting; its log:\n%s", p.Port, out)
		default:
		}
		// Line 8 of postmaster.pid is the server's state; pg_ctl -w waits for "ready" the same way.
		if b, err := os.ReadFile(pidFile); err == nil {
			if lines := strings.Split(string(b), "\n"); len(lines) > 7 && strings.TrimSpace(lines[7]) == "ready" {
				return nil
			}
		}
	}
	return fmt.Errorf("postgres on 127.0.0.1:%d did not become ready in 60s; its log:\n%s", p.Port, p.logSince(logStart))
}

func (p *Postgres) logSince(offset int64) string {
	b, err := os.ReadFile(p.log.Name())
	if err != nil || offset > int64(len(b)) {
		return ""
	}
	return string(b[offset:])
}

// Stop stops the server with `pg_ctl stop -m fast` (rolls back open transactions, closes
// connections) and waits for it; if that fails, it kills the postmaster by its PID.
func (p *Postgres) Stop() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	out, err := p.runAs(filepath.Join(p.bin, "pg_ctl"), "-D", p.dataDir(), "-m", "fast", "-w", "-t", "20", "stop")
	if err != nil {
		p.t.Logf("pg_ctl stop: %v\n%s", err, out)
		_ = cmd.Process.Signal(syscall.SIGINT) // what pg_ctl -m fast sends
	}
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// Restart stops the server and starts it again on the same data and port (the clients'
// connections break, as when a real database restarts).
func (p *Postgres) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	p.Start(t)
}

// Start starts a server that Stop stopped, on the same data and port: with Stop, a database
// that stays down for as long as the test wants (clients get "connection refused" meanwhile).
func (p *Postgres) Start(t testing.TB) {
	t.Helper()
	if p.PID() != 0 {
		t.Fatalf("start postgres on %s: it is running (pid %d)", p.Addr(), p.PID())
	}
	if err := p.start(); err != nil {
		t.Fatalf("start postgres again: %v", err)
	}
}

// CreateDatabase creates database name.
func (p *Postgres) CreateDatabase(t testing.TB, name string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(p.bin, "createdb"), "-h", "127.0.0.1", "-p", strconv.Itoa(p.Port), "-U", p.User, name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("createdb %s on %s: %v\n%s", name, p.Addr(), err, out)
	}
}

// SQL runs statements with psql on database db, stops at the first error, and returns what
// psql printed (unaligned, tuples only: one row a line, columns split by |).
func (p *Postgres) SQL(t testing.TB, db, statements string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(p.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", p.URL(db), "-c", statements)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("psql %s -c %q: %v\n%s", db, statements, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// runAs runs one of PostgreSQL's programs to its end as the postgres user (when root).
func (p *Postgres) runAs(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = p.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Credential: p.cred}
	return cmd.CombinedOutput()
}
