package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"folio/analytics"
	"folio/analytics/privacy"
	"folio/analytics/store"
	"folio/analytics/store/pgtest"
)

// hashProxy is the load balancer of the several-collector set-up, as small
// as a test can have it: it sends each client network (/24) to one live
// collector, chosen by rendezvous hashing, so that when a collector goes
// only its own networks move. The client's address comes in
// X-Forwarded-For, standing for the address a real balancer sees, and goes
// on in X-Forwarded-For, which the collectors trust from 127.0.0.1.
type hashProxy struct {
	mu       sync.Mutex
	backends []string // base URLs
	alive    []bool
	sent     []atomic.Int64
	client   *http.Client
}

func newHashProxy(backends []string) *hashProxy {
	p := &hashProxy{backends: backends, alive: make([]bool, len(backends)), sent: make([]atomic.Int64, len(backends))}
	for i := range p.alive {
		p.alive[i] = true
	}
	p.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	return p
}

// pick is the live backend with the highest hash of (network, backend).
func (p *hashProxy) pick(network string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	best, bestScore := -1, uint64(0)
	for i, ok := range p.alive {
		if !ok {
			continue
		}
		h := fnv.New64a()
		fmt.Fprintf(h, "%s|%d", network, i)
		if s := h.Sum64(); best < 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

func (p *hashProxy) remove(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.alive[i] = false
}

func (p *hashProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	client := r.Header.Get("X-Forwarded-For")
	addr, err := netip.ParseAddr(client)
	if err != nil {
		http.Error(w, "no client address", http.StatusBadRequest)
		return
	}
	network := netip.PrefixFrom(addr, 24).Masked().String()
	i := p.pick(network)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.backends[i]+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for _, h := range []string{"Origin", "Referer", "User-Agent", "Accept-Language", "Content-Type"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("X-Forwarded-For", client)
	res, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	p.sent[i].Add(1)
	if v := res.Header.Get(analytics.ReasonHeader); v != "" {
		w.Header().Set(analytics.ReasonHeader, v)
	}
	w.WriteHeader(res.StatusCode)
}

// clusterEvent is one page view as the load sends it.
type clusterEvent struct {
	client, path, ua, lang string
}

var clusterAgents = []string{
	"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
}

// clusterEvents makes n events of seed from `networks` client networks
// (10.x.y.0/24, a few addresses each), paths /p0/../p19/, three browsers
// and two languages.
func clusterEvents(seed, n, networks int) []clusterEvent {
	out := make([]clusterEvent, n)
	for i := range out {
		x := uint32(i*2654435761) ^ uint32(seed*40503)
		net := int(x % uint32(networks))
		out[i] = clusterEvent{
			client: fmt.Sprintf("10.%d.%d.%d", net/256, net%256, 1+(x>>8)%4),
			path:   fmt.Sprintf("/p%d/", (x>>4)%20),
			ua:     clusterAgents[(x>>12)%3],
			lang:   []string{"de-DE,de;q=0.9", "en-US,en;q=0.8"}[(x>>14)%2],
		}
	}
	return out
}

// expected is what a set of events should store: views per path, each
// dimension's values, and distinct visitors (network, browser, language).
type expected struct {
	views    map[string]int64
	dims     map[string]int64 // "dim value"
	visitors map[string]bool
}

func expect(events ...[]clusterEvent) expected {
	e := expected{views: map[string]int64{}, dims: map[string]int64{}, visitors: map[string]bool{}}
	for _, list := range events {
		for _, ev := range list {
			a, _ := privacy.ParseAgent(ev.ua)
			lang := privacy.Language(ev.lang)
			e.views[ev.path]++
			e.dims["browser "+a.Browser]++
			e.dims["os "+a.OS]++
			e.dims["device "+a.Device]++
			e.dims["language "+lang]++
			e.dims["referrer (direct)"]++
			net := netip.PrefixFrom(netip.MustParseAddr(ev.client), 24).Masked()
			e.visitors[net.String()+"|"+a.Browser+"|"+lang] = true
		}
	}
	return e
}

// sendAll sends events for origin through the proxy with 16 connections
// and fails the test on any answer but an uncounted-for-no-reason 204.
func sendAll(t *testing.T, proxy, origin string, events []clusterEvent) {
	t.Helper()
	work := make(chan clusterEvent)
	var bad atomic.Int64
	var firstBad atomic.Value
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 30 * time.Second}
	for range 16 {
		wg.Go(func() {
			for ev := range work {
				req, _ := http.NewRequest(http.MethodPost, proxy+"/api/event", strings.NewReader(`{"p":"`+ev.path+`","r":""}`))
				req.Header.Set("Origin", origin)
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", ev.ua)
				req.Header.Set("Accept-Language", ev.lang)
				req.Header.Set("X-Forwarded-For", ev.client)
				res, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusNoContent || res.Header.Get(analytics.ReasonHeader) != "" {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("status %d, reason %q", res.StatusCode, res.Header.Get(analytics.ReasonHeader)))
				}
			}
		})
	}
	for _, ev := range events {
		work <- ev
	}
	close(work)
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Fatalf("%d of %d events were not answered 204 and counted; first: %v", n, len(events), firstBad.Load())
	}
}

