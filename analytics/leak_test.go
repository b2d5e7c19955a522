package analytics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/analytics/geo/geotest"
	"folio/analytics/store"
)

// needle is one spelling of an address that must appear nowhere.
type needle struct {
	name string
	b    []byte
	text bool // compared case-insensitively
}

// addressNeedles lists the spellings of a full address and of its
// truncated network: the usual text forms, their expanded forms, and the
// raw 4- and 16-byte forms a careless binary encoding would store.
func addressNeedles(full, truncated string) []needle {
	var out []needle
	for _, s := range []string{full, truncated} {
		a := netip.MustParseAddr(s)
		text := map[string]bool{a.String(): true, a.StringExpanded(): true}
		b16 := a.As16()
		if a.Is4() {
			b4 := a.As4()
			text[fmt.Sprintf("%03d.%03d.%03d.%03d", b4[0], b4[1], b4[2], b4[3])] = true
			text["::ffff:"+a.String()] = true
			text[netip.AddrFrom16(b16).StringExpanded()] = true
			text[fmt.Sprintf("%x", b4)] = true
			out = append(out, needle{s + " as 4 bytes", b4[:], false})
		} else {
			// 2001:db8:1234:5678:0:0:0:1, the form without :: compression.
			var groups []string
			for i := 0; i < 16; i += 2 {
				groups = append(groups, fmt.Sprintf("%x", uint16(b16[i])<<8|uint16(b16[i+1])))
			}
			text[strings.Join(groups, ":")] = true
		}
		text[fmt.Sprintf("%x", b16)] = true
		out = append(out, needle{s + " as 16 bytes", b16[:], false})
		for t := range text {
			out = append(out, needle{fmt.Sprintf("%q", t), []byte(strings.ToLower(t)), true})
		}
	}
	return out
}

func findNeedles(haystack []byte, needles []needle) []string {
	lower := bytes.ToLower(haystack)
	var found []string
	for _, n := range needles {
		h := haystack
		if n.text {
			h = lower
		}
		if bytes.Contains(h, n.b) {
			found = append(found, n.name)
		}
	}
	return found
}

func TestFindNeedlesFindsEveryForm(t *testing.T) {
	needles := addressNeedles("203.0.113.77", "203.0.113.0")
	needles = append(needles, addressNeedles("2001:db8:1234:5678::1", "2001:db8:1234::")...)
	for _, n := range needles {
		hay := append([]byte("some bytes \x00\x01 before "), n.b...)
		if n.text {
			hay = append([]byte("SOME TEXT "), bytes.ToUpper(n.b)...)
		}
		if got := findNeedles(append(hay, " after"...), []needle{n}); len(got) != 1 {
			t.Errorf("the scan misses %s", n.name)
		}
	}
	for _, want := range []string{`"2001:0db8:1234:5678:0000:0000:0000:0001"`, `"2001:db8:1234:5678:0:0:0:1"`, `"203.000.113.077"`, `"2001:0db8:1234:0000:0000:0000:0000:0000"`} {
		ok := false
		for _, n := range needles {
			ok = ok || n.name == want
		}
		if !ok {
			t.Errorf("needles lack %s", want)
		}
	}
}

