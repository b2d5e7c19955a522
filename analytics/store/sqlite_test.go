package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
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

func sampleBatch() *Batch {
	return &Batch{
		Views: map[ViewKey]int64{
			{"2025-03-01", "/docs/"}: 3,
			{"2025-03-01", "/"}:      1,
			{"2025-03-02", "/"}:      2,
		},
		Dims: map[DimKey]int64{
			{"2025-03-01", "browser", "Firefox"}:   2,
			{"2025-03-01", "browser", "Chrome"}:    2,
			{"2025-03-02", "referrer", "(direct)"}: 2,
		},
		DimVisitors: map[DimKey]int64{
			{"2025-03-01", "browser", "Firefox"}: 1,
			{"2025-03-01", "browser", "Chrome"}:  2,
		},
		ViewVisitors:  map[ViewKey]int64{{"2025-03-01", "/docs/"}: 2},
		Events:        map[EventKey]int64{{"2025-03-01", "outbound", "github.com"}: 3},
		EventVisitors: map[EventKey]int64{{"2025-03-01", "outbound", "github.com"}: 2, {"2025-03-02", "event", "signup"}: 1},
		Dropped:       map[DropKey]int64{{"2025-03-01", "bot"}: 7},
		Visitors:      map[string]int64{"2025-03-01": 3, "2025-03-02": 1},
	}
}

func TestAddQuerySumsAndOrders(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	ctx := context.Background()
	for range 2 {
		if err := s.Add(ctx, sampleBatch()); err != nil {
			t.Fatalf("Add() = %v", err)
		}
	}
	got, err := s.Query(ctx, "2025-03-01", "2025-03-02")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	want := &Counts{
		Views: []ViewRow{{"2025-03-01", "/", 2, 0}, {"2025-03-01", "/docs/", 6, 4}, {"2025-03-02", "/", 4, 0}},
		Dims: []DimRow{
			{"2025-03-01", "browser", "Chrome", 4, 4}, {"2025-03-01", "browser", "Firefox", 4, 2},
			{"2025-03-02", "referrer", "(direct)", 4, 0},
		},
		Events:   []EventRow{{"2025-03-01", "outbound", "github.com", 6, 4}, {"2025-03-02", "event", "signup", 0, 2}},
		Dropped:  []DropRow{{"2025-03-01", "bot", 14}},
		Visitors: []VisitorRow{{"2025-03-01", 6}, {"2025-03-02", 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Query() = %+v\nwant %+v", got, want)
	}

	one, err := s.Query(ctx, "2025-03-02", "2025-03-02")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	if len(one.Views) != 1 || len(one.Dims) != 1 || len(one.Dropped) != 0 || len(one.Visitors) != 1 {
		t.Errorf("Query(one day) = %+v, want only 2025-03-02 cells", one)
	}
}

func TestAddRejectsInvalidBatch(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	ctx := context.Background()
	for name, b := range map[string]*Batch{
		"unknown dimension": {Dims: map[DimKey]int64{{"2025-03-01", "city", "Paris"}: 1}},
		"negative count":    {Views: map[ViewKey]int64{{"2025-03-01", "/"}: -1}},
		"bad day":           {Dropped: map[DropKey]int64{{"2025-3-1", "bot"}: 1}},
		"bad visitor day":   {Visitors: map[string]int64{"yesterday": 1}},
		"unknown event":     {Events: map[EventKey]int64{{"2025-03-01", "scroll", "50%"}: 1}},
		"negative visitors": {DimVisitors: map[DimKey]int64{{"2025-03-01", "browser", "Firefox"}: -1}},
	} {
		b.Views = mergeViews(b.Views, map[ViewKey]int64{{"2025-03-01", "/ok/"}: 1})
		if err := s.Add(ctx, b); !errors.Is(err, ErrInvalidBatch) {
			t.Errorf("Add(%s) = %v, want ErrInvalidBatch", name, err)
		}
	}
	got, err := s.Query(ctx, "2000-01-01", "2999-12-31")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	if len(got.Views) != 0 {
		t.Errorf("Query() after rejected batches = %+v, want nothing stored", got.Views)
	}
}

func mergeViews(a, b map[ViewKey]int64) map[ViewKey]int64 {
	if a == nil {
		a = map[ViewKey]int64{}
	}
	for k, n := range b {
		a[k] += n
	}
	return a
}

// TestAddIsAtomic makes the last table of a batch fail inside the database
// and checks that the tables written before it were rolled back too, which
// is what lets the aggregator keep and retry a failed batch without
// counting anything twice.
func TestAddIsAtomic(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	ctx := context.Background()
	if _, err := s.db.Exec(`CREATE TRIGGER fail BEFORE INSERT ON visitors BEGIN SELECT RAISE(ABORT, 'disk gone'); END`); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, sampleBatch()); err == nil {
		t.Fatal("Add() = nil, want the trigger's error")
	}
	got, err := s.Query(ctx, "2025-03-01", "2025-03-02")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	if !reflect.DeepEqual(got, &Counts{}) {
		t.Errorf("Query() after failed Add = %+v, want nothing", got)
	}
	if _, err := s.db.Exec(`DROP TRIGGER fail`); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Fatalf("Add() retry = %v", err)
	}
	got, err = s.Query(ctx, "2025-03-01", "2025-03-01")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	if len(got.Views) != 2 || got.Views[1].N != 3 {
		t.Errorf("Query() after retry = %+v, want the batch once", got.Views)
	}
}

