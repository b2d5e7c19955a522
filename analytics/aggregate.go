package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"folio/analytics/privacy"
	"folio/analytics/store"
)

// Other replaces a dimension value (or a path) once a day already has
// MaxValues distinct ones, so floods and referrer spam cannot grow the
// store.
const Other = "(other)"

// aggregator keeps the counts of events not yet written, as one pending
// store.Batch, and writes them in one transaction per flush.
//
// Bounds: distinct values are capped per day and dimension (and event
// kind), so the pending batch of one day has at most
// pages + 13*(maxValues+1) + reasons + 1 cells.
// Reaching maxPending asks for an early write. When writes fail, counts for
// cells already pending keep growing in place and cost no memory; new cells
// are refused past hardPending, and the events they would have counted are
// reported as lost once the store recovers.
type aggregator struct {
	st          store.Store
	log         *slog.Logger
	maxValues   int
	maxPending  int
	hardPending int
	budget      budget

	flushMu sync.Mutex // one flush at a time, so a failed batch is merged back before the next

	mu       sync.Mutex
	closed   bool
	pending  *store.Batch
	seen     map[string]*daySeen
	visitors *visitors
	lost     int64
	kick     chan struct{}

	warnedFull string // the day a full visitors set was last reported
}

// budget is how much one client network may add to a day's counts, so
// that one network cannot fill a dimension's maxValues with junk (pushing
// the values of real readers into Other) or make a visitor per event by
// rotating its Accept-Language. It is spent only on what is new that day;
// values already seen and returning visitors cost nothing.
type budget struct {
	values   int  // new distinct values, all dimensions together
	visitors int  // new distinct visitors
	paths    bool // new paths cost a value too: there is no set of pages
}

// daySeen holds the distinct values of one day, to apply maxValues.
type daySeen struct {
	paths map[string]struct{}
	dims  map[string]map[string]struct{}
}

func newBatch() *store.Batch { return store.NewBatch() }

func newAggregator(st store.Store, log *slog.Logger, maxValues, maxPending, maxVisitors int, b budget) *aggregator {
	return &aggregator{
		st:          st,
		log:         log,
		maxValues:   maxValues,
		maxPending:  maxPending,
		hardPending: 4 * maxPending,
		budget:      b,
		pending:     newBatch(),
		seen:        make(map[string]*daySeen),
		visitors:    newVisitors(maxVisitors),
		kick:        make(chan struct{}, 1),
	}
}

