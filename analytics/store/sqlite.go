package store

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed schema.sql
var schema string

// migrations[v] brings a database of version v+1 to version v+2: each is
// applied in the same transaction as the version it sets.
//
//go:embed migrate2.sql
var migrate2 string

var migrations = []string{migrate2}

// SchemaVersion is the PRAGMA user_version that schema.sql produces. A file
// with a higher version was written by a newer Folio and is not touched.
const SchemaVersion = 2

// ApplicationID is written to PRAGMA application_id so that a Folio database
// can be told apart from any other SQLite file ("Foli" in ASCII). A file
// carrying another application's id is refused, never converted.
const ApplicationID = 0x466f6c69

// ErrInvalidBatch is wrapped by Add when a batch can never be written (an
// unknown dimension, a negative count, a malformed day). Retrying such a
// batch is pointless, so callers may drop it.
var ErrInvalidBatch = errors.New("invalid batch")

// ErrNotFolio is wrapped by Open when the file is not a Folio database: not
// SQLite at all, corrupt, or some other program's SQLite database.
var ErrNotFolio = errors.New("not a Folio analytics database")

// ErrOlderSchema is wrapped by a read-only Open of a file that an older
// Folio wrote: only a read-write Open migrates it.
var ErrOlderSchema = errors.New("database schema is older than this Folio")

// ErrNewerSchema is wrapped by Open when the file was written by a newer
// Folio whose schema this one does not know.
var ErrNewerSchema = errors.New("database schema is newer than this Folio")

// Option changes how Open opens a database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	readOnly    bool
}

// WithBusyTimeout sets how long a statement waits for a lock held by another
// connection (a report reading while the collector writes, or a backup)
// before failing. The default is 5 seconds.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// ReadOnly opens an existing database for Query only, so a report can read
// while a collector writes. The schema is checked but never created.
func ReadOnly() Option {
	return func(o *options) { o.readOnly = true }
}

// SQLite is the embedded Store: one database file in WAL mode, so reports
// can read while the collector writes.
type SQLite struct {
	db *sql.DB
}

var _ Store = (*SQLite)(nil)

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens or creates the database at path and brings its schema to
// SchemaVersion. A file that is not a Folio database, or that is damaged, is
// reported with ErrNotFolio and left exactly as it was; a file from a newer
// Folio is reported with ErrNewerSchema.
func Open(path string, opts ...Option) (*SQLite, error) {
	o := options{busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	fresh, err := inspect(abs, o)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if fresh && o.readOnly {
		return nil, fmt.Errorf("open store %s: %w", path, os.ErrNotExist)
	}
	if fresh {
		if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	db, err := sql.Open("sqlite", dsn(abs, o))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &SQLite{db: db}
	if !o.readOnly {
		if err := s.migrate(); err != nil {
			return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
		}
	} else {
		var version int64
		if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
			return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
		}
		if version < SchemaVersion {
			return nil, errors.Join(fmt.Errorf("open store %s: %w: version %d, this Folio reads %d; open it once with folio collect or folio serve to upgrade it",
				path, ErrOlderSchema, version, SchemaVersion), db.Close())
		}
	}
	if err := db.Ping(); err != nil {
		return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
	}
	return s, nil
}

// dsn builds a SQLite URI. The file: form makes SQLite itself honour
// mode=ro, and escaping the path keeps a '?' or '#' in a folder name from
// being read as URI syntax.
func dsn(abs string, o options) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := []string{fmt.Sprintf("_pragma=busy_timeout(%d)", o.busyTimeout.Milliseconds())}
	if o.readOnly {
		q = append(q, "mode=ro")
	} else {
		// WAL lets readers (reports, backups) work while the collector
		// writes; synchronous=NORMAL is durable across application crashes
		// in WAL mode and only risks the last commits on power loss.
		q = append(q, "_pragma=journal_mode(wal)", "_pragma=synchronous(normal)", "_txlock=immediate")
	}
	return u.String() + "?" + strings.Join(q, "&")
}

