package privacy

import (
	"hash/maphash"
	"sync/atomic"
)

// memo remembers the results of a pure function of a string, such as
// ParseAgent, for the few hundred distinct user agents and languages that
// make up nearly all traffic. It is a direct-mapped table of fixed size,
// lock-free, and keyed by a seeded 64-bit hash rather than by the string:
// it never holds a user agent. Two strings with the same hash would share
// a result; at 64 bits that is a once-in-billions misfiling of one view.
type memo[V any] struct {
	seed  maphash.Seed
	slots [1024]atomic.Pointer[memoEntry[V]]
}

type memoEntry[V any] struct {
	h uint64
	v V
}

func newMemo[V any]() *memo[V] {
	return &memo[V]{seed: maphash.MakeSeed()}
}

func (m *memo[V]) get(s string, compute func(string) V) V {
	h := maphash.String(m.seed, s)
	slot := &m.slots[h%uint64(len(m.slots))]
	if e := slot.Load(); e != nil && e.h == h {
		return e.v
	}
	v := compute(s)
	slot.Store(&memoEntry[V]{h: h, v: v})
	return v
}
