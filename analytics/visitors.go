package analytics

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"hash/maphash"
)

// visitors estimates distinct visitors per site day without any identifier
// at rest. A random key, made when the day's first event arrives and
// forgotten when the day ends, keys an HMAC of the truncated address,
// browser family and language; the set of those HMACs lives in memory only
// and only its growth (an integer) is ever written. Once the key is gone
// the set cannot be linked to anyone, not even by Folio: yesterday's
// hashes cannot be recomputed, and today's cannot be joined with
// yesterday's.
//
// A restart during the day makes a new key, so a visitor seen before and
// after it is counted twice; the count errs upwards, never towards an
// identifier. A day never gets a second key otherwise: once the key has
// moved on to a later day, events of an earlier one are not counted as
// visitors. visitors is not safe for concurrent use: the aggregator's
// mutex guards it.
type visitors struct {
	day  string
	mac  hash.Hash // keyed with the day's random key; nothing else holds it
	seen map[uint64]struct{}
	max  int
	full bool // the set reached max today; later visitors are not counted

	// nets is what each client network added today, for the aggregator's
	// per-network budget. It is keyed by the same keyed hash, of the
	// truncated address alone, so it holds no address either, and it goes
	// with the key at the end of the day. At most max networks are kept.
	nets map[uint64]netUse

	// cells holds, for each (network, cell) pair seen today, a 64-bit
	// hash of the network's keyed hash and the cell's name, so that each
	// count of a path, value or event knows how many distinct networks it
	// came from. A network is the truncated address alone, not the
	// address, browser and language of a visitor: many browsers and
	// languages sent from one network are still one, so forged events
	// from one place cannot make a value look common. The set is bounded
	// by maxCells; past it a cell's visitors are a lower bound, which only
	// ever keeps a value out of a public report.
	seed     maphash.Seed
	cells    map[uint64]struct{}
	maxCells int

	buf, sum []byte // scratch space, reused to spare an allocation per event
}

func newVisitors(max int) *visitors {
	return &visitors{max: max, maxCells: 16 * max}
}

// firstInCell reports whether the network (its key from network, for the
// current day) is new to the cell named by kind, a and b: "v" and a path, "d", a
// dimension and a value, or "e", an event kind and name.
func (v *visitors) firstInCell(network uint64, kind, a, b string) bool {
	var h maphash.Hash
	h.SetSeed(v.seed)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], network)
	h.Write(n[:])
	h.WriteString(kind)
	h.WriteByte(0)
	h.WriteString(a)
	h.WriteByte(0)
	h.WriteString(b)
	k := h.Sum64()
	if _, ok := v.cells[k]; ok {
		return false
	}
	if v.cells == nil || len(v.cells) >= v.maxCells {
		return false
	}
	v.cells[k] = struct{}{}
	return true
}

// netUse is what one client network added to a day's counts: new distinct
// values and new visitors.
type netUse struct {
	values, visitors int32
}

// network returns the budget key of addr's network for day, and what the
// network has used of its budget so far. ok is false when the table is
// full and the network is not in it, or day is before the current one:
// then the network has no budget left.
func (v *visitors) network(day string, addr [16]byte) (key uint64, use netUse, ok bool) {
	if !v.at(day) {
		return 0, netUse{}, false
	}
	v.mac.Reset()
	v.mac.Write(addr[:])
	v.sum = v.mac.Sum(v.sum[:0])
	key = binary.LittleEndian.Uint64(v.sum)
	use, ok = v.nets[key]
	return key, use, ok || len(v.nets) < v.max
}

// spend records what a network used, after network said it may.
func (v *visitors) spend(key uint64, use netUse) {
	if v.nets != nil {
		v.nets[key] = use
	}
}

// at moves to day if it is later than the current one and reports whether
// events of day can be counted: a day before the current one has lost its
// key, and a new one would count its readers twice. The collector's day
// does not go back, so that is a guard, not a path taken.
func (v *visitors) at(day string) bool {
	switch {
	case v.day == "" || day > v.day:
		v.rotate(day)
	case day < v.day:
		return false
	}
	return true
}

// add records one event of day and reports whether it came from a visitor
// not seen before that day. A visitor not seen before is recorded only if
// mayAdd.
func (v *visitors) add(day string, addr [16]byte, browser, language string, mayAdd bool) bool {
	if !v.at(day) {
		return false
	}
	// The separators keep ("ab", "c") and ("a", "bc") apart.
	v.buf = append(v.buf[:0], addr[:]...)
	v.buf = append(v.buf, 0)
	v.buf = append(v.buf, browser...)
	v.buf = append(v.buf, 0)
	v.buf = append(v.buf, language...)
	v.mac.Reset()
	v.mac.Write(v.buf)
	// 64 bits of the HMAC are plenty to tell a day's visitors apart
	// (collisions become likely only past billions) and halve the memory.
	v.sum = v.mac.Sum(v.sum[:0])
	h := binary.LittleEndian.Uint64(v.sum)
	clear(v.buf) // the truncated address does not stay in the scratch buffer
	if _, ok := v.seen[h]; ok || !mayAdd {
		return false
	}
	if len(v.seen) >= v.max {
		v.full = true
		return false
	}
	v.seen[h] = struct{}{}
	return true
}

// rotate forgets the key and the set, and starts day with a fresh key.
// An empty day only forgets.
func (v *visitors) rotate(day string) {
	v.day, v.mac, v.seen, v.nets, v.full, v.cells = "", nil, nil, nil, false, nil
	if day == "" {
		return
	}
	v.seed = maphash.MakeSeed()
	v.cells = make(map[uint64]struct{})
	key := make([]byte, 32)
	rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	v.day = day
	v.mac = hmac.New(sha256.New, key)
	v.seen = make(map[uint64]struct{})
	v.nets = make(map[uint64]netUse)
}
