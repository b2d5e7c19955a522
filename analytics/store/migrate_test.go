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

// testdata/v1.db was written by Folio's schema version 1 store (before
// per-value visitors, campaigns and events): 8 views, 52 dimensions, 4
// dropped and 4 visitors rows over four days.
func TestMigrateFromVersion1KeepsEveryRow(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "analytics.db")
	writeFile(t, path, src)

	// What version 1 holds, read with SQL that version 1 understands.
	before := tableDump(t, path, map[string]string{
		"views":      `SELECT day, path, n FROM views ORDER BY 1, 2`,
		"dimensions": `SELECT day, dim, value, n FROM dimensions ORDER BY 1, 2, 3`,
		"dropped":    `SELECT day, reason, n FROM dropped ORDER BY 1, 2`,
		"visitors":   `SELECT day, n FROM visitors ORDER BY 1`,
	})
	for table, want := range map[string]int{"views": 8, "dimensions": 52, "dropped": 4, "visitors": 4} {
		if len(before[table]) != want {
			t.Fatalf("testdata/v1.db has %d %s rows, want %d", len(before[table]), table, want)
		}
	}

	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open(v1.db) = %v", err)
	}
	if got := pragma(t, s, "user_version"); got != fmt.Sprint(SchemaVersion) {
		t.Errorf("user_version after migration = %s, want %d", got, SchemaVersion)
	}
	c, err := s.Query(context.Background(), "2000-01-01", "2999-12-31")
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	var after = map[string][]string{}
	for _, v := range c.Views {
		after["views"] = append(after["views"], fmt.Sprint(v.Day, "|", v.Path, "|", v.N))
		if v.Visitors != 0 {
			t.Errorf("migrated views row %+v has visitors, want 0 (unknown)", v)
		}
	}
	for _, d := range c.Dims {
		after["dimensions"] = append(after["dimensions"], fmt.Sprint(d.Day, "|", d.Dim, "|", d.Value, "|", d.N))
		if d.Visitors != 0 {
			t.Errorf("migrated dimensions row %+v has visitors, want 0 (unknown)", d)
		}
	}
	for _, d := range c.Dropped {
		after["dropped"] = append(after["dropped"], fmt.Sprint(d.Day, "|", d.Reason, "|", d.N))
	}
	for _, v := range c.Visitors {
		after["visitors"] = append(after["visitors"], fmt.Sprint(v.Day, "|", v.N))
	}
	for table, rows := range before {
		if fmt.Sprint(rows) != fmt.Sprint(after[table]) {
			t.Errorf("%s after migration:\n%v\nwant\n%v", table, after[table], rows)
		}
	}

	// The new dimensions, the visitors columns and the events table work.
	b := NewBatch()
	b.Dims[DimKey{"2025-02-03", "campaign", "launch"}] = 2
	b.DimVisitors[DimKey{"2025-02-03", "campaign", "launch"}] = 1
	b.Dims[DimKey{"2025-02-03", "browser", "browser-a"}] = 1
	b.DimVisitors[DimKey{"2025-02-03", "browser", "browser-a"}] = 1
	b.Events[EventKey{"2025-02-03", "download", "/files/a.pdf"}] = 1
	if err := s.Add(context.Background(), b); err != nil {
		t.Fatalf("Add() after migration = %v", err)
	}
	c, err = s.Query(context.Background(), "2025-02-03", "2025-02-03")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, d := range c.Dims {
		if d == (DimRow{"2025-02-03", "browser", "browser-a", 11, 1}) || d == (DimRow{"2025-02-03", "campaign", "launch", 2, 1}) {
			found++
		}
	}
	if found != 2 || len(c.Events) != 1 {
		t.Errorf("Query() after adding to a migrated store = %+v, want the old count plus the new one and the event", c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again finds the current version and changes nothing.
	s2 := openTest(t, path)
	if got := pragma(t, s2, "user_version"); got != fmt.Sprint(SchemaVersion) {
		t.Errorf("user_version on reopening = %s", got)
	}
}

// tableDump reads every row of a few queries as "a|b|c" strings, through a
// read-only connection that changes nothing.
func tableDump(t *testing.T, path string, queries map[string]string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, options{readOnly: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for table, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			line := ""
			for i, v := range vals {
				if i > 0 {
					line += "|"
				}
				line += fmt.Sprint(v)
			}
			out[table] = append(out[table], line)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestReadOnlyOpenRefusesOlderSchema(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "analytics.db")
	writeFile(t, path, src)
	if s, err := Open(path, ReadOnly()); !errors.Is(err, ErrOlderSchema) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open(v1.db, ReadOnly()) = %v, want ErrOlderSchema", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, src) {
		t.Error("a read-only Open changed the file")
	}
}
