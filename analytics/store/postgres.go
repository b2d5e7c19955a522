package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the Store for several collectors sharing one database. Its
// tables live in the connection's current schema (the first of its
// search_path, public by default; add ?search_path=folio to the URL for
// another), next to a one-row folio_schema table that holds the schema
// version. It reads and writes the site chosen with WithSite; Site gives
// the other sites.
type Postgres struct {
	pool *pgxpool.Pool
	site string
	view bool // made by Site: Close leaves pool open
}

// schemaLock is the advisory lock that makes schema changes one at a time,
// so collectors started together on a new database create it once.
const schemaLock = ApplicationID

// OpenPostgres connects to the PostgreSQL database at url (postgres://...)
// and brings its schema to SchemaVersion. Tables of another program in the
// same schema are reported with ErrNotFolio, a newer Folio's with
// ErrNewerSchema, and left as they are. With ReadOnly, a schema with no
// Folio tables is reported with os.ErrNotExist.
func OpenPostgres(ctx context.Context, url string, opts ...Option) (*Postgres, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message leaves the password out of the URL it quotes.
		return nil, fmt.Errorf("open store: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// A collector retries a failed write at its next flush; a write
		// that hangs on an unreachable server would hold up every flush
		// after it.
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "folio"
	}
	if o.readOnly {
		// The server itself refuses writes, as SQLite's mode=ro does.
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	p := &Postgres{pool: pool, site: o.site}
	steps := o.migrations
	if steps == nil {
		steps = migrations("postgres")
	}
	if o.readOnly {
		err = p.check(ctx)
	} else {
		err = p.migrate(ctx, steps)
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", cfg.ConnConfig.Database, err)
	}
	return p, nil
}

// version reads the schema version of the current schema: 0 when it holds
// no table at all, an error wrapping ErrNotFolio when it holds tables that
// are not Folio's.
func version(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var schema *string
	var objects int
	var marked bool
	err := q.QueryRow(ctx, `SELECT current_schema(),
		(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')),
		EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'folio_schema')`).
		Scan(&schema, &objects, &marked)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if schema == nil {
		return 0, errors.New("read schema version: no schema: the search_path names none that exists")
	}
	if !marked {
		if objects > 0 {
			return 0, fmt.Errorf("%w: schema %q holds tables of another program", ErrNotFolio, *schema)
		}
		return 0, nil
	}
	var app string
	var v int
	if err := q.QueryRow(ctx, `SELECT application, version FROM folio_schema`).Scan(&app, &v); err != nil {
		return 0, fmt.Errorf("%w: folio_schema: %w", ErrNotFolio, err)
	}
	if app != "folio" || v < 1 {
		return 0, fmt.Errorf("%w: folio_schema says %q version %d", ErrNotFolio, app, v)
	}
	return v, nil
}

// check is the read-only Open: the schema must be this Folio's exactly.
func (p *Postgres) check(ctx context.Context) error {
	v, err := version(ctx, p.pool)
	switch {
	case err != nil:
		return err
	case v == 0:
		return fmt.Errorf("no Folio tables: %w", os.ErrNotExist)
	case v > SchemaVersion:
		return fmt.Errorf("%w: database has schema version %d, this Folio knows %d", ErrNewerSchema, v, SchemaVersion)
	case v < SchemaVersion:
		return fmt.Errorf("%w: version %d, this Folio reads %d; folio collect or folio migrate upgrades it", ErrOlderSchema, v, SchemaVersion)
	}
	return nil
}

// migrate brings the schema to SchemaVersion in one transaction, under
// an advisory lock so that collectors starting together wait for the first
// one instead of racing it.
func (p *Postgres) migrate(ctx context.Context, steps []migration) (err error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin schema: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreClosed(tx.Rollback(ctx)))
		}
	}()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(schemaLock)); err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	v, err := version(ctx, tx)
	switch {
	case err != nil:
		return err
	case v == SchemaVersion:
		return tx.Commit(ctx)
	case v > SchemaVersion:
		return fmt.Errorf("%w: database has schema version %d, this Folio knows %d", ErrNewerSchema, v, SchemaVersion)
	case v == 0:
		if _, err := tx.Exec(ctx, `CREATE TABLE folio_schema (application TEXT NOT NULL, version INTEGER NOT NULL);
			INSERT INTO folio_schema VALUES ('folio', 0)`); err != nil {
			return fmt.Errorf("create folio_schema: %w", err)
		}
	}
	for _, m := range pending(steps, v, p.site) {
		// No arguments: pgx sends the text as one simple query, which may
		// hold several statements.
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("apply schema %s: %w", m.name, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE folio_schema SET version = $1`, SchemaVersion); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit schema: %w", err)
	}
	return nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, pgx.ErrTxClosed) {
		return nil
	}
	return err
}

// Add implements Store. The batch goes to the server in one round trip,
// one INSERT per table with the cells as arrays, and runs as one implicit
// transaction. Cells are sent in key order, so two collectors adding to the
// same cells lock them in the same order and cannot deadlock.
func (p *Postgres) Add(ctx context.Context, b *Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	if err := checkBatch(b); err != nil {
		return fmt.Errorf("add counts: %w", err)
	}
	var batch pgx.Batch
	if c := pairColumns(b.Views, b.ViewVisitors, func(k ViewKey) []string { return []string{k.Day, k.Path} }); len(c.ns) > 0 {
		batch.Queue(`INSERT INTO views (site, day, path, n, visitors)
			SELECT $1, d, p, n, v FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(d, p, n, v)
			ON CONFLICT (site, day, path) DO UPDATE SET n = views.n + excluded.n, visitors = views.visitors + excluded.visitors`,
			p.site, c.keys[0], c.keys[1], c.ns, c.vs)
	}
	if c := pairColumns(b.Dims, b.DimVisitors, func(k DimKey) []string { return []string{k.Day, k.Dim, k.Value} }); len(c.ns) > 0 {
		batch.Queue(`INSERT INTO dimensions (site, day, dim, value, n, visitors)
			SELECT $1, d, k, x, n, v FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS t(d, k, x, n, v)
			ON CONFLICT (site, day, dim, value) DO UPDATE SET n = dimensions.n + excluded.n, visitors = dimensions.visitors + excluded.visitors`,
			p.site, c.keys[0], c.keys[1], c.keys[2], c.ns, c.vs)
	}
	if c := pairColumns(b.Events, b.EventVisitors, func(k EventKey) []string { return []string{k.Day, k.Kind, k.Name} }); len(c.ns) > 0 {
		batch.Queue(`INSERT INTO events (site, day, kind, name, n, visitors)
			SELECT $1, d, k, x, n, v FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS t(d, k, x, n, v)
			ON CONFLICT (site, day, kind, name) DO UPDATE SET n = events.n + excluded.n, visitors = events.visitors + excluded.visitors`,
			p.site, c.keys[0], c.keys[1], c.keys[2], c.ns, c.vs)
	}
	if days, reasons, ns := columns2(b.Dropped, func(k DropKey) (string, string) { return k.Day, k.Reason }); len(ns) > 0 {
		batch.Queue(`INSERT INTO dropped (site, day, reason, n)
			SELECT $1, d, r, n FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(d, r, n)
			ON CONFLICT (site, day, reason) DO UPDATE SET n = dropped.n + excluded.n`, p.site, days, reasons, ns)
	}
	if len(b.Visitors) > 0 {
		var days []string
		var ns []int64
		for _, day := range slices.Sorted(maps.Keys(b.Visitors)) {
			if n := b.Visitors[day]; n != 0 {
				days, ns = append(days, day), append(ns, n)
			}
		}
		if len(ns) > 0 {
			batch.Queue(`INSERT INTO visitors (site, day, n)
				SELECT $1, d, n FROM unnest($2::text[], $3::bigint[]) AS t(d, n)
				ON CONFLICT (site, day) DO UPDATE SET n = visitors.n + excluded.n`, p.site, days, ns)
		}
	}
	if batch.Len() == 0 {
		return nil
	}
	// Statements of a batch run in one implicit transaction: an error in
	// any of them rolls back all, so the caller may keep b and retry.
	br := p.pool.SendBatch(ctx, &batch)
	var err error
	for range batch.Len() {
		if _, err = br.Exec(); err != nil {
			break
		}
	}
	if err = errors.Join(err, br.Close()); err != nil {
		return fmt.Errorf("add counts: %w", err)
	}
	return nil
}

func sortedKeys[K comparable](m map[K]int64, compare func(a, b K) int) []K {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, compare)
	return keys
}

// pairs are cells of a count and its visitors as sorted columns: keys[i]
// is the i-th part of every cell's key.
type pairs struct {
	keys   [][]string
	ns, vs []int64
}

// pairColumns turns the cells of counts and of visitors (a cell in only
// one of them adds 0 to the other, as in SQLite) into columns sorted by
// key, leaving out cells that add nothing.
func pairColumns[K comparable](counts, visitors map[K]int64, parts func(K) []string) pairs {
	all := make(map[K]int64, len(counts))
	for k := range counts {
		all[k] = 0
	}
	for k := range visitors {
		all[k] = 0
	}
	keys := sortedKeys(all, func(x, y K) int { return slices.Compare(parts(x), parts(y)) })
	var out pairs
	for _, k := range keys {
		n, v := counts[k], visitors[k]
		if n == 0 && v == 0 {
			continue
		}
		ps := parts(k)
		if out.keys == nil {
			out.keys = make([][]string, len(ps))
		}
		for i, part := range ps {
			out.keys[i] = append(out.keys[i], part)
		}
		out.ns, out.vs = append(out.ns, n), append(out.vs, v)
	}
	return out
}

// columns2 turns cells with a two-part key into sorted columns, leaving out
// cells that add nothing.
func columns2[K comparable](m map[K]int64, parts func(K) (string, string)) (a, b []string, ns []int64) {
	keys := sortedKeys(m, func(x, y K) int {
		x1, x2 := parts(x)
		y1, y2 := parts(y)
		return cmp.Or(cmp.Compare(x1, y1), cmp.Compare(x2, y2))
	})
	for _, k := range keys {
		if n := m[k]; n != 0 {
			k1, k2 := parts(k)
			a, b, ns = append(a, k1), append(b, k2), append(ns, n)
		}
	}
	return a, b, ns
}

// Query implements Store. The tables are read in one repeatable-read
// transaction, so they agree with each other while collectors write.
func (p *Postgres) Query(ctx context.Context, from, to string) (_ *Counts, err error) {
	if !validDay(from) || !validDay(to) {
		return nil, fmt.Errorf("query counts: want days as YYYY-MM-DD, got %q and %q", from, to)
	}
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("query counts: %w", err)
	}
	defer func() { err = errors.Join(err, ignoreClosed(tx.Rollback(ctx))) }()
	c := &Counts{}
	if c.Views, err = pgRows(ctx, tx, `SELECT day, path, n, visitors FROM views WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY day, path`,
		p.site, from, to, func(r pgx.CollectableRow) (v ViewRow, err error) {
			return v, r.Scan(&v.Day, &v.Path, &v.N, &v.Visitors)
		}); err != nil {
		return nil, fmt.Errorf("query views: %w", err)
	}
	if c.Dims, err = pgRows(ctx, tx, `SELECT day, dim, value, n, visitors FROM dimensions WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY day, dim, value`,
		p.site, from, to, func(r pgx.CollectableRow) (v DimRow, err error) {
			return v, r.Scan(&v.Day, &v.Dim, &v.Value, &v.N, &v.Visitors)
		}); err != nil {
		return nil, fmt.Errorf("query dimensions: %w", err)
	}
	if c.Events, err = pgRows(ctx, tx, `SELECT day, kind, name, n, visitors FROM events WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY day, kind, name`,
		p.site, from, to, func(r pgx.CollectableRow) (v EventRow, err error) {
			return v, r.Scan(&v.Day, &v.Kind, &v.Name, &v.N, &v.Visitors)
		}); err != nil {
		return nil, fmt.Errorf("query events: %w", err)
	}
	if c.Dropped, err = pgRows(ctx, tx, `SELECT day, reason, n FROM dropped WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY day, reason`,
		p.site, from, to, func(r pgx.CollectableRow) (v DropRow, err error) {
			return v, r.Scan(&v.Day, &v.Reason, &v.N)
		}); err != nil {
		return nil, fmt.Errorf("query dropped: %w", err)
	}
	if c.Visitors, err = pgRows(ctx, tx, `SELECT day, n FROM visitors WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY day`,
		p.site, from, to, func(r pgx.CollectableRow) (v VisitorRow, err error) {
			return v, r.Scan(&v.Day, &v.N)
		}); err != nil {
		return nil, fmt.Errorf("query visitors: %w", err)
	}
	return c, nil
}

// pgRows reads every row of a query; nil when there is none, as the SQLite
// store returns, so both engines' Counts compare equal.
func pgRows[T any](ctx context.Context, tx pgx.Tx, query, site, from, to string, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, err := tx.Query(ctx, query, site, from, to)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scan)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// Prune implements Store.
func (p *Postgres) Prune(ctx context.Context, before string) (_ int64, err error) {
	if !validDay(before) {
		return 0, fmt.Errorf("prune: want a day as YYYY-MM-DD, got %q", before)
	}
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreClosed(tx.Rollback(ctx)))
		}
	}()
	var total int64
	for _, table := range []string{"views", "dimensions", "events", "dropped", "visitors"} {
		// The table names are the constants above, never input.
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE site = $1 AND day < $2`, p.site, before)
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", table, err)
		}
		total += tag.RowsAffected()
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("prune: commit: %w", err)
	}
	return total, nil
}

// Site returns the Store of another site in the same database. Closing it
// does nothing; closing p closes the connections of every site.
func (p *Postgres) Site(name string) Store {
	return &Postgres{pool: p.pool, site: name, view: true}
}

// Sites lists the sites that have any row, in order.
func (p *Postgres) Sites(ctx context.Context) ([]string, error) {
	rows, err := p.pool.Query(ctx, sitesQuery)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return out, nil
}

// Close closes the connections.
func (p *Postgres) Close() error {
	if !p.view {
		p.pool.Close()
	}
	return nil
}
