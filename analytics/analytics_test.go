package analytics

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"folio/analytics/store"
)

func TestHandler(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		reason string
	}{
		{"counted", func() *http.Request { return beaconRequest("/docs/", "") }, 204, ""},
		{"counted, index.html spelling", func() *http.Request { return beaconRequest("/docs/index.html", "") }, 204, ""},
		{"dnt", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Header.Set("DNT", "1")
			return r
		}, 204, "dnt"},
		{"gpc", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Header.Set("Sec-GPC", "1")
			return r
		}, 204, "gpc"},
		{"bot", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Header.Set("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
			return r
		}, 204, "bot"},
		{"prefetch", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Header.Set("Sec-Purpose", "prefetch")
			return r
		}, 204, "bot"},
		{"unknown page", func() *http.Request { return beaconRequest("/wp-login.php", "") }, 204, "unknown-page"},
		{"foreign origin", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Header.Set("Origin", "https://evil.example")
			return r
		}, 204, "origin"},
		{"not json", func() *http.Request {
			r := beaconRequest("/docs/", "")
			r.Body = http.NoBody
			r.ContentLength = 0
			return r
		}, 204, "bad-request"},
		{"oversize body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/event", strings.NewReader(`{"p":"/","r":"`+strings.Repeat("x", MaxBody)+`"}`))
			return r
		}, 413, ""},
		{"oversize body without length", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/event", strings.NewReader(strings.Repeat("x", MaxBody+1)))
			r.ContentLength = -1
			return r
		}, 413, ""},
		{"exactly the limit", func() *http.Request {
			body := `{"p":"/docs/","r":"https://example.com/` + strings.Repeat("x", MaxBody-41) + `"}`
			r := beaconRequest("/docs/", "")
			r.Body = http.NoBody
			r2 := httptest.NewRequest(http.MethodPost, "/api/event", strings.NewReader(body))
			r2.Header = r.Header
			r2.RemoteAddr = r.RemoteAddr
			return r2
		}, 204, ""},
		{"get on the beacon", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/api/event", nil) }, 405, ""},
		{"put on the beacon", func() *http.Request { return httptest.NewRequest(http.MethodPut, "/api/event", nil) }, 405, ""},
		{"options on the beacon", func() *http.Request { return httptest.NewRequest(http.MethodOptions, "/api/event", nil) }, 405, ""},
		{"post on the pixel", func() *http.Request { return httptest.NewRequest(http.MethodPost, "/api/event.gif", nil) }, 405, ""},
		{"pixel", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=%2Fdocs%2Fsetup%2F", nil)
			r.Header.Set("User-Agent", firefoxUA)
			r.Header.Set("Referer", testOrigin+"/docs/setup/")
			return r
		}, 200, ""},
		{"pixel of an unknown page", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/nope/", nil)
			r.Header.Set("User-Agent", firefoxUA)
			r.Header.Set("Referer", testOrigin+"/docs/")
			return r
		}, 200, "unknown-page"},
		{"pixel without a referrer", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/docs/", nil)
			r.Header.Set("User-Agent", firefoxUA)
			return r
		}, 200, "origin"},
		{"pixel embedded elsewhere", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/docs/", nil)
			r.Header.Set("User-Agent", firefoxUA)
			r.Header.Set("Referer", "https://evil.example/page")
			return r
		}, 200, "origin"},
		{"other path", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/api/other", nil) }, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(h, tt.req())
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get(ReasonHeader); got != tt.reason {
				t.Errorf("%s = %q, want %q", ReasonHeader, got, tt.reason)
			}
			if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("Set-Cookie = %q, want none", c)
			}
			if tt.status == 405 && res.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			if tt.status == 200 && res.Header.Get("Content-Type") != "image/gif" {
				t.Errorf("pixel Content-Type = %q, want image/gif", res.Header.Get("Content-Type"))
			}
			if tt.status == 200 && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", res.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestPixelBody(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/", nil)
	r.Header.Set("User-Agent", firefoxUA)
	c.Handler().ServeHTTP(w, r)
	if got := w.Body.Bytes(); len(got) != 43 || !strings.HasPrefix(string(got), "GIF89a") {
		t.Errorf("pixel body = %q, want a 43-byte GIF", got)
	}
}

