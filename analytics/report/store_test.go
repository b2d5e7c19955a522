package report

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"folio/analytics/store"
)

// memStore is an in-memory store.Store for the property tests, which make
// hundreds of random stores: far quicker than a SQLite file each. The golden
// tests use the real SQLite store.
type memStore struct {
	c store.Counts
}

func (m *memStore) Add(_ context.Context, b *store.Batch) error {
	for k, n := range b.Views {
		m.c.Views = append(m.c.Views, store.ViewRow{Day: k.Day, Path: k.Path, N: n, Visitors: b.ViewVisitors[k]})
	}
	for k, n := range b.Dims {
		m.c.Dims = append(m.c.Dims, store.DimRow{Day: k.Day, Dim: k.Dim, Value: k.Value, N: n, Visitors: b.DimVisitors[k]})
	}
	for k, n := range b.Events {
		m.c.Events = append(m.c.Events, store.EventRow{Day: k.Day, Kind: k.Kind, Name: k.Name, N: n, Visitors: b.EventVisitors[k]})
	}
	for k, n := range b.Dropped {
		m.c.Dropped = append(m.c.Dropped, store.DropRow{Day: k.Day, Reason: k.Reason, N: n})
	}
	for d, n := range b.Visitors {
		m.c.Visitors = append(m.c.Visitors, store.VisitorRow{Day: d, N: n})
	}
	return nil
}

// Query returns the rows of the days in primary key order, as the
// interface promises. Rows added twice stay two rows, which a report must
// add up like any other.
func (m *memStore) Query(_ context.Context, from, to string) (*store.Counts, error) {
	in := func(day string) bool { return day >= from && day <= to }
	c := &store.Counts{}
	for _, v := range m.c.Views {
		if in(v.Day) {
			c.Views = append(c.Views, v)
		}
	}
	for _, v := range m.c.Dims {
		if in(v.Day) {
			c.Dims = append(c.Dims, v)
		}
	}
	for _, v := range m.c.Events {
		if in(v.Day) {
			c.Events = append(c.Events, v)
		}
	}
	for _, v := range m.c.Dropped {
		if in(v.Day) {
			c.Dropped = append(c.Dropped, v)
		}
	}
	for _, v := range m.c.Visitors {
		if in(v.Day) {
			c.Visitors = append(c.Visitors, v)
		}
	}
	slices.SortStableFunc(c.Views, func(a, b store.ViewRow) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Path, b.Path))
	})
	slices.SortStableFunc(c.Dims, func(a, b store.DimRow) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Dim, b.Dim), cmp.Compare(a.Value, b.Value))
	})
	slices.SortStableFunc(c.Events, func(a, b store.EventRow) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	slices.SortStableFunc(c.Dropped, func(a, b store.DropRow) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Reason, b.Reason))
	})
	slices.SortStableFunc(c.Visitors, func(a, b store.VisitorRow) int { return cmp.Compare(a.Day, b.Day) })
	return c, nil
}

func (m *memStore) Prune(context.Context, string) (int64, error) { return 0, nil }
func (m *memStore) Close() error                                 { return nil }

// sqliteStore opens a new SQLite store in a temporary folder and adds b.
func sqliteStore(t testing.TB, b *store.Batch) *store.SQLite {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "analytics.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	if b != nil {
		if err := st.Add(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func newBatch() *store.Batch { return store.NewBatch() }

// memReport makes a report of the counts of b, held in a memStore.
func memReport(t testing.TB, b *store.Batch, opts Options) *Report {
	t.Helper()
	st := &memStore{}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	r, err := Generate(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