// inspect decides, without writing a byte, whether abs is a new database
// (missing or empty), an existing Folio database this version can use, or
// something to refuse. Opening a foreign file read-write would already
// change it (journal_mode=wal rewrites the header), hence the separate,
// read-only look first.
func inspect(abs string, o options) (fresh bool, err error) {
	f, err := os.Open(abs)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if cerr := f.Close(); cerr != nil && err == nil {
		err = cerr
	}
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		return true, nil
	case errors.Is(err, io.ErrUnexpectedEOF) || (err == nil && !bytes.Equal(head, sqliteMagic)):
		return false, fmt.Errorf("%w: not a SQLite file", ErrNotFolio)
	case err != nil:
		return false, err
	}

	db, err := sql.Open("sqlite", dsn(abs, options{busyTimeout: o.busyTimeout, readOnly: true}))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var appID, version, objects int64
	var check string
	err = db.QueryRow(`PRAGMA application_id`).Scan(&appID)
	if err == nil {
		err = db.QueryRow(`PRAGMA user_version`).Scan(&version)
	}
	if err == nil {
		err = db.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&objects)
	}
	if err == nil {
		// quick_check reads every page, which is cheap for a store of
		// aggregates and turns later surprises into a clear refusal now.
		err = db.QueryRow(`PRAGMA quick_check(1)`).Scan(&check)
	}
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrNotFolio, err)
	}
	if check != "ok" {
		return false, fmt.Errorf("%w: damaged: %s", ErrNotFolio, check)
	}
	switch {
	case appID != 0 && appID != ApplicationID:
		return false, fmt.Errorf("%w: application_id %#x belongs to another program", ErrNotFolio, appID)
	case appID == 0 && objects > 0:
		return false, fmt.Errorf("%w: a SQLite database of another program", ErrNotFolio)
	case appID == 0:
		// An empty SQLite file with no tables: safe to initialise.
		return true, nil
	case version > SchemaVersion:
		return false, fmt.Errorf("%w: file has schema version %d, this Folio knows %d", ErrNewerSchema, version, SchemaVersion)
	}
	return false, nil
}

// migrate applies schema.sql to a new database, or the migrations from its
// version to an older one, in one transaction: a failed migration leaves
// the file as it was. The version is read again inside the write
// transaction (BEGIN IMMEDIATE, from _txlock), so two processes opening the
// same file cannot both change it.
func (s *SQLite) migrate() error {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin schema: %w", err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version == SchemaVersion:
		return nil
	case version > SchemaVersion:
		return fmt.Errorf("%w: file has schema version %d, this Folio knows %d", ErrNewerSchema, version, SchemaVersion)
	case version < 0:
		return fmt.Errorf("%w: unknown schema version %d", ErrNotFolio, version)
	case version == 0:
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return fmt.Errorf("apply schema: %w", err)
		}
	default:
		for v := version; v < SchemaVersion; v++ {
			if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("migrate schema from version %d: %w", v, err)
			}
		}
	}
	// PRAGMA arguments cannot be bound parameters; both are constants.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, ApplicationID)); err != nil {
		return fmt.Errorf("set application id: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, SchemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit schema: %w", err)
	}
	return nil
}

// validDay reports whether day looks like YYYY-MM-DD. Days are compared as
// strings by Query and Prune, so any other shape would sort wrongly.
func validDay(day string) bool {
	_, err := time.Parse(time.DateOnly, day)
	return err == nil && len(day) == len(time.DateOnly)
}

