package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/analytics"
	"folio/analytics/store"
	"folio/generator/config"
)

// collectSite writes a root with folio.toml and a built public/ folder.
func collectSite(t *testing.T, toml string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"folio.toml":             toml,
		"public/index.html":      "<!doctype html>",
		"public/docs/index.html": "<!doctype html>",
	}
	writeFiles(t, root, files)
	return root
}

// lineWriter collects output and hands over the first line written.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if line, _, ok := strings.Cut(w.buf.String(), "\n"); ok && w.first != nil {
		w.first <- line
		w.first = nil
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestCollectCountsAndStopsCleanly(t *testing.T) {
	root := collectSite(t, `title = "Test"
baseURL = "https://docs.example.org/"
[analytics]
enabled = true
trustedProxies = ["127.0.0.1/32", "::1"]
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &lineWriter{first: make(chan string, 1)}
	stderr := &lineWriter{}
	done := make(chan error, 1)
	go func() {
		done <- runCollect(ctx, []string{"-root", root, "-addr", "127.0.0.1:0", "-flush", "1h"}, stdout, stderr)
	}()
	var url string
	select {
	case line := <-stdout.first:
		m := regexp.MustCompile(`http://\S+`).FindString(line)
		if m == "" {
			t.Fatalf("first line %q names no address", line)
		}
		url = m
	case err := <-done:
		t.Fatalf("runCollect() = %v before listening\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("runCollect() did not start within 30s")
	}
	send := func(path, ua string) string {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"p":"`+path+`","r":""}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://docs.example.org")
		req.Header.Set("User-Agent", ua)
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d", res.StatusCode)
		}
		return res.Header.Get(analytics.ReasonHeader)
	}
	const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
	for _, p := range []string{"/", "/docs/", "/docs/index.html"} {
		if reason := send(p, firefox); reason != "" {
			t.Errorf("beacon for %s not counted: %s", p, reason)
		}
	}
	if reason := send("/admin/", firefox); reason != "unknown-page" {
		t.Errorf("beacon for a page not in public/: reason %q, want unknown-page", reason)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runCollect() = %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("runCollect() did not stop within 30s of the signal")
	}
	st, err := store.Open(filepath.Join(root, "data", "analytics.db"), store.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := time.Now().UTC().Format(time.DateOnly)
	counts, err := st.Query(context.Background(), day, day)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ViewRow{{Day: day, Path: "/", N: 1, Visitors: 1}, {Day: day, Path: "/docs/", N: 2, Visitors: 1}}
	if !reflect.DeepEqual(counts.Views, want) {
		t.Errorf("views after a clean stop = %+v, want %+v", counts.Views, want)
	}
	if strings.Contains(stderr.String(), "203.0.113") {
		t.Errorf("the collector's output names the visitor's address:\n%s", stderr.String())
	}
}

