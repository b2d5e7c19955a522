package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/bench/load/loadgen"
)

// TestHelperHoldWriteLock is not a test of its own: the test below runs
// the test binary again with FOLIO_HOLD_LOCK set, so that another process
// holds the database's write lock, as a backup tool or a careless sqlite3
// session would, until its stdin closes.
func TestHelperHoldWriteLock(t *testing.T) {
	path := os.Getenv("FOLIO_HOLD_LOCK")
	if path == "" {
		t.Skip("the helper process of TestCollectWaitsOutALockedDatabase")
	}
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(30000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
}

// TestCollectWaitsOutALockedDatabase: while another process holds the
// database's write lock, folio collect answers every beacon at once, keeps
// the counts in memory and retries; when the lock goes, they all land,
// exactly once.
func TestCollectWaitsOutALockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the store's busy timeout; skipped with -short")
	}
	site := buildExample(t)
	db := filepath.Join(t.TempDir(), "analytics.db")
	c := startCollect(t, site, db, "-flush", "100ms")
	send := func(n int) int64 {
		t.Helper()
		res, err := loadgen.Run(context.Background(), loadgen.Config{URL: c.url, N: n, Concurrency: 8, Paths: examplePaths, Origin: exampleOrigin, Clients: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if res.Errors != 0 || len(res.Statuses) != 0 || res.Accepted != int64(n) {
			t.Fatalf("%d of %d accepted; unanswered %d (%s), statuses %v, refused %v", res.Accepted, n, res.Errors, res.FirstError, res.Statuses, res.Reasons)
		}
		return res.Accepted
	}
	waitStored := func(want int64, why string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			got, _ := storedViews(t, db)
			if got == want {
				return
			}
			if got > want || time.Now().After(deadline) {
				t.Fatalf("%s: %d views stored, want %d\n%s", why, got, want, c.stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	first := send(300)
	waitStored(first, "before the lock")

	locker := exec.Command(os.Args[0], "-test.run=^TestHelperHoldWriteLock$")
	locker.Env = append(os.Environ(), "FOLIO_HOLD_LOCK="+db)
	stdin, err := locker.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := locker.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	locker.Stderr = os.Stderr
	if err := locker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		locker.Wait()
	}()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "locked" {
		t.Fatalf("the helper process did not take the lock: %q", sc.Text())
	}
	go io.Copy(io.Discard, stdout)

	locked := send(2000)
	// A write waits out the store's busy timeout, then fails and keeps
	// the counts; the warning says so.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(c.stderr.String(), "keeping them in memory to retry") {
		if time.Now().After(deadline) {
			t.Fatalf("no failed write reported within 60s of the lock:\n%s", c.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got, _ := storedViews(t, db); got != first {
		t.Fatalf("%d views stored while the database was locked, want %d", got, first)
	}
	locked += send(200) // still answered after failed writes

	stdin.Close()
	if err := locker.Wait(); err != nil {
		t.Fatalf("helper process: %v", err)
	}
	waitStored(first+locked, "after the lock was released")
	c.stop(t)
	if got, _ := storedViews(t, db); got != first+locked {
		t.Errorf("after a clean stop: %d views stored, want %d", got, first+locked)
	}
}
