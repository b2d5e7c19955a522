package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"folio/analytics/store"
	"folio/bench/load/loadgen"
)

// buildFolio builds the folio command into a temporary folder, to run it
// as a process that can be killed.
func buildFolio(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the folio binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "folio")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// collectProcess is folio collect running as a child process.
type collectProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
}

func startCollectProcess(t *testing.T, bin, site, db string, flags ...string) *collectProcess {
	t.Helper()
	args := append([]string{"collect", "-root", exampleRoot, "-site", site, "-db", db, "-addr", "127.0.0.1:0", "-trusted-proxies", "127.0.0.1"}, flags...)
	return startCollectArgs(t, bin, 30*time.Second, args...)
}

// startCollectArgs runs bin with args, a folio collect command line, and
// waits up to within for the endpoint address it prints.
func startCollectArgs(t *testing.T, bin string, within time.Duration, args ...string) *collectProcess {
	t.Helper()
	p := &collectProcess{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		for sc.Scan() {
		}
	}()
	select {
	case line, ok := <-first:
		p.url = regexp.MustCompile(`http://\S+`).FindString(line)
		if !ok || p.url == "" {
			t.Fatalf("folio collect printed %q, no address\n%s", line, p.stderr.String())
		}
	case <-time.After(within):
		t.Fatalf("folio collect did not start within %s\n%s", within, p.stderr.String())
	}
	return p
}

// acceptLog records when accepted events were answered, in 10ms slots,
// to say how many were accepted within the last flush interval.
type acceptLog struct {
	start time.Time
	slots [5 * 60 * 100]atomic.Int64 // five minutes of 10ms slots
	total atomic.Int64
}

func (l *acceptLog) record(_ string, accepted bool, at time.Time) {
	if !accepted {
		return
	}
	l.total.Add(1)
	if i := int(at.Sub(l.start) / (10 * time.Millisecond)); i >= 0 && i < len(l.slots) {
		l.slots[i].Add(1)
	}
}

// between counts the events accepted in [from, to].
func (l *acceptLog) between(from, to time.Time) int64 {
	var n int64
	a, b := int(from.Sub(l.start)/(10*time.Millisecond)), int(to.Sub(l.start)/(10*time.Millisecond))
	for i := max(a, 0); i <= b && i < len(l.slots); i++ {
		n += l.slots[i].Load()
	}
	return n
}