// TestCounts checks exactly what one flush stores for a handful of
// requests: views per page, each dimension on its own, filtered events per
// reason, nothing for DNT or GPC, and one visitor per (network, browser,
// language).
func TestCounts(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	send := func(r *http.Request) {
		t.Helper()
		if res := serve(h, r); res.StatusCode >= 300 {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	send(beaconRequest("/docs/", "https://www.search.example.com/?q=folio"))
	send(beaconRequest("/docs", "https://docs.example.org/"))
	r := beaconRequest("/docs/setup/", "")
	r.RemoteAddr = "198.51.100.99:1" // the same /24 as the others: the same visitor
	send(r)
	r = beaconRequest("/", "http://192.168.0.10/wiki")
	r.Header.Set("User-Agent", firefoxUA)
	r.Header.Set("Accept-Language", "fr-CA")
	send(r)
	r = beaconRequest("/", "")
	r.Header.Set("DNT", "1")
	send(r)
	r = beaconRequest("/", "")
	r.Header.Set("Sec-GPC", "1")
	send(r)
	send(beaconRequest("/nope/", ""))
	r = beaconRequest("/", "")
	r.Header.Set("User-Agent", "curl/8.0")
	send(r)
	r = httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/policy/privacy/", nil)
	r.Header.Set("User-Agent", firefoxUA)
	r.Header.Set("Referer", testOrigin+"/policy/privacy/")
	r.Header.Set("Accept-Language", "fr")
	r.RemoteAddr = "[2001:db8:1:2::3]:1"
	send(r)

	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	const day = "2025-03-01"
	got := query(t, st, day, day)
	want := &store.Counts{
		// Beside each count, the distinct networks it came from: the
		// Chrome and Firefox readers on 198.51.100.0/24 are one network,
		// the pixel from 2001:db8:1::/48 another.
		Views: []store.ViewRow{vrow(day, "/", 1, 1), vrow(day, "/docs/", 2, 1), vrow(day, "/docs/setup/", 1, 1), vrow(day, "/policy/privacy/", 1, 1)},
		Dims: []store.DimRow{
			drow(day, "browser", "Chrome", 3, 1), drow(day, "browser", "Firefox", 2, 2),
			drow(day, "device", "desktop", 5, 2),
			drow(day, "language", "de", 3, 1), drow(day, "language", "fr", 2, 2),
			drow(day, "os", "Linux", 2, 2), drow(day, "os", "Windows", 3, 1),
			drow(day, "referrer", "(direct)", 1, 1), drow(day, "referrer", "(internal)", 1, 1),
			drow(day, "referrer", "(private)", 1, 1), drow(day, "referrer", "search.example.com", 1, 1),
		},
		Dropped:  []store.DropRow{xrow(day, "bot", 1), xrow(day, "unknown-page", 1)},
		Visitors: []store.VisitorRow{urow(day, 3)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored counts:\n got %+v\nwant %+v", got, want)
	}
}

func TestDayBucketsAndVisitorKeyRotation(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, nil)
	h := c.Handler()
	clk.Set(time.Date(2025, 3, 1, 23, 59, 59, 0, time.UTC))
	serve(h, beaconRequest("/", ""))
	serve(h, beaconRequest("/", ""))
	clk.Set(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC))
	serve(h, beaconRequest("/", ""))
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := query(t, st, "2025-03-01", "2025-03-02")
	wantViews := []store.ViewRow{vrow("2025-03-01", "/", 2, 1), vrow("2025-03-02", "/", 1, 1)}
	wantVisitors := []store.VisitorRow{urow("2025-03-01", 1), urow("2025-03-02", 1)}
	if !reflect.DeepEqual(got.Views, wantViews) || !reflect.DeepEqual(got.Visitors, wantVisitors) {
		t.Errorf("views %+v visitors %+v, want %+v %+v", got.Views, got.Visitors, wantViews, wantVisitors)
	}
	// The previous day's key and set are gone once the day has turned.
	c.agg.mu.Lock()
	day := c.agg.visitors.day
	c.agg.mu.Unlock()
	if day != "2025-03-02" {
		t.Errorf("visitors day = %q, want 2025-03-02", day)
	}
	clk.Set(time.Date(2025, 3, 3, 0, 0, 1, 0, time.UTC))
	c.agg.rotate(c.day())
	c.agg.mu.Lock()
	mac, seen, nets := c.agg.visitors.mac, c.agg.visitors.seen, c.agg.visitors.nets
	c.agg.mu.Unlock()
	if mac != nil || seen != nil || nets != nil {
		t.Error("after midnight without traffic the old visitors key, its set or its networks' budgets are still held")
	}
}

func TestVisitorsKeyIsPerDay(t *testing.T) {
	v := newVisitors(100)
	addr := netip.MustParseAddr("203.0.113.0").As16()
	if !v.add("2025-03-01", addr, "Chrome", "de", true) {
		t.Error("first visit not new")
	}
	if v.add("2025-03-01", addr, "Chrome", "de", true) {
		t.Error("second visit counted as new")
	}
	if !v.add("2025-03-01", addr, "Firefox", "de", true) {
		t.Error("another browser on the same network not new")
	}
	if !v.add("2025-03-02", addr, "Chrome", "de", true) {
		t.Error("next day's first visit not new")
	}
	small := newVisitors(1)
	small.add("2025-03-01", addr, "a", "b", true)
	if small.add("2025-03-01", addr, "c", "d", true) || !small.full {
		t.Error("a full set still grows")
	}
}

func TestDistinctValuesCap(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, func(cfg *Config) { cfg.MaxValues, cfg.MaxNewValues = 3, 100 })
	h := c.Handler()
	for i := range 6 {
		serve(h, beaconRequest("/", fmt.Sprintf("https://spam%d.example.com/", i)))
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, d := range query(t, st, "2025-03-01", "2025-03-01").Dims {
		if d.Dim == "referrer" {
			refs = append(refs, fmt.Sprintf("%s=%d", d.Value, d.N))
		}
	}
	want := []string{"(other)=3", "spam0.example.com=1", "spam1.example.com=1", "spam2.example.com=1"}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("referrers = %v, want %v", refs, want)
	}
}

