// Package store keeps Folio's aggregate analytics counts.
//
// The store holds only sums: views per (day, path), site-wide counts per
// (day, dimension, value), filtered events per (day, reason) and an
// approximate number of distinct visitors per day. There is no table with
// one row per visit, and no column that could hold an address, a user agent
// or any other identifier. The tables are a public interface, documented in
// the README; schema.sql is applied in one transaction and versioned with
// PRAGMA user_version.
//
// Store is the small interface the collector and the report need. SQLite
// (through modernc.org/sqlite, no cgo) is the embedded implementation; a
// server database with the same tables could implement it too.
package store

import "context"

// Dimensions are the site-wide attributes counted one at a time, never per
// path and never combined with each other.
var Dimensions = []string{"browser", "os", "device", "language", "referrer", "country"}

// ViewKey identifies one views cell.
type ViewKey struct {
	Day  string // UTC date, YYYY-MM-DD
	Path string
}

// DimKey identifies one dimensions cell.
type DimKey struct {
	Day   string
	Dim   string // one of Dimensions
	Value string
}

// DropKey identifies one dropped cell.
type DropKey struct {
	Day    string
	Reason string // bot, unknown-page, bad-request, rate-limited, origin
}

// Batch is a set of count increments written in one transaction. Every
// count is added to what is stored (n = n + excluded.n), including
// Visitors, which holds the number of new distinct visitors seen since the
// previous batch.
type Batch struct {
	Views    map[ViewKey]int64
	Dims     map[DimKey]int64
	Dropped  map[DropKey]int64
	Visitors map[string]int64 // day -> new distinct visitors
}

// Len reports how many cells the batch touches.
func (b *Batch) Len() int {
	return len(b.Views) + len(b.Dims) + len(b.Dropped) + len(b.Visitors)
}

// ViewRow is one stored views cell.
type ViewRow struct {
	Day, Path string
	N         int64
}

// DimRow is one stored dimensions cell.
type DimRow struct {
	Day, Dim, Value string
	N               int64
}

// DropRow is one stored dropped cell.
type DropRow struct {
	Day, Reason string
	N           int64
}

// VisitorRow is one stored visitors cell.
type VisitorRow struct {
	Day string
	N   int64
}

// Counts is every stored cell of a range of days, each slice ordered by its
// primary key.
type Counts struct {
	Views    []ViewRow
	Dims     []DimRow
	Dropped  []DropRow
	Visitors []VisitorRow
}

// Store adds, reads and prunes aggregate counts.
type Store interface {
	// Add adds every count of b in one transaction: all of it lands or
	// none of it does, so a caller can keep b and retry after an error.
	Add(ctx context.Context, b *Batch) error
	// Query returns the cells of the days from..to, both inclusive.
	Query(ctx context.Context, from, to string) (*Counts, error)
	// Prune deletes every cell of a day before the given day and reports
	// how many rows went.
	Prune(ctx context.Context, before string) (int64, error)
	Close() error
}
