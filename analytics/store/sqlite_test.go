package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func openTest(t *testing.T, path string) *SQLite {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

func pragma(t *testing.T, s *SQLite, name string) string {
	t.Helper()
	var v string
	if err := s.db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenCreatesVersionedWALDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "analytics.db")
	s := openTest(t, path)
	for name, want := range map[string]string{
		"user_version":   fmt.Sprint(SchemaVersion),
		"application_id": fmt.Sprint(ApplicationID),
		"journal_mode":   "wal",
		"busy_timeout":   "5000",
	} {
		if got := pragma(t, s, name); got != want {
			t.Errorf("PRAGMA %s = %q, want %q", name, got, want)
		}
	}
}

// rawSQLite creates a SQLite file with plain database/sql, as another
// program would, and runs setup in it.
func rawSQLite(t *testing.T, path string, setup ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range setup {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesAndNeverTouches(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  error
	}{
		{"text file", func(t *testing.T, path string) {
			writeFile(t, path, []byte("these are my notes, not a database\n"))
		}, ErrNotFolio},
		{"short file", func(t *testing.T, path string) {
			writeFile(t, path, []byte("SQLite fo"))
		}, ErrNotFolio},
		{"another program's database", func(t *testing.T, path string) {
			rawSQLite(t, path, `CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)`, `INSERT INTO invoices VALUES (1, 100)`)
		}, ErrNotFolio},
		{"another program's application id", func(t *testing.T, path string) {
			rawSQLite(t, path, `PRAGMA application_id = 1234`, `PRAGMA user_version = 1`, `CREATE TABLE views (x)`)
		}, ErrNotFolio},
		{"newer schema", func(t *testing.T, path string) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, SchemaVersion+1)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}, ErrNewerSchema},
		{"Folio database with tables of the wrong shape", func(t *testing.T, path string) {
			rawSQLite(t, path, fmt.Sprintf(`PRAGMA application_id = %d`, ApplicationID), `PRAGMA user_version = 1`,
				`CREATE TABLE views (day TEXT, page TEXT, hits INTEGER)`,
				`CREATE TABLE dimensions (day TEXT, dim TEXT, value TEXT, n INTEGER)`,
				`CREATE TABLE dropped (day TEXT, reason TEXT, n INTEGER)`,
				`CREATE TABLE visitors (day TEXT, n INTEGER)`)
		}, ErrNotFolio},
		{"Folio database missing a table", func(t *testing.T, path string) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.Exec(`DROP TABLE visitors`); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}, ErrNotFolio},
		{"damaged Folio database", func(t *testing.T, path string) {
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Add(context.Background(), sampleBatch()); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Page 1 holds the header and sqlite_schema; scribble over
			// every later page, where the tables live.
			for i := 4096; i < len(data); i++ {
				data[i] = 0xA5
			}
			writeFile(t, path, data)
		}, ErrNotFolio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.db")
			tt.setup(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatalf("Open() = nil error, want %v", tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open() = %v, want %v", err, tt.want)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("Open() changed the refused file")
			}
			// Reading a WAL-mode file the usual way, even read-only, makes
			// SQLite create a -wal and a -shm beside it.
			for _, suffix := range []string{"-wal", "-shm", "-journal"} {
				if fi, err := os.Stat(path + suffix); err == nil {
					t.Errorf("Open() left a %d-byte %s beside the refused file", fi.Size(), suffix)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAcceptsEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	writeFile(t, path, nil)
	s := openTest(t, path)
	if got := pragma(t, s, "user_version"); got != fmt.Sprint(SchemaVersion) {
		t.Errorf("user_version = %s, want %d", got, SchemaVersion)
	}
}