func checkBatch(b *Batch) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidBatch, fmt.Sprintf(format, args...))
	}
	for k, n := range b.Views {
		if !validDay(k.Day) || n < 0 {
			return bad("views cell %q n=%d", k.Day, n)
		}
	}
	for k, n := range b.Dims {
		if !validDay(k.Day) || n < 0 || !slices.Contains(Dimensions, k.Dim) {
			return bad("dimensions cell %q %q n=%d", k.Day, k.Dim, n)
		}
	}
	for k, n := range b.Events {
		if !validDay(k.Day) || n < 0 || !slices.Contains(EventKinds, k.Kind) {
			return bad("events cell %q %q n=%d", k.Day, k.Kind, n)
		}
	}
	for k, n := range b.ViewVisitors {
		if !validDay(k.Day) || n < 0 {
			return bad("views visitors %q n=%d", k.Day, n)
		}
	}
	for k, n := range b.DimVisitors {
		if !validDay(k.Day) || n < 0 || !slices.Contains(Dimensions, k.Dim) {
			return bad("dimensions visitors %q %q n=%d", k.Day, k.Dim, n)
		}
	}
	for k, n := range b.EventVisitors {
		if !validDay(k.Day) || n < 0 || !slices.Contains(EventKinds, k.Kind) {
			return bad("events visitors %q %q n=%d", k.Day, k.Kind, n)
		}
	}
	for k, n := range b.Dropped {
		if !validDay(k.Day) || n < 0 {
			return bad("dropped cell %q n=%d", k.Day, n)
		}
	}
	for day, n := range b.Visitors {
		if !validDay(day) || n < 0 {
			return bad("visitors cell %q n=%d", day, n)
		}
	}
	return nil
}

// Add implements Store.
func (s *SQLite) Add(ctx context.Context, b *Batch) (err error) {
	if b == nil || b.Len() == 0 {
		return nil
	}
	if err := checkBatch(b); err != nil {
		return fmt.Errorf("add counts: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add counts: begin: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	if err := upsertPair(ctx, tx, b.Views, b.ViewVisitors, `INSERT INTO views (day, path, n, visitors) VALUES (?, ?, ?, ?)
		ON CONFLICT (day, path) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k ViewKey) []any { return []any{k.Day, k.Path} }); err != nil {
		return fmt.Errorf("add views: %w", err)
	}
	if err := upsertPair(ctx, tx, b.Dims, b.DimVisitors, `INSERT INTO dimensions (day, dim, value, n, visitors) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, dim, value) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k DimKey) []any { return []any{k.Day, k.Dim, k.Value} }); err != nil {
		return fmt.Errorf("add dimensions: %w", err)
	}
	if err := upsertPair(ctx, tx, b.Events, b.EventVisitors, `INSERT INTO events (day, kind, name, n, visitors) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, kind, name) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k EventKey) []any { return []any{k.Day, k.Kind, k.Name} }); err != nil {
		return fmt.Errorf("add events: %w", err)
	}
	if err := upsert(ctx, tx, b.Dropped, `INSERT INTO dropped (day, reason, n) VALUES (?, ?, ?)
		ON CONFLICT (day, reason) DO UPDATE SET n = n + excluded.n`,
		func(k DropKey) []any { return []any{k.Day, k.Reason} }); err != nil {
		return fmt.Errorf("add dropped: %w", err)
	}
	if err := upsert(ctx, tx, b.Visitors, `INSERT INTO visitors (day, n) VALUES (?, ?)
		ON CONFLICT (day) DO UPDATE SET n = n + excluded.n`,
		func(day string) []any { return []any{day} }); err != nil {
		return fmt.Errorf("add visitors: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add counts: commit: %w", err)
	}
	return nil
}

// ignoreDone hides the error of rolling back a transaction that a failed
// Commit already ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

func upsert[K comparable](ctx context.Context, tx *sql.Tx, cells map[K]int64, query string, args func(K) []any) error {
	if len(cells) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	for k, n := range cells {
		if n == 0 {
			continue
		}
		if _, err := stmt.ExecContext(ctx, append(args(k), n)...); err != nil {
			return errors.Join(err, stmt.Close())
		}
	}
	return stmt.Close()
}

