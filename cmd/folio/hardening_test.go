package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/analytics/store"

	"golang.org/x/net/html"
)

// TestServersBoundClients checks the limits of both HTTP servers: a
// client can hold neither a connection (slow headers, slow body, slow
// reading of the answer, idling) nor memory (header size) for long.
func TestServersBoundClients(t *testing.T) {
	for name, srv := range map[string]*http.Server{
		"serve":   newHTTPServer(http.NotFoundHandler(), io.Discard),
		"collect": newCollectServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler)),
	} {
		for field, d := range map[string]time.Duration{
			"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
			"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
		} {
			if d <= 0 || d > 5*time.Minute {
				t.Errorf("%s: %s = %s, want a bound of at most 5 minutes", name, field, d)
			}
		}
		if srv.ReadHeaderTimeout > srv.ReadTimeout {
			t.Errorf("%s: ReadHeaderTimeout %s > ReadTimeout %s", name, srv.ReadHeaderTimeout, srv.ReadTimeout)
		}
		if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
			t.Errorf("%s: MaxHeaderBytes = %d, want at most 64 KiB", name, srv.MaxHeaderBytes)
		}
		if srv.ErrorLog == nil {
			t.Errorf("%s: no ErrorLog: net/http's default one prints client addresses", name)
		}
	}
}

// wantSecurityHeaders checks the headers every answer must carry and
// that its Content-Security-Policy allows no inline code.
func wantSecurityHeaders(t *testing.T, what string, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := res.Header.Get("Referrer-Policy"); got == "" || strings.Contains(got, "unsafe-url") {
		t.Errorf("%s: Referrer-Policy = %q", what, got)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy = %q, want a default-src, no unsafe-inline or unsafe-eval, no framing", what, csp)
	}
	if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("%s: Set-Cookie %q", what, c)
	}
}

func do(t *testing.T, method, url string, body io.Reader, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

var beaconHeader = map[string]string{
	"Content-Type": "text/plain;charset=UTF-8", "Origin": exampleOrigin,
	"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
}

func TestCollectRefusesOversizeAndSendsSecurityHeaders(t *testing.T) {
	site := buildExample(t)
	c := startCollect(t, site, filepath.Join(t.TempDir(), "analytics.db"))
	base := strings.TrimSuffix(c.url, "/api/event")
	for _, tt := range []struct {
		name, method, url string
		body              string
		header            map[string]string
		status            int
	}{
		{"beacon", http.MethodPost, c.url, `{"p":"/docs/","r":""}`, beaconHeader, http.StatusNoContent},
		{"pixel", http.MethodGet, c.url + ".gif?p=/docs/", "", beaconHeader, http.StatusOK},
		{"oversize body", http.MethodPost, c.url, strings.Repeat("x", 1<<20), beaconHeader, http.StatusRequestEntityTooLarge},
		{"oversize header", http.MethodPost, c.url, `{"p":"/"}`, map[string]string{"X-Padding": strings.Repeat("x", 64<<10)}, http.StatusRequestHeaderFieldsTooLarge},
		{"wrong method", http.MethodPut, c.url, "", nil, http.StatusMethodNotAllowed},
		{"other path", http.MethodGet, base + "/", "", nil, http.StatusNotFound},
	} {
		res := do(t, tt.method, tt.url, strings.NewReader(tt.body), tt.header)
		if res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.status)
		}
		if tt.status != http.StatusRequestHeaderFieldsTooLarge { // net/http answers that one itself
			wantSecurityHeaders(t, "collect "+tt.name, res)
		}
	}
}

// lineWaiter hands over the first output line that matches re.
type lineWaiter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	re   *regexp.Regexp
	done chan string
}

func (w *lineWaiter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.done != nil {
		if m := w.re.FindString(w.buf.String()); m != "" {
			w.done <- m
			w.done = nil
		}
	}
	return len(p), nil
}