func TestDistinctValuesCapSurvivesRestart(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, func(cfg *Config) { cfg.MaxValues, cfg.MaxNewValues = 2, 100 })
	serve(c.Handler(), beaconRequest("/", "https://a.example.com/"))
	serve(c.Handler(), beaconRequest("/", "https://b.example.com/"))
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	c2, _ := newCollector(t, st, func(cfg *Config) { cfg.MaxValues, cfg.MaxNewValues = 2, 100 })
	serve(c2.Handler(), beaconRequest("/", "https://c.example.com/"))
	if err := c2.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range query(t, st, "2025-03-01", "2025-03-01").Dims {
		if d.Value == "c.example.com" {
			t.Errorf("a third referrer was stored after a restart despite MaxValues 2")
		}
	}
}

func TestRateLimit(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, func(cfg *Config) { cfg.RateLimit = 3 })
	h := c.Handler()
	var reasons []string
	for range 5 {
		reasons = append(reasons, serve(h, beaconRequest("/", "")).Header.Get(ReasonHeader))
	}
	other := beaconRequest("/", "")
	other.RemoteAddr = "192.0.2.1:1"
	reasons = append(reasons, serve(h, other).Header.Get(ReasonHeader))
	clk.Set(clk.Now().Add(time.Minute))
	reasons = append(reasons, serve(h, beaconRequest("/", "")).Header.Get(ReasonHeader))
	want := []string{"", "", "", "rate-limited", "rate-limited", "", ""}
	if !reflect.DeepEqual(reasons, want) {
		t.Errorf("reasons = %q, want %q", reasons, want)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := query(t, st, "2025-03-01", "2025-03-01")
	if sumViews(got) != 5 || !reflect.DeepEqual(got.Dropped, []store.DropRow{xrow("2025-03-01", "rate-limited", 2)}) {
		t.Errorf("views %d dropped %+v, want 5 and 2 rate-limited", sumViews(got), got.Dropped)
	}
}

func TestLimiterTableIsBounded(t *testing.T) {
	clk := newClock(time.Unix(0, 0))
	l := newLimiter(10, 2, clk.Now)
	f := newFilterAddr(t)
	if !l.allow(f("192.0.2.1")) || !l.allow(f("192.0.3.1")) {
		t.Fatal("first two networks refused")
	}
	if l.allow(f("192.0.4.1")) {
		t.Error("a third network was let in past the table's bound")
	}
	clk.Set(clk.Now().Add(time.Minute))
	if !l.allow(f("192.0.4.1")) {
		t.Error("the table was not emptied at the next minute")
	}
}

