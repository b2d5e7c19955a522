package store

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"folio/analytics/store/pgtest"
)

// oldVersion makes TestMakeOldDatabases write the databases of one schema
// version under testdata/. Do it for the current version before adding a
// migration, so that the new step is tested from a real file:
//
//	go test ./analytics/store -run TestMakeOldDatabases -old-version 2
var oldVersion = flag.Int("old-version", 0, "write testdata/sqlite-vN.db and testdata/postgres-vN.sql for schema version N")

// fill is the content of the old databases: every table, two sites from
// version 2 on, visitors beside the counts and events from version 3 on,
// and values that quoting, sorting or a careless copy would get wrong.
func fill(version int) []string {
	sites := []string{"docs", "blog"}
	if version < 2 {
		sites = []string{""}
	}
	dims := Dimensions
	if version < 3 {
		dims = Dimensions[:6] // browser to country; campaigns came in 3
	}
	var out []string
	insert := func(site, table, cols string, vals ...any) {
		if site != "" {
			cols = "site, " + cols
			vals = append([]any{site}, vals...)
		}
		var lits []string
		for _, v := range vals {
			if s, ok := v.(string); ok {
				lits = append(lits, quoteLiteral(s))
			} else {
				lits = append(lits, fmt.Sprint(v))
			}
		}
		out = append(out, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, cols, strings.Join(lits, ", ")))
	}
	paths := []string{"/", "/docs/", "/docs/setup/", "/o'brien/", "/café/", "(other)"}
	for si, site := range sites {
		for d := range 40 {
			day := fmt.Sprintf("2025-%02d-%02d", 1+d/28, 1+d%28)
			for pi, p := range paths {
				if (d+pi)%5 != 0 {
					n := 1 + (d*7+pi*13+si)%97
					if version < 3 {
						insert(site, "views", "day, path, n", day, p, n)
					} else {
						insert(site, "views", "day, path, n, visitors", day, p, n, 1+n/3)
					}
				}
			}
			for di, dim := range dims {
				for vi, v := range []string{"Firefox", "(unknown)", "(other)", "de"} {
					if (d+di+vi)%3 != 0 {
						n := 1 + (d*3+di*5+vi+si)%50
						if version < 3 {
							insert(site, "dimensions", "day, dim, value, n", day, dim, v, n)
						} else {
							insert(site, "dimensions", "day, dim, value, n, visitors", day, dim, v, n, (n+1)/2)
						}
					}
				}
			}
			if version >= 3 {
				for ki, kind := range EventKinds {
					for ni, name := range []string{"github.com", "/files/o'brien.pdf", "signup"} {
						if (d+ki+ni)%4 == 0 {
							n := 1 + (d+ki*3+ni+si)%20
							insert(site, "events", "day, kind, name, n, visitors", day, kind, name, n, (n+2)/3)
						}
					}
				}
			}
			if d%4 == 0 {
				insert(site, "dropped", "day, reason, n", day, "bot", 100+d+si)
			}
			insert(site, "visitors", "day, n", day, 10+d%9+si)
		}
	}
	return out
}

