package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"folio/analytics/store"
)

// TestLockedDatabaseKeepsCountsBounded runs the collector on a real
// SQLite file whose write lock another connection holds (BEGIN
// IMMEDIATE), as a backup or a sqlite3 session would: every beacon is
// still answered at once, counts wait in memory within their bound, and
// once the lock goes they land exactly; the events refused at the bound
// are the only difference, and they are accounted for.
func TestLockedDatabaseKeepsCountsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "analytics.db")
	st, err := store.Open(path, store.WithBusyTimeout(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const maxPending = 10
	c, _ := newCollector(t, st, func(cfg *Config) { cfg.MaxPending = maxPending })
	h := c.Handler()
	ctx := context.Background()

	blocker, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	conn, err := blocker.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	var answered int64
	send := func(r *http.Request) {
		t.Helper()
		res := serve(h, r)
		if res.StatusCode != http.StatusNoContent || res.Header.Get(ReasonHeader) != "" {
			t.Fatalf("status %d, reason %q while the database is locked", res.StatusCode, res.Header.Get(ReasonHeader))
		}
		answered++
	}
	// Events on the same few cells: they all wait in memory. (Reaching
	// MaxPending also makes the flush loop try a write, which fails the
	// same way; only the counts in the store are checked meanwhile.)
	for i := range 100 {
		send(beaconRequest(testPages[i%len(testPages)], ""))
	}
	if err := c.Flush(ctx); err == nil {
		t.Fatal("Flush() = nil while another connection holds the write lock")
	}
	if got := sumViews(query(t, st, "2025-03-01", "2025-03-01")); got != 0 {
		t.Fatalf("%d views stored through the lock", got)
	}
	// Events that each need new cells (a new referrer): the pending
	// batch stops growing at its bound.
	for i := range 300 {
		send(beaconRequest("/", fmt.Sprintf("https://site%d.example.com/", i)))
		if i%50 == 0 {
			c.Flush(ctx) // fails, merging the batch back
		}
	}
	// The bound is 4*MaxPending cells, plus the cells of the one event
	// that crosses it.
	if n := c.agg.pendingCells(); n > 4*maxPending+8 {
		t.Errorf("%d cells pending while the database is locked, want at most %d", n, 4*maxPending+8)
	}
	c.agg.mu.Lock()
	lost := c.agg.lost
	c.agg.mu.Unlock()
	if lost == 0 {
		t.Fatal("no event refused at the bound; the test sent too few")
	}

	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatalf("Flush() after the lock went = %v", err)
	}
	got := query(t, st, "2025-03-01", "2025-03-01")
	if v := sumViews(got); v != answered-lost {
		t.Errorf("%d views stored after the lock, want %d answered - %d refused at the bound", v, answered, lost)
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if v := sumViews(query(t, st, "2025-03-01", "2025-03-01")); v != answered-lost {
		t.Errorf("a second flush changed the views to %d: counts written twice", v)
	}
}