func TestCollectRefusesBadSetup(t *testing.T) {
	for name, tt := range map[string]struct {
		toml string
		args []string
		want string
	}{
		"no origin":          {`title = "T"`, nil, "no origin"},
		"bad proxy":          {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-trusted-proxies", "proxy.lan"}, "trusted proxy"},
		"bad retention":      {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-retention", "2y"}, "retention"},
		"missing site":       {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-site", "/nonexistent"}, "no such file"},
		"not a database":     {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-db", "folio.toml"}, "not a Folio analytics database"},
		"unknown toml key":   {"title = \"T\"\n[analytics]\nretension = \"3d\"\n", nil, "unknown key"},
		"stray argument":     {`title = "T"`, []string{"public"}, "unexpected argument"},
		"negative rate":      {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-rate-limit", "-1"}, "rate limit"},
		"bad ip header":      {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-client-ip-header", "X-Forwarded-For:"}, "client IP header"},
		"zero flush":         {"title = \"T\"\nbaseURL = \"https://example.org/\"\n", []string{"-flush", "0s"}, "flush"},
		"missing country db": {"title = \"T\"\nbaseURL = \"https://example.org/\"\n[analytics]\ngeoip = \"GeoLite2-Country.mmdb\"\n", nil, "GeoLite2-Country.mmdb"},
	} {
		t.Run(name, func(t *testing.T) {
			root := collectSite(t, tt.toml)
			var stdout, stderr bytes.Buffer
			args := append([]string{"-root", root, "-addr", "127.0.0.1:0"}, tt.args...)
			err := runCollect(context.Background(), args, &stdout, &stderr)
			if err == nil {
				t.Fatal("runCollect() = nil, want an error")
			}
			if msg := err.Error() + stderr.String(); !strings.Contains(msg, tt.want) {
				t.Errorf("runCollect() = %v\n%s\nwant it to mention %q", err, stderr.String(), tt.want)
			}
		})
	}
}

func TestCollectConfig(t *testing.T) {
	parse := func(toml string) *config.Config {
		t.Helper()
		cfg, err := config.ParseConfig([]byte(toml))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	full := parse(`title = "T"
baseURL = "https://example.org/docs/"
[analytics]
endpoint = "https://stats.example.org/count"
retention = "30d"
geoip = "geo/country.mmdb"
trustedProxies = ["10.0.0.0/8"]
rateLimit = 0
`)
	defaults := collectFlags{set: map[string]bool{}, flush: 10 * time.Second, rateLimit: 60}
	got, err := collectConfig(full, "/srv/site", defaults)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/count" || got.SiteBase != "/docs/" || got.Retention != 30 || got.RateLimit != 0 ||
		got.GeoIP != filepath.Join("/srv/site", "geo/country.mmdb") || got.SiteDir != filepath.Join("/srv/site", "public") ||
		len(got.TrustedProxies) != 1 || got.TrustedProxies[0].String() != "10.0.0.0/8" ||
		!reflect.DeepEqual(got.Origins, []string{"https://example.org/docs/"}) {
		t.Errorf("from folio.toml: %+v", got)
	}

	flags := collectFlags{
		set:   map[string]bool{"origin": true, "retention": true, "rate-limit": true, "trusted-proxies": true, "geoip": true},
		flush: time.Second, rateLimit: 5, retention: "0", trusted: "127.0.0.1, ::1", geoip: "/var/lib/GeoIP/c.mmdb",
		origin: "https://a.example, https://b.example", site: "/srv/www", ipHeader: "X-Real-IP",
	}
	got, err = collectConfig(full, "/srv/site", flags)
	if err != nil {
		t.Fatal(err)
	}
	if got.SiteBase != "/" || got.Retention != 0 || got.RateLimit != 5 || got.GeoIP != "/var/lib/GeoIP/c.mmdb" ||
		got.SiteDir != "/srv/www" || len(got.TrustedProxies) != 2 || got.Flush != time.Second || got.ClientIPHeader != "X-Real-IP" ||
		!reflect.DeepEqual(got.Origins, []string{"https://a.example", "https://b.example"}) {
		t.Errorf("flags over folio.toml: %+v", got)
	}

	got, err = collectConfig(parse("title = \"T\"\nbaseURL = \"https://example.org\"\n"), ".", defaults)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/api/event" || got.RateLimit != 60 || got.Retention != 760 || got.GeoIP != "" {
		t.Errorf("defaults: %+v", got)
	}
}

// TestCollectCapsConnections runs folio collect with a cap of two
// connections per network and checks the third is closed unanswered, and
// that the idle timeout suits beacon traffic.
func TestCollectCapsConnections(t *testing.T) {
	root := collectSite(t, "title = \"T\"\nbaseURL = \"https://docs.example.org/\"\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &lineWriter{first: make(chan string, 1)}
	stderr := &lineWriter{}
	done := make(chan error, 1)
	go func() {
		done <- runCollect(ctx, []string{"-root", root, "-addr", "127.0.0.1:0", "-max-conns-per-network", "2"}, stdout, stderr)
	}()
	var addr string
	select {
	case line := <-stdout.first:
		addr = regexp.MustCompile(`http://([^/\s]+)`).FindStringSubmatch(line)[1]
	case err := <-done:
		t.Fatalf("runCollect() = %v before listening\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("runCollect() did not start within 10s")
	}
	answered := func(c net.Conn) bool {
		t.Helper()
		c.SetDeadline(time.Now().Add(30 * time.Second)) // bounds a wrong answer's wait only
		if _, err := c.Write([]byte("GET /api/event.gif?p=/ HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			return false
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("a connection was neither answered nor closed")
			}
			return false
		}
		res.Body.Close()
		return true
	}
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	if !answered(conns[0]) || !answered(conns[1]) {
		t.Fatal("the first two connections were not answered")
	}
	if answered(conns[2]) {
		t.Error("the third connection of one network was answered, want it closed")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runCollect() = %v", err)
	}

	srv := newCollectServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if srv.IdleTimeout > 15*time.Second {
		t.Errorf("IdleTimeout = %s: a beacon's connection idles until the reader's next page, want at most 15s", srv.IdleTimeout)
	}
}

// writeFiles writes files, named with slashes, under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
