package launch

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// A holdout keeps a stable share of launched customers out of the campaign (no message, no
// task), tracked like the rest, so the report can show the lift the campaigns cause. Which
// customers is decided by a keyed hash of the customer ID, not by chance at launch: a rerun of
// the same file, another machine, or a relaunch next month holds out the same customers, and
// nobody can steer a customer into or out of the holdout without the deployment's key.

// SecretStore keeps the deployment's secrets (store.Store).
type SecretStore interface {
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Holdout picks the customers a launch holds out.
type Holdout struct {
	// Percent is the share held out, 0 to workflows.MaxHoldoutPercent.
	Percent float64
	key     []byte
}

// holdoutBuckets is how finely the hash splits customers: a percent to two decimals.
const holdoutBuckets = 10000

// NewHoldout returns the holdout of percent, keyed with the deployment's holdout key
// (store.HoldoutSecret, made on first use). A percent of 0 needs no key and reads nothing.
func NewHoldout(ctx context.Context, secrets SecretStore, percent float64) (*Holdout, error) {
	if err := CheckHoldoutPercent(percent); err != nil {
		return nil, err
	}
	h := &Holdout{Percent: percent}
	if percent == 0 {
		return h, nil
	}
	key, err := secrets.Secret(ctx, store.HoldoutSecret)
	if err != nil {
		return nil, fmt.Errorf("the holdout's key: %w", err)
	}
	h.key = key
	return h, nil
}

// CheckHoldoutPercent accepts a share of 0 to workflows.MaxHoldoutPercent percent.
func CheckHoldoutPercent(percent float64) error {
	if !(percent >= 0 && percent <= workflows.MaxHoldoutPercent) { // NaN fails too
		return fmt.Errorf("%v is not a share from 0 to %d percent", percent, workflows.MaxHoldoutPercent)
	}
	return nil
}

// HeldOut reports whether the customer is held out: the HMAC-SHA256 of the customer ID under
// the deployment's key, read as a number, falls in the first Percent of 10,000 buckets. A nil
// Holdout holds out nobody.
func (h *Holdout) HeldOut(customerID string) bool {
	if h == nil || h.Percent <= 0 || len(h.key) == 0 {
		return false
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(customerID))
	bucket := binary.BigEndian.Uint64(mac.Sum(nil)[:8]) % holdoutBuckets
	return bucket < uint64(math.Round(h.Percent*holdoutBuckets/100))
}

// Count is how many of the launches are held out.
func Count(launches []Launch) int {
	n := 0
	for _, l := range launches {
		if l.Input.Holdout {
			n++
		}
	}
	return n
}
