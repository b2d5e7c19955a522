package main

// Helpers for the end-to-end tests in e2e_test.go: folio serve started
// in-process on a free port, a headless Chromium driven through the
// DevTools protocol, and a log of every request the browser makes.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/analytics/store"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// e2eUserAgent is a desktop Chrome's: headless Chrome says "HeadlessChrome",
// which the privacy filter rightly drops as a bot, so tests that expect a
// view to count present themselves as a reader's browser.
const e2eUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// e2eTimeout bounds each browser action, so a hung page fails the test
// instead of the whole run.
const e2eTimeout = 30 * time.Second

// inCI reports whether the tests run under .ci/run, where a missing
// browser or axe-core is a failure rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") != "" }

// e2eChromium returns the browser to drive, or skips the test outside CI
// when there is none.
func e2eChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	for _, name := range []string{os.Getenv("FOLIO_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if inCI() {
		t.Fatal("chromium not found: .ci/run installs it with apt-get (or set FOLIO_CHROMIUM)")
	}
	t.Skip("chromium not found (apt-get install chromium, or set FOLIO_CHROMIUM); in CI this fails instead")
	return ""
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// e2eServer is folio serve running in this process on a copy of the
// example site.
type e2eServer struct {
	root string // the site folder; tests may edit its content
	db   string // the analytics database
	url  string // http://127.0.0.1:PORT, without a trailing slash
	log  lockedBuffer

	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	err    error         // what run returned
	once   sync.Once
}

// servingLine is what serve prints once it listens.
var servingLine = regexp.MustCompile(`^serving .* on (http://127\.0\.0\.1:[0-9]+)/`)

// startServe copies the repository's example site (content/ and
// folio.toml) into a temporary folder and serves it on a free port, as
// `folio serve -addr 127.0.0.1:0` does. It learns the port from the line
// serve prints, as a person would.
func startServe(t *testing.T, flags ...string) *e2eServer {
	t.Helper()
	return startServeAt(t, copyExampleSite(t, nil), flags...)
}

// copyExampleSite copies the repository's example site (content/ and
// folio.toml) into a temporary folder, with extra files on top: text
// added to the end of an existing file, such as folio.toml, or new files.
func copyExampleSite(t *testing.T, extra map[string]string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		t.Fatalf("copy the example site: %v", err)
	}
	cfg, err := os.ReadFile(filepath.Join("..", "..", "folio.toml"))
	if err != nil {
		t.Fatalf("copy the example site: %v", err)
	}
	files := map[string]string{"folio.toml": string(cfg)}
	for k, v := range extra {
		files[k] += v
	}
	writeFiles(t, root, files)
	return root
}

// startServeAt serves the site in root on a free port, with serve's
// extra flags.
func startServeAt(t testing.TB, root string, flags ...string) *e2eServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &e2eServer{root: root, db: filepath.Join(root, "data", "analytics.db"), cancel: cancel, done: make(chan struct{})}
	pr, pw := io.Pipe()
	go func() {
		args := append([]string{"serve", "-root", root, "-addr", "127.0.0.1:0", "-db", s.db}, flags...)
		s.err = run(ctx, args, pw, &s.log)
		pw.Close()
		close(s.done)
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(&s.log, line)
			if m := servingLine.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr) // a line too long for the scanner must not block serve
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case s.url = <-addr:
	case <-s.done:
		t.Fatalf("serve stopped before listening: %v\n%s", s.err, s.log.String())
	case <-time.After(2 * e2eTimeout): // it builds the site first
		t.Fatalf("serve did not say where it listens within %s:\n%s", 2*e2eTimeout, s.log.String())
	}
	return s
}

// stop stops serve as Ctrl+C would, which writes every pending count to
// the store. It can be called more than once.
func (s *e2eServer) stop(t testing.TB) {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop within 30s:\n%s", s.log.String())
			return
		}
		if s.err != nil {
			t.Errorf("serve: %v\n%s", s.err, s.log.String())
		}
	})
}

// counts reads what the store holds for yesterday, today and tomorrow
// (UTC), opening it read-only as folio report does.
func (s *e2eServer) counts(t *testing.T) *store.Counts {
	t.Helper()
	st, err := store.Open(s.db, store.ReadOnly())
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	defer st.Close()
	now := time.Now().UTC()
	c, err := st.Query(context.Background(), now.AddDate(0, 0, -1).Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly))
	if err != nil {
		t.Fatalf("query the store: %v", err)
	}
	return c
}

