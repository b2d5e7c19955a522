package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"folio/generator/build"
	"folio/generator/config"
	"folio/generator/content"

	"github.com/fsnotify/fsnotify"
)

//go:embed livereload.js
var liveReloadJS []byte

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve")
	root := fs.String("root", ".", "site folder")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; 127.0.0.1 keeps the site and its report on this machine")
	db := fs.String("db", filepath.Join("data", "analytics.db"), "analytics database, relative to -root unless absolute")
	drafts := fs.Bool("drafts", false, "include pages marked draft: true")
	noAnalytics := fs.Bool("no-analytics", false, "do not count visits")
	allowedHosts := fs.String("allowed-hosts", "", "comma-separated host names or addresses to answer to besides localhost, the loopback addresses and the -addr host")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := checkSiteRoot(*root); err != nil {
		return err
	}
	allow, err := parseAllowedHosts(*addr, *allowedHosts)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	s := &server{
		root: *root, drafts: *drafts, stdout: stdout, stderr: stderr,
		origin: "http://" + ln.Addr().String(),
		site:   &siteHandler{inject: []byte(`<script src="/_folio/live.js" defer></script>`)},
		events: newHub(),
		cache:  build.NewCache(),
	}
	tmp, err := os.MkdirTemp("", "folio-serve-")
	if err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	defer os.RemoveAll(tmp)
	s.tmp = tmp
	dbPath := *db
	if !filepath.IsAbs(dbPath) {
		dbPath = filepath.Join(*root, dbPath)
	}
	s.analytics = &analyticsSwitch{
		root: *root, db: dbPath, siteDir: s.siteDir(), origin: s.origin, logOut: stderr, off: *noAnalytics,
	}
	defer s.analytics.close()
	s.rebuild(ctx, "start", true)

	mux := http.NewServeMux()
	mux.Handle("/", s.analytics.or(s.site))
	mux.HandleFunc("GET /_folio/live.js", func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(liveReloadJS)
	})
	mux.HandleFunc("GET /_folio/events", s.events.serve)
	srv := newHTTPServer(allow.guard(mux), stderr)
	// The watch starts before serve says it listens, so that no edit made
	// after that line goes unseen.
	// serve returns only once the watch has stopped, so that no rebuild
	// writes into the folder it removes.
	if w := s.startWatch(); w != nil {
		watching := make(chan struct{})
		go func() {
			defer close(watching)
			s.watch(ctx, w)
		}()
		defer func() {
			w.Close()
			<-watching
		}()
	}
	fmt.Fprintf(stdout, "serving %s on %s (Ctrl+C to stop)\n", *root, s.origin+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.events.close()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

// newHTTPServer bounds what a client can make the server hold: slow
// headers, slow bodies, slow reads of the answer, idle connections and
// header size; every answer, the analytics endpoint's too, carries
// securityHeaders. The live-reload stream outlives WriteTimeout by moving its
// own write deadline before each event. Its error log goes through a
// filter, because net/http writes client addresses there.
func newHTTPServer(h http.Handler, logOut io.Writer) *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			securityHeaders(w.Header())
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(addressFreeWriter{logOut}, "http: ", 0),
	}
}

// hostAllow is the set of names serve answers to in the Host header. A
// page of another site can make a browser send requests to serve under
// that site's own name by pointing the name at 127.0.0.1 (DNS rebinding),
// and then read the answers as its own: the owner's report and the event
// stream with its build errors. Only the names of this machine cannot be
// pointed elsewhere, so only those are answered unless the owner adds more.
type hostAllow map[string]bool // canonical names and addresses, see canonicalHost

// maxHostLen is the longest DNS name.
const maxHostLen = 253

// parseAllowedHosts makes the set from -addr and -allowed-hosts.
func parseAllowedHosts(addr, list string) (hostAllow, error) {
	allow := hostAllow{}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		allow[canonicalHost(host)] = true
	}
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if !validHostName(h) {
			return nil, fmt.Errorf("-allowed-hosts: %q is not a host name or an IP address (no scheme, port or path)", h)
		}
		allow[canonicalHost(h)] = true
	}
	return allow, nil
}

