package linkcheck

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// noWait makes the pause between requests to one host return at once.
func noWait(ctx context.Context, d time.Duration) error { return ctx.Err() }

// testServer answers on 127.0.0.1 with the paths the tests ask for, and
// counts requests.
type testServer struct {
	*httptest.Server
	requests atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	s := &testServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusNotFound) })
	mux.HandleFunc("/nohead", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved-again", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/moved-again", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxIn.Load()
			if n <= m || s.maxIn.CompareAndSwap(m, n) {
				break
			}
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestCheck(t *testing.T) {
	s := newTestServer(t)
	c := New(Options{Wait: noWait, Timeout: 2 * time.Second})
	got := c.Check(context.Background(), []string{
		s.URL + "/ok", s.URL + "/gone", s.URL + "/nohead", s.URL + "/moved", s.URL + "/loop", s.URL + "/ok", "ftp://x.org/",
	})
	for _, tc := range []struct {
		path string
		ok   bool
		want string
	}{
		{"/ok", true, "200 OK"},
		{"/gone", false, "404 Not Found"},
		{"/nohead", true, "200 OK"},
		{"/moved", true, "200 OK (redirected to " + s.URL + "/ok)"},
		{"/loop", false, "more than 5 redirects"},
	} {
		r := got[s.URL+tc.path]
		if r.OK() != tc.ok || !strings.Contains(r.String(), tc.want) {
			t.Errorf("%s: %v (ok %v), want %q (ok %v)", tc.path, r, r.OK(), tc.want, tc.ok)
		}
	}
	if r := got["ftp://x.org/"]; r.OK() || r.Err != "not an http(s) address" {
		t.Errorf("ftp link: %v", r)
	}
	if len(got) != 6 {
		t.Errorf("Check() answered %d links, want 6: a repeated link is checked once", len(got))
	}
}

func TestTimeout(t *testing.T) {
	s := newTestServer(t)
	c := New(Options{Wait: noWait, Timeout: 100 * time.Millisecond})
	r := c.Check(context.Background(), []string{s.URL + "/hang"})[s.URL+"/hang"]
	if r.OK() || r.Err != "timeout" {
		t.Errorf("a server that never answers gave %v, want timeout", r)
	}
}

// TestOneRequestPerHost checks that a host is never asked two things at
// once, and waits between requests, however many may run at once.
func TestOneRequestPerHost(t *testing.T) {
	s := newTestServer(t)
	var urls []string
	for i := range 12 {
		urls = append(urls, fmt.Sprintf("%s/ok?%d", s.URL, i))
	}
	var mu sync.Mutex
	var waits []time.Duration
	c := New(Options{Concurrency: 8, HostDelay: 250 * time.Millisecond, Wait: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}})
	for u, r := range c.Check(context.Background(), urls) {
		if !r.OK() {
			t.Errorf("%s: %v", u, r)
		}
	}
	if m := s.maxIn.Load(); m != 1 {
		t.Errorf("the host had %d requests at once, want 1", m)
	}
	if len(waits) != 11 || waits[0] != 250*time.Millisecond {
		t.Errorf("waits between requests = %v, want 11 of 250ms", waits)
	}
}

func TestCache(t *testing.T) {
	s := newTestServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	dir := t.TempDir()
	cache := LoadCache(dir, time.Hour)
	c := New(Options{Wait: noWait, Cache: cache, Now: clock})
	urls := []string{s.URL + "/ok", s.URL + "/gone"}
	c.Check(context.Background(), urls)
	if err := cache.Save(dir, now); err != nil {
		t.Fatal(err)
	}
	before := s.requests.Load()
	// The next run reads the cache from disk: the working link is not
	// asked again, the broken one is.
	now = now.Add(30 * time.Minute)
	c = New(Options{Wait: noWait, Cache: LoadCache(dir, time.Hour), Now: clock})
	got := c.Check(context.Background(), urls)
	if r := got[s.URL+"/ok"]; !r.Cached || !r.OK() {
		t.Errorf("working link within the hour: %+v, want it from the cache", r)
	}
	if r := got[s.URL+"/gone"]; r.Cached || r.Status != http.StatusNotFound {
		t.Errorf("broken link: %+v, want it asked again", r)
	}
	if n := s.requests.Load() - before; n != 2 {
		t.Errorf("second run made %d requests, want 2 (HEAD and GET of the broken link)", n)
	}
	now = now.Add(time.Hour)
	got = New(Options{Wait: noWait, Cache: LoadCache(dir, time.Hour), Now: clock}).Check(context.Background(), urls)
	if r := got[s.URL+"/ok"]; r.Cached {
		t.Errorf("an expired entry answered: %+v", r)
	}
}

func TestExtract(t *testing.T) {
	src := "---\ntitle: A\n---\nSee [Go](https://go.dev/doc/) and <https://pkg.go.dev>.\n" +
		"Bare https://golang.org/x/image, and `https://in.code.span/` and https://example.org/x.\n" +
		"```sh\ncurl https://in.a.fence/\n```\n" +
		"{{< figure src=\"https://img.host/a.png\" alt=\"x\" >}}\n" +
		"[Wiki](https://en.wikipedia.org/wiki/Go \"title\"); http://host.test/ and http://localhost:8080/\n"
	var got []string
	for _, l := range Extract([]byte(src)) {
		got = append(got, fmt.Sprintf("%d %s", l.Line, l.URL))
	}
	want := []string{
		"4 https://go.dev/doc/", "4 https://pkg.go.dev", "5 https://golang.org/x/image",
		"9 https://img.host/a.png", "10 https://en.wikipedia.org/wiki/Go",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Extract() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
