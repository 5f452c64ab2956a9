package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/codec"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/store"
)

// The conformance suite: every test here runs against both backends, an SQLite file and a real
// PostgreSQL, through the same API. A backend is a way to open a fresh database (and to open
// it again, as a second worker or the CLI would).
type backend struct {
	name string
	url  func(t *testing.T) string // a fresh, empty database
	dump func(t *testing.T, url string) string
}

var (
	pgOnce sync.Once
	pg     *testenv.Postgres
	pgN    int
	pgMu   sync.Mutex
)

func backends(t *testing.T) []backend {
	return []backend{
		{
			name: "sqlite",
			url:  func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "winback.db") },
			dump: func(t *testing.T, url string) string {
				// The file itself, with its WAL: what a copy of the disk would hold.
				path := strings.TrimPrefix(url, "sqlite:")
				var b strings.Builder
				for _, f := range []string{path, path + "-wal"} {
					data, _ := os.ReadFile(f)
					b.Write(data)
				}
				return b.String()
			},
		},
		{
			name: "postgres",
			url: func(t *testing.T) string {
				pgOnce.Do(func() { pg = testenv.StartPostgres(&onceTB{TB: t}) })
				if pg == nil {
					t.Skip("PostgreSQL did not start (see the first postgres subtest)")
				}
				pgMu.Lock()
				pgN++
				db := fmt.Sprintf("conformance_%d", pgN)
				pgMu.Unlock()
				pg.CreateDatabase(t, db)
				return pg.URL(db)
			},
			dump: func(t *testing.T, url string) string {
				db := url[strings.LastIndex(url, "/")+1:]
				if i := strings.IndexByte(db, '?'); i >= 0 {
					db = db[:i]
				}
				return pgDump(t, db)
			},
		},
	}
}

// onceTB lets the PostgreSQL started by the first subtest outlive it: its cleanup belongs to
// the test binary (the server dies with the process, Pdeathsig), not to that subtest.
type onceTB struct{ testing.TB }

func (o *onceTB) Cleanup(func()) {}