// seed loads the distinct values already stored for day, so that a
// restart does not let a day exceed maxValues.
func (a *aggregator) seed(ctx context.Context, day string) error {
	c, err := a.st.Query(ctx, day, day)
	if err != nil {
		return fmt.Errorf("read today's counts: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.daySeen(day)
	for _, v := range c.Views {
		s.paths[v.Path] = struct{}{}
	}
	for _, d := range c.Dims {
		s.dim(d.Dim)[d.Value] = struct{}{}
	}
	for _, e := range c.Events {
		s.dim("event:" + e.Kind)[e.Name] = struct{}{}
	}
	return nil
}

func (a *aggregator) daySeen(day string) *daySeen {
	s := a.seen[day]
	if s == nil {
		s = &daySeen{paths: make(map[string]struct{}), dims: make(map[string]map[string]struct{})}
		a.seen[day] = s
	}
	return s
}

func (s *daySeen) dim(name string) map[string]struct{} {
	m := s.dims[name]
	if m == nil {
		m = make(map[string]struct{})
		s.dims[name] = m
	}
	return m
}

// capped returns v, or Other when set already has max values without v or
// v would be new and the network's budget of new values is spent. left is
// what remains of that budget, and is charged for v; nil is no budget.
func capped(set map[string]struct{}, v string, max int, left *int) string {
	if _, ok := set[v]; ok {
		return v
	}
	switch {
	case len(set) >= max || (left != nil && *left <= 0):
		v = Other
	case left != nil:
		*left--
	}
	set[v] = struct{}{}
	return v
}

var errClosed = errors.New("collector closed")

// add counts an accepted view. It reports errClosed after close, and false
// when the event could not be counted because writes have been failing for
// so long that pending counts reached their bound.
func (a *aggregator) add(day string, r *privacy.Record) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false, errClosed
	}
	s := a.daySeen(day)
	b := a.pending
	if r.Kind != "" {
		return a.addEvent(day, s, r)
	}
	netKey, use, ok := a.visitors.network(day, r.Addr.Key())
	valuesLeft := 0
	if ok {
		valuesLeft = a.budget.values - int(use.values)
	}
	before := valuesLeft
	pathsLeft := &valuesLeft
	if !a.budget.paths {
		pathsLeft = nil // the site's pages are a bounded set of their own
	}
	vk := store.ViewKey{Day: day, Path: capped(s.paths, r.Path, a.maxValues, pathsLeft)}
	var dks [9]store.DimKey
	dims := dks[:0]
	for _, d := range [...]struct{ name, v string }{
		{"browser", r.Browser}, {"os", r.OS}, {"device", r.Device},
		{"language", r.Language}, {"referrer", r.Referrer}, {"country", r.Country},
		{"source", r.Source}, {"medium", r.Medium}, {"campaign", r.Campaign},
	} {
		if d.v != "" {
			dims = append(dims, store.DimKey{Day: day, Dim: d.name, Value: capped(s.dim(d.name), d.v, a.maxValues, &valuesLeft)})
		}
	}
	use.values += int32(before - valuesLeft)
	if b.Len() >= a.hardPending && !a.allPending(vk, dims) {
		a.lost++
		return false, nil
	}
	b.Views[vk]++
	for _, k := range dims {
		b.Dims[k]++
	}
	// Visitors per cell are counted with the current day's key only: a
	// day before it, which network refuses, has lost its key.
	if a.visitors.day == day {
		if a.visitors.firstInCell(netKey, "v", vk.Path, "") {
			b.ViewVisitors[vk]++
		}
		for _, k := range dims {
			if a.visitors.firstInCell(netKey, "d", k.Dim, k.Value) {
				b.DimVisitors[k]++
			}
		}
	}
	newVisitor := a.visitors.add(day, r.Addr.Key(), r.Browser, r.Language, ok && int(use.visitors) < a.budget.visitors)
	if ok {
		if newVisitor {
			use.visitors++
		}
		a.visitors.spend(netKey, use)
	}
	if newVisitor {
		b.Visitors[day]++
	} else if a.visitors.full && a.warnedFull != day {
		a.warnedFull = day
		a.log.Warn("the day's set of visitor hashes is full; today's visitors count is a lower bound", "max", a.visitors.max)
	}
	a.kickIfFull()
	return true, nil
}

// addEvent counts what is not a page view: an event on a page, or a
// missing page as the not-found dimension. Neither adds to the day's
// visitors, which count readers of pages. a.mu is held.
func (a *aggregator) addEvent(day string, s *daySeen, r *privacy.Record) (bool, error) {
	b := a.pending
	// A missing path or an event name new to the day costs the network's
	// budget of new values, as a new dimension value does in add.
	network, use, ok := a.visitors.network(day, r.Addr.Key())
	valuesLeft := 0
	if ok {
		valuesLeft = a.budget.values - int(use.values)
	}
	before := valuesLeft
	spend := func() {
		if ok {
			use.values += int32(before - valuesLeft)
			a.visitors.spend(network, use)
		}
	}
	current := a.visitors.day == day
	if r.Kind == privacy.KindNotFound {
		k := store.DimKey{Day: day, Dim: "not-found", Value: capped(s.dim("not-found"), r.Path, a.maxValues, &valuesLeft)}
		if _, ok := b.Dims[k]; !ok && b.Len() >= a.hardPending {
			a.lost++
			return false, nil
		}
		spend()
		b.Dims[k]++
		if current && a.visitors.firstInCell(network, "d", k.Dim, k.Value) {
			b.DimVisitors[k]++
		}
		a.kickIfFull()
		return true, nil
	}
	k := store.EventKey{Day: day, Kind: r.Kind, Name: capped(s.dim("event:"+r.Kind), r.Name, a.maxValues, &valuesLeft)}
	if _, ok := b.Events[k]; !ok && b.Len() >= a.hardPending {
		a.lost++
		return false, nil
	}
	spend()
	b.Events[k]++
	if current && a.visitors.firstInCell(network, "e", k.Kind, k.Name) {
		b.EventVisitors[k]++
	}
	a.kickIfFull()
	return true, nil
}