// upsertPair adds a count and its visitors to each cell of counts or of
// visitors; a cell in only one of them adds 0 to the other.
func upsertPair[K comparable](ctx context.Context, tx *sql.Tx, counts, visitors map[K]int64, query string, args func(K) []any) error {
	if len(counts) == 0 && len(visitors) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	exec := func(k K, n, v int64) error {
		if n == 0 && v == 0 {
			return nil
		}
		if _, err := stmt.ExecContext(ctx, append(args(k), n, v)...); err != nil {
			return errors.Join(err, stmt.Close())
		}
		return nil
	}
	for k, n := range counts {
		if err := exec(k, n, visitors[k]); err != nil {
			return err
		}
	}
	for k, v := range visitors {
		if _, ok := counts[k]; !ok {
			if err := exec(k, 0, v); err != nil {
				return err
			}
		}
	}
	return stmt.Close()
}

// Query implements Store. The days are read in one transaction, so the
// tables agree with each other even while a collector writes.
func (s *SQLite) Query(ctx context.Context, from, to string) (_ *Counts, err error) {
	if !validDay(from) || !validDay(to) {
		return nil, fmt.Errorf("query counts: want days as YYYY-MM-DD, got %q and %q", from, to)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("query counts: %w", err)
	}
	defer func() { err = errors.Join(err, ignoreDone(tx.Rollback())) }()
	c := &Counts{}
	err = queryRows(ctx, tx, `SELECT day, path, n, visitors FROM views WHERE day BETWEEN ? AND ? ORDER BY day, path`,
		from, to, func(r *sql.Rows) error {
			var v ViewRow
			if err := r.Scan(&v.Day, &v.Path, &v.N, &v.Visitors); err != nil {
				return err
			}
			c.Views = append(c.Views, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("query views: %w", err)
	}
	err = queryRows(ctx, tx, `SELECT day, dim, value, n, visitors FROM dimensions WHERE day BETWEEN ? AND ? ORDER BY day, dim, value`,
		from, to, func(r *sql.Rows) error {
			var v DimRow
			if err := r.Scan(&v.Day, &v.Dim, &v.Value, &v.N, &v.Visitors); err != nil {
				return err
			}
			c.Dims = append(c.Dims, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("query dimensions: %w", err)
	}
	err = queryRows(ctx, tx, `SELECT day, kind, name, n, visitors FROM events WHERE day BETWEEN ? AND ? ORDER BY day, kind, name`,
		from, to, func(r *sql.Rows) error {
			var v EventRow
			if err := r.Scan(&v.Day, &v.Kind, &v.Name, &v.N, &v.Visitors); err != nil {
				return err
			}
			c.Events = append(c.Events, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("query events: %w", err)
	}
	err = queryRows(ctx, tx, `SELECT day, reason, n FROM dropped WHERE day BETWEEN ? AND ? ORDER BY day, reason`,
		from, to, func(r *sql.Rows) error {
			var v DropRow
			if err := r.Scan(&v.Day, &v.Reason, &v.N); err != nil {
				return err
			}
			c.Dropped = append(c.Dropped, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("query dropped: %w", err)
	}
	err = queryRows(ctx, tx, `SELECT day, n FROM visitors WHERE day BETWEEN ? AND ? ORDER BY day`,
		from, to, func(r *sql.Rows) error {
			var v VisitorRow
			if err := r.Scan(&v.Day, &v.N); err != nil {
				return err
			}
			c.Visitors = append(c.Visitors, v)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("query visitors: %w", err)
	}
	return c, nil
}

func queryRows(ctx context.Context, tx *sql.Tx, query, from, to string, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, from, to)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			return errors.Join(err, rows.Close())
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

// Prune implements Store.
func (s *SQLite) Prune(ctx context.Context, before string) (_ int64, err error) {
	if !validDay(before) {
		return 0, fmt.Errorf("prune: want a day as YYYY-MM-DD, got %q", before)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	var total int64
	for _, table := range []string{"views", "dimensions", "events", "dropped", "visitors"} {
		// The table names are the constants above, never input.
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE day < ?`, before)
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", table, err)
		}
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune: commit: %w", err)
	}
	return total, nil
}

// Close closes the database. The last connection to close checkpoints the
// WAL into the main file and removes it.
func (s *SQLite) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