func TestFailedWriteKeepsCountsAndRetries(t *testing.T) {
	st, _ := openStore(t)
	flaky := &flakyStore{Store: st}
	c, _ := newCollector(t, flaky, nil)
	h := c.Handler()
	for range 3 {
		serve(h, beaconRequest("/docs/", ""))
	}
	flaky.setFail(2)
	for range 2 {
		if err := c.Flush(context.Background()); err == nil {
			t.Fatal("Flush() = nil with a failing store")
		}
		serve(h, beaconRequest("/docs/", ""))
	}
	if got := sumViews(query(t, st, "2025-03-01", "2025-03-01")); got != 0 {
		t.Fatalf("%d views stored while the store was failing", got)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatalf("Flush() after recovery = %v", err)
	}
	got := query(t, st, "2025-03-01", "2025-03-01")
	if sumViews(got) != 5 || got.Visitors[0].N != 1 || got.Dims[0].N != 5 {
		t.Errorf("after recovery: %+v, want 5 views, 1 visitor, each dimension 5", got)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sumViews(query(t, st, "2025-03-01", "2025-03-01")); got != 5 {
		t.Errorf("a second flush changed the views to %d: counts written twice", got)
	}
}

func TestPendingCapTriggersEarlyWrite(t *testing.T) {
	st, _ := openStore(t)
	flaky := &flakyStore{Store: st, added: make(chan struct{}, 1)}
	c, _ := newCollector(t, flaky, func(cfg *Config) { cfg.MaxPending = 20 })
	h := c.Handler()
	for i := range 40 {
		serve(h, beaconRequest("/", fmt.Sprintf("https://r%d.example.com/", i)))
	}
	select {
	case <-flaky.added:
	case <-time.After(10 * time.Second):
		t.Fatal("no write within 10s of exceeding MaxPending (the flush interval is an hour)")
	}
}

func TestPendingCountsAreBoundedWhileWritesFail(t *testing.T) {
	st, _ := openStore(t)
	flaky := &flakyStore{Store: st}
	flaky.setFail(1 << 30)
	c, _ := newCollector(t, flaky, func(cfg *Config) { cfg.MaxPending = 10 })
	h := c.Handler()
	for i := range 200 {
		serve(h, beaconRequest("/", fmt.Sprintf("https://r%d.example.com/", i)))
		if i%20 == 0 {
			c.Flush(context.Background())
		}
	}
	if n := c.agg.pendingCells(); n > 4*10+8 {
		t.Errorf("%d cells pending, want at most the hard bound 4*MaxPending (+ one event's cells)", n)
	}
	c.agg.mu.Lock()
	lost := c.agg.lost
	c.agg.mu.Unlock()
	if lost == 0 {
		t.Error("events past the bound were not accounted as lost")
	}
	// Events that only touch pending cells are still counted in full.
	before := sumPending(c)
	serve(h, beaconRequest("/", "https://r1.example.com/"))
	if sumPending(c) != before+1 {
		t.Error("an event on existing cells was not counted at the bound")
	}
	flaky.setFail(0) // let the cleanup's Close write and return at once
}

func sumPending(c *Collector) int64 {
	c.agg.mu.Lock()
	defer c.agg.mu.Unlock()
	var n int64
	for _, v := range c.agg.pending.Views {
		n += v
	}
	return n
}

func TestRetentionPrunesOldDays(t *testing.T) {
	st, _ := openStore(t)
	// 30 days before 2025-03-01 is Thursday 2025-01-30; its week, from
	// Monday 2025-01-27, is kept whole, and the week before it goes.
	old := &store.Batch{Views: map[store.ViewKey]int64{
		{Day: "2025-01-26", Path: "/"}: 1, // a Sunday: the week before
		{Day: "2025-01-27", Path: "/"}: 1, // 33 days before, in the kept week
	}}
	if err := st.Add(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	c, _ := newCollector(t, st, func(cfg *Config) { cfg.Retention = 30; cfg.Flush = 10 * time.Millisecond })
	serve(c.Handler(), beaconRequest("/", ""))
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := query(t, st, "2000-01-01", "2999-12-31").Views
		if len(got) == 2 && got[0].Day == "2025-01-27" && got[1].Day == "2025-03-01" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("views = %+v, want the week of 2025-01-26 pruned, the week of 2025-01-30 and today kept", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCloseWritesEverythingAndRefusesLater(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	for range 7 {
		serve(h, beaconRequest("/docs/", ""))
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if got := sumViews(query(t, st, "2025-03-01", "2025-03-01")); got != 7 {
		t.Errorf("after Close %d views stored, want 7", got)
	}
	if res := serve(h, beaconRequest("/docs/", "")); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Close status = %d, want 503", res.StatusCode)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Errorf("second Close() = %v", err)
	}
}

func TestCloseRetriesAFailingStore(t *testing.T) {
	st, _ := openStore(t)
	flaky := &flakyStore{Store: st}
	c, _ := newCollector(t, flaky, nil)
	serve(c.Handler(), beaconRequest("/docs/", ""))
	flaky.setFail(2)
	if err := c.Close(context.Background()); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if got := sumViews(query(t, st, "2025-03-01", "2025-03-01")); got != 1 {
		t.Errorf("%d views after Close retried, want 1", got)
	}

	c2, _ := newCollector(t, flaky, nil)
	serve(c2.Handler(), beaconRequest("/docs/", ""))
	flaky.setFail(1 << 30)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := c2.Close(ctx); err == nil || !strings.Contains(err.Error(), "not written") {
		t.Errorf("Close() with a dead store = %v, want an error saying what was not written", err)
	}
}

func TestMountBesideAFileServer(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	for _, pattern := range []string{"/", "GET /"} {
		mux := http.NewServeMux()
		mux.Handle(pattern, http.FileServer(http.Dir(t.TempDir())))
		c.Mount(mux)
		if res := serve(mux, beaconRequest("/docs/", "")); res.StatusCode != 204 || res.Header.Get(ReasonHeader) != "" {
			t.Errorf("%q: beacon status %d reason %q, want 204 counted", pattern, res.StatusCode, res.Header.Get(ReasonHeader))
		}
		r := httptest.NewRequest(http.MethodGet, "/api/event.gif?p=/", nil)
		r.Header.Set("User-Agent", firefoxUA)
		if res := serve(mux, r); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/gif" {
			t.Errorf("%q: pixel status %d, want 200 GIF", pattern, res.StatusCode)
		}
		if res := serve(mux, httptest.NewRequest(http.MethodPut, "/api/event", nil)); res.StatusCode != 405 {
			t.Errorf("%q: PUT status %d, want 405", pattern, res.StatusCode)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	st, _ := openStore(t)
	for name, cfg := range map[string]Config{
		"relative path": {Path: "api/event"},
		"bad origin":    {Origins: []string{"example.org"}},
		"missing site":  {SiteDir: "/nonexistent/public"},
		"missing geoip": {GeoIP: "/nonexistent/country.mmdb"},
		"negative rate": {RateLimit: -1},
	} {
		if c, err := New(cfg, st, nil); err == nil {
			c.Close(context.Background())
			t.Errorf("New(%s) = nil error, want one", name)
		}
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]int{"760d": 760, "30d": 30, "0": 0, "": 0, "0d": 0} {
		if got, err := ParseRetention(in); err != nil || got != want {
			t.Errorf("ParseRetention(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"760", "25m", "-1d", "d", "2y"} {
		if _, err := ParseRetention(in); err == nil {
			t.Errorf("ParseRetention(%q) = nil error, want one", in)
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes([]string{"10.1.2.3/8", " 127.0.0.1", "::1", "", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("fd00::/8"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePrefixes() = %v, want %v", got, want)
	}
	if _, err := ParsePrefixes([]string{"proxy.local"}); err == nil {
		t.Error("ParsePrefixes(name) = nil error, want one")
	}
}

// vrow and drow make rows; visitors, when given, is the row's count of
// distinct visitor networks.
func vrow(day, path string, n int64, visitors ...int64) store.ViewRow {
	r := store.ViewRow{Day: day, Path: path, N: n}
	for _, v := range visitors {
		r.Visitors = v
	}
	return r
}
func drow(day, dim, value string, n int64, visitors ...int64) store.DimRow {
	r := store.DimRow{Day: day, Dim: dim, Value: value, N: n}
	for _, v := range visitors {
		r.Visitors = v
	}
	return r
}
func xrow(day, reason string, n int64) store.DropRow {
	return store.DropRow{Day: day, Reason: reason, N: n}
}
func urow(day string, n int64) store.VisitorRow { return store.VisitorRow{Day: day, N: n} }
