package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
)

// sendLevels are the concurrency levels of the sends figure: one send at a time, then eight at
// once, as a worker runs several activities side by side.
var sendLevels = []int{1, 8}

// sendsWarmup is how many sends each backend makes at each level before the timed ones (the
// provider's connections, the databases' caches); they are not counted.
const sendsWarmup = 20

// The backends of the sends figure, the baseline first.
const (
	backendFile     = "file"
	backendSQLite   = "sqlite"
	backendPostgres = "postgres"
)

// sendsResult is figure 6: sends per second through each store backend against the old file
// ledger.
type sendsResult struct {
	N          int // timed sends per backend and level
	Backends   []sendBackend
	Postgres   string // the server's version
	Filesystem string // of the folder that holds the file ledger, the SQLite file and PostgreSQL's data
	LoadBefore string
	LoadAfter  string
	Took       time.Duration
	Provider   int64 // requests the fake provider answered, warm-ups included
}

// sendBackend is one backend's figures, one per level of sendLevels.
type sendBackend struct {
	Key     string // backendFile, backendSQLite, backendPostgres
	Name    string // as the report shows it
	Missing string // why it was not measured, when it was not
	Levels  []sendFigure
}

// sendFigure is one backend at one concurrency level.
type sendFigure struct {
	Concurrency int
	Rate        float64       // sends per second
	Took        time.Duration // the timed sends' wall time, both halves
	Latency     latency       // of one SendEmail call
}

// at returns the figure at concurrency c.
func (b sendBackend) at(c int) (sendFigure, bool) {
	for _, f := range b.Levels {
		if f.Concurrency == c {
			return f, true
		}
	}
	return sendFigure{}, false
}

// measureSends times activities.SendEmail, the whole send path (ledger lookup, suppression
// check, intent, provider call, record), against a fake SendGrid that answers at once, with the
// ledger in each backend: the old JSON-lines file ledger (the baseline), the store on an SQLite
// file, and the store on PostgreSQL (its own, flushing to disk like a production server). At
// each level every backend gets a fresh ledger, sendsWarmup untimed sends, then n timed sends
// with keys of their own, in two halves: file, SQLite, PostgreSQL, then the other way round,
// so that a change in the machine's load weighs on every backend alike.
func measureSends(t *testing.T, n int) sendsResult {
	t.Helper()
	r := sendsResult{N: n, LoadBefore: loadAvg()}
	began := time.Now()
	ctx := context.Background()
	dir := t.TempDir()
	r.Filesystem = filesystem(dir)

	var accepted atomic.Int64
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Message-Id", fmt.Sprintf("bench-%d", accepted.Add(1)))
		w.WriteHeader(http.StatusAccepted) // SendGrid's answer to a mail it took
	}))
	defer provider.Close()

	file := sendBackend{Key: backendFile, Name: "file ledger (JSON lines, before the store)"}
	sqlite := sendBackend{Key: backendSQLite, Name: "store on SQLite (WAL, synchronous=full)"}
	postgres := sendBackend{Key: backendPostgres, Name: "store on PostgreSQL (fsync on)"}
	var pg *testenv.Postgres
	if _, err := testenv.PostgresBinDir(); err != nil {
		postgres.Missing = err.Error()
	} else {
		pg = testenv.StartPostgresWith(t, testenv.PostgresOptions{Durable: true})
		r.Postgres = pg.SQL(t, "postgres", "SHOW server_version")
	}
	backends := []*sendBackend{&file, &sqlite, &postgres}

	for _, c := range sendLevels {
		// A fresh ledger per backend and level: every level starts from the same empty ledger.
		type side struct {
			b *sendBackend
			a *activities.Activities
		}
		var sides []side
		var closers []func()
		for _, b := range backends {
			if b.Missing != "" {
				continue
			}
			st, closeStore, err := openBackend(ctx, t, b.Key, c, dir, pg)
			if err != nil {
				t.Fatalf("sends: %s at concurrency %d: %v", b.Name, c, err)
			}
			closers = append(closers, closeStore)
			a, err := activities.New(sendOptions(provider.URL, st))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := sendMany(ctx, a, fmt.Sprintf("%s-c%d-warm", b.Key, c), sendsWarmup, c); err != nil {
				t.Fatalf("sends: warming up %s: %v", b.Name, err)
			}
			sides = append(sides, side{b, a})
		}
		took := make([]time.Duration, len(sides))
		lat := make([][]time.Duration, len(sides))
		half := func(order []int, name string, count int) {
			for _, i := range order {
				s := sides[i]
				d, l, err := sendMany(ctx, s.a, fmt.Sprintf("%s-c%d-%s", s.b.Key, c, name), count, c)
				if err != nil {
					t.Fatalf("sends: %s at concurrency %d: %v", s.b.Name, c, err)
				}
				took[i] += d
				lat[i] = append(lat[i], l...)
			}
		}
		forward := make([]int, len(sides))
		for i := range forward {
			forward[i] = i
		}
		backward := slices.Clone(forward)
		slices.Reverse(backward)
		progress("sends: %d through each of %d backends at concurrency %d (load %s)", n, len(sides), c, loadAvg())
		half(forward, "a", n/2)
		half(backward, "b", n-n/2)
		for _, closeStore := range closers {
			closeStore()
		}
		for i, s := range sides {
			f := sendFigure{Concurrency: c, Rate: float64(n) / took[i].Seconds(), Took: took[i], Latency: summarize(lat[i])}
			s.b.Levels = append(s.b.Levels, f)
		}
		var line []string
		for _, s := range sides {
			f, _ := s.b.at(c)
			line = append(line, fmt.Sprintf("%s %.0f/s (p50 %s, p99 %s)", s.b.Key, f.Rate, ms(f.Latency.P50), ms(f.Latency.P99)))
		}
		progress("sends: concurrency %d: %s", c, strings.Join(line, "; "))
	}

	r.Provider = accepted.Load()
	if want := int64(len(sendLevels) * (sendsWarmup + n) * countMeasured(backends)); r.Provider != want {
		t.Fatalf("sends: the fake provider answered %d requests, want %d: a send was skipped or sent twice", r.Provider, want)
	}
	for _, b := range backends {
		r.Backends = append(r.Backends, *b)
	}
	r.Took, r.LoadAfter = time.Since(began), loadAvg()
	for _, c := range sendLevels {
		base, _ := file.at(c)
		for _, b := range r.Backends[1:] {
			if f, ok := b.at(c); ok {
				progress("sends: concurrency %d: %s %.2fx the file ledger's rate", c, b.Key, f.Rate/base.Rate)
			}
		}
	}
	return r
}