func TestMakeOldDatabases(t *testing.T) {
	v := *oldVersion
	if v == 0 {
		t.Skip("writes testdata only when asked with -old-version N")
	}
	if v > SchemaVersion {
		t.Fatalf("-old-version %d: this Folio knows versions up to %d", v, SchemaVersion)
	}
	path := filepath.Join("testdata", fmt.Sprintf("sqlite-v%d.db", v))
	os.Remove(path)
	var stmts []string
	for _, m := range migrations("sqlite") {
		if m.version <= v {
			stmts = append(stmts, strings.ReplaceAll(m.sql, "{{site}}", quoteLiteral(DefaultSite)))
		}
	}
	stmts = append(stmts, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID), fmt.Sprintf("PRAGMA user_version = %d", v))
	rawSQLite(t, path, append(stmts, fill(v)...)...)
	t.Logf("wrote %s", path)

	if v < 2 {
		return // PostgreSQL starts at version 2
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- A Folio PostgreSQL database of schema version %d, for TestOldDatabases.\n", v)
	fmt.Fprintf(&b, "CREATE TABLE folio_schema (application TEXT NOT NULL, version INTEGER NOT NULL);\nINSERT INTO folio_schema VALUES ('folio', %d);\n", v)
	for _, m := range migrations("postgres") {
		if m.version <= v {
			b.WriteString(m.sql + "\n")
		}
	}
	for _, s := range fill(v) {
		b.WriteString(s + ";\n")
	}
	path = filepath.Join("testdata", fmt.Sprintf("postgres-v%d.sql", v))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

var oldFile = regexp.MustCompile(`^(sqlite|postgres)-v([0-9]+)\.(db|sql)$`)

// TestOldDatabases opens the database of every earlier schema version kept
// under testdata/ and checks that the upgrade lost no row and changed no
// count: rows from before sites existed belong to the site that opened them.
func TestOldDatabases(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		m := oldFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		engine, version := m[1], m[2]
		v, _ := strconv.Atoi(version)
		seen[engine+version] = true
		t.Run(e.Name(), func(t *testing.T) {
			src := filepath.Join("testdata", e.Name())
			var target string
			var want map[string]*Counts
			if engine == "sqlite" {
				target = filepath.Join(t.TempDir(), "old.db")
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, target, data)
				want = rawSQLiteCounts(t, target, v)
				if v < SchemaVersion {
					// A report cannot upgrade, and says so.
					if db, err := Open(target, ReadOnly()); !errors.Is(err, ErrOlderSchema) {
						if err == nil {
							db.Close()
						}
						t.Errorf("Open(ReadOnly) of version %d = %v, want ErrOlderSchema", v, err)
					}
				}
			} else {
				target = pgtest.URL(t)
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				pgtest.Exec(t, target, string(data))
				want = rawPostgresCounts(t, target, v)
				if v < SchemaVersion {
					if db, err := OpenPostgres(ctx, target, ReadOnly()); !errors.Is(err, ErrOlderSchema) {
						if err == nil {
							db.Close()
						}
						t.Errorf("OpenPostgres(ReadOnly) of version %d = %v, want ErrOlderSchema", v, err)
					}
				}
			}
			if len(want) == 0 {
				t.Fatal("the old database holds no rows")
			}
			db := engines[map[string]int{"sqlite": 0, "postgres": 1}[engine]].open(t, target, WithSite("docs"))
			sites, err := db.Sites(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if wantSites := slices.Sorted(maps.Keys(want)); !slices.Equal(sites, wantSites) {
				t.Errorf("Sites() = %q, want %q", sites, wantSites)
			}
			for site, w := range want {
				got := query(t, db.Site(site), "0001-01-01", "9999-12-31")
				if !reflect.DeepEqual(got, w) {
					t.Errorf("site %s after upgrade: %d/%d/%d/%d/%d rows, want %d/%d/%d/%d/%d, or counts differ",
						site, len(got.Views), len(got.Dims), len(got.Events), len(got.Dropped), len(got.Visitors),
						len(w.Views), len(w.Dims), len(w.Events), len(w.Dropped), len(w.Visitors))
				}
			}
			// And it takes new counts on top of the old ones.
			if err := db.Add(ctx, sampleBatch()); err != nil {
				t.Errorf("Add() after upgrade = %v", err)
			}
		})
	}
	for v := 1; v < SchemaVersion; v++ {
		if !seen[fmt.Sprint("sqlite", v)] {
			t.Errorf("no testdata/sqlite-v%d.db: every earlier version needs a real file (see -old-version)", v)
		}
		if v >= 2 && !seen[fmt.Sprint("postgres", v)] {
			t.Errorf("no testdata/postgres-v%d.sql: every earlier version needs a real database (see -old-version)", v)
		}
	}
}