func (a *aggregator) allPending(vk store.ViewKey, dims []store.DimKey) bool {
	if _, ok := a.pending.Views[vk]; !ok {
		return false
	}
	for _, k := range dims {
		if _, ok := a.pending.Dims[k]; !ok {
			return false
		}
	}
	_, ok := a.pending.Visitors[vk.Day]
	return ok
}

// drop counts a filtered event.
func (a *aggregator) drop(day string, reason privacy.Reason) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return errClosed
	}
	k := store.DropKey{Day: day, Reason: string(reason)}
	if _, ok := a.pending.Dropped[k]; !ok && a.pending.Len() >= a.hardPending {
		a.lost++
		return nil
	}
	a.pending.Dropped[k]++
	a.kickIfFull()
	return nil
}

// kickIfFull asks the flush loop for an early write. The channel holds one
// request, so a burst asks once.
func (a *aggregator) kickIfFull() {
	if a.pending.Len() >= a.maxPending {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}

// rotate forgets what belongs to days before today: the visitors key and
// set of yesterday (so it cannot outlive its day even without traffic) and
// the distinct-value sets.
func (a *aggregator) rotate(today string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.visitors.day != "" && a.visitors.day != today {
		a.visitors.rotate("")
	}
	for day := range a.seen {
		if day < today {
			delete(a.seen, day)
		}
	}
}

// flush writes every pending count in one transaction. On failure the
// batch is merged back into pending, so nothing is lost and nothing is
// written twice: store.Add is all or nothing.
func (a *aggregator) flush(ctx context.Context) error {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	b := a.pending
	if b.Len() == 0 {
		a.mu.Unlock()
		return nil
	}
	a.pending = newBatch()
	a.mu.Unlock()

	err := a.st.Add(ctx, b)
	if errors.Is(err, store.ErrInvalidBatch) {
		// A bug, not a disk problem: retrying would block every later
		// count behind this batch forever.
		a.log.Error("dropping counts the store refused", "cells", b.Len(), "err", err)
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		merge(a.pending, b)
		return err
	}
	if a.lost > 0 {
		a.log.Error("events were not counted while the store was failing", "events", a.lost)
		a.lost = 0
	}
	return nil
}

func merge(dst, src *store.Batch) {
	for k, n := range src.Views {
		dst.Views[k] += n
	}
	for k, n := range src.Dims {
		dst.Dims[k] += n
	}
	for k, n := range src.ViewVisitors {
		dst.ViewVisitors[k] += n
	}
	for k, n := range src.DimVisitors {
		dst.DimVisitors[k] += n
	}
	for k, n := range src.Events {
		dst.Events[k] += n
	}
	for k, n := range src.EventVisitors {
		dst.EventVisitors[k] += n
	}
	for k, n := range src.Dropped {
		dst.Dropped[k] += n
	}
	for k, n := range src.Visitors {
		dst.Visitors[k] += n
	}
}

// close refuses further events, so that a final flush leaves nothing
// behind, and forgets the visitors key.
func (a *aggregator) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	a.visitors.rotate("")
}

// pendingCells reports how many cells wait to be written.
func (a *aggregator) pendingCells() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pending.Len()
}