// clusterCollector is one folio collect process of the cluster.
type clusterCollector struct {
	*collectProcess
	base string // scheme and host, without the endpoint's path
}

func startClusterCollector(t *testing.T, bin, root, dsn string) *clusterCollector {
	t.Helper()
	p := startCollectArgs(t, bin, 60*time.Second, "collect", "-root", root, "-db", dsn, "-addr", "127.0.0.1:0",
		"-trusted-proxies", "127.0.0.1", "-rate-limit", "0", "-flush", "300ms")
	u, err := url.Parse(p.url)
	if err != nil || u.Host == "" {
		t.Fatalf("folio collect printed the address %q\n%s", p.url, p.stderr.String())
	}
	return &clusterCollector{collectProcess: p, base: u.Scheme + "://" + u.Host}
}

// stored is one site's counts summed over every day.
type stored struct {
	views          map[string]int64
	dims           map[string]int64
	visitors, days int64
	total          int64
}

func readSite(t *testing.T, dsn, site string) stored {
	t.Helper()
	db, err := store.OpenPostgres(context.Background(), dsn, store.ReadOnly(), store.WithSite(site))
	if err != nil {
		t.Fatalf("open the cluster's database: %v", err)
	}
	defer db.Close()
	c, err := db.Query(context.Background(), firstDay, lastDay)
	if err != nil {
		t.Fatal(err)
	}
	s := stored{views: map[string]int64{}, dims: map[string]int64{}}
	for _, v := range c.Views {
		s.views[v.Path] += v.N
		s.total += v.N
	}
	for _, d := range c.Dims {
		s.dims[d.Dim+" "+d.Value] += d.N
	}
	for _, v := range c.Visitors {
		s.visitors += v.N
		s.days++
	}
	return s
}

