package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winback/winback/store"
)

// fixedKey is a SecretStore whose holdout key is fixed, so the test's figures are too.
type fixedKey string

func (k fixedKey) Secret(_ context.Context, name string) ([]byte, error) {
	if name != store.HoldoutSecret {
		return nil, fmt.Errorf("asked for secret %q", name)
	}
	return []byte(k), nil
}

// The same customers are held out on every rerun of a launch, from any process of the
// deployment: the key is the store's, made once.
func TestTheSameCustomersAreHeldOutOnEveryRerun(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "winback.db")
	picks := func() string {
		st, err := store.Open(context.Background(), store.Options{URL: url, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close() // each run is another process
		h, err := NewHoldout(context.Background(), st, 20)
		if err != nil {
			t.Fatal(err)
		}
		var held []string
		for i := range 200 {
			if id := fmt.Sprintf("C-%04d", i); h.HeldOut(id) {
				held = append(held, id)
			}
		}
		return strings.Join(held, " ")
	}
	first := picks()
	if first == "" {
		t.Fatal("nobody of 200 held out at 20%")
	}
	for run := 2; run <= 3; run++ {
		if again := picks(); again != first {
			t.Fatalf("run %d held out other customers:\n%s\nthe first held out:\n%s", run, again, first)
		}
	}
	// Another deployment (another key) holds out others: nobody can tell from the ID alone.
	other, _ := NewHoldout(context.Background(), fixedKey("another deployment's key, 32 bytes"), 20)
	var same, held int
	for _, id := range strings.Fields(first) {
		held++
		if other.HeldOut(id) {
			same++
		}
	}
	if same == held {
		t.Errorf("another key held out the same %d customers", held)
	}
}

// Over 10,000 customers, the share held out is the percent asked for, give or take what chance
// allows (the binomial's standard deviation is 0.4 points at 20%).
func TestTheShareHeldOutIsThePercent(t *testing.T) {
	for _, percent := range []float64{0, 5, 12.5, 20, 50} {
		h, err := NewHoldout(context.Background(), fixedKey("0123456789abcdef0123456789abcdef"), percent)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i := range 10000 {
			if h.HeldOut(fmt.Sprintf("C-%05d", i)) {
				n++
			}
		}
		if share := float64(n) / 100; math.Abs(share-percent) > 1.2 {
			t.Errorf("%v%%: %d of 10,000 held out (%.2f%%)", percent, n, share)
		}
	}
}

func TestAHoldoutOutsideZeroToFiftyIsRefused(t *testing.T) {
	for _, bad := range []float64{-1, 50.01, 100, math.NaN()} {
		if _, err := NewHoldout(context.Background(), fixedKey("k"), bad); err == nil || !strings.Contains(err.Error(), "from 0 to 50") {
			t.Errorf("%v: %v", bad, err)
		}
	}
	// No holdout needs no key: the store is not asked.
	if h, err := NewHoldout(context.Background(), brokenStore{}, 0); err != nil || h.HeldOut("C-1") {
		t.Errorf("0%%: %+v %v", h, err)
	}
	if _, err := NewHoldout(context.Background(), brokenStore{}, 10); err == nil || !strings.Contains(err.Error(), "the holdout's key") {
		t.Errorf("a store that cannot give the key: %v", err)
	}
}

type brokenStore struct{}

func (brokenStore) Secret(context.Context, string) ([]byte, error) {
	return nil, errors.New("store unavailable")
}

// The validator marks the customers held out and keeps the launch's percent in the playbook of
// each input, whatever the configured playbook said.
func TestCheckMarksTheCustomersHeldOut(t *testing.T) {
	v := testValidator()
	v.Playbook.HoldoutPercent = 10
	v.Holdout, _ = NewHoldout(context.Background(), fixedKey("0123456789abcdef0123456789abcdef"), 50)
	var held, worked int
	for i := range 40 {
		r := goodRow()
		r.CustomerID = fmt.Sprintf("C-%d", i)
		in, problems := v.Check(r)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		if in.Holdout != v.Holdout.HeldOut(r.CustomerID) || in.Playbook.HoldoutPercent != 50 {
			t.Fatalf("%s: held out %v, playbook %v%%", r.CustomerID, in.Holdout, in.Playbook.HoldoutPercent)
		}
		if in.Holdout {
			held++
		} else {
			worked++
		}
	}
	if held == 0 || worked == 0 {
		t.Errorf("a 50%% holdout of 40 held out %d", held)
	}
}
