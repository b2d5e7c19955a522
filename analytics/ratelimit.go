package analytics

import (
	"sync"
	"time"

	"folio/analytics/privacy"
)

// limiter allows each truncated address a number of events per clock
// minute. Its memory is as short-lived as the rule: the whole table is
// dropped when the minute changes, so no address is remembered for longer
// than a minute.
type limiter struct {
	perMinute int
	max       int // addresses per minute before new ones are refused
	now       func() time.Time

	mu     sync.Mutex
	minute int64
	counts map[[16]byte]int // the address's bytes: a map without pointers costs the GC nothing to scan
}

func newLimiter(perMinute, max int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, max: max, now: now, counts: make(map[[16]byte]int)}
}

// allow counts one event from a and reports whether it is within the
// limit. Requests without a usable address (a Unix socket peer) are not
// limited: there is nothing to tell them apart by.
func (l *limiter) allow(a privacy.Addr) bool {
	if l == nil || !a.IsValid() {
		return true
	}
	minute := l.now().Unix() / 60
	l.mu.Lock()
	defer l.mu.Unlock()
	if minute != l.minute {
		l.minute = minute
		clear(l.counts)
	}
	k := a.Key()
	n, ok := l.counts[k]
	if !ok && len(l.counts) >= l.max {
		// A flood from more networks than the table holds: refusing
		// newcomers until the minute ends bounds memory, and counting
		// less during an attack is the lesser harm.
		return false
	}
	if n >= l.perMinute {
		return false
	}
	l.counts[k] = n + 1
	return true
}
