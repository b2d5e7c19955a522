package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"folio/analytics/store"
	"folio/analytics/store/pgtest"
)

// TestMigrateSQLiteToPostgres copies a real version 1 file (from before
// sites) into PostgreSQL: the file is upgraded on the way, the copy's sums
// are checked, every cell is equal, and a second copy is refused.
func TestMigrateSQLiteToPostgres(t *testing.T) {
	url := pgtest.URL(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "analytics", "store", "testdata", "sqlite-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	file := filepath.Join(root, "old.db")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"migrate", "-root", root, "-site", "docs", "-from", file, "-to", url}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("folio migrate = %v\n%s%s", err, out.String(), errOut.String())
	}
	for _, table := range []string{"views", "dimensions", "dropped", "visitors"} {
		if !strings.Contains(out.String(), "site docs, "+table+": ") {
			t.Errorf("output has no sum check of %s:\n%s", table, out.String())
		}
	}
	if strings.Count(out.String(), ", match\n") != 4 {
		t.Errorf("output = %q, want four matching tables", out.String())
	}

	ctx := context.Background()
	src, err := store.Open(file, store.ReadOnly(), store.WithSite("docs"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, url, store.ReadOnly(), store.WithSite("docs"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want, err := src.Query(ctx, firstDay, lastDay)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Query(ctx, firstDay, lastDay)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Views) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL holds %d views rows, want the file's %d, cell for cell", len(got.Views), len(want.Views))
	}

	out.Reset()
	if err := run(ctx, args, &out, &errOut); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("second folio migrate = %v, want a refusal to count twice", err)
	}
}