func (w *lineWaiter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestServeSendsSecurityHeadersEverywhere(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &lineWaiter{re: regexp.MustCompile(`http://127\.0\.0\.1:\d+`), done: make(chan string, 1)}
	stderr := &lineWaiter{}
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"-root", exampleRoot, "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "analytics.db")}, stdout, stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("folio serve = %v\n%s", err, stderr.String())
		}
	}()
	var base string
	select {
	case base = <-stdout.done:
	case err := <-done:
		done <- err
		t.Fatalf("folio serve = %v before listening\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatal("folio serve did not start within 60s")
	}
	res, err := http.Get(base + "/docs/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	css := regexp.MustCompile(`/assets/style\.[0-9a-f]+\.css`).Find(page)
	if css == nil {
		t.Fatalf("/docs/ links no hashed stylesheet:\n%s", page)
	}
	// Pages as serve sends them, with the live-reload script it adds.
	if !bytes.Contains(page, []byte("/_folio/live.js")) {
		t.Error("serve did not add its live-reload script to /docs/")
	}
	for _, f := range inlineCode(page) {
		t.Errorf("/docs/ as served: %s", f)
	}
	beacon := map[string]string{"X-Forwarded-For": "", "Origin": base}
	for k, v := range beaconHeader {
		if k != "Origin" {
			beacon[k] = v
		}
	}
	for _, tt := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
	}{
		{"home", http.MethodGet, "/", "", nil, http.StatusOK},
		{"privacy policy", http.MethodGet, "/privacy/", "", nil, http.StatusOK},
		{"stylesheet", http.MethodGet, string(css), "", nil, http.StatusOK},
		{"missing page", http.MethodGet, "/no-such-page/", "", nil, http.StatusNotFound},
		{"live reload script", http.MethodGet, "/_folio/live.js", "", nil, http.StatusOK},
		{"report", http.MethodGet, "/stats/", "", nil, http.StatusOK},
		{"beacon", http.MethodPost, "/api/event", `{"p":"/docs/","r":""}`, beacon, http.StatusNoContent},
		{"oversize beacon", http.MethodPost, "/api/event", strings.Repeat("x", 1<<20), beacon, http.StatusRequestEntityTooLarge},
		{"post to a page", http.MethodPost, "/docs/", "x", nil, http.StatusMethodNotAllowed},
	} {
		res := do(t, tt.method, base+tt.path, strings.NewReader(tt.body), tt.header)
		if res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.status)
		}
		wantSecurityHeaders(t, "serve "+tt.name, res)
	}
}

// TestEventStreamOutlivesWriteTimeout: the live-reload stream must keep
// working past the server's WriteTimeout, which bounds every other
// answer, because it moves its own write deadline before each event.
func TestEventStreamOutlivesWriteTimeout(t *testing.T) {
	h := newHub()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_folio/events", h.serve)
	srv := newHTTPServer(mux, io.Discard)
	srv.WriteTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	res, err := http.Get("http://" + ln.Addr().String() + "/_folio/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	wantSecurityHeaders(t, "event stream", res)
	lines := bufio.NewScanner(res.Body)
	if !lines.Scan() || lines.Text() != "retry: 1000" {
		t.Fatalf("first line %q, want retry: 1000", lines.Text())
	}
	// Well past the server's WriteTimeout.
	time.Sleep(3 * srv.WriteTimeout)
	h.send("reload", "")
	for lines.Scan() {
		if lines.Text() == "event: reload" {
			return
		}
	}
	t.Fatalf("the stream ended without the reload event: %v", lines.Err())
}

// inlineCode lists what in an HTML page a Content-Security-Policy without
// 'unsafe-inline' would block or that loads from another origin: script
// elements without src, style elements, style and on* attributes,
// javascript: URLs, and scripts, styles and images from elsewhere.
func inlineCode(page []byte) []string {
	var found []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return found
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[strings.ToLower(a.Key)] = a.Val
			switch key := strings.ToLower(a.Key); {
			case key == "style":
				found = append(found, "<"+tok.Data+` style="`+a.Val+`">`)
			case strings.HasPrefix(key, "on"):
				found = append(found, "<"+tok.Data+" "+key+"=...>")
			case (key == "href" || key == "src" || key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				found = append(found, "<"+tok.Data+" "+key+"=javascript:...>")
			}
		}
		external := func(u string) bool {
			return strings.HasPrefix(u, "//") || strings.Contains(u, "://")
		}
		switch tok.Data {
		case "style":
			found = append(found, "<style> element")
		case "script":
			typ := attrs["type"]
			if _, ok := attrs["src"]; !ok && typ != "application/json" && typ != "application/ld+json" {
				found = append(found, "<script> without src")
			} else if external(attrs["src"]) {
				found = append(found, "<script src="+attrs["src"]+">")
			}
		case "link":
			if strings.Contains(attrs["rel"], "stylesheet") && external(attrs["href"]) {
				found = append(found, "<link rel=stylesheet href="+attrs["href"]+">")
			}
		case "img":
			if external(attrs["src"]) {
				found = append(found, "<img src="+attrs["src"]+">")
			}
		}
	}
}

