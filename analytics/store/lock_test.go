package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdExclusive takes SQLite's exclusive lock on path from another
// connection, as a sqlite3 shell in exclusive locking mode would, and
// returns the function that lets it go.
func holdExclusive(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=locking_mode(exclusive)")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
			t.Error(err)
		}
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}

// newFolio makes a Folio database at path and closes it.
func newFolio(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenLockedGivesUpClearly: a lock held past the wait is reported as
// a lock, not as a file that is not Folio's.
func TestOpenLockedGivesUpClearly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	newFolio(t, path)
	holdExclusive(t, path)
	waiting := 0
	s, err := Open(path, WithBusyTimeout(20*time.Millisecond), WithLockWait(200*time.Millisecond, func(time.Duration) { waiting++ }))
	if err == nil {
		s.Close()
		t.Fatal("Open() of a locked database = nil error")
	}
	if !errors.Is(err, ErrLocked) || errors.Is(err, ErrNotFolio) || !strings.Contains(err.Error(), "gave up after") {
		t.Errorf("Open() = %v, want ErrLocked saying how long it waited", err)
	}
	if waiting != 1 {
		t.Errorf("onLocked called %d times, want once", waiting)
	}
}

// TestOpenWaitsOutALock: a lock let go while Open waits is no error.
func TestOpenWaitsOutALock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	newFolio(t, path)
	release := holdExclusive(t, path)
	// The lock goes as soon as Open says it waits: Open must then retry
	// and succeed, well within the wait.
	s, err := Open(path, WithBusyTimeout(20*time.Millisecond), WithLockWait(time.Minute, func(time.Duration) { release() }))
	if err != nil {
		t.Fatalf("Open() after the lock went = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
