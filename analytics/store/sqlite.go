package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

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

// ErrNewerSchema is wrapped by Open when the file was written by a newer
// Folio whose schema this one does not know.
var ErrNewerSchema = errors.New("database schema is newer than this Folio")

// ErrOlderSchema is wrapped by a read-only Open, on either engine, of a
// database that an older Folio wrote: reading it needs the schema upgrade
// that only a writer (folio collect, folio serve, folio migrate) makes.
var ErrOlderSchema = errors.New("database schema is older than this Folio")

// ErrLocked is wrapped by Open when another program held the database's
// lock for longer than Open waits (WithLockWait).
var ErrLocked = errors.New("database is locked by another program")

// DefaultLockWait is how long Open waits for another program's lock.
const DefaultLockWait = 30 * time.Second

// WithLockWait sets how long Open waits, retrying, while another program
// (a sqlite3 shell, a tool rewriting the file) holds the database locked
// before it gives up with ErrLocked; DefaultLockWait by default. onLocked,
// if not nil, is called once when Open finds the lock and starts to wait,
// so that the caller can say why it is not starting yet.
func WithLockWait(d time.Duration, onLocked func(wait time.Duration)) Option {
	return func(o *options) { o.lockWait, o.onLocked = d, onLocked }
}

// SQLite is the embedded Store: one database file in WAL mode, so reports
// can read while the collector writes. It reads and writes the site chosen
// with WithSite; Site gives the other sites of the same file.
type SQLite struct {
	db   *sql.DB
	site string
	view bool // made by Site: Close leaves db open
}

