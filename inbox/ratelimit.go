package inbox

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// The limiter slows password guessing a little: after maxPerUserIP failures for one ID from one
// address, or maxPerIP failures of any ID from one address, within limitWindow, that address
// must wait until the oldest failure is limitWindow old. A success clears the ID's count. It
// counts per address rather than per ID alone so nobody can lock a colleague out from
// elsewhere; it lives in the process's memory, so each worker counts on its own.
const (
	limitWindow   = 15 * time.Minute
	maxPerUserIP  = 5
	maxPerIP      = 30
	maxLimiterKey = 10000 // beyond this many keys, stale ones are dropped
)

type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newLimiter() *limiter { return &limiter{fails: map[string][]time.Time{}} }

func limiterKeys(id, ip string) (pair, addr string) {
	return "id:" + strings.ToLower(id) + "|" + ip, "ip:" + ip
}

// retryAfter is how long the address must wait before trying id again; 0 when it may now.
func (l *limiter) retryAfter(id, ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	pair, addr := limiterKeys(id, ip)
	var wait time.Duration
	for key, limit := range map[string]int{pair: maxPerUserIP, addr: maxPerIP} {
		recent := l.recent(key, now)
		if len(recent) >= limit {
			wait = max(wait, recent[len(recent)-limit].Add(limitWindow).Sub(now))
		}
	}
	return wait
}

// fail counts a failed sign-in.
func (l *limiter) fail(id, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > maxLimiterKey {
		for key := range l.fails {
			if len(l.recent(key, now)) == 0 {
				delete(l.fails, key)
			}
		}
	}
	pair, addr := limiterKeys(id, ip)
	for _, key := range []string{pair, addr} {
		l.fails[key] = append(l.recent(key, now), now)
	}
}

// succeed forgets the ID's failures from this address.
func (l *limiter) succeed(id, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pair, _ := limiterKeys(id, ip)
	delete(l.fails, pair)
}

// recent keeps the key's failures within the window, oldest first.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	times := l.fails[key]
	for len(times) > 0 && !now.Before(times[0].Add(limitWindow)) {
		times = times[1:]
	}
	if len(times) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = times
	return times
}

// roundUp words a wait for people: "1 minute", "12 minutes".
func roundUp(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