// waitViews polls the store until it holds want views in all, which
// takes one flush of the collector (every 2 s under serve).
func (s *e2eServer) waitViews(t *testing.T, want int64) *store.Counts {
	t.Helper()
	deadline := time.Now().Add(e2eTimeout)
	for {
		c := s.counts(t)
		var n int64
		for _, v := range c.Views {
			n += v.N
		}
		if n >= want || time.Now().After(deadline) {
			if n != want {
				t.Fatalf("the store holds %d views after waiting for a flush, want %d: %+v\nserve said:\n%s", n, want, c, s.log.String())
			}
			return c
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func viewsByPath(c *store.Counts) map[string]int64 {
	m := map[string]int64{}
	for _, v := range c.Views {
		m[v.Path] += v.N
	}
	return m
}

// dimTotals sums each dimension over its values: every counted view adds
// one to each dimension the request tells.
func dimTotals(c *store.Counts) map[string]int64 {
	m := map[string]int64{}
	for _, d := range c.Dims {
		m[d.Dim] += d.N
	}
	return m
}

// netRequest is one request the page made, as the DevTools protocol saw it.
type netRequest struct {
	id      network.RequestID
	url     string
	method  string
	typ     network.ResourceType
	body    string
	status  int64
	headers network.Headers // response headers
	done    bool            // finished or failed
	errText string
	loader  cdp.LoaderID // the document load that made the request
}

// netLog records the requests of one tab, and the errors its pages report
// (uncaught exceptions, and the browser's own error messages such as a
// Content-Security-Policy violation). Its listen method runs in the tab's
// event loop, in the order Chrome sends the events.
type netLog struct {
	mu       sync.Mutex
	reqs     []*netRequest
	problems []string
	byID     map[network.RequestID]*netRequest
	sent     map[network.RequestID]network.Headers // request headers as they went on the wire
	got      map[network.RequestID]network.Headers // response headers as they came off it
	wake     chan struct{}                         // closed and replaced at every event
}

func newNetLog() *netLog {
	return &netLog{
		byID: map[network.RequestID]*netRequest{},
		sent: map[network.RequestID]network.Headers{},
		got:  map[network.RequestID]network.Headers{},
		wake: make(chan struct{}),
	}
}

func (n *netLog) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	close(n.wake)
	n.wake = make(chan struct{})
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := &netRequest{id: ev.RequestID, url: ev.Request.URL, method: ev.Request.Method, typ: ev.Type, loader: ev.LoaderID}
		for _, e := range ev.Request.PostDataEntries {
			r.body += string(e.Bytes)
		}
		n.reqs = append(n.reqs, r) // a redirect reuses the id: the new entry replaces it
		n.byID[ev.RequestID] = r
	case *network.EventRequestWillBeSentExtraInfo:
		n.sent[ev.RequestID] = ev.Headers
	case *network.EventResponseReceivedExtraInfo:
		n.got[ev.RequestID] = ev.Headers
	case *network.EventResponseReceived:
		if r := n.byID[ev.RequestID]; r != nil {
			r.status, r.headers = ev.Response.Status, ev.Response.Headers
		}
	case *network.EventLoadingFinished:
		if r := n.byID[ev.RequestID]; r != nil {
			r.done = true
		}
	case *network.EventLoadingFailed:
		if r := n.byID[ev.RequestID]; r != nil {
			r.done, r.errText = true, ev.ErrorText
		}
	case *cdplog.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == cdplog.EntryLevelError {
			n.problems = append(n.problems, fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			n.problems = append(n.problems, fmt.Sprintf("exception: %s (%s:%d)", text, d.URL, d.LineNumber+1))
		}
	}
}

// takeProblems returns the errors reported since the last call.
func (n *netLog) takeProblems() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.problems
	n.problems = nil
	return p
}

// requests returns a copy of what was recorded so far.
func (n *netLog) requests() []netRequest {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]netRequest, len(n.reqs))
	for i, r := range n.reqs {
		out[i] = *r
	}
	return out
}

// headersSent returns every request's headers as sent and every response's
// headers as received, as Chrome reports them.
func (n *netLog) rawHeaders() (sent, got []network.Headers) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, h := range n.sent {
		sent = append(sent, h)
	}
	for _, h := range n.got {
		got = append(got, h)
	}
	return sent, got
}

// header looks a header up by name, in any case.
func header(h network.Headers, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

// streaming reports whether a request stays open by design.
func (r *netRequest) streaming() bool {
	return r.typ == network.ResourceTypeEventSource || strings.HasSuffix(r.url, "/_folio/events")
}

// answered reports whether the request got its answer, or failed.
func (r *netRequest) answered() bool { return r.status != 0 || r.done }

// currentDoc returns the position in reqs of the last document load and
// the loader of that document, which every request the page makes carries.
// Requests of a page already left may be logged after it; their loader
// tells them apart.
func currentDoc(reqs []netRequest) (int, cdp.LoaderID) {
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].typ == network.ResourceTypeDocument {
			return i, reqs[i].loader
		}
	}
	return -1, ""
}

// ofCurrentDoc returns the requests the open document made.
func ofCurrentDoc(reqs []netRequest) []netRequest {
	i, loader := currentDoc(reqs)
	if i < 0 {
		return nil
	}
	var out []netRequest
	for _, r := range reqs[i:] {
		if r.loader == loader {
			out = append(out, r)
		}
	}
	return out
}

