package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"go.temporal.io/sdk/converter"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// Options open a store.
type Options struct {
	// URL is WINBACK_DATABASE_URL: postgres://user:password@host:5432/database, or
	// sqlite:path/to/winback.db (also file:PATH or a bare path). Required.
	URL string
	// Codec, when set (codec keys configured), seals the values the store must give back: the
	// recipient of a send in flight and the deployment's secrets.
	Codec converter.PayloadCodec
	// Logger receives a line when migrations run; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ConnectTimeout bounds the first connection; 10 s when zero.
	ConnectTimeout time.Duration
}

// Store is a connection pool to the store's database. It is safe for concurrent use; Close it
// when the process stops.
type Store struct {
	db         *sql.DB
	kind       Kind
	where      string
	raw        string
	codec      converter.PayloadCodec
	contactKey []byte
	now        func() time.Time
	log        *slog.Logger
}

// Open connects to the database named by o.URL, applies the migrations it lacks and loads the
// contact-hash key (made on first use). Its errors say what is wrong without quoting a password:
// a malformed URL, a database that cannot be reached, a schema newer than this build.
func Open(ctx context.Context, o Options) (*Store, error) {
	t, err := parseURL(o.URL)
	if err != nil {
		return nil, err
	}
	s := &Store{kind: t.kind, where: t.where, raw: o.URL, codec: o.Codec, now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if t.kind == SQLite {
		if err := os.MkdirAll(filepath.Dir(t.path), 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the folder of the SQLite file %s: %w", t.where, err)
		}
	}
	db, err := sql.Open(t.driver, t.dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %s", t.where, redact(err.Error(), o.URL))
	}
	s.db = db
	if t.kind == SQLite {
		db.SetMaxOpenConns(8)
	} else {
		db.SetMaxOpenConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	timeout := o.ConnectTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := ping(cctx, db, t.kind); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach %s: %s", t.where, redact(err.Error(), o.URL))
	}
	applied, err := s.migrate(cctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %s", t.where, redact(err.Error(), o.URL))
	}
	if len(applied) > 0 {
		s.log.Info("store: schema migrated", "store", t.where, "applied", applied)
	}
	if s.contactKey, err = s.Secret(cctx, contactKeySecret); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: the contact-hash key: %w", t.where, err)
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Kind is the backend: SQLite or PostgreSQL.
func (s *Store) Kind() Kind { return s.kind }

// Where names the database for people (a file, or postgres://host/database), without secrets.
func (s *Store) Where() string { return s.where }

// Ping checks the database answers (for /healthz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// ErrUnavailable wraps every error of the database itself (unreachable, restarting, locked too
// long): the caller should retry later. Errors of the caller's making are not wrapped in it.
var ErrUnavailable = errors.New("store unavailable")

// fail wraps a database error for callers: ErrUnavailable, what was being done, the backend,
// never a password.
func (s *Store) fail(what string, err error) error {
	return fmt.Errorf("%w: %s in %s: %s", ErrUnavailable, what, s.where, redact(err.Error(), s.raw))
}

// ms is a time as unix milliseconds, the store's time column type.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS is the inverse of ms; zero stays the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// ping makes the first connection. A new SQLite file that several processes open at once may
// answer SQLITE_BUSY while one of them turns on WAL (SQLite does not wait on its busy timeout
// for that lock): the connection is tried again until ctx ends.
func ping(ctx context.Context, db *sql.DB, kind Kind) error {
	for {
		err := db.PingContext(ctx)
		if err == nil || kind != SQLite || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}