// pgDump is every row of every table of db, as text: what a dump of the database holds.
func pgDump(t *testing.T, db string) string {
	tables := strings.Fields(pg.SQL(t, db, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`))
	var b strings.Builder
	for _, table := range tables {
		b.WriteString(pg.SQL(t, db, fmt.Sprintf("SELECT * FROM %s", table)))
	}
	return b.String()
}

// forEach runs test against every backend.
func forEach(t *testing.T, test func(t *testing.T, b backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

func open(t *testing.T, url string, edit ...func(*store.Options)) *store.Store {
	t.Helper()
	o := store.Options{URL: url, Logger: quiet}
	for _, e := range edit {
		e(&o)
	}
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func withCodec(t *testing.T) func(*store.Options) {
	c, err := codec.New([]codec.Key{{ID: "k1", Key: []byte("0123456789abcdef0123456789abcdef")}})
	if err != nil {
		t.Fatal(err)
	}
	return func(o *store.Options) { o.Codec = c }
}

func withClock(now *time.Time) func(*store.Options) {
	return func(o *store.Options) { o.Now = func() time.Time { return *now } }
}

var (
	ctx   = context.Background()
	quiet = slog.New(slog.DiscardHandler)
)

func TestASendRetriedOnAnotherWorkerFindsTheFirstAttempt(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		w1, w2 := open(t, url), open(t, url)
		key := "winback:acme/run-1/revisit-email/email"
		at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		if err := w1.IntendToSend(ctx, key, store.Intent{Channel: "email", To: "dana@acme.example", At: at}); err != nil {
			t.Fatal(err)
		}
		// Worker 1 dies here. The retry lands on worker 2, which must see the attempt.
		if _, ok, _ := w2.SentMessage(ctx, key); ok {
			t.Fatal("an intent counts as sent")
		}
		i, ok, err := w2.PendingIntent(ctx, key)
		if err != nil || !ok || i.To != "dana@acme.example" || i.Channel != "email" || !i.At.Equal(at) {
			t.Fatalf("the other worker's view of the interrupted attempt: %+v %v %v", i, ok, err)
		}
		sent := store.Sent{Provider: "sendgrid", MessageID: "m-1", SentAt: at.Add(time.Second)}
		if err := w2.RecordSent(ctx, key, sent); err != nil {
			t.Fatal(err)
		}
		got, ok, err := w1.SentMessage(ctx, key)
		if err != nil || !ok || got != sent {
			t.Fatalf("recorded %+v, read back %+v %v %v", sent, got, ok, err)
		}
		if _, ok, _ := w1.PendingIntent(ctx, key); ok {
			t.Error("a recorded send still shows its intent")
		}
		// A late intent (a slow attempt still running) never overwrites the record.
		if err := w1.IntendToSend(ctx, key, store.Intent{Channel: "email", To: "x@y.example", At: at}); err != nil {
			t.Fatal(err)
		}
		if got, ok, _ := w2.SentMessage(ctx, key); !ok || got != sent {
			t.Errorf("a late intent undid a recorded send: %+v %v", got, ok)
		}
	})
}

func TestAWithdrawnIntentIsGone(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		key := "winback:acme/run-1/check-in-2/sms"
		if err := s.IntendToSend(ctx, key, store.Intent{Channel: "sms", To: "+12125550142", At: time.Now(), BodySHA256: "ab"}); err != nil {
			t.Fatal(err)
		}
		if err := s.WithdrawIntent(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.PendingIntent(ctx, key); ok {
			t.Error("withdrawn intent still pending")
		}
		if _, ok, _ := s.SentMessage(ctx, key); ok {
			t.Error("withdrawn intent counts as sent")
		}
	})
}

func TestWithCodecKeysTheStoreHoldsNoAddress(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		for _, tc := range []struct {
			name     string
			edit     []func(*store.Options)
			wantSeen bool
		}{{"with codec keys", []func(*store.Options){withCodec(t)}, false}, {"without (control)", nil, true}} {
			t.Run(tc.name, func(t *testing.T) {
				url := b.url(t)
				s := open(t, url, tc.edit...)
				email, phone := "dana.reyes@acme.example", "+12125550142"
				if err := s.IntendToSend(ctx, "k/email", store.Intent{Channel: "email", To: email, At: time.Now()}); err != nil {
					t.Fatal(err)
				}
				if err := s.IntendToSend(ctx, "k/sms", store.Intent{Channel: "sms", To: phone, At: time.Now()}); err != nil {
					t.Fatal(err)
				}
				if err := s.Suppress(ctx, phone, store.Suppression{Channel: "sms", Source: store.SourceStop, Detail: "STOP"}); err != nil {
					t.Fatal(err)
				}
				if err := s.Suppress(ctx, email, store.Suppression{Channel: "email", Source: store.SourceUnsubscribe}); err != nil {
					t.Fatal(err)
				}
				if err := s.IndexContact(ctx, phone, "sms", "acme", "winback:acme"); err != nil {
					t.Fatal(err)
				}
				// A billing problem may quote the customer's address (a launch check's refusal).
				if err := s.RecordBillingProblem(ctx, store.BillingProblem{EventID: "evt_1", EventType: "customer.subscription.deleted",
					Problem: fmt.Sprintf("column email: %q is not a valid email address", email)}); err != nil {
					t.Fatal(err)
				}
				if i, ok, err := s.PendingIntent(ctx, "k/sms"); err != nil || !ok || i.To != phone {
					t.Fatalf("the sealed recipient did not come back: %+v %v %v", i, ok, err)
				}
				s.Close()
				dump := b.dump(t, url)
				for _, pii := range []string{email, phone, "12125550142", "dana.reyes"} {
					if got := strings.Contains(dump, pii); got != tc.wantSeen {
						t.Errorf("dump holds %q: %v, want %v", pii, got, tc.wantSeen)
					}
				}
				if !strings.Contains(dump, "h1-") {
					t.Error("the dump holds no contact hash: did the writes land?")
				}
			})
		}
	})
}

func TestAStopHoldsForEveryLaterCampaignUntilStart(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
		campaign1, campaign2 := open(t, url, withClock(&now)), open(t, url, withClock(&now))
		phone := "+12125550142"
		if err := campaign1.Suppress(ctx, phone, store.Suppression{Channel: "sms", Source: store.SourceStop, Detail: "STOP",
			By: "twilio", WorkflowID: "winback:acme"}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
		// A later STOPALL does not rewrite why the customer first opted out.
		if err := campaign1.Suppress(ctx, phone, store.Suppression{Channel: "sms", Source: store.SourceStop, Detail: "STOPALL"}); err != nil {
			t.Fatal(err)
		}
		p, ok, err := campaign2.Suppressed(ctx, phone, "sms")
		if err != nil || !ok {
			t.Fatalf("a relaunched campaign does not see the STOP: %v %v", ok, err)
		}
		if p.Source != store.SourceStop || p.Detail != "STOP" || p.WorkflowID != "winback:acme" || !p.At.Equal(now.Add(-24*time.Hour)) {
			t.Errorf("suppression %+v", p)
		}
		if !strings.Contains(p.Describe(), "opted out of sms by stop (STOP) on 2026-03-02") {
			t.Errorf("Describe: %q", p.Describe())
		}
		if _, ok, _ := campaign2.Suppressed(ctx, phone, "email"); ok {
			t.Error("an SMS STOP suppressed email too")
		}
		now = now.Add(time.Hour)
		if _, err := campaign2.Lift(ctx, phone, "sms", store.SourceByHand, "", ""); err == nil {
			t.Error("an opt-in without who and why was accepted")
		}
		lifted, err := campaign2.Lift(ctx, phone, "sms", store.SourceStop, "customer", "replied START")
		if err != nil || !lifted {
			t.Fatalf("START: lifted %v, %v", lifted, err)
		}
		if _, ok, _ := campaign1.Suppressed(ctx, phone, "sms"); ok {
			t.Error("still suppressed after START")
		}
		log, err := campaign1.ConsentHistory(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action+":"+e.Detail+e.Why)
		}
		if want := "opt_out:STOP opt_out:STOPALL opt_in:replied START"; strings.Join(actions, " ") != want {
			t.Errorf("consent log %q, want %q", strings.Join(actions, " "), want)
		}
	})
}

func TestAnEmailOptOutMatchesWhateverTheCase(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		if err := s.Suppress(ctx, "Dana@Acme.example", store.Suppression{Channel: "email", Source: store.SourceUnsubscribe}); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Suppressed(ctx, " dana@acme.EXAMPLE ", "email"); !ok {
			t.Error("the same address in another case is not suppressed")
		}
		if err := s.Suppress(ctx, "", store.Suppression{Channel: "email"}); err == nil {
			t.Error("an opt-out of no contact was accepted")
		}
		if err := s.Suppress(ctx, "x@y.example", store.Suppression{Channel: "fax"}); err == nil {
			t.Error("an opt-out of an unknown channel was accepted")
		}
	})
}

func TestAReplayedEventChangesNothingOnAnyWorker(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
		w1, w2 := open(t, url, withClock(&now)), open(t, url, withClock(&now))
		c, state, err := w1.Claim(ctx, "SM123", "twilio-token-1")
		if err != nil || state != store.ClaimNew {
			t.Fatalf("first claim: %v %v", state, err)
		}
		if _, state, _ := w2.Claim(ctx, "SM123"); state != store.ClaimBusy {
			t.Errorf("while worker 1 handles it, worker 2 got %v, want busy", state)
		}
		if err := c.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, state, _ := w2.Claim(ctx, "SM999", "twilio-token-1"); state != store.ClaimSeen {
			t.Errorf("a replay on worker 2 got %v, want seen", state)
		}
		if c2, state, _ := w2.Claim(ctx, "SM999"); state != store.ClaimNew {
			t.Errorf("the new ID of a refused claim was kept: %v", state)
		} else {
			_ = c2.Release(ctx)
		}
		// A claim released (the request failed) is handled again on the provider's retry.
		c3, _, _ := w1.Claim(ctx, "SG-event-1")
		if err := c3.Release(ctx); err != nil {
			t.Fatal(err)
		}
		c4, state, _ := w2.Claim(ctx, "SG-event-1")
		if state != store.ClaimNew {
			t.Fatalf("after a release: %v", state)
		}
		// Its worker dies: after ClaimTTL another takes the event over.
		if _, state, _ := w1.Claim(ctx, "SG-event-1"); state != store.ClaimBusy {
			t.Errorf("within the TTL: %v, want busy", state)
		}
		now = now.Add(store.ClaimTTL + time.Second)
		c5, state, _ := w1.Claim(ctx, "SG-event-1")
		if state != store.ClaimNew {
			t.Fatalf("an abandoned claim was not taken over: %v", state)
		}
		_ = c4.Commit(ctx) // the dead worker's late commit does not mark the event done for it...
		if err := c5.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, state, _ := w2.Claim(ctx, "SG-event-1"); state != store.ClaimSeen {
			t.Errorf("after the take-over committed: %v, want seen", state)
		}
		// Pruned after the retention, an event would be handled again (by then no provider retries it).
		now = now.Add(store.InboundRetention + time.Hour)
		r, err := w1.Prune(ctx, 0)
		if err != nil || r.InboundEvents < 3 {
			t.Fatalf("prune: %+v %v", r, err)
		}
	})
}

func TestAnInboundSMSFindsItsCampaigns(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
		s := open(t, b.url(t), withClock(&now))
		if err := s.IndexContact(ctx, "+12125550142", "sms", "acme", "winback:acme"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
		if err := s.IndexContact(ctx, "+12125550142", "sms", "acme-eu", "winback:acme-eu"); err != nil {
			t.Fatal(err)
		}
		got, err := s.CampaignsOf(ctx, "+12125550142", "sms")
		if err != nil || strings.Join(got, " ") != "winback:acme-eu winback:acme" {
			t.Errorf("campaigns of the number: %v %v", got, err)
		}
		if got, _ := s.CampaignsOf(ctx, "+12125550199", "sms"); len(got) != 0 {
			t.Errorf("an unknown number found %v", got)
		}
	})
}

func TestEveryProcessOfADeploymentSharesItsSecrets(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		var wg sync.WaitGroup
		got := make([]string, 4)
		errs := make([]error, 4)
		for i := range got {
			wg.Add(1)
			go func() { // four workers starting at once on an empty store
				defer wg.Done()
				s, err := store.Open(ctx, store.Options{URL: url, Logger: quiet})
				if err != nil {
					errs[i] = err
					return
				}
				defer s.Close()
				v, err := s.Secret(ctx, store.LinkSecret)
				got[i], errs[i] = string(v), err
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Fatalf("process %d: %v", i, errs[i])
			}
			if got[i] != got[0] || len(got[i]) < 32 {
				t.Fatalf("processes disagree on the link secret: %q", got)
			}
		}
		// A contact hash made by one process matches another's.
		s1, s2 := open(t, url), open(t, url)
		if s1.ContactHash("+12125550142") != s2.ContactHash("+12125550142") {
			t.Error("two processes hash a contact differently")
		}
	})
}

func TestSealedSecretsNeedTheirKey(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		sealed := open(t, url, withCodec(t))
		v, err := sealed.Secret(ctx, store.InboxSecret)
		if err != nil {
			t.Fatal(err)
		}
		sealed.Close()
		if strings.Contains(b.dump(t, url), string(v)) {
			t.Error("a sealed secret is in the dump")
		}
		_, err = store.Open(ctx, store.Options{URL: url, Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), "WINBACK_CODEC_KEYS") {
			t.Errorf("opening a sealed store without its codec keys: %v; want an error naming WINBACK_CODEC_KEYS", err)
		}
	})
}

func TestOneWorkerHoldsALease(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
		s := open(t, b.url(t), withClock(&now))
		for _, step := range []struct {
			holder string
			want   bool
			after  time.Duration
		}{{"w1", true, 0}, {"w2", false, 0}, {"w1", true, 20 * time.Second}, {"w2", false, 20 * time.Second}, {"w2", true, 31 * time.Second}, {"w1", false, 0}} {
			now = now.Add(step.after)
			got, err := s.TryLease(ctx, "gauges", step.holder, 30*time.Second)
			if err != nil || got != step.want {
				t.Fatalf("%s at +%v: %v %v, want %v", step.holder, step.after, got, err, step.want)
			}
		}
	})
}

func TestSchemasAreVersioned(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		url := b.url(t)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 { // three processes migrating a new database at once
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := store.Open(ctx, store.Options{URL: url, Logger: quiet})
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent first opens: %v", err)
			}
		}
		// A newer winback migrated it further: this one must not write into that schema.
		s := open(t, url)
		future := store.SchemaVersion() + 1
		if err := s.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (%d, 'future', 0)`, future)); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := store.Open(ctx, store.Options{URL: url, Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("schema version %d, newer than this winback knows", future)) {
			t.Errorf("a newer schema: %v", err)
		}
	})
}