// rawSQLiteCounts reads an old file as it is, with plain SQL, before any
// upgrade. Version 1 had no site column: its rows are the site "docs"'s,
// the name the test opens it with.
func rawSQLiteCounts(t *testing.T, path string, version int) map[string]*Counts {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	site := "site"
	if version < 2 {
		site = "'docs'"
	}
	visitors := "visitors"
	if version < 3 {
		visitors = "0" // unknown, as the upgrade gives them
	}
	out := map[string]*Counts{}
	get := func(s string) *Counts {
		if out[s] == nil {
			out[s] = &Counts{}
		}
		return out[s]
	}
	scan := func(q string, each func(r *sql.Rows) error) {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	var s string
	scan("SELECT "+site+", day, path, n, "+visitors+" FROM views ORDER BY 1, 2, 3", func(r *sql.Rows) error {
		var v ViewRow
		err := r.Scan(&s, &v.Day, &v.Path, &v.N, &v.Visitors)
		get(s).Views = append(get(s).Views, v)
		return err
	})
	scan("SELECT "+site+", day, dim, value, n, "+visitors+" FROM dimensions ORDER BY 1, 2, 3, 4", func(r *sql.Rows) error {
		var v DimRow
		err := r.Scan(&s, &v.Day, &v.Dim, &v.Value, &v.N, &v.Visitors)
		get(s).Dims = append(get(s).Dims, v)
		return err
	})
	if version >= 3 {
		scan("SELECT site, day, kind, name, n, visitors FROM events ORDER BY 1, 2, 3, 4", func(r *sql.Rows) error {
			var v EventRow
			err := r.Scan(&s, &v.Day, &v.Kind, &v.Name, &v.N, &v.Visitors)
			get(s).Events = append(get(s).Events, v)
			return err
		})
	}
	scan("SELECT "+site+", day, reason, n FROM dropped ORDER BY 1, 2, 3", func(r *sql.Rows) error {
		var v DropRow
		err := r.Scan(&s, &v.Day, &v.Reason, &v.N)
		get(s).Dropped = append(get(s).Dropped, v)
		return err
	})
	scan("SELECT "+site+", day, n FROM visitors ORDER BY 1, 2", func(r *sql.Rows) error {
		var v VisitorRow
		err := r.Scan(&s, &v.Day, &v.N)
		get(s).Visitors = append(get(s).Visitors, v)
		return err
	})
	return out
}

// rawPostgresCounts reads an old PostgreSQL database as it is. Every
// PostgreSQL version has a site column.
func rawPostgresCounts(t *testing.T, url string, version int) map[string]*Counts {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[string]*Counts{}
	get := func(s string) *Counts {
		if out[s] == nil {
			out[s] = &Counts{}
		}
		return out[s]
	}
	scan := func(q string, each func(r pgx.Rows) error) {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	visitors := "visitors"
	if version < 3 {
		visitors = "0::bigint" // unknown, as the upgrade gives them
	}
	var s string
	scan(`SELECT site, day, path, n, `+visitors+` FROM views ORDER BY 1, 2, 3`, func(r pgx.Rows) error {
		var v ViewRow
		err := r.Scan(&s, &v.Day, &v.Path, &v.N, &v.Visitors)
		get(s).Views = append(get(s).Views, v)
		return err
	})
	scan(`SELECT site, day, dim, value, n, `+visitors+` FROM dimensions ORDER BY 1, 2, 3, 4`, func(r pgx.Rows) error {
		var v DimRow
		err := r.Scan(&s, &v.Day, &v.Dim, &v.Value, &v.N, &v.Visitors)
		get(s).Dims = append(get(s).Dims, v)
		return err
	})
	if version >= 3 {
		scan(`SELECT site, day, kind, name, n, visitors FROM events ORDER BY 1, 2, 3, 4`, func(r pgx.Rows) error {
			var v EventRow
			err := r.Scan(&s, &v.Day, &v.Kind, &v.Name, &v.N, &v.Visitors)
			get(s).Events = append(get(s).Events, v)
			return err
		})
	}
	scan(`SELECT site, day, reason, n FROM dropped ORDER BY 1, 2, 3`, func(r pgx.Rows) error {
		var v DropRow
		err := r.Scan(&s, &v.Day, &v.Reason, &v.N)
		get(s).Dropped = append(get(s).Dropped, v)
		return err
	})
	scan(`SELECT site, day, n FROM visitors ORDER BY 1, 2`, func(r pgx.Rows) error {
		var v VisitorRow
		err := r.Scan(&s, &v.Day, &v.N)
		get(s).Visitors = append(get(s).Visitors, v)
		return err
	})
	return out
}