// filesystem names the filesystem that holds dir: fsync costs nothing on tmpfs, and much more
// on some disks than on others.
func filesystem(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	names := map[int64]string{0xEF53: "ext4", 0x01021994: "tmpfs", 0x58465342: "xfs", 0x9123683E: "btrfs",
		0x794C7630: "overlayfs", 0x2FC12FC1: "zfs", 0x6969: "nfs"}
	if name, ok := names[int64(st.Type)]; ok {
		return name
	}
	return fmt.Sprintf("type 0x%X", st.Type)
}

func countMeasured(bs []*sendBackend) int {
	n := 0
	for _, b := range bs {
		if b.Missing == "" {
			n++
		}
	}
	return n
}

// openBackend opens a fresh, empty ledger of one backend for concurrency level c, and what
// closes it.
func openBackend(ctx context.Context, t *testing.T, key string, c int, dir string, pg *testenv.Postgres) (activities.Store, func(), error) {
	t.Helper()
	switch key {
	case backendFile:
		l, err := openFileLedger(filepath.Join(dir, fmt.Sprintf("ledger-c%d.jsonl", c)))
		if err != nil {
			return nil, nil, err
		}
		return fileLedgerStore{l}, func() { l.Close() }, nil
	case backendSQLite:
		return openStore(ctx, "sqlite:"+filepath.Join(dir, fmt.Sprintf("winback-c%d.db", c)))
	case backendPostgres:
		db := fmt.Sprintf("sends_c%d", c)
		pg.CreateDatabase(t, db)
		return openStore(ctx, pg.URL(db))
	}
	return nil, nil, fmt.Errorf("no backend %q", key)
}

func openStore(ctx context.Context, url string) (activities.Store, func(), error) {
	s, err := store.Open(ctx, store.Options{URL: url, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, nil, err
	}
	return s, func() { s.Close() }, nil
}

// sendOptions are the activities' options of the sends figure: both providers at the fake
// one, no codec keys (as `make run` without WINBACK_CODEC_KEYS), logs discarded.
func sendOptions(providerURL string, st activities.Store) activities.Options {
	return activities.Options{
		SendGridAPIKey: "SG.bench", SendGridBaseURL: providerURL,
		FromEmail: "hello@acme.example", FromName: "Acme Supplies",
		TwilioAccountSID: "AC0123456789abcdef0123456789abcdef", TwilioAuthToken: "benchToken", TwilioBaseURL: providerURL,
		TwilioFrom: "+15005550006",
		PublicURL:  "https://winback.example.com", LinkSecret: []byte("bench-link-secret-0123456789abcdef"),
		Store:  st,
		Logger: slog.New(slog.DiscardHandler),
	}
}

// sendMany sends count revisit emails, each with a key and recipient of its own, concurrency
// at a time, and returns the wall time and each call's latency. A send that fails, or that the
// ledger says was already sent, is an error: every key is new.
func sendMany(ctx context.Context, a *activities.Activities, prefix string, count, concurrency int) (time.Duration, []time.Duration, error) {
	lat := make([]time.Duration, count) // each goroutine writes its own elements
	began := time.Now()
	err := forEach(count, concurrency, func(i int) error {
		wid := fmt.Sprintf("winback:bench-%s-%d", prefix, i)
		t0 := time.Now()
		res, err := a.SendEmail(ctx, activities.EmailRequest{
			Key: wid + "/revisit-email", WorkflowID: wid, Step: "revisit-email",
			To: fmt.Sprintf("customer-%s-%d@example.com", prefix, i), ToName: "Dana Whitfield", Template: "revisit",
			Data: sendData,
		})
		d := time.Since(t0)
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", wid, err)
		case res.Deduplicated || res.MessageID == "":
			return fmt.Errorf("%s: %+v: want a new send with a message ID", wid, res)
		}
		lat[i] = d
		return nil
	})
	return time.Since(began), lat, err
}

// sendData fills the revisit template as a campaign does.
var sendData = activities.MessageData{
	CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz",
	RepEmail: "sam.ortiz@acme.example", Reason: "let_down", Apology: true,
	WhatWeChanged: "give your account a named support engineer who answers within one business hour",
	Offer:         "apology", OfferDetails: "your next two months at no charge",
}