func TestBadURLsAreRefusedSayingWhy(t *testing.T) {
	for url, want := range map[string]string{
		"":                                   "is empty",
		"mysql://root@db/winback":            `scheme "mysql"`,
		"postgres://winback:s3cret@/winback": "has no host",
		"postgres://db.example:5432":         "names no database",
		"sqlite:/tmp/x.db?cache=shared":      "carries SQLite options",
		"postgres://u:p%zz@db/winback":       "not a valid postgres:// URL",
	} {
		_, err := store.Open(ctx, store.Options{URL: url, Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error saying %q", url, err, want)
		}
	}
	// Unreachable: said plainly, without the password.
	_, err := store.Open(ctx, store.Options{URL: "postgres://winback:hunter22secret@127.0.0.1:1/winback?connect_timeout=2", ConnectTimeout: 3 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach postgres://127.0.0.1:1/winback") || strings.Contains(err.Error(), "hunter22secret") {
		t.Errorf("unreachable database: %v", err)
	}
	// An SQLite path that cannot be a file.
	dir := t.TempDir()
	_, err = store.Open(ctx, store.Options{URL: "sqlite:" + dir})
	if err == nil {
		t.Error("a folder was accepted as the SQLite file")
	}
}

func TestADataFolderOfTheFileLedgerVersionIsImportedOnce(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		dir := t.TempDir()
		write := func(name, body string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("ledger.jsonl", `{"key":"winback:acme/revisit-email","result":{"provider":"sendgrid","messageId":"m-1","sentAt":"2026-11-20T10:00:00Z"}}
{"key":"winback:acme/check-in-2","intent":{"channel":"sms","to":"+12125550142","at":"2026-11-21T10:00:00Z","bodySha256":"ab"}}
{"key":"winback:beta/check-in-1","intent":{"channel":"email","to":"b@beta.example","at":"2026-11-21T10:00:00Z"}}
{"key":"winback:beta/check-in-1","withdrawn":true}
{"key":"winback:beta/rev`) // the last line was cut short by a crash
		write("webhooks-seen.log", "1764000000 00112233445566778899aabbccddeeff\n")
		write("link-secret", "0123456789abcdef0123456789abcdef\n")
		s := open(t, b.url(t))
		r, err := s.ImportDataDir(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if r.Sends != 1 || r.Intents != 1 || r.InboundEvents != 1 || strings.Join(r.Secrets, ",") != "link-secret" {
			t.Errorf("import report %+v", r)
		}
		if got, ok, _ := s.SentMessage(ctx, "winback:acme/revisit-email"); !ok || got.MessageID != "m-1" {
			t.Errorf("imported send: %+v %v", got, ok)
		}
		if got, ok, _ := s.PendingIntent(ctx, "winback:acme/check-in-2"); !ok || got.To != "+12125550142" {
			t.Errorf("imported intent: %+v %v", got, ok)
		}
		if _, ok, _ := s.PendingIntent(ctx, "winback:beta/check-in-1"); ok {
			t.Error("a withdrawn intent was imported")
		}
		if v, _ := s.Secret(ctx, store.LinkSecret); string(v) != "0123456789abcdef0123456789abcdef" {
			t.Errorf("links signed before the upgrade would break: secret %q", v)
		}
		if _, err := os.Stat(filepath.Join(dir, "ledger.jsonl.imported")); err != nil {
			t.Error("the ledger file was not set aside")
		}
		again, err := s.ImportDataDir(ctx, dir)
		if err != nil || !again.Empty() {
			t.Errorf("a second start imported again: %+v %v", again, err)
		}
	})
}

// A store error says the store is unavailable, so callers retry rather than give up.
func TestAnUnreachableDatabaseIsUnavailableNotFatal(t *testing.T) {
	url := backends(t)[0].url(t)
	s := open(t, url)
	s.Close()
	_, _, err := s.SentMessage(ctx, "k")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("a closed store: %v; want ErrUnavailable", err)
	}
}

var _ converter.PayloadCodec // the codec the store seals with

// An unsubscribe link or a person names the campaign, not the address: the opt-out covers every
// contact the campaign indexed on that channel, for the campaigns to come; a person's opt-in
// lifts it again, with who and why.
func TestAnOptOutNamingTheCampaignCoversItsContacts(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := open(t, b.url(t))
		for _, c := range []struct{ contact, channel string }{
			{"dana@acme.example", "email"}, {"dana.reyes@acme.example", "email"}, {"+12125550142", "sms"},
		} {
			if err := s.IndexContact(ctx, c.contact, c.channel, "acme", "winback:acme"); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.SuppressCampaign(ctx, "winback:acme", store.Suppression{Channel: "email", Source: store.SourceUnsubscribe, Detail: "link"})
		if err != nil || n != 2 {
			t.Fatalf("suppressed %d, %v; want both email addresses", n, err)
		}
		for _, addr := range []string{"dana@acme.example", "dana.reyes@acme.example"} {
			if p, ok, _ := s.Suppressed(ctx, addr, "email"); !ok || p.WorkflowID != "winback:acme" {
				t.Errorf("%s: %+v %v", addr, p, ok)
			}
		}
		if _, ok, _ := s.Suppressed(ctx, "+12125550142", "sms"); ok {
			t.Error("an email unsubscribe suppressed SMS")
		}
		if n, _ := s.SuppressCampaign(ctx, "winback:unknown", store.Suppression{Channel: "email", Source: store.SourceUnsubscribe}); n != 0 {
			t.Errorf("a campaign that indexed nothing suppressed %d", n)
		}
		if _, err := s.LiftCampaign(ctx, "winback:acme", "email", store.SourceByHand, "alice", ""); err == nil {
			t.Error("an opt-in without a reason was accepted")
		}
		lifted, err := s.LiftCampaign(ctx, "winback:acme", "email", store.SourceByHand, "alice", "asked on the phone to hear from us again")
		if err != nil || lifted != 2 {
			t.Fatalf("lifted %d, %v", lifted, err)
		}
		if _, ok, _ := s.Suppressed(ctx, "dana@acme.example", "email"); ok {
			t.Error("still suppressed after the opt-in")
		}
	})
}