var _ Store = (*SQLite)(nil)

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens or creates the database at path and brings its schema to
// SchemaVersion. A file that is not a Folio database, that is damaged, or
// whose tables do not have the shape its version's migrations make is
// reported with ErrNotFolio and left exactly as it was, with nothing
// created beside it; a file from a newer Folio is reported with
// ErrNewerSchema. While another program holds the database locked, Open
// retries for up to the lock wait and then gives up with ErrLocked.
func Open(path string, opts ...Option) (*SQLite, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	start := time.Now()
	pause := 50 * time.Millisecond
	for {
		s, err := open(path, abs, o)
		if err == nil || !isBusy(err) {
			return s, err
		}
		waited := time.Since(start)
		if waited >= o.lockWait {
			return nil, fmt.Errorf("open store %s: %w (a sqlite3 shell, a backup tool or another collector?): gave up after %s of SQLITE_BUSY",
				path, ErrLocked, waited.Round(100*time.Millisecond))
		}
		if o.onLocked != nil {
			o.onLocked(o.lockWait)
			o.onLocked = nil
		}
		time.Sleep(min(pause, o.lockWait-waited))
		pause = min(2*pause, time.Second)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED,
// extended codes included: another connection holds a lock.
func isBusy(err error) bool {
	var e interface{ Code() int }
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code() & 0xff
	return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
}

// open is one attempt of Open.
func open(path, abs string, o options) (*SQLite, error) {
	fresh, version, err := inspect(abs, o)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if fresh && o.readOnly {
		return nil, fmt.Errorf("open store %s: %w", path, os.ErrNotExist)
	}
	if o.readOnly && version < SchemaVersion {
		return nil, fmt.Errorf("open store %s: %w: version %d, this Folio reads %d; folio collect, folio serve or folio migrate upgrades it", path, ErrOlderSchema, version, SchemaVersion)
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
	s := &SQLite{db: db, site: o.site}
	if !o.readOnly {
		steps := o.migrations
		if steps == nil {
			steps = migrations("sqlite")
		}
		if err := s.migrate(steps); err != nil {
			return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
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
		if o.immutable {
			q = append(q, "immutable=1")
		}
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
func inspect(abs string, o options) (fresh bool, version int64, err error) {
	f, err := os.Open(abs)
	if errors.Is(err, os.ErrNotExist) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if cerr := f.Close(); cerr != nil && err == nil {
		err = cerr
	}
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		return true, 0, nil
	case errors.Is(err, io.ErrUnexpectedEOF) || (err == nil && !bytes.Equal(head, sqliteMagic)):
		return false, 0, fmt.Errorf("%w: not a SQLite file", ErrNotFolio)
	case err != nil:
		return false, 0, err
	}

	// Reading a WAL-mode file the usual way, even read-only, creates a
	// -wal and a -shm beside it. Without a -wal there is nothing to read
	// from one, so the file is read as immutable, which creates nothing.
	// With one (a collector running, or one that was killed), SQLite must
	// read it to see the latest counts, and the files are there already.
	_, walErr := os.Lstat(abs + "-wal")
	ro := options{busyTimeout: o.busyTimeout, readOnly: true, immutable: errors.Is(walErr, os.ErrNotExist)}
	db, err := sql.Open("sqlite", dsn(abs, ro))
	if err != nil {
		return false, 0, err
	}
	defer db.Close()
	var appID, objects int64
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
	if isBusy(err) {
		return false, 0, err
	}
	if err != nil {
		return false, 0, fmt.Errorf("%w: %w", ErrNotFolio, err)
	}
	if check != "ok" {
		return false, 0, fmt.Errorf("%w: damaged: %s", ErrNotFolio, check)
	}
	switch {
	case appID != 0 && appID != ApplicationID:
		return false, 0, fmt.Errorf("%w: application_id %#x belongs to another program", ErrNotFolio, appID)
	case appID == 0 && objects > 0:
		return false, 0, fmt.Errorf("%w: a SQLite database of another program", ErrNotFolio)
	case appID == 0:
		// An empty SQLite file with no tables: safe to initialise.
		return true, 0, nil
	case version > SchemaVersion:
		return false, 0, fmt.Errorf("%w: file has schema version %d, this Folio knows %d", ErrNewerSchema, version, SchemaVersion)
	case version < 1:
		return false, 0, fmt.Errorf("%w: unknown schema version %d", ErrNotFolio, version)
	}
	// Tables of another shape would take the file (or fail its migration
	// half-way), and every write would fail later, with the counts piling
	// up in memory.
	if err := checkShape(db, o.migrations, int(version)); err != nil {
		if isBusy(err) {
			return false, 0, err
		}
		return false, 0, fmt.Errorf("%w: %w", ErrNotFolio, err)
	}
	return false, version, nil
}

// shapes caches, per list of steps and version, the shape of every table
// that the steps up to that version make, read from an in-memory database
// they were applied to, so that it cannot drift from the migrations.
var shapes = struct {
	sync.Mutex
	m map[string]map[string]string
}{m: map[string]map[string]string{}}

// wantShape returns the table shapes of a database at version made by
// steps (the engine's own when nil).
func wantShape(steps []migration, version int) (map[string]string, error) {
	if steps == nil {
		steps = migrations("sqlite")
	}
	var key strings.Builder
	var apply []migration
	for _, m := range steps {
		if m.version <= version {
			fmt.Fprintf(&key, "%d:%s\x00", m.version, m.sql)
			apply = append(apply, m)
		}
	}
	shapes.Lock()
	defer shapes.Unlock()
	if got, ok := shapes.m[key.String()]; ok {
		return got, nil
	}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, m := range apply {
		m.sql = strings.ReplaceAll(m.sql, "{{site}}", quoteLiteral(DefaultSite))
		if _, err := db.Exec(m.sql); err != nil {
			return nil, fmt.Errorf("apply schema %s: %w", m.name, err)
		}
	}
	got, err := tableShapes(db)
	if err != nil {
		return nil, err
	}
	shapes.m[key.String()] = got
	return got, nil
}

// tableShapes describes each table of db by its columns (name, type, NOT
// NULL, default, place in the primary key) and whether it has a rowid.
func tableShapes(db *sql.DB) (map[string]string, error) {
	rows, err := db.Query(`SELECT t.name, t.wr, c.name, c.type, c."notnull", coalesce(c.dflt_value, ''), c.pk
		FROM pragma_table_list AS t, pragma_table_info(t.name) AS c
		WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
		ORDER BY t.name, c.cid`)
	if err != nil {
		return nil, err
	}
	shapes := map[string]string{}
	for rows.Next() {
		var table, col, typ, dflt string
		var withoutRowid, notNull, pk int
		if err := rows.Scan(&table, &withoutRowid, &col, &typ, &notNull, &dflt, &pk); err != nil {
			return nil, errors.Join(err, rows.Close())
		}
		if shapes[table] == "" {
			shapes[table] = fmt.Sprintf("without rowid=%d", withoutRowid)
		}
		shapes[table] += fmt.Sprintf("; %s %s notnull=%d default=%q pk=%d", col, typ, notNull, dflt, pk)
	}
	return shapes, errors.Join(rows.Err(), rows.Close())
}

// checkShape reports the first table that the migrations up to version
// make and db lacks or has in another shape. Tables of its own are no
// concern of Folio's.
func checkShape(db *sql.DB, steps []migration, version int) error {
	want, err := wantShape(steps, version)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	got, err := tableShapes(db)
	if err != nil {
		return fmt.Errorf("read table shapes: %w", err)
	}
	for _, table := range slices.Sorted(maps.Keys(want)) {
		switch {
		case got[table] == "":
			return fmt.Errorf("table %s is missing", table)
		case got[table] != want[table]:
			return fmt.Errorf("table %s has the shape %q, want %q", table, got[table], want[table])
		}
	}
	return nil
}

// migrate brings a new or older database to SchemaVersion in one
// transaction: every pending step of migrations/sqlite, then the version.
// The version is read again inside the write transaction (BEGIN IMMEDIATE,
// from _txlock), so two processes opening the same file cannot both
// migrate it.
func (s *SQLite) migrate(steps []migration) error {
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
	}
	for _, m := range pending(steps, int(version), s.site) {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("apply schema %s: %w", m.name, err)
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
	if err := upsertPair(ctx, tx, b.Views, b.ViewVisitors, `INSERT INTO views (site, day, path, n, visitors) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (site, day, path) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k ViewKey) []any { return []any{s.site, k.Day, k.Path} }); err != nil {
		return fmt.Errorf("add views: %w", err)
	}
	if err := upsertPair(ctx, tx, b.Dims, b.DimVisitors, `INSERT INTO dimensions (site, day, dim, value, n, visitors) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (site, day, dim, value) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k DimKey) []any { return []any{s.site, k.Day, k.Dim, k.Value} }); err != nil {
		return fmt.Errorf("add dimensions: %w", err)
	}
	if err := upsertPair(ctx, tx, b.Events, b.EventVisitors, `INSERT INTO events (site, day, kind, name, n, visitors) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (site, day, kind, name) DO UPDATE SET n = n + excluded.n, visitors = visitors + excluded.visitors`,
		func(k EventKey) []any { return []any{s.site, k.Day, k.Kind, k.Name} }); err != nil {
		return fmt.Errorf("add events: %w", err)
	}
	if err := upsert(ctx, tx, b.Dropped, `INSERT INTO dropped (site, day, reason, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (site, day, reason) DO UPDATE SET n = n + excluded.n`,
		func(k DropKey) []any { return []any{s.site, k.Day, k.Reason} }); err != nil {
		return fmt.Errorf("add dropped: %w", err)
	}
	if err := upsert(ctx, tx, b.Visitors, `INSERT INTO visitors (site, day, n) VALUES (?, ?, ?)
		ON CONFLICT (site, day) DO UPDATE SET n = n + excluded.n`,
		func(day string) []any { return []any{s.site, day} }); err != nil {
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
	err = queryRows(ctx, tx, `SELECT day, path, n, visitors FROM views WHERE site = ? AND day BETWEEN ? AND ? ORDER BY day, path`,
		s.site, from, to, func(r *sql.Rows) error {
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
	err = queryRows(ctx, tx, `SELECT day, dim, value, n, visitors FROM dimensions WHERE site = ? AND day BETWEEN ? AND ? ORDER BY day, dim, value`,
		s.site, from, to, func(r *sql.Rows) error {
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
	err = queryRows(ctx, tx, `SELECT day, kind, name, n, visitors FROM events WHERE site = ? AND day BETWEEN ? AND ? ORDER BY day, kind, name`,
		s.site, from, to, func(r *sql.Rows) error {
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
	err = queryRows(ctx, tx, `SELECT day, reason, n FROM dropped WHERE site = ? AND day BETWEEN ? AND ? ORDER BY day, reason`,
		s.site, from, to, func(r *sql.Rows) error {
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
	err = queryRows(ctx, tx, `SELECT day, n FROM visitors WHERE site = ? AND day BETWEEN ? AND ? ORDER BY day`,
		s.site, from, to, func(r *sql.Rows) error {
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

func queryRows(ctx context.Context, tx *sql.Tx, query, site, from, to string, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, site, from, to)
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
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE site = ? AND day < ?`, s.site, before)
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

// Site returns the Store of another site in the same file. Closing it does
// nothing; closing s closes the file for every site.
func (s *SQLite) Site(name string) Store {
	return &SQLite{db: s.db, site: name, view: true}
}

// Sites lists the sites that have any row, in order.
func (s *SQLite) Sites(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, sitesQuery)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, errors.Join(fmt.Errorf("list sites: %w", err), rows.Close())
		}
		out = append(out, name)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return out, nil
}

// Close closes the database. The last connection to close checkpoints the
// WAL into the main file and removes it.
func (s *SQLite) Close() error {
	if s.view {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
