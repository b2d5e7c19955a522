package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/analytics/privacy"
	"folio/analytics/store"
)

const (
	testOrigin = "https://docs.example.org"
	chromeUA   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	firefoxUA  = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
)

// clock is a settable clock, safe for the concurrent use the collector
// makes of it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// syncBuffer is a bytes.Buffer for a logger written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// flakyStore fails the next fail calls of Add, as a full or unmounted disk
// would.
type flakyStore struct {
	store.Store
	mu    sync.Mutex
	fail  int
	adds  int
	added chan struct{}
}

var errDiskFull = errors.New("disk full")

func (f *flakyStore) Add(ctx context.Context, b *store.Batch) error {
	f.mu.Lock()
	f.adds++
	failing := f.fail > 0
	if failing {
		f.fail--
	}
	f.mu.Unlock()
	if f.added != nil {
		select {
		case f.added <- struct{}{}:
		default:
		}
	}
	if failing {
		return errDiskFull
	}
	return f.Store.Add(ctx, b)
}

func (f *flakyStore) setFail(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = n
}

func writeSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range []string{"index.html", "docs/index.html", "docs/setup/index.html", "policy/privacy/index.html"} {
		path := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("<!doctype html><title>x</title>"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openStore(t testing.TB) (*store.SQLite, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "analytics.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st, path
}

// newCollector starts a Collector on st with test defaults: the test site,
// its origin, a fixed clock at noon on 2025-03-01, and an hour between
// flushes so that only the test decides when to write.
func newCollector(t testing.TB, st store.Store, edit func(*Config)) (*Collector, *clock) {
	t.Helper()
	clk := newClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	cfg := Config{
		Origins: []string{testOrigin},
		SiteDir: writeSite(t),
		Flush:   time.Hour,
		Now:     clk.Now,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.Close(ctx)
	})
	return c, clk
}

// beaconRequest builds a typical beacon from a reader of the test site.
func beaconRequest(path, referrer string) *http.Request {
	body := `{"p":` + quote(path) + `,"r":` + quote(referrer) + `}`
	r := httptest.NewRequest(http.MethodPost, "/api/event", strings.NewReader(body))
	r.RemoteAddr = "198.51.100.23:40000"
	r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	r.Header.Set("User-Agent", chromeUA)
	r.Header.Set("Accept-Language", "de-DE,de;q=0.9")
	r.Header.Set("Origin", testOrigin)
	return r
}

// beaconBody builds a beacon like beaconRequest's with a body of its own.
func beaconBody(body string) *http.Request {
	r := beaconRequest("/", "")
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

func quote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func serve(h http.Handler, r *http.Request) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	io.Copy(io.Discard, res.Body)
	return res
}

func query(t testing.TB, st store.Store, from, to string) *store.Counts {
	t.Helper()
	c, err := st.Query(context.Background(), from, to)
	if err != nil {
		t.Fatalf("Query() = %v", err)
	}
	return c
}

func sumViews(c *store.Counts) int64 {
	var n int64
	for _, v := range c.Views {
		n += v.N
	}
	return n
}

// newFilterAddr returns a function making the truncated Addr of an
// address, the way the handler gets it.
func newFilterAddr(t testing.TB) func(ip string) privacy.Addr {
	t.Helper()
	f, err := privacy.New(privacy.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return func(ip string) privacy.Addr {
		res := f.Apply(&privacy.Facts{RemoteAddr: netip.AddrPortFrom(netip.MustParseAddr(ip), 1).String(), UserAgent: chromeUA, Body: []byte(`{"p":"/"}`)})
		if res.Reason != privacy.Accepted {
			t.Fatalf("Apply(%s) = %s", ip, res.Reason)
		}
		return res.Addr
	}
}