// validHostName reports whether h is an IP address, bracketed or not, or
// a DNS name of letters, digits, hyphens and underscores.
func validHostName(h string) bool {
	if ip := h; len(ip) > 2 && ip[0] == '[' && ip[len(ip)-1] == ']' {
		_, err := netip.ParseAddr(ip[1 : len(ip)-1])
		return err == nil
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > maxHostLen {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// canonicalHost is a Host header's name as the set keeps it: without the
// port or the brackets of an IPv6 address, in lower case, without a final
// dot, and an IPv4 address mapped into IPv6 as the IPv4 address.
func canonicalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return host
}

// allows reports whether serve answers to the Host header host: localhost,
// a loopback address, the -addr host, or one of -allowed-hosts.
func (a hostAllow) allows(host string) bool {
	if host == "" || len(host) > maxHostLen+8 {
		return false
	}
	h := canonicalHost(host)
	if h == "localhost" || a[h] {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}

// guard answers 421 Misdirected Request to a request for another host.
func (a hostAllow) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.allows(r.Host) {
			http.Error(w, "folio serve does not answer to this host name; start it with -allowed-hosts NAME to allow it", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// addressFreeWriter drops net/http's own error lines, which name the
// client's address, and keeps a generic note instead.
type addressFreeWriter struct{ w io.Writer }

func (a addressFreeWriter) Write(p []byte) (int, error) {
	msg := string(p)
	switch {
	case strings.Contains(msg, "TLS handshake"):
		fmt.Fprintln(a.w, "http: a TLS handshake failed")
	case strings.Contains(msg, "panic"):
		fmt.Fprintln(a.w, "http: a handler panicked")
	default:
		fmt.Fprintln(a.w, "http: a connection error occurred")
	}
	return len(p), nil
}

// server is the state of folio serve: the folder being served, the last
// build's outcome and the pages listening for reloads.
type server struct {
	root, origin, tmp string
	drafts            bool
	stdout, stderr    io.Writer
	site              *siteHandler
	events            *hub
	analytics         *analyticsSwitch

	// mu makes rebuilds one at a time.
	mu sync.Mutex
	// cache makes a rebuild render only what changed.
	cache *build.Cache
}

// siteDir is where every build goes: BuildDir swaps each new build into
// this one path, so the collector's list of pages follows rebuilds.
func (s *server) siteDir() string { return filepath.Join(s.tmp, "site") }

// rebuild builds the site into a new folder and serves it; on failure the
// last good build stays served and open pages show the error.
func (s *server) rebuild(ctx context.Context, why string, reload bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	dir := s.siteDir()
	var warnings []string
	cfg, data, err := loadSite(s.root)
	if err != nil {
		msg := err.Error()
		fmt.Fprintf(s.stderr, "%s: build failed:\n%s\n", why, msg)
		s.events.send("failed", msg)
		return
	}
	// The beacon is in pages only while something counts what it sends.
	cfg.Analytics.Enabled = s.analytics.enabled(cfg)
	res, err := build.BuildDir(ctx, build.Options{
		Root: s.root, Config: cfg, Data: data, Drafts: s.drafts, BaseURL: s.origin + "/", Cache: s.cache,
		// Pages outside their publishing dates show, with a banner.
		Future: true, Expired: true,
		Warn: func(m string) { warnings = append(warnings, m) },
	}, dir)
	if err != nil && ctx.Err() != nil {
		// A newer edit, or the end of serve: no failure to show.
		return
	}
	if err != nil {
		msg := err.Error()
		fmt.Fprintf(s.stderr, "%s: build failed after %s:\n%s\n", why, time.Since(start).Round(time.Millisecond), msg)
		s.events.send("failed", msg)
		return
	}
	for _, w := range warnings {
		if !strings.HasPrefix(w, "no baseURL") {
			fmt.Fprintln(s.stderr, "warning:", w)
		}
	}
	if err := s.site.swap(dir); err != nil {
		fmt.Fprintf(s.stderr, "%s: %v\n", why, err)
		return
	}
	if changed, err := s.analytics.apply(cfg); err != nil {
		fmt.Fprintf(s.stderr, "%s: visits are not counted: %v\n", why, err)
	} else if changed && cfg.Analytics.Enabled {
		fmt.Fprintf(s.stdout, "%s: counting visits into %s, live report at %s/stats/\n", why, s.analytics.db, s.origin)
	} else if changed {
		fmt.Fprintf(s.stdout, "%s: visits are not counted ([analytics] enabled = false)\n", why)
	}
	fmt.Fprintf(s.stdout, "%s: %d of %s rendered, %s written in %s%s\n", why, res.Rendered, plural(res.Pages, "page", "pages"), plural(res.Files, "file", "files"), time.Since(start).Round(time.Millisecond), liquidSummary(res))
	if reload || s.events.failing() {
		s.events.send("reload", "")
	}
}

// preview shows a body edit of one page at once: the page is rendered in
// the site as the last build left it and served, and open pages reload,
// before the rebuild of everything else that follows. It reports whether
// it did, which it does only for edits that cannot change other pages.
func (s *server) preview(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	if _, ok, err := s.cache.WriteOne(name); !ok {
		if err != nil {
			fmt.Fprintf(s.stderr, "%s: %v\n", name, err)
		}
		return false
	}
	fmt.Fprintf(s.stdout, "%s changed: page shown in %s\n", name, time.Since(start).Round(time.Millisecond))
	s.events.send("reload", "")
	return true
}

// watchedDirs are the folders whose changes trigger a rebuild.
var watchedDirs = []string{"content", "static", "layouts", "themes", content.DataDir}

// startWatch watches the site's folders, or says why it cannot and
// returns nil: serve still serves, without rebuilds.
func (s *server) startWatch() *fsnotify.Watcher {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		fmt.Fprintln(s.stderr, "serve: cannot watch for changes:", err)
		return nil
	}
	if err := w.Add(s.root); err != nil {
		w.Close()
		fmt.Fprintln(s.stderr, "serve: cannot watch for changes:", err)
		return nil
	}
	for _, d := range watchedDirs {
		addTree(w, filepath.Join(s.root, d))
	}
	return w
}

// watch rebuilds when the site's files change. Saves that arrive within
// a few milliseconds of each other, as editors make them, are one rebuild.
func (s *server) watch(ctx context.Context, w *fsnotify.Watcher) {
	const debounce = 30 * time.Millisecond
	var (
		timer   *time.Timer
		fire    = make(chan struct{}, 1)
		changed = map[string]bool{}
		// stop cancels the rebuild still running when a newer edit
		// arrives: its result would be out of date anyway.
		stop   = func() {}
		builds sync.WaitGroup
	)
	defer func() { stop(); builds.Wait() }()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			rel, err := filepath.Rel(s.root, ev.Name)
			if err != nil || !relevant(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					addTree(w, ev.Name)
				}
			}
			changed[filepath.ToSlash(rel)] = true
			if timer == nil {
				timer = time.AfterFunc(debounce, func() { fire <- struct{}{} })
			} else {
				timer.Reset(debounce)
			}
		case <-fire:
			names := make([]string, 0, len(changed))
			for n := range changed {
				names = append(names, n)
			}
			clear(changed)
			stop()
			bctx, cancel := context.WithCancel(ctx)
			stop = cancel
			builds.Add(1)
			go func() {
				defer builds.Done()
				quick := len(names) == 1 && s.preview(names[0])
				s.rebuild(bctx, describeChange(names), !quick)
			}()
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintln(s.stderr, "serve: watch:", err)
		}
	}
}

func relevant(rel string) bool {
	rel = filepath.ToSlash(rel)
	if rel == config.ConfigFile {
		return true
	}
	if strings.HasPrefix(rel, content.DataDir+"/") {
		// Data files, not the visit counts serve keeps beside them.
		return content.IsDataFile(rel)
	}
	for _, d := range watchedDirs {
		if rel == d || strings.HasPrefix(rel, d+"/") {
			return !editorTemp(filepath.Base(rel))
		}
	}
	return false
}

// editorTemp tells editors' swap, backup and scratch files from content:
// vim's .x.swp and 4913 (its test that a folder is writable), Emacs's
// x~ and .#x lock links, and sed -i's sedXXXXXX.
func editorTemp(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		base == "4913" || (strings.HasPrefix(base, "sed") && len(base) == len("sedXXXXXX") && !strings.Contains(base, "."))
}

func describeChange(names []string) string {
	switch len(names) {
	case 0:
		return "change"
	case 1:
		return names[0] + " changed"
	}
	return fmt.Sprintf("%s and %d more changed", names[0], len(names)-1) // "and 1 more" reads right
}

func addTree(w *fsnotify.Watcher, dir string) {
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = w.Add(p)
		}
		return nil
	})
}