// waitFor waits until cond holds for the requests logged so far. It wakes
// at every event of the tab, so it waits exactly as long as it must.
func (n *netLog) waitFor(t *testing.T, what string, cond func([]netRequest) bool) []netRequest {
	t.Helper()
	timeout := time.NewTimer(e2eTimeout)
	defer timeout.Stop()
	for {
		n.mu.Lock()
		wake := n.wake
		n.mu.Unlock()
		if reqs := n.requests(); cond(reqs) {
			return reqs
		}
		select {
		case <-wake:
		case <-timeout.C:
			t.Fatalf("%s: not within %s; requests:%s", what, e2eTimeout, describeRequests(n.requests()))
		}
	}
}

func describeRequests(reqs []netRequest) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "\n\t%s %s (%s) status %d done %v loader %.8s %s", r.method, r.url, r.typ, r.status, r.done, r.loader, r.errText)
	}
	return b.String()
}

// originOf is scheme://host[:port] of an absolute URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// e2eTab is one browser tab and the log of its requests.
type e2eTab struct {
	ctx context.Context
	net *netLog
}

// startBrowser starts a headless Chromium with a fresh profile, as the
// issue asks, and returns its first tab. Host names other than the
// loopback address resolve to nothing, so even a mistake cannot make the
// browser reach outside the machine; a request that tried would still be
// in the tab's log.
func startBrowser(t *testing.T) *e2eTab {
	t.Helper()
	exe := e2eChromium(t)
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // registered after TempDir: the browser stops before its profile goes
	tab := newTab(t, allocCtx)
	return tab
}

// newTab opens a tab: in a new browser for an allocator context, or in the
// same browser for a tab's context.
func newTab(t *testing.T, parent context.Context) *e2eTab {
	t.Helper()
	n := newNetLog()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithListener(n.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser or opens the tab
		t.Fatalf("start the browser: %v", err)
	}
	return &e2eTab{ctx: ctx, net: n}
}

// open opens another tab in the same browser.
func (b *e2eTab) open(t *testing.T) *e2eTab {
	t.Helper()
	return newTab(t, b.ctx)
}

// do runs actions with a timeout; the browser outlives it.
func (b *e2eTab) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, e2eTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// actAsReader makes the tab present a desktop browser's user agent.
func (b *e2eTab) actAsReader(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, e2eTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: e2eUserAgent, AcceptLanguage: "en-GB"}); err != nil {
		t.Fatalf("override the user agent: %v", err)
	}
}

// colorScheme makes the page see prefers-color-scheme as scheme.
func (b *e2eTab) colorScheme(t *testing.T, scheme string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, e2eTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, b *e2eTab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, e2eTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// waitTrue polls a JavaScript condition, which may span a reload of the
// page: errors while the page is between documents are retried.
func (b *e2eTab) waitTrue(t *testing.T, what, expr string) {
	t.Helper()
	b.waitTrueWithin(t, what, expr, e2eTimeout)
}

// waitTrueWithin is waitTrue with its own bound, for a step that takes
// long on a busy machine (a large library parsed by the page).
func (b *e2eTab) waitTrueWithin(t *testing.T, what, expr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s (last error: %v)", what, within, lastErr)
}

// waitLoaded waits until the tab shows url (a path, with its fragment if
// it has one) in a document that has finished loading: its DOM is whole,
// its stylesheets apply and its deferred scripts, the beacon among them,
// have run. A location alone is not enough: it changes as soon as the new
// document starts, before its content is there.
func (b *e2eTab) waitLoaded(t *testing.T, url string) {
	t.Helper()
	b.waitTrue(t, "the document of "+url+" loaded", fmt.Sprintf(`location.pathname + location.hash === %q && document.readyState === "complete"`, url))
}

// waitBeacon waits until the open document's beacon has its answer, and
// returns it. It knows the document's own beacon from that of a page left
// before, which may be logged later or never answered.
func waitBeacon(t *testing.T, tab *e2eTab, s *e2eServer) netRequest {
	t.Helper()
	var b netRequest
	tab.net.waitFor(t, "the page's beacon answered", func(reqs []netRequest) bool {
		for _, r := range beacons(ofCurrentDoc(reqs), s) {
			if r.answered() {
				b = r
				return true
			}
		}
		return false
	})
	return b
}

// shotDir is where screenshots go: the test's temporary folder, or
// FOLIO_E2E_SHOTS when a person wants to look at them after the run.
func shotDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("FOLIO_E2E_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// screenshot saves the whole page as dir/name.png.
func (b *e2eTab) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, e2eTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// axeSource returns axe-core's browser build. .ci/run installs it with
// npm and names it in FOLIO_AXE; elsewhere the test looks in the cache
// folder .ci/run uses, and skips when it is not there, rather than reach
// the registry on every run.
func axeSource(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p := os.Getenv("FOLIO_AXE"); p != "" {
		candidates = append(candidates, p, filepath.Join(p, "node_modules", "axe-core", "axe.min.js"))
	}
	if d, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(d, "folio-e2e", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return string(src)
		}
	}
	msg := `axe-core not found: npm install --prefix "$HOME/.cache/folio-e2e" axe-core@4, or set FOLIO_AXE to its axe.min.js`
	if inCI() {
		t.Fatal(msg)
	}
	t.Skip(msg + "; in CI this fails instead")
	return ""
}
