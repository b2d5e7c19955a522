package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"folio/analytics/store"
	"folio/bench/load/loadgen"
)

// exampleRoot is the repository's own site: folio.toml and content/.
var exampleRoot = filepath.Join("..", "..")

// examplePaths are pages of the example site that beacons report.
var examplePaths = []string{"/", "/docs/", "/docs/analytics/", "/privacy/"}

// exampleOrigin is the origin of the example site's baseURL.
const exampleOrigin = "https://folio.example.org"

// buildExample builds the example site with folio build into a temporary
// folder and returns it, for collectors to take their list of pages from.
func buildExample(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr lineWriter
	if err := runBuild(context.Background(), []string{"-root", exampleRoot, "-out", out, "-quiet"}, &stdout, &stderr); err != nil {
		t.Fatalf("folio build = %v\n%s", err, stderr.String())
	}
	for _, p := range examplePaths {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p), "index.html")); err != nil {
			t.Fatalf("the example site has no page %s: %v", p, err)
		}
	}
	return out
}

// inProcessCollector is folio collect running in this process.
type inProcessCollector struct {
	url    string
	db     string
	cancel context.CancelFunc
	done   chan error
	stderr *lineWriter
}

// startCollect runs folio collect on the example site with the given
// extra flags, on a free port of 127.0.0.1, believing X-Forwarded-For
// from 127.0.0.1 as it would from a reverse proxy.
func startCollect(t *testing.T, site, db string, flags ...string) *inProcessCollector {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &inProcessCollector{db: db, cancel: cancel, done: make(chan error, 1), stderr: &lineWriter{}}
	stdout := &lineWriter{first: make(chan string, 1)}
	args := append([]string{"-root", exampleRoot, "-site", site, "-db", db, "-addr", "127.0.0.1:0", "-trusted-proxies", "127.0.0.1"}, flags...)
	go func() { c.done <- runCollect(ctx, args, stdout, c.stderr) }()
	select {
	case line := <-stdout.first:
		c.url = regexp.MustCompile(`http://\S+`).FindString(line)
		if c.url == "" {
			cancel()
			t.Fatalf("first line %q names no address", line)
		}
	case err := <-c.done:
		cancel()
		t.Fatalf("folio collect = %v before listening\n%s", err, c.stderr.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("folio collect did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-c.done
	})
	return c
}

// stop stops the collector as SIGTERM would and returns its error.
func (c *inProcessCollector) stop(t *testing.T) {
	t.Helper()
	c.cancel()
	select {
	case err := <-c.done:
		c.done <- nil // for the cleanup
		if err != nil {
			t.Fatalf("folio collect = %v\n%s", err, c.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("folio collect did not stop within 60s of the signal")
	}
}

// storedViews reads the views of every day from the database, read-only,
// as folio report would, and returns their sum and their sum per path.
func storedViews(t *testing.T, db string) (int64, map[string]int64) {
	t.Helper()
	st, err := store.Open(db, store.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Query(context.Background(), "2000-01-01", "2999-12-31")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	byPath := map[string]int64{}
	for _, v := range c.Views {
		sum += v.N
		byPath[v.Path] += v.N
	}
	return sum, byPath
}

// loadEvents is the number of events of the load test: small, for CI;
// FOLIO_LOAD_EVENTS asks for more.
func loadEvents(t *testing.T) int {
	n := 3000
	if s := os.Getenv("FOLIO_LOAD_EVENTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			t.Fatalf("FOLIO_LOAD_EVENTS=%q: want a positive number", s)
		}
	}
	return n
}

// TestLoadStoreTotalEqualsAccepted sends beacons from many goroutines to
// folio collect, flushing every 50ms meanwhile so that writes race with
// events, stops it as SIGTERM would and checks that the store holds
// exactly the events that were answered as accepted, page by page.
func TestLoadStoreTotalEqualsAccepted(t *testing.T) {
	site := buildExample(t)
	db := filepath.Join(t.TempDir(), "analytics.db")
	c := startCollect(t, site, db, "-flush", "50ms")
	n := loadEvents(t)
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		URL: c.url, N: n, Concurrency: 24, Paths: examplePaths, Origin: exampleOrigin, Clients: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.stop(t)
	t.Logf("load: %d events, %d accepted, %.0f answered/s, p99 %s", res.Sent, res.Accepted, res.Rate(), res.P99)
	if res.Sent != int64(n) || res.Errors != 0 || len(res.Statuses) != 0 {
		t.Fatalf("sent %d of %d, %d unanswered (%s), statuses %v", res.Sent, n, res.Errors, res.FirstError, res.Statuses)
	}
	// 500 networks send n/500 events each, within the rate limit of 60 a
	// minute: every event should count.
	if res.Accepted != int64(n) {
		t.Errorf("%d of %d events accepted; refused: %v", res.Accepted, n, res.Reasons)
	}
	total, byPath := storedViews(t, db)
	if total != res.Accepted {
		t.Errorf("stored views = %d, accepted events = %d", total, res.Accepted)
	}
	for _, p := range examplePaths {
		if byPath[p] != res.AcceptedByPath[p] {
			t.Errorf("views of %s: stored %d, accepted %d", p, byPath[p], res.AcceptedByPath[p])
		}
	}
}
