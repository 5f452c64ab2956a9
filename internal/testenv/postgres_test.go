package testenv_test

import (
	"testing"
	"time"

	"github.com/winback/winback/internal/testenv"
)

// TestPostgresKeepsDataAcrossARestart proves the throwaway PostgreSQL: a database created,
// a row written, the server restarted on the same port (at once, then after a stop), the row
// still there.
func TestPostgresKeepsDataAcrossARestart(t *testing.T) {
	began := time.Now()
	pg := testenv.StartPostgres(t)
	pg.CreateDatabase(t, "probe")
	pg.SQL(t, "probe", "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the restart')")
	pid := pg.PID()

	pg.Restart(t)
	if pg.PID() == pid || pg.PID() == 0 {
		t.Errorf("postmaster pid %d after the restart, was %d: want a new process", pg.PID(), pid)
	}
	if got := pg.SQL(t, "probe", "SELECT v FROM kept"); got != "before the restart" {
		t.Errorf("after the restart: %q, want the row written before it", got)
	}
	pg.Stop()
	if pg.PID() != 0 {
		t.Errorf("postmaster pid %d after Stop, want 0", pg.PID())
	}
	pg.Start(t)
	if got := pg.SQL(t, "probe", "SELECT v FROM kept"); got != "before the restart" {
		t.Errorf("after a stop and a start: %q, want the row written before", got)
	}
	if got := pg.SQL(t, "postgres", "SHOW max_connections"); got != "200" {
		t.Errorf("max_connections %s, want 200", got)
	}
	if got := pg.SQL(t, "postgres", "SHOW fsync"); got != "off" {
		t.Errorf("fsync %s, want off: a throwaway database does not wait for the disk", got)
	}
	t.Logf("start, create, restart, read: %s", time.Since(began).Round(time.Millisecond))
}

// TestDurablePostgresKeepsPostgresDefaults: with Durable, commits wait for the disk as on a
// production server, also after a restart.
func TestDurablePostgresKeepsPostgresDefaults(t *testing.T) {
	pg := testenv.StartPostgresWith(t, testenv.PostgresOptions{Durable: true})
	pg.Restart(t)
	if got := pg.SQL(t, "postgres", "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || current_setting('full_page_writes')"); got != "on on on" {
		t.Errorf("fsync, synchronous_commit, full_page_writes: %s, want on on on", got)
	}
}