// waitStored polls the database until done says the counts are in.
func waitStored(t *testing.T, dsn, site, what string, done func(stored) bool) stored {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		s := readSite(t, dsn, site)
		if done(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %d views stored after 2 minutes", what, s.total)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestThreeCollectorsOnePostgres is the several-collector set-up end to
// end: three folio collect processes on one PostgreSQL behind a hashing
// proxy, counting for two sites.
//
// Site a gets 30,000 events from 3,000 client networks, a third of them
// while PostgreSQL is down (ten seconds at least, and until every
// collector has failed a write): every event is answered 204, and once
// PostgreSQL is back every view, every dimension count and every visitor
// is stored exactly once.
//
// Site b then loses a collector to SIGKILL in the middle of its load: only
// the events that collector had not yet written are lost, and everything
// the other two took is stored.
func TestThreeCollectorsOnePostgres(t *testing.T) {
	bin := buildFolio(t)
	pg := pgtest.Start(t)
	dsn := pg.URL
	root := t.TempDir()
	toml := `title = "Cluster"
[analytics]
enabled = true
[[analytics.sites]]
name = "a"
origin = "https://a.example"
dir = "a"
[[analytics.sites]]
name = "b"
origin = "https://b.example"
dir = "b"
`
	writeTestFile(t, filepath.Join(root, "folio.toml"), []byte(toml))
	for _, site := range []string{"a", "b"} {
		for i := range 20 {
			dir := filepath.Join(root, site, fmt.Sprintf("p%d", i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeTestFile(t, filepath.Join(dir, "index.html"), []byte("<!doctype html>"))
		}
		writeTestFile(t, filepath.Join(root, site, "index.html"), []byte("<!doctype html>"))
	}

	// Started together on an empty database: the schema is made once.
	collectors := make([]*clusterCollector, 3)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range collectors {
		wg.Go(func() {
			c := startClusterCollector(t, bin, root, dsn)
			mu.Lock()
			collectors[i] = c
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var bases []string
	for _, c := range collectors {
		bases = append(bases, c.base)
	}
	hp := newHashProxy(bases)
	proxy := httptest.NewServer(hp)
	defer proxy.Close()
	dayBefore := time.Now().UTC().Format(time.DateOnly)

	const networks = 3000
	a1, a2, a3 := clusterEvents(1, 10_000, networks), clusterEvents(2, 10_000, networks), clusterEvents(3, 10_000, networks)
	sendAll(t, proxy.URL, "https://a.example", a1)

	// PostgreSQL goes away for at least ten seconds, and until every
	// collector has tried and failed to write what it holds.
	down := time.Now()
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	failed := func() bool {
		for _, c := range collectors {
			if !strings.Contains(c.stderr.String(), "writing counts failed") {
				return false
			}
		}
		return true
	}
	for i, part := range [][]clusterEvent{a2[:5000], a2[5000:]} {
		sendAll(t, proxy.URL, "https://a.example", part)
		t.Logf("outage: part %d of the events answered 204, %s after the stop", i+1, time.Since(down).Round(time.Millisecond))
	}
	for time.Since(down) < 10*time.Second || !failed() {
		if time.Since(down) > 2*time.Minute {
			t.Fatal("not every collector reported a failed write within 2 minutes of the outage")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := pg.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL back after %s", time.Since(down).Round(time.Millisecond))
	sendAll(t, proxy.URL, "https://a.example", a3)

	want := expect(a1, a2, a3)
	got := waitStored(t, dsn, "a", "site a after the outage", func(s stored) bool { return s.total >= 30_000 })
	if got.total != 30_000 {
		t.Errorf("site a: %d views stored, want 30000", got.total)
	}
	if !equalMaps(got.views, want.views) {
		t.Errorf("site a views = %v\nwant %v", got.views, want.views)
	}
	if !equalMaps(got.dims, want.dims) {
		t.Errorf("site a dimensions = %v\nwant %v", got.dims, want.dims)
	}
	sameDay := time.Now().UTC().Format(time.DateOnly) == dayBefore && got.days == 1
	if sameDay && got.visitors != int64(len(want.visitors)) {
		t.Errorf("site a: %d visitors stored, want %d: a network reached two collectors, or a count was lost", got.visitors, len(want.visitors))
	}
	if !sameDay && got.visitors < int64(len(want.visitors)) {
		t.Errorf("site a (across midnight): %d visitors stored, want at least %d", got.visitors, len(want.visitors))
	}
	if got := readSite(t, dsn, "b"); got.total != 0 {
		t.Errorf("site b holds %d views of site a's events", got.total)
	}

	// Site b: a load, all of it written; then more, and a collector dies.
	b1, b2, b3 := clusterEvents(4, 3000, networks), clusterEvents(5, 3000, networks), clusterEvents(6, 3000, networks)
	sendAll(t, proxy.URL, "https://b.example", b1)
	waitStored(t, dsn, "b", "site b's first load", func(s stored) bool { return s.total >= 3000 })
	victim := 1
	before := hp.sent[victim].Load()
	sendAll(t, proxy.URL, "https://b.example", b2)
	unflushed := hp.sent[victim].Load() - before
	if err := collectors[victim].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	collectors[victim].cmd.Wait()
	hp.remove(victim)
	sendAll(t, proxy.URL, "https://b.example", b3)
	for i, c := range collectors {
		if i == victim {
			continue
		}
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("collector %d after SIGTERM: %v\n%s", i, err, c.stderr.String())
		}
	}
	gotB := readSite(t, dsn, "b")
	lost := 9000 - gotB.total
	t.Logf("site b: %d of 9000 views stored; the killed collector had taken %d events since the last confirmed write", gotB.total, unflushed)
	if lost < 0 || lost > unflushed {
		t.Errorf("site b: %d views lost, want between 0 and the %d the killed collector had not yet written", lost, unflushed)
	}
	for _, dim := range []string{"browser", "os", "device", "language"} {
		var sum int64
		for k, n := range gotB.dims {
			if strings.HasPrefix(k, dim+" ") {
				sum += n
			}
		}
		if sum != gotB.total {
			t.Errorf("site b: %s counts sum to %d, views to %d: a write was not whole", dim, sum, gotB.total)
		}
	}
	if again := readSite(t, dsn, "a"); again.total != 30_000 {
		t.Errorf("site a after the kill: %d views, want still 30000", again.total)
	}
	if os.Getenv("FOLIO_CLUSTER_LOGS") != "" {
		for i, c := range collectors {
			t.Logf("collector %d:\n%s", i, c.stderr.String())
		}
	}
}
