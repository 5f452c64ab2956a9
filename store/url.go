package store

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Kind is a backend.
type Kind string

// The backends.
const (
	SQLite     Kind = "sqlite"
	PostgreSQL Kind = "postgres"
)

// target is a parsed database URL.
type target struct {
	kind   Kind
	driver string // database/sql driver name
	dsn    string
	where  string // for people: the file, or host/database; never a password
	path   string // SQLite: the file
}

// parseURL reads a database URL: postgres://user:pass@host:port/db?sslmode=disable (or
// postgresql://) for PostgreSQL; sqlite:PATH, file:PATH or a bare path for SQLite.
func parseURL(raw string) (target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return target{}, errors.New("is empty: give postgres://user:password@host:5432/database or sqlite:path/to/winback.db")
	}
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil { // url's error quotes the URL, password and all: say it in our words
			return target{}, errors.New("is not a valid postgres:// URL (a password holding @, /, : or % must be percent-encoded)")
		}
		if u.Host == "" {
			return target{}, errors.New("has no host: give postgres://user:password@host:5432/database")
		}
		db := strings.TrimPrefix(u.Path, "/")
		if db == "" {
			return target{}, errors.New("names no database: give postgres://user:password@host:5432/database")
		}
		return target{kind: PostgreSQL, driver: "pgx", dsn: raw, where: "postgres://" + u.Host + "/" + db}, nil
	}
	path := raw
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		if strings.HasPrefix(raw, prefix) {
			path = strings.TrimPrefix(raw, prefix)
			break
		}
	}
	if i := strings.Index(raw, "://"); i > 0 && path == raw {
		return target{}, fmt.Errorf("has scheme %q: winback stores in PostgreSQL (postgres://...) or SQLite (sqlite:path)", raw[:i])
	}
	if q := strings.IndexByte(path, '?'); q >= 0 {
		return target{}, errors.New("carries SQLite options after '?': give only the file's path; winback sets the options it needs")
	}
	if path == "" || strings.HasSuffix(path, "/") {
		return target{}, errors.New("names no SQLite file: give sqlite:path/to/winback.db")
	}
	// WAL for concurrent readers and a writer, a busy timeout instead of "database is locked",
	// full fsync (a ledger write must survive the process; the send it guards reached a
	// customer), and BEGIN IMMEDIATE so that writers queue instead of deadlocking.
	dsn := "file:" + path + "?_pragma=busy_timeout(15000)&_pragma=journal_mode(wal)&_pragma=synchronous(full)&_txlock=immediate"
	return target{kind: SQLite, driver: "sqlite", dsn: dsn, where: filepath.Clean(path), path: path}, nil
}

// redact keeps the password of a database URL out of a message (a driver's error may quote it).
func redact(msg, raw string) string {
	rest, ok := strings.CutPrefix(raw, "postgres://")
	if !ok {
		rest, ok = strings.CutPrefix(raw, "postgresql://")
	}
	if !ok {
		return msg
	}
	userinfo, _, found := strings.Cut(rest, "@")
	if !found {
		return msg
	}
	if _, password, has := strings.Cut(userinfo, ":"); has && password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
		if p, err := url.PathUnescape(password); err == nil && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// CheckURL says what is wrong with a database URL, without connecting (nil when it parses).
func CheckURL(raw string) error {
	_, err := parseURL(raw)
	return err
}

// Describe names the database of a URL for logs: the SQLite file, or postgres://host/database;
// never a password.
func Describe(raw string) string {
	t, err := parseURL(raw)
	if err != nil {
		return "(invalid database URL)"
	}
	return t.where
}
