package store

import (
	"context"
	"path/filepath"
	"testing"

	"folio/analytics/store/pgtest"
)

// engine is one implementation of Store, as the shared cases see it.
type engine struct {
	name string
	// target returns the path or URL of a new, empty database.
	target func(t *testing.T) string
	// exec runs statements in the database at target, around the store.
	exec func(t *testing.T, target string, statements ...string)
	// failVisitors makes every insert into visitors fail inside the
	// database; unfail undoes it.
	failVisitors, unfail []string
	// setVersion is a statement that sets the schema version to %d.
	setVersion string
}

var engines = []engine{
	{
		name:   "sqlite",
		target: func(t *testing.T) string { return filepath.Join(t.TempDir(), "data", "analytics.db") },
		exec: func(t *testing.T, target string, statements ...string) {
			t.Helper()
			rawSQLite(t, target, statements...)
		},
		failVisitors: []string{`CREATE TRIGGER fail BEFORE INSERT ON visitors BEGIN SELECT RAISE(ABORT, 'disk gone'); END`},
		unfail:       []string{`DROP TRIGGER fail`},
		setVersion:   `PRAGMA user_version = %d`,
	},
	{
		name:   "postgres",
		target: func(t *testing.T) string { return pgtest.URL(t) },
		exec: func(t *testing.T, target string, statements ...string) {
			t.Helper()
			pgtest.Exec(t, target, statements...)
		},
		failVisitors: []string{
			`CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$`,
			`CREATE TRIGGER fail BEFORE INSERT ON visitors FOR EACH ROW EXECUTE FUNCTION fail()`,
		},
		unfail:     []string{`DROP TRIGGER fail ON visitors`},
		setVersion: `UPDATE folio_schema SET version = %d`,
	},
}

// open opens target with OpenDatabase, closing it when the test ends.
func (e engine) open(t *testing.T, target string, opts ...Option) Database {
	t.Helper()
	db, err := OpenDatabase(context.Background(), target, opts...)
	if err != nil {
		t.Fatalf("%s: OpenDatabase() = %v", e.name, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return db
}

// forEachEngine runs test once per engine, as subtests named after them.
func forEachEngine(t *testing.T, test func(t *testing.T, e engine)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { test(t, e) })
	}
}