func TestInlineCodeFindsEveryKind(t *testing.T) {
	page := []byte(`<html><head><style>p{}</style><script>alert(1)</script><script type=application/ld+json>{}</script>
<script src=https://cdn.example.com/x.js></script><link rel=stylesheet href=//fonts.example.com/f.css></head>
<body><p style="color:red" onclick="x()"><a href="javascript:void(0)">x</a><img src=https://t.example.com/p.gif>
<svg><rect style="fill:red"/></svg><script src="/assets/ok.js" defer></script><img src="data:image/gif;base64,R0">`)
	want := []string{"<style> element", "<script> without src", "<script src=https://cdn.example.com/x.js>",
		"<link rel=stylesheet href=//fonts.example.com/f.css>", `<p style="color:red">`, "<p onclick=...>",
		"<a href=javascript:...>", "<img src=https://t.example.com/p.gif>", `<rect style="fill:red">`}
	if got := inlineCode(page); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("inlineCode() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDefaultThemeSatisfiesCSP scans every HTML file of the built example
// site, and a report page with charts, for anything the servers'
// Content-Security-Policy would block.
func TestDefaultThemeSatisfiesCSP(t *testing.T) {
	site := buildExample(t)
	// A report with data, so its charts are in the page.
	db := filepath.Join(t.TempDir(), "analytics.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	b := &store.Batch{Views: map[store.ViewKey]int64{}, Dims: map[store.DimKey]int64{}, Dropped: map[store.DropKey]int64{}, Visitors: map[string]int64{}}
	for d := range 35 {
		day := time.Now().UTC().AddDate(0, 0, -d).Format(time.DateOnly)
		for i, p := range examplePaths {
			b.Views[store.ViewKey{Day: day, Path: p}] = int64(20 + 7*i + d)
		}
		for _, v := range []string{"Firefox", "Chrome", "Safari"} {
			b.Dims[store.DimKey{Day: day, Dim: "browser", Value: v}] = int64(15 + d)
		}
		b.Dims[store.DimKey{Day: day, Dim: "referrer", Value: "(direct)"}] = 40
		b.Dropped[store.DropKey{Day: day, Reason: "bot"}] = 12
		b.Visitors[day] = 30
	}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := runReport(context.Background(), []string{"-root", exampleRoot, "-db", db, "-out", filepath.Join(site, "stats")}, &stdout, &stderr); err != nil {
		t.Fatalf("folio report = %v\n%s", err, stderr.String())
	}
	report, err := os.ReadFile(filepath.Join(site, "stats", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(report, []byte("<svg")) {
		t.Fatal("the report page has no chart to check")
	}

	pages := 0
	err = filepath.WalkDir(site, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pages++
		rel, _ := filepath.Rel(site, path)
		for _, f := range inlineCode(data) {
			t.Errorf("%s: %s", filepath.ToSlash(rel), f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 10 {
		t.Fatalf("checked %d HTML files; the example site has more", pages)
	}
}