func TestPrune(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "a.db"))
	ctx := context.Background()
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Fatal(err)
	}
	n, err := s.Prune(ctx, "2025-03-02")
	if err != nil {
		t.Fatalf("Prune() = %v", err)
	}
	if n != 7 { // 2 views, 2 dims, 1 event, 1 dropped, 1 visitors on 2025-03-01
		t.Errorf("Prune() = %d rows, want 7", n)
	}
	got, err := s.Query(ctx, "2000-01-01", "2999-12-31")
	if err != nil {
		t.Fatal(err)
	}
	want := &Counts{
		Views:    []ViewRow{{"2025-03-02", "/", 2, 0}},
		Dims:     []DimRow{{"2025-03-02", "referrer", "(direct)", 2, 0}},
		Events:   []EventRow{{"2025-03-02", "event", "signup", 0, 1}},
		Visitors: []VisitorRow{{"2025-03-02", 1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Query() after Prune = %+v\nwant %+v", got, want)
	}
	if _, err := s.Prune(ctx, "March"); err == nil {
		t.Error("Prune(\"March\") = nil error, want one")
	}
	if _, err := s.Query(ctx, "2025-03-01", "tomorrow"); err == nil {
		t.Error("Query(bad day) = nil error, want one")
	}
}

func TestReopenKeepsCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
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
	s = openTest(t, path)
	got, err := s.Query(context.Background(), "2025-03-01", "2025-03-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Views) != 2 {
		t.Errorf("Query() after reopen = %+v, want 2 views cells", got.Views)
	}

	ro, err := Open(path, ReadOnly())
	if err != nil {
		t.Fatalf("Open(ReadOnly) = %v", err)
	}
	defer ro.Close()
	if _, err := ro.Query(context.Background(), "2025-03-01", "2025-03-01"); err != nil {
		t.Errorf("read-only Query() = %v", err)
	}
	if err := ro.Add(context.Background(), sampleBatch()); err == nil {
		t.Error("read-only Add() = nil, want an error")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.db"), ReadOnly()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing, ReadOnly) = %v, want ErrNotExist", err)
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
			// Reading a WAL-mode file, even read-only, makes SQLite create
			// an empty -wal beside it; anything in it would be a write.
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
				t.Errorf("Open() wrote %d bytes of WAL beside the refused file", fi.Size())
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

// TestConcurrentAddAndQuery runs writers and a reader on two handles of the
// same file, as a collector and a report would; run it with -race.
func TestConcurrentAddAndQuery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	w := openTest(t, path)
	r := openTest(t, path)
	ctx := context.Background()
	const writers, rounds = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*2)
	for range writers {
		wg.Go(func() {
			for range rounds {
				errs <- w.Add(ctx, &Batch{Views: map[ViewKey]int64{{"2025-03-01", "/"}: 1}})
			}
		})
	}
	wg.Go(func() {
		for range rounds {
			_, err := r.Query(ctx, "2025-03-01", "2025-03-01")
			errs <- err
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Query(ctx, "2025-03-01", "2025-03-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Views) != 1 || got.Views[0].N != writers*rounds {
		t.Errorf("Query() = %+v, want n=%d", got.Views, writers*rounds)
	}
}