// hub fans build events out to the pages open in browsers.
type hub struct {
	mu      sync.Mutex
	clients map[chan event]bool
	last    *event // the last failure, replayed to pages that connect
	closed  bool
}

type event struct{ name, data string }

func newHub() *hub { return &hub{clients: map[chan event]bool{}} }

func (h *hub) send(name, data string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if name == "failed" {
		h.last = &event{name, data}
	} else {
		h.last = nil
	}
	for c := range h.clients {
		select {
		case c <- event{name, data}:
		default: // a page that does not read loses nothing it needs
		}
	}
}

// failing reports whether the last event was a failed build, which a
// good build must clear from open pages.
func (h *hub) failing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last != nil
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		close(c)
		delete(h.clients, c)
	}
}

// streamWriteTimeout bounds each write of the event stream, which as a
// whole stays open for as long as the page does.
const streamWriteTimeout = 10 * time.Second

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// The server's WriteTimeout counts from the request; a stream moves
	// the deadline before each write instead.
	deadline := func() error { return rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)) }
	if err := deadline(); err != nil {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan event, 4)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	h.clients[c] = true
	if h.last != nil {
		c <- *h.last
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if h.clients[c] {
			delete(h.clients, c)
		}
		h.mu.Unlock()
	}()
	securityHeaders(w.Header())
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprint(w, "retry: 1000\n\n")
	if rc.Flush() != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-c:
			if !ok {
				return
			}
			if deadline() != nil {
				return
			}
			fmt.Fprintf(w, "event: %s\n", e.name)
			for _, line := range strings.Split(e.data, "\n") {
				fmt.Fprintf(w, "data: %s\n", line)
			}
			fmt.Fprint(w, "\n")
			if rc.Flush() != nil {
				return // the page went away
			}
		}
	}
}
