package campaignstest

import (
	"testing"
	"time"
)

// Eventually retries check until it passes, for within at most, and fails the test with the
// last error otherwise: visibility, a worker and a campaign's timers all answer a little later.
func Eventually(t testing.TB, within time.Duration, what string, check func() error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = check(); err == nil {
			return
		}
	}
	t.Fatalf("%s: %v", what, err)
}