// A deployment moves from one store to another (a trial's SQLite file to a team's PostgreSQL):
// the copy keeps every opt-out matching, the secrets (links already sent stay good) and the
// sends in flight.
func TestAStoreCopiedToAnotherBackendKeepsItsPromises(t *testing.T) {
	bs := backends(t)
	for _, from := range bs {
		for _, to := range bs {
			t.Run(from.name+"-to-"+to.name, func(t *testing.T) {
				src := open(t, from.url(t), withCodec(t))
				if err := src.Suppress(ctx, "+12125550142", store.Suppression{Channel: "sms", Source: store.SourceStop, Detail: "STOP"}); err != nil {
					t.Fatal(err)
				}
				if err := src.IndexContact(ctx, "dana@acme.example", "email", "acme", "winback:acme"); err != nil {
					t.Fatal(err)
				}
				if err := src.IntendToSend(ctx, "k/sms", store.Intent{Channel: "sms", To: "+12125550142", At: time.Now()}); err != nil {
					t.Fatal(err)
				}
				won := record("acme", 1, task("backstory", "backstory", "alice", time.Hour))
				won.Offers = []store.OfferRecord{{ID: "offer-1", Kind: "incentive", Status: "fulfilled", Value: 500, Made: day0}}
				won.Outcome, won.Closed, won.Holdout = "won_back", day0.Add(time.Hour), true
				won.Revenue, won.RevenueCurrency = 3600, "eur"
				if _, err := src.SyncCampaign(ctx, won); err != nil {
					t.Fatal(err)
				}
				if err := src.RecordBillingProblem(ctx, store.BillingProblem{EventID: "evt_1", EventType: "customer.subscription.deleted",
					BillingCustomer: "cus_1", Problem: "no email and no phone"}); err != nil {
					t.Fatal(err)
				}
				link, _ := src.Secret(ctx, store.LinkSecret)
				dst := open(t, to.url(t))
				report, err := src.CopyTo(ctx, dst)
				if err != nil {
					t.Fatal(err)
				}
				if report["suppressions"] != 1 || report["contacts"] != 1 || report["send_ledger"] != 1 ||
					report["campaign_records"] != 1 || report["campaign_tasks"] != 1 || report["campaign_offers"] != 1 ||
					report["billing_problems"] != 1 {
					t.Errorf("report %v", report)
				}
				if _, ok, _ := dst.Suppressed(ctx, "+12125550142", "sms"); !ok {
					t.Error("the STOP does not match in the copy")
				}
				if v, _ := dst.Secret(ctx, store.LinkSecret); string(v) != string(link) {
					t.Error("the link secret changed: links already sent would break")
				}
				if i, ok, err := dst.PendingIntent(ctx, "k/sms"); err != nil || !ok || i.To != "+12125550142" {
					t.Errorf("the send in flight: %+v %v %v", i, ok, err)
				}
				if p, err := dst.Tasks(ctx, store.TaskQuery{Assignees: []string{"alice"}}); err != nil || ids(p) != "acme/backstory" {
					t.Errorf("alice's tasks in the copy: %s %v", ids(p), err)
				}
				if h, err := dst.CustomerHistory(ctx, "acme", "", time.Time{}); err != nil || h.WonBackWithIncentive != 1 {
					t.Errorf("acme's history in the copy: %+v %v; want the win back with its incentive", h, err)
				}
				if f, err := dst.ReportFacts(ctx, store.ReportQuery{}); err != nil || heldOutGroup(f, store.DimAll, "").Campaigns != 1 {
					t.Errorf("the holdout in the copy: %+v %v", f.Groups, err)
				}
				if f, err := dst.ReportFacts(ctx, store.ReportQuery{}); err != nil || len(f.Revenue) != 1 || f.Revenue[0].Amount != 3600 ||
					f.Revenue[0].Currency != "eur" {
					t.Errorf("the revenue in the copy: %+v %v", f.Revenue, err)
				}
				// The problem was sealed with the source's key and is read with the copy's (none).
				if p, err := dst.BillingProblems(ctx, store.BillingProblemQuery{}); err != nil || p.Total != 1 ||
					p.Problems[0].Problem != "no email and no phone" || p.Problems[0].BillingCustomer != "cus_1" {
					t.Errorf("the billing problems in the copy: %+v %v", p, err)
				}
				if _, err := src.CopyTo(ctx, dst); err == nil || !strings.Contains(err.Error(), "already holds data") {
					t.Errorf("a second copy into a store with data: %v", err)
				}
			})
		}
	}
}
