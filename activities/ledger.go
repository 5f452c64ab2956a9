package activities

import (
	"context"
	"sync"

	"github.com/winback/winback/store"
)

// Store is what the activities keep in the deployment's store (store.Store in the worker): the
// send ledger, which makes a retried send, on any worker, return the first result instead of
// reaching the customer twice; the suppression list, checked before every customer message;
// and the contact index, which routes inbound messages to their campaign.
type Store interface {
	SentMessage(ctx context.Context, key string) (store.Sent, bool, error)
	RecordSent(ctx context.Context, key string, r store.Sent) error
	IntendToSend(ctx context.Context, key string, i store.Intent) error
	PendingIntent(ctx context.Context, key string) (store.Intent, bool, error)
	WithdrawIntent(ctx context.Context, key string) error

	Suppressed(ctx context.Context, contact, channel string) (store.Suppression, bool, error)
	Suppress(ctx context.Context, contact string, p store.Suppression) error
	IndexContact(ctx context.Context, contact, channel, customerID, workflowID string) error

	IndexStore   // the task index and the report's campaign records
	HistoryStore // a customer's earlier campaigns, for the decision
}

// Intent is what an attempt writes to the ledger before it calls the provider (store.Intent).
type Intent = store.Intent

// keyLocks serialises sends of the same key within this process, so that two attempts running
// at once (a retry started while a timed-out attempt is still finishing) cannot both miss the
// ledger and both send. Across processes the ledger's intent does that job.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = make(map[string]*keyLock)
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
