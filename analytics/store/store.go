// Package store keeps Folio's aggregate analytics counts.
//
// The store holds only sums: views per (day, path), site-wide counts per
// (day, dimension, value), events per (day, kind, name), filtered events per
// (day, reason) and an approximate number of distinct visitors per day.
// Beside each count of a path, a value or an event is the number of
// distinct visitors of that day it counts, so that a report can apply its
// threshold to people rather than to views. There is no table with
// one row per visit, and no column that could hold an address, a user agent
// or any other identifier. Every row belongs to one site (a site column),
// so one database can hold the counts of several sites; a Store reads and
// writes one of them. The tables are a public interface, documented in the
// README.
//
// Store is the small interface the collector and the report need. Two
// engines implement it with the same tables and meanings:
//
//   - SQLite (through modernc.org/sqlite, no cgo), the embedded default: one
//     file, versioned with PRAGMA user_version;
//   - PostgreSQL (through jackc/pgx), for several collectors sharing one
//     database: versioned in the folio_schema table.
//
// Both bring an older schema up to SchemaVersion with the numbered steps of
// migrations/ENGINE/, all in one transaction, and both refuse a newer
// schema or another program's tables without changing them. Writes are
// additive (n = n + excluded.n), so any number of collectors may add to the
// same cells.
package store

import (
	"context"
	"strings"
	"time"
)

// Dimensions are the site-wide attributes counted one at a time, never per
// path and never combined with each other.
var Dimensions = []string{"browser", "os", "device", "language", "referrer", "country",
	"source", "medium", "campaign", "not-found"}

// EventKinds are the kinds of events that are not page views: a click on
// a link to another site (named by its host), a download of a file of the
// site (named by its path), and an element an editor named.
var EventKinds = []string{"outbound", "download", "event"}

// ViewKey identifies one views cell.
type ViewKey struct {
	Day  string // the site's day, YYYY-MM-DD in its timezone
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

// EventKey identifies one events cell.
type EventKey struct {
	Day  string
	Kind string // one of EventKinds
	Name string
}

// Batch is a set of count increments written in one transaction. Every
// count is added to what is stored (n = n + excluded.n), including
// Visitors, which holds the number of new distinct visitors seen since the
// previous batch, and the *Visitors maps, which hold the number of
// visitors new to a cell; a key of those maps is also a key of the map
// of counts beside it, or is written with a count of 0.
type Batch struct {
	Views         map[ViewKey]int64
	ViewVisitors  map[ViewKey]int64
	Dims          map[DimKey]int64
	DimVisitors   map[DimKey]int64
	Events        map[EventKey]int64
	EventVisitors map[EventKey]int64
	Dropped       map[DropKey]int64
	Visitors      map[string]int64 // day -> new distinct visitors
}

// NewBatch returns an empty batch with every map made.
func NewBatch() *Batch {
	return &Batch{
		Views:         make(map[ViewKey]int64),
		ViewVisitors:  make(map[ViewKey]int64),
		Dims:          make(map[DimKey]int64),
		DimVisitors:   make(map[DimKey]int64),
		Events:        make(map[EventKey]int64),
		EventVisitors: make(map[EventKey]int64),
		Dropped:       make(map[DropKey]int64),
		Visitors:      make(map[string]int64),
	}
}

// Len reports how many cells the batch touches. A visitors increment
// touches the cell its count does, so it is not counted again.
func (b *Batch) Len() int {
	return len(b.Views) + len(b.Dims) + len(b.Events) + len(b.Dropped) + len(b.Visitors)
}

// ViewRow is one stored views cell.
type ViewRow struct {
	Day, Path string
	N         int64
	Visitors  int64 // distinct visitors of the day among the N views
}

// DimRow is one stored dimensions cell.
type DimRow struct {
	Day, Dim, Value string
	N               int64
	Visitors        int64
}

// EventRow is one stored events cell.
type EventRow struct {
	Day, Kind, Name string
	N               int64
	Visitors        int64
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
	Events   []EventRow
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

// Database is a Store (the site chosen with WithSite) that can also reach
// the other sites it holds.
type Database interface {
	Store
	// Site returns the Store of the named site. Closing it does nothing.
	Site(name string) Store
	// Sites lists the sites that have any row, in order.
	Sites(ctx context.Context) ([]string, error)
}

var (
	_ Database = (*SQLite)(nil)
	_ Database = (*Postgres)(nil)
)

// IsPostgres reports whether target names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// OpenDatabase opens target: a PostgreSQL URL (see IsPostgres) or the path
// of a SQLite file.
func OpenDatabase(ctx context.Context, target string, opts ...Option) (Database, error) {
	if IsPostgres(target) {
		return OpenPostgres(ctx, target, opts...)
	}
	return Open(target, opts...)
}

// Option changes how a database is opened.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	readOnly    bool
	immutable   bool // SQLite's inspect: no locks, and no -wal or -shm made
	lockWait    time.Duration
	onLocked    func(wait time.Duration)
	site        string
	migrations  []migration // nil: the engine's own; tests add steps
}

func newOptions(opts []Option) (options, error) {
	o := options{busyTimeout: 5 * time.Second, lockWait: DefaultLockWait, site: DefaultSite}
	for _, opt := range opts {
		opt(&o)
	}
	return o, ValidSite(o.site)
}

// WithBusyTimeout sets how long a SQLite statement waits for a lock held
// by another connection (a report reading while the collector writes, or a
// backup) before failing. The default is 5 seconds.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// ReadOnly opens an existing database for Query only, so a report can read
// while a collector writes. The schema is checked but never created or
// upgraded.
func ReadOnly() Option {
	return func(o *options) { o.readOnly = true }
}

// WithSite chooses the site that the opened Store reads and writes
// (DefaultSite otherwise). When the database is upgraded from version 1,
// which had no sites, its rows are given this name.
func WithSite(name string) Option {
	return func(o *options) { o.site = name }
}

// sitesQuery lists the sites of every table; the same text on both engines.
const sitesQuery = `SELECT site FROM views UNION SELECT site FROM dimensions UNION SELECT site FROM events
	UNION SELECT site FROM dropped UNION SELECT site FROM visitors ORDER BY site`
