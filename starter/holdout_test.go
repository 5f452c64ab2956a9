package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/winback/winback/launch"
)

// heldOut lists the customers of the started campaigns that are held out.
func (c *cli) heldOut() string {
	var ids []string
	for _, in := range c.started() {
		if in.Holdout {
			ids = append(ids, in.Customer.ID)
		}
	}
	slices.Sort(ids) // launched concurrently: in any order
	return strings.Join(ids, " ")
}

// A launch with --holdout holds out the same customers on every rerun (the key is the
// store's); the dry run says how many; the percent travels in each campaign's playbook.
func TestLaunchHoldsOutAStableShare(t *testing.T) {
	database := "sqlite:" + filepath.Join(t.TempDir(), "winback.db")
	var records []string
	for i := range 60 {
		records = append(records, goodRecord(fmt.Sprintf("C-%02d", i)))
	}
	file := writeCSV(t, records...)

	dry := newCLI()
	dry.database = database
	code, out, errOut := dry.run("", "launch", "--csv", file, "--holdout", "20", "--dry-run")
	if code != exitOK || dry.dialed != 0 || !strings.Contains(out, "would launch 60 campaigns") || !strings.Contains(out, "HOLDOUT") {
		t.Fatalf("dry run: exit %d, dialed %d\n%s%s", code, dry.dialed, out, errOut)
	}
	first := newCLI()
	first.database = database
	code, out, errOut = first.run("", "launch", "--csv", file, "--holdout", "20")
	held := first.heldOut()
	n := len(strings.Fields(held))
	if code != exitOK || n == 0 || n > 25 {
		t.Fatalf("launch: exit %d, %d held out of 60 at 20%%\n%s%s", code, n, out, errOut)
	}
	if want := fmt.Sprintf("Held out: %d of 60 (20%% by --holdout)", n); !strings.Contains(out, want) {
		t.Errorf("the launch does not say %q:\n%s", want, out)
	}
	_, dryOut, _ := dry.run("", "launch", "--csv", file, "--holdout", "20", "--dry-run")
	if want := fmt.Sprintf("Held out: %d of 60 (20%% by --holdout)", n); !strings.Contains(dryOut, want) {
		t.Errorf("the dry run does not say %q:\n%s", want, dryOut)
	}
	for _, in := range first.started() {
		if in.Playbook.HoldoutPercent != 20 {
			t.Fatalf("%s's playbook holds out %v%%, want the launch's 20%%", in.Customer.ID, in.Playbook.HoldoutPercent)
		}
	}

	// A rerun (a fresh process, a fresh Temporal, the same store) holds out the same customers,
	// by the playbook's holdoutPercent this time.
	again := newCLI()
	again.database, again.holdoutPercent = database, 20
	code, out, _ = again.run("", "launch", "--csv", file, "-o", "json")
	var s launch.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != exitOK || s.HeldOut != n {
		t.Fatalf("rerun: exit %d, %v, summary held out %d, want %d", code, err, s.HeldOut, n)
	}
	if got := again.heldOut(); got != held {
		t.Errorf("the rerun held out\n%s\nthe first launch held out\n%s", got, held)
	}
	// --holdout 0 overrides the playbook: nobody held out.
	none := newCLI()
	none.holdoutPercent = 20
	if code, out, errOut := none.run("", "launch", "--csv", file, "--holdout", "0"); code != exitOK || none.heldOut() != "" ||
		strings.Contains(out, "Held out") {
		t.Errorf("--holdout 0: exit %d, held out %q\n%s%s", code, none.heldOut(), out, errOut)
	}
}

func TestABadHoldoutExitsTwoNamingIt(t *testing.T) {
	for _, bad := range []string{"60", "-5", "lots", "NaN"} {
		c := newCLI()
		args := append(append([]string{}, launchArgs...), "--holdout", bad)
		code, out, errOut := c.run("", args...)
		if code != exitBadInput || !strings.Contains(errOut, "--holdout") || c.dialed > 0 || len(c.started()) > 0 {
			t.Errorf("--holdout %s: exit %d, dialed %d\n%s%s", bad, code, c.dialed, out, errOut)
		}
	}
}