// TestCollectProcess runs the folio binary as operators do and treats it
// roughly: SIGKILL in the middle of a load, then foreign and damaged
// database files.
func TestCollectProcess(t *testing.T) {
	bin := buildFolio(t)
	site := buildExample(t)

	t.Run("SIGKILL mid-load", func(t *testing.T) {
		// Measured (5 runs, 2 shared cores, load generator on the same
		// cores, -flush 1s, kill about half an interval after a write):
		// 8,300 to 11,800 events accepted a second; a SIGKILL lost 3,000
		// to 7,450 accepted events, 31% to 59% of the 9,800 to 13,000
		// accepted in the last flush interval, never more; the database
		// passed integrity_check every time.
		const flush = time.Second
		db := filepath.Join(t.TempDir(), "analytics.db")
		p := startCollectProcess(t, bin, site, db, "-flush", flush.String())
		log := &acceptLog{start: time.Now()}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		type outcome struct {
			res *loadgen.Result
			err error
		}
		done := make(chan outcome, 1)
		const senders = 16
		go func() {
			res, err := loadgen.Run(ctx, loadgen.Config{
				URL: p.url, Concurrency: senders, Paths: examplePaths, Origin: exampleOrigin,
				Clients: 16000, Timeout: 5 * time.Second, OnResult: log.record,
			})
			done <- outcome{res, err}
		}()

		// Let the collector write twice under load, then kill it part way
		// through a flush interval. Each write seen happened after the
		// read before the one that saw it began: after[i] is that time.
		var seen []int64
		var after []time.Time
		lastRead := log.start
		deadline := time.Now().Add(2 * time.Minute)
		for len(seen) < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("the collector wrote %v within 2 minutes of load; stderr:\n%s", seen, p.stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
			read := time.Now()
			if n, _ := storedViews(t, db); n > 0 && (len(seen) == 0 || n != seen[len(seen)-1]) {
				seen = append(seen, n)
				after = append(after, lastRead)
			}
			lastRead = read
		}
		time.Sleep(flush / 2)
		before, _ := storedViews(t, db)
		killedAt := time.Now()
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		werr := p.cmd.Wait()
		cancel()
		out := <-done
		if out.err != nil {
			t.Fatal(out.err)
		}
		var exit *exec.ExitError
		if !errors.As(werr, &exit) || exit.Success() {
			t.Fatalf("folio collect after SIGKILL: %v", werr)
		}

		// The file is intact and opens as a Folio database again.
		check := integrityCheck(t, db)
		if check != "ok" {
			t.Fatalf("PRAGMA integrity_check after SIGKILL = %q", check)
		}
		st, err := store.Open(db)
		if err != nil {
			t.Fatalf("store.Open() after SIGKILL = %v", err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		stored, _ := storedViews(t, db)
		accepted := log.total.Load()
		lost := accepted - stored
		lastInterval := log.between(killedAt.Add(-flush), killedAt)
		t.Logf("SIGKILL: %d events accepted (%.0f/s), %d stored, %d lost; %d were accepted in the last flush interval (%s) before the kill",
			accepted, out.res.Rate(), stored, lost, lastInterval, flush)
		if stored < before {
			t.Errorf("stored views fell from %d to %d: a committed write was lost", before, stored)
		}
		// An event answered 204 was counted first; one whose answer the
		// kill cut off may be stored without being seen as accepted.
		if lost < -senders {
			t.Errorf("%d views stored, but only %d events accepted and %d in flight", stored, accepted, senders)
		}
		// Writes are one at a time, and each takes the pending counts
		// only once the one before has committed. So the last write before
		// the kill took its counts after the first write seen here had
		// committed, which was after[0]: a kill can lose only events
		// accepted since. A bound from the clock instead (the last one or
		// two flush intervals) fails on a busy machine, where a write can
		// take longer than an interval.
		if bound := log.between(after[0], killedAt); lost > bound {
			t.Errorf("lost %d accepted events, more than the %d accepted since the write before the last one seen (%s before the kill)", lost, bound, killedAt.Sub(after[0]).Round(time.Millisecond))
		}

		// The collector starts again on the same file, counts, and a
		// clean stop (SIGTERM) loses nothing.
		p2 := startCollectProcess(t, bin, site, db, "-flush", flush.String())
		res, err := loadgen.Run(context.Background(), loadgen.Config{URL: p2.url, N: 500, Concurrency: 8, Paths: examplePaths, Origin: exampleOrigin, Clients: 500})
		if err != nil {
			t.Fatal(err)
		}
		if err := p2.cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		if err := p2.cmd.Wait(); err != nil {
			t.Fatalf("folio collect after SIGINT: %v\n%s", err, p2.stderr.String())
		}
		if after, _ := storedViews(t, db); after != stored+res.Accepted || res.Accepted != 500 {
			t.Errorf("after a restart and a clean stop: %d views stored, want %d + %d accepted", after, stored, res.Accepted)
		}
	})

	t.Run("foreign or damaged database", func(t *testing.T) {
		for _, tt := range []struct {
			name, want string
			make       func(t *testing.T, path string)
		}{
			{"notes", "not a SQLite file", func(t *testing.T, path string) {
				writeTestFile(t, path, []byte("Shopping list\n- milk\n"))
			}},
			{"another program's database", "another program", func(t *testing.T, path string) {
				rawDB(t, path, `CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)`, `INSERT INTO invoices VALUES (1, 100)`)
			}},
			{"damaged Folio database", "not a Folio analytics database", func(t *testing.T, path string) {
				folioDB(t, path)
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				for i := 4096; i < len(data); i++ {
					data[i] ^= 0x5A
				}
				writeTestFile(t, path, data)
			}},
			{"truncated Folio database", "not a Folio analytics database", func(t *testing.T, path string) {
				folioDB(t, path)
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				writeTestFile(t, path, data[:len(data)/2+100])
			}},
			{"newer Folio database", "newer", func(t *testing.T, path string) {
				folioDB(t, path)
				rawDB(t, path, `PRAGMA user_version = 99`)
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				db := filepath.Join(t.TempDir(), "analytics.db")
				tt.make(t, db)
				before, err := os.ReadFile(db)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, "collect", "-root", exampleRoot, "-site", site, "-db", db, "-addr", "127.0.0.1:0")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err = cmd.Run()
				if ctx.Err() != nil {
					t.Fatalf("folio collect started on the file instead of refusing it:\n%s", stdout.String())
				}
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 {
					t.Fatalf("folio collect = %v, want exit status 1", err)
				}
				msg := stderr.String()
				if !strings.Contains(msg, tt.want) || !strings.Contains(msg, db) {
					t.Errorf("stderr = %q, want a message naming %s and saying %q", msg, db, tt.want)
				}
				after, err := os.ReadFile(db)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(before, after) {
					t.Error("folio collect changed the refused file")
				}
				if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 0 {
					t.Errorf("folio collect wrote %d bytes of WAL beside the refused file", fi.Size())
				}
			})
		}
	})
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawDB runs statements on a SQLite file without the store's checks.
func rawDB(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// folioDB makes a Folio database with some counts in it, checkpointed, so
// the file alone holds everything.
func folioDB(t *testing.T, path string) {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b := &store.Batch{Views: map[store.ViewKey]int64{}, Dims: map[store.DimKey]int64{}, Dropped: map[store.DropKey]int64{}, Visitors: map[string]int64{"2026-01-01": 3}}
	for i := range 400 {
		b.Views[store.ViewKey{Day: "2026-01-01", Path: "/docs/page-" + strings.Repeat("x", i%50) + "/"}] += int64(i)
	}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	rawDB(t, path, `PRAGMA wal_checkpoint(TRUNCATE)`, `PRAGMA journal_mode = DELETE`)
}

// integrityCheck runs PRAGMA integrity_check on a database file, opening
// it read-write as the next collector would (which recovers its WAL).
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res []string
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		res = append(res, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(res, "; ")
}