// TestNoAddressLeaks sends every kind of request from 203.0.113.77 and
// 2001:db8:1234:5678::1, through a trusted proxy and directly, with the
// addresses also planted in paths, referrers, agents and bodies, then
// scans the database, its WAL copied while the collector runs, every file
// beside them, and everything logged (at debug level, with net/http's error
// log wired in) for any form of the full or truncated addresses.
func TestNoAddressLeaks(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "analytics.db")
	st, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	geoPath := geotest.Write(t, geotest.MaxMind, map[string]string{"203.0.113.0/24": "DE", "2001:db8:1234::/48": "FR"})
	clk := newClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	prefixes, err := ParsePrefixes([]string{"127.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{
		Origins:        []string{testOrigin},
		TrustedProxies: prefixes,
		SiteDir:        writeSite(t),
		GeoIP:          geoPath,
		RateLimit:      8,
		Flush:          time.Hour,
		Now:            clk.Now,
	}, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(c.Handler())
	srv.Config.ErrorLog = ServerErrorLog(logger)
	srv.Start()

	visitors := []struct{ full, truncated, bracketed string }{
		{"203.0.113.77", "203.0.113.0", "203.0.113.77"},
		{"2001:db8:1234:5678::1", "2001:db8:1234::", "[2001:db8:1234:5678::1]"},
	}
	type req struct {
		method, path, body string
		header             map[string]string
	}
	var reqs []req
	for _, v := range visitors {
		beacon := func(p, r string, h map[string]string) req {
			if h == nil {
				h = map[string]string{}
			}
			if _, ok := h["X-Forwarded-For"]; !ok {
				h["X-Forwarded-For"] = v.full
			}
			if _, ok := h["User-Agent"]; !ok {
				h["User-Agent"] = chromeUA
			}
			if _, ok := h["Origin"]; !ok {
				h["Origin"] = testOrigin
			}
			return req{"POST", "/api/event", `{"p":` + quote(p) + `,"r":` + quote(r) + `}`, h}
		}
		reqs = append(reqs,
			beacon("/docs/", "https://search.example.com/", map[string]string{"Accept-Language": "de-DE"}),
			beacon("/docs/", "", map[string]string{"X-Forwarded-For": "198.51.100.1, " + v.full}),
			beacon("/", "", map[string]string{"Forwarded": "for=" + quote(v.bracketed+":4711") + ";proto=https"}),
			beacon("/docs/setup/", "http://"+v.bracketed+"/admin", nil),
			beacon("/docs/?from="+v.full, "https://"+v.bracketed+":8443/", nil),
			beacon("/"+v.full+"/", "", nil),
			beacon("/docs/", "", map[string]string{"User-Agent": "Mozilla/5.0 (compatible; scanner/1.0; +http://" + v.bracketed + "/)"}),
			beacon("/docs/", "", map[string]string{"Accept-Language": v.full}),
			beacon("/docs/", "", map[string]string{"DNT": "1"}),
			beacon("/docs/", "", map[string]string{"Sec-GPC": "1"}),
			beacon("/docs/", "", map[string]string{"Origin": "http://" + v.bracketed}),
			req{"POST", "/api/event", `{"p":"` + v.full, map[string]string{"X-Forwarded-For": v.full, "User-Agent": chromeUA}},
			req{"POST", "/api/event", strings.Repeat(v.full, 400), map[string]string{"X-Forwarded-For": v.full}},
			req{"PUT", "/api/event", v.full, map[string]string{"X-Forwarded-For": v.full}},
			req{"GET", "/api/event.gif?p=/policy/privacy/", "", map[string]string{"X-Forwarded-For": v.full, "User-Agent": firefoxUA, "Referer": testOrigin + "/policy/privacy/"}},
			req{"GET", "/api/event.gif?p=/" + v.full, "", map[string]string{"X-Forwarded-For": v.full, "User-Agent": firefoxUA, "Referer": testOrigin + "/"}},
		)
		// Past the rate limit, to exercise that path and its counting.
		for range 8 {
			reqs = append(reqs, beacon("/", "", nil))
		}
	}

	client := srv.Client()
	for _, r := range reqs {
		hr, err := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range r.header {
			hr.Header.Set(k, v)
		}
		res, err := client.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	// Directly from the visitors' addresses, without a proxy, carrying a
	// forwarding header the collector must ignore (and log a hint about).
	for _, v := range visitors {
		r := beaconRequest("/docs/", "")
		r.RemoteAddr = netip.AddrPortFrom(netip.MustParseAddr(v.full), 443).String()
		r.Header.Set("X-Forwarded-For", v.full)
		serve(c.Handler(), r)
	}

	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A clean close folds the WAL into the database and deletes it, so the
	// WAL is copied now, while the collector and the store are open.
	snap := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(dbPath + suffix)
		if err != nil {
			t.Fatalf("copy %s while running: %v", filepath.Base(dbPath+suffix), err)
		}
		if err := os.WriteFile(filepath.Join(snap, "analytics.db"+suffix), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	wal, _ := os.ReadFile(filepath.Join(snap, "analytics.db-wal"))
	for _, want := range []string{"/docs/setup/", "/policy/privacy/", "search.example.com", "DE", "FR", "rate-limited"} {
		if !bytes.Contains(wal, []byte(want)) {
			t.Errorf("the WAL copy lacks %q: the scan would prove nothing", want)
		}
	}

	srv.Close()
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts, err := st.Query(context.Background(), "2025-03-01", "2025-03-01")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// Both visitors counted, with their countries, so the addresses did
	// flow through the pipeline.
	countries := map[string]int64{}
	for _, d := range counts.Dims {
		if d.Dim == "country" {
			countries[d.Value] += d.N
		}
	}
	if countries["DE"] == 0 || countries["FR"] == 0 {
		t.Errorf("countries = %v, want both visitors located", countries)
	}
	if !strings.Contains(logs.String(), "trusted proxies") || !strings.Contains(logs.String(), "reason=rate-limited") {
		t.Errorf("the logs lack the expected lines, so the scan proves little:\n%s", logs.String())
	}

	needles := addressNeedles(visitors[0].full, visitors[0].truncated)
	needles = append(needles, addressNeedles(visitors[1].full, visitors[1].truncated)...)
	check := func(name string, data []byte) {
		if found := findNeedles(data, needles); len(found) > 0 {
			t.Errorf("%s holds %s", name, strings.Join(found, ", "))
		}
	}
	for _, d := range []string{snap, dir} {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(d, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			check(e.Name(), data)
		}
	}
	check("the logs", []byte(logs.String()))
}
