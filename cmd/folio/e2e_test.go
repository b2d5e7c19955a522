package main

// End-to-end tests: folio serve on a copy of the example site, read by a
// real headless Chromium through the DevTools protocol, as a reader, an
// editor and a site owner would use it. They check what Folio promises
// people: pages render, a view is counted once and nothing else is kept,
// nothing is sent for a reader who asked not to be tracked, no request
// leaves the site, the open page follows the editor's saves, the report
// draws its charts, pages are accessible in light and dark mode, and a doc
// page is light enough to arrive in the first round trips.
//
// They need Debian's chromium (and axe-core from npm for the accessibility
// test); .ci/run installs both. Outside CI they skip when either is
// missing. FOLIO_E2E_SHOTS=DIR keeps the screenshots for a person to see.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pageFacts is what a reader sees of a page's frame.
type pageFacts struct {
	Title       string   `json:"title"`
	H1          string   `json:"h1"`
	Brand       bool     `json:"brand"`
	FooterLinks int      `json:"footerLinks"`
	SideLinks   int      `json:"sideLinks"`
	Current     string   `json:"current"`
	TOC         []string `json:"toc"`
	TOCMissing  []string `json:"tocMissing"`
	Styled      bool     `json:"styled"`
	Cookie      string   `json:"cookie"`
	Local       int      `json:"local"`
	Session     int      `json:"session"`
}

const pageFactsJS = `(() => {
	const q = s => document.querySelector(s);
	const toc = [...document.querySelectorAll("nav.toc a[href^='#']")].map(a => a.getAttribute("href"));
	const cur = q("nav.side a[aria-current=page]");
	return {
		title: document.title,
		h1: (q("main h1") || {}).textContent || "",
		brand: !!q("header a.brand"),
		footerLinks: document.querySelectorAll("footer nav a").length,
		sideLinks: document.querySelectorAll("nav.side a").length,
		current: cur ? cur.getAttribute("href") : "",
		toc: toc,
		tocMissing: toc.filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
		// The stylesheet arrived and applies: the skip link is moved out of sight.
		styled: document.styleSheets.length > 0 && getComputedStyle(q("a.skip")).position !== "static",
		cookie: document.cookie,
		local: localStorage.length,
		session: sessionStorage.length,
	};
})()`

// checkPage checks that the open page rendered as a reader expects and
// that it left nothing in the browser's storage.
func checkPage(t *testing.T, tab *e2eTab, path string) {
	t.Helper()
	f := eval[pageFacts](t, tab, pageFactsJS)
	if !strings.HasSuffix(f.Title, "Folio") || f.H1 == "" || !f.Brand || f.FooterLinks == 0 || !f.Styled {
		t.Errorf("%s did not render: title %q, h1 %q, brand link %v, %d footer links, styled %v", path, f.Title, f.H1, f.Brand, f.FooterLinks, f.Styled)
	}
	if strings.HasPrefix(path, "/docs/") && path != "/docs/" { // a doc page, not the section's list
		if f.SideLinks < 2 || f.Current != path {
			t.Errorf("%s: navigation has %d links and marks %q as current, want the page itself", path, f.SideLinks, f.Current)
		}
		if len(f.TOC) < 2 || len(f.TOCMissing) > 0 {
			t.Errorf("%s: table of contents %q, entries without a heading: %q", path, f.TOC, f.TOCMissing)
		}
	}
	if f.Cookie != "" || f.Local != 0 || f.Session != 0 {
		t.Errorf("%s: document.cookie = %q, localStorage.length = %d, sessionStorage.length = %d; want all empty", path, f.Cookie, f.Local, f.Session)
	}
	if p := tab.net.takeProblems(); len(p) > 0 {
		t.Errorf("%s: the browser reported errors:\n\t%s", path, strings.Join(p, "\n\t"))
	}
}

// visit opens path in the tab and waits until its document has loaded.
// It waits for nothing else: a page's live-reload stream never ends, and
// requests of the page before may never be reported finished.
func visit(t *testing.T, tab *e2eTab, s *e2eServer, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+path)); err != nil {
		t.Fatalf("open %s: %v; requests so far:%s\nserve said:\n%s", path, err, describeRequests(tab.net.requests()), s.log.String())
	}
	tab.waitLoaded(t, path)
}

// beacons returns the requests the page made to the event endpoint.
func beacons(reqs []netRequest, s *e2eServer) []netRequest {
	var out []netRequest
	for _, r := range reqs {
		if strings.HasPrefix(r.url, s.url+"/api/event") {
			out = append(out, r)
		}
	}
	return out
}

// checkSameOrigin fails for any request that went anywhere but the site.
func checkSameOrigin(t *testing.T, reqs []netRequest, s *e2eServer) {
	t.Helper()
	for _, r := range reqs {
		if strings.HasPrefix(r.url, "data:") {
			continue // made in the page, never sent
		}
		if originOf(r.url) != s.url {
			t.Errorf("a request left the site's origin %s: %s %s (%s)", s.url, r.method, r.url, r.typ)
		}
	}
}

// checkNoCookies fails for a cookie sent or set on any request the tab made.
func checkNoCookies(t *testing.T, tab *e2eTab, s *e2eServer) {
	t.Helper()
	sent, got := tab.net.rawHeaders()
	if len(sent) == 0 || len(got) == 0 {
		t.Errorf("no raw headers recorded (%d sent, %d received): the cookie check would prove nothing", len(sent), len(got))
	}
	for _, h := range sent {
		if v, ok := header(h, "Cookie"); ok {
			t.Errorf("the browser sent a cookie: %q", v)
		}
	}
	for _, h := range got {
		if v, ok := header(h, "Set-Cookie"); ok {
			t.Errorf("a response set a cookie: %q", v)
		}
	}
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.url + "/"}})
	if err != nil {
		t.Fatalf("read the browser's cookies: %v", err)
	}
	if len(jar.Cookies) > 0 {
		t.Errorf("the browser holds %d cookies for the site, want none", len(jar.Cookies))
	}
}

// checkNothingIdentifying fails when the database files hold the reader's
// address or user agent in any form the bytes would show.
func checkNothingIdentifying(t *testing.T, s *e2eServer) {
	t.Helper()
	files, _ := filepath.Glob(s.db + "*")
	if len(files) == 0 {
		t.Fatalf("no database at %s", s.db)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"127.0.0.1", e2eUserAgent, "Mozilla/5.0"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %q", filepath.Base(f), secret)
			}
		}
	}
}

// TestE2EReaderVisits reads pages as a reader would and checks that each
// view is counted exactly once, by a beacon to the site itself, and that
// nothing else is kept: no cookie, no storage, no request elsewhere, no
// address or user agent in the database.
func TestE2EReaderVisits(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	tab.actAsReader(t)
	shots := shotDir(t)

	// A reading session through every page, one of them twice: more
	// pages than a browser opens connections to one host (six), so a
	// page that held on to one would stall the session.
	visits := []string{"/", "/docs/", "/docs/writing/", "/docs/front-matter/", "/docs/themes/",
		"/docs/analytics/", "/docs/deployment/", "/privacy/", "/docs/writing/"}
	shot := map[string]bool{"/": true, "/docs/writing/": true, "/privacy/": true}
	for _, p := range visits {
		visit(t, tab, s, p)
		waitBeacon(t, tab, s)
		checkPage(t, tab, p)
		if shot[p] {
			tab.screenshot(t, shots, "reader"+strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", "-"))
			shot[p] = false
		}
	}

	reqs := tab.net.requests()
	checkSameOrigin(t, reqs, s)
	checkNoCookies(t, tab, s)
	bs := beacons(reqs, s)
	if len(bs) != len(visits) {
		t.Fatalf("%d beacons for %d views:%s", len(bs), len(visits), describeRequests(reqs))
	}
	for i, b := range bs {
		var body struct {
			P string `json:"p"`
		}
		_ = json.Unmarshal([]byte(b.body), &body)
		if b.method != http.MethodPost || b.url != s.url+"/api/event" || b.status != http.StatusNoContent || body.P != visits[i] {
			t.Errorf("beacon %d: %s %s %q answered %d, want POST %s/api/event {\"p\":%q} answered 204", i, b.method, b.url, b.body, b.status, s.url, visits[i])
		}
		if reason, ok := header(b.headers, "X-Folio-Reason"); ok {
			t.Errorf("beacon %d for %s was not counted: %s", i, visits[i], reason)
		}
	}

	// The collector writes every 2 s: the views must land without a stop.
	s.waitViews(t, int64(len(visits)))
	// A clean stop writes whatever is pending: still exactly these views.
	s.stop(t)
	c := s.counts(t)
	want := map[string]int64{}
	for _, p := range visits {
		want[p]++
	}
	if got := viewsByPath(c); !mapsEqual(got, want) {
		t.Errorf("views = %v, want %v", got, want)
	}
	dims := dimTotals(c)
	for _, d := range []string{"browser", "os", "device", "language", "referrer"} {
		if dims[d] != int64(len(visits)) {
			t.Errorf("dimension %s counts %d views, want %d (all: %+v)", d, dims[d], len(visits), c.Dims)
		}
	}
	if len(c.Dropped) > 0 {
		t.Errorf("dropped = %+v, want nothing dropped", c.Dropped)
	}
	if len(c.Visitors) != 1 || c.Visitors[0].N != 1 {
		t.Errorf("visitors = %+v, want one visitor", c.Visitors)
	}
	checkNothingIdentifying(t, s)
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// The init scripts that make the page see a reader's privacy signals, as
// a browser with the setting on shows them to scripts.
const (
	dntScript = `Object.defineProperty(Navigator.prototype, "doNotTrack", {get: () => "1", configurable: true});`
	gpcScript = `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true, configurable: true});`
)

// TestE2EDoNotTrack checks that a reader with Do Not Track or Global
// Privacy Control on is not counted in any way: the script sends nothing,
// and when a request reaches the endpoint anyway (the header without the
// script's signal), the endpoint keeps nothing, not even in dropped.
func TestE2EDoNotTrack(t *testing.T) {
	s := startServe(t)
	first := startBrowser(t)

	cases := []struct {
		name   string
		header string // sent with every request
		script string // run before the page's scripts
		reason string // the endpoint's answer when the script sends anyway
	}{
		{name: "DNT", header: "DNT", script: dntScript},
		{name: "GPC", header: "Sec-GPC", script: gpcScript},
		{name: "DNT header only", header: "DNT", reason: "dnt"},
		{name: "GPC header only", header: "Sec-GPC", reason: "gpc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := first.open(t)
			tab.actAsReader(t)
			ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
			defer cancel()
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{tc.header: "1"}}); err != nil {
				t.Fatalf("set %s: %v", tc.header, err)
			}
			if tc.script != "" {
				if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: tc.script}); err != nil {
					t.Fatalf("add the init script: %v", err)
				}
			}
			for _, p := range []string{"/", "/docs/writing/"} {
				// The beacon script has run once the page has loaded: with
				// the signal on, it decided to send nothing.
				visit(t, tab, s, p)
				if tc.reason != "" {
					waitBeacon(t, tab, s)
				}
				checkPage(t, tab, p)
			}
			if tc.script != "" {
				signal := eval[bool](t, tab, `navigator.doNotTrack === "1" || navigator.globalPrivacyControl === true`)
				if !signal {
					t.Fatal("the page does not see the privacy signal: the init script did not take")
				}
			}
			reqs := tab.net.requests()
			checkSameOrigin(t, reqs, s)
			sent, _ := tab.net.rawHeaders()
			withHeader := 0
			for _, h := range sent {
				if v, ok := header(h, tc.header); ok && v == "1" {
					withHeader++
				}
			}
			if withHeader == 0 {
				t.Fatalf("no request carried %s: 1, so the test proves nothing", tc.header)
			}
			bs := beacons(reqs, s)
			if tc.reason == "" {
				if len(bs) > 0 {
					t.Errorf("the page sent %d events with %s on:%s", len(bs), tc.name, describeRequests(bs))
				}
				return
			}
			if len(bs) != 2 {
				t.Fatalf("%d beacons, want 2 (the script does not see the header):%s", len(bs), describeRequests(reqs))
			}
			for _, b := range bs {
				if reason, _ := header(b.headers, "X-Folio-Reason"); b.status != http.StatusNoContent || reason != tc.reason {
					t.Errorf("the endpoint answered %d with reason %q, want 204 with %q", b.status, reason, tc.reason)
				}
			}
		})
	}

	// A control, so that an empty store means something: the same browser
	// without the signals is counted.
	control := first.open(t)
	control.actAsReader(t)
	visit(t, control, s, "/privacy/")
	waitBeacon(t, control, s)
	if bs := beacons(control.net.requests(), s); len(bs) != 1 {
		t.Fatalf("the control view sent %d beacons, want 1", len(bs))
	}
	s.waitViews(t, 1)
	s.stop(t)
	c := s.counts(t)
	if got, want := viewsByPath(c), map[string]int64{"/privacy/": 1}; !mapsEqual(got, want) {
		t.Errorf("views = %v, want only the control view %v", got, want)
	}
	for d, n := range dimTotals(c) {
		if n != 1 {
			t.Errorf("dimension %s counts %d, want 1 (the control view)", d, n)
		}
	}
	if len(c.Dropped) > 0 {
		t.Errorf("dropped = %+v, want nothing: a reader who opted out is not even counted as dropped", c.Dropped)
	}
	if len(c.Visitors) != 1 || c.Visitors[0].N != 1 {
		t.Errorf("visitors = %+v, want the control visitor only", c.Visitors)
	}
}

// TestE2ELiveReload edits the open page's file, as an editor saving it
// would: the page shows the change by itself; a broken save shows the
// error over the last good page, and the fix brings the page back.
func TestE2ELiveReload(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	shots := shotDir(t)
	visit(t, tab, s, "/docs/writing/")

	// The page must be listening before the edit, or the test would not
	// tell a reload from a page that was simply opened late.
	waitListening(t, tab, s.url+"/docs/writing/", 0)
	eval[chromedp.Void](t, tab, `window.folioE2E = "before the edit"`)

	file := filepath.Join(s.root, "content", "docs", "writing.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "This sentence was added while the page was open."
	save(t, file, append(slices.Clip(orig), "\n"+marker+"\n"...))
	tab.waitTrue(t, "the open page shows the edit", fmt.Sprintf(`document.querySelector("main").innerText.includes(%q)`, marker))
	if v := eval[bool](t, tab, `window.folioE2E === undefined`); !v {
		t.Error("the page shows the edit but was not reloaded")
	}
	tab.waitLoaded(t, "/docs/writing/")
	checkPage(t, tab, "/docs/writing/")

	// Away and back: a page restored from the back/forward cache listens
	// again (it closed its stream when it was left).
	eval[chromedp.Void](t, tab, `window.folioE2E = "kept"`)
	visit(t, tab, s, "/privacy/")
	// history.back, not NavigateBack: a page restored from the cache
	// fires no load event to wait for.
	left := len(tab.net.requests())
	eval[chromedp.Void](t, tab, `history.back()`)
	tab.waitLoaded(t, "/docs/writing/")
	if kept := eval[bool](t, tab, `window.folioE2E === "kept"`); !kept {
		t.Log("the page was not restored from the back/forward cache; it was loaded again")
	}
	waitListening(t, tab, s.url+"/docs/writing/", left)

	// A save that breaks the build: the last good page stays, with the
	// error over it, naming the file.
	save(t, file, []byte("---\ntitle: [unclosed\n---\nBroken.\n"))
	tab.waitTrue(t, "the build error shows over the page", `(() => { const a = document.querySelector("[role=alert]"); return !!a && a.textContent.includes("writing.md"); })()`)
	if v := eval[bool](t, tab, fmt.Sprintf(`document.querySelector("main").innerText.includes(%q)`, marker)); !v {
		t.Error("the last good page is no longer shown under the build error")
	}
	tab.screenshot(t, shots, "live-reload-error")

	const fixed = "The page is back after the fix."
	save(t, file, append(slices.Clip(orig), "\n"+fixed+"\n"...))
	tab.waitTrue(t, "the fixed page replaces the error", fmt.Sprintf(`document.querySelector("main").innerText.includes(%q) && !document.querySelector("[role=alert]")`, fixed))
	tab.screenshot(t, shots, "live-reload-fixed")
}

// waitListening waits until the tab's document of url has its live
// reload stream open, one it opened after position since of the log. It
// tells the document by its loader, which a page restored from the
// back/forward cache keeps: it makes no new document request, only a new
// stream. A stream of another page does not count, and neither does one
// closed before it was answered, as a page left at once closes its own.
func waitListening(t *testing.T, tab *e2eTab, url string, since int) {
	t.Helper()
	tab.net.waitFor(t, url+" listens for reloads", func(reqs []netRequest) bool {
		var loader cdp.LoaderID
		for _, r := range reqs {
			if r.typ == network.ResourceTypeDocument && r.url == url {
				loader = r.loader
			}
		}
		for _, r := range reqs[min(since, len(reqs)):] {
			if r.streaming() && r.loader == loader && r.status == http.StatusOK {
				return true
			}
		}
		return false
	})
}

// save replaces a file as editors commonly do, by renaming a new file
// over it, so that serve never sees it half written: a file truncated and
// then written could build, empty, in between.
func save(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp") // serve ignores dot files
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// seedViews counts a few views as a reader, so that the report has data.
func seedViews(t *testing.T, s *e2eServer, tab *e2eTab, paths ...string) {
	t.Helper()
	for _, p := range paths {
		visit(t, tab, s, p)
		waitBeacon(t, tab, s)
	}
	s.waitViews(t, int64(len(paths)))
}

// chartFacts describes the report's charts as the browser drew them.
type chartFacts struct {
	Charts []struct {
		Title  string  `json:"title"`
		Desc   string  `json:"desc"`
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
		Marks  int     `json:"marks"`
	} `json:"charts"`
	Empty bool `json:"empty"`
}

const chartFactsJS = `(() => ({
	empty: !!document.querySelector(".report-empty"),
	charts: [...document.querySelectorAll("main svg[role=img]")].map(svg => {
		const r = svg.getBoundingClientRect();
		const title = svg.querySelector(":scope > title");
		const desc = svg.querySelector(":scope > desc");
		return {
			title: title ? title.textContent : "",
			desc: desc ? desc.textContent : "",
			width: r.width, height: r.height,
			// The marks a reader sees, each with its own title for the value.
			marks: svg.querySelectorAll("rect > title, circle > title, g > title").length,
		};
	}),
}))()`

// TestE2EReportCharts opens the live report after some views and checks
// that it draws its charts, each described for screen readers.
func TestE2EReportCharts(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	tab.actAsReader(t)
	seedViews(t, s, tab, "/", "/docs/writing/", "/privacy/")

	visit(t, tab, s, "/stats/")
	if p := tab.net.takeProblems(); len(p) > 0 {
		t.Errorf("/stats/: the browser reported errors:\n\t%s", strings.Join(p, "\n\t"))
	}
	checkSameOrigin(t, tab.net.requests(), s)
	f := eval[chartFacts](t, tab, chartFactsJS)
	if f.Empty {
		t.Fatal("the report says it has no data after 3 counted views")
	}
	var titles []string
	for _, c := range f.Charts {
		titles = append(titles, c.Title)
	}
	// Tables whose rows are all under the threshold k have nothing to
	// draw; the daily charts always do.
	for _, want := range []string{"Views per day", "Visitors per day"} {
		if !slices.Contains(titles, want) {
			t.Errorf("the report has no chart %q; charts: %q", want, titles)
		}
	}
	for i, c := range f.Charts {
		if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Desc) == "" || c.Width < 100 || c.Height < 50 || c.Marks == 0 {
			t.Errorf("chart %d (%q) is not drawn or not described: %+v", i, c.Title, c)
		}
	}
	tab.screenshot(t, shotDir(t), "report")
}

// axeViolation is one failed axe-core rule on a page.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

type axeResult struct {
	Version    string         `json:"version"`
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
}

const axeRunJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => ({
	version: axe.version,
	passes: r.passes.length,
	incomplete: r.incomplete.map(v => v.id + " (" + v.nodes.length + ")"),
	violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		targets: v.nodes.map(n => n.target.flat().join(" ")),
		summary: (v.nodes[0] && v.nodes[0].failureSummary || "").slice(0, 300),
	})),
}))`

// TestE2EAccessibility runs axe-core in the home page, a doc page, the
// privacy page and the report page, in light and dark mode. The page's
// Content-Security-Policy forbids inline scripts, so axe comes in through
// the DevTools protocol, as the browser's own console would run it.
func TestE2EAccessibility(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	tab.actAsReader(t)
	seedViews(t, s, tab, "/", "/docs/writing/", "/privacy/")
	shots := shotDir(t)

	for _, scheme := range []string{"light", "dark"} {
		tab.colorScheme(t, scheme)
		for _, p := range []string{"/", "/docs/writing/", "/privacy/", "/stats/"} {
			visit(t, tab, s, p)
			if got := eval[bool](t, tab, fmt.Sprintf(`matchMedia("(prefers-color-scheme: %s)").matches`, scheme)); !got {
				t.Fatalf("%s: the page does not see prefers-color-scheme: %s", p, scheme)
			}
			eval[chromedp.Void](t, tab, axe)
			res := eval[axeResult](t, tab, axeRunJS)
			name := scheme + strings.ReplaceAll(strings.TrimSuffix(p, "/"), "/", "-")
			tab.screenshot(t, shots, "a11y-"+name)
			t.Logf("axe-core %s on %s (%s): %d rules pass, %d violations, needs review: %v", res.Version, p, scheme, res.Passes, len(res.Violations), res.Incomplete)
			for _, v := range res.Violations {
				t.Errorf("%s (%s): axe %s [%s] %s\n\ton %s\n\t%s", p, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "), strings.ReplaceAll(v.Summary, "\n", "\n\t"))
			}
			if probs := tab.net.takeProblems(); len(probs) > 0 {
				t.Errorf("%s (%s): the browser reported errors:\n\t%s", p, scheme, strings.Join(probs, "\n\t"))
			}
		}
	}
}

// liveReloadTag is what serve adds to every page; a published site does
// not have it, so the weight leaves it out.
var liveReloadTag = regexp.MustCompile(`<script src="/_folio/[^"]*"[^>]*></script>`)

// weightBudget is what a first visit to a doc page may cost, gzip
// compressed: about what the first round trips of a new connection carry
// (10 TCP segments of ~1.4 KB).
const weightBudget = 14 * 1024

// TestE2EPageWeight loads a typical doc page in a fresh browser and adds up
// what it downloaded (the page, its stylesheet and scripts, and anything
// else it asked the site for), each gzip-compressed as a server would
// send it.
func TestE2EPageWeight(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	const path = "/docs/writing/"
	visit(t, tab, s, path)
	// The weight is what the page downloaded: each download's answer is
	// needed, the live-reload stream's end is not (it never comes).
	reqs := tab.net.waitFor(t, "every download of "+path+" answered", func(reqs []netRequest) bool {
		for _, r := range ofCurrentDoc(reqs) {
			if !r.streaming() && !r.answered() {
				return false
			}
		}
		return true
	})

	var total int
	var lines []string
	kinds := map[network.ResourceType]bool{}
	for _, r := range reqs {
		if r.method != http.MethodGet || strings.Contains(r.url, "/_folio/") || strings.HasPrefix(r.url, "data:") {
			continue // the beacon's POST uploads; live reload is serve's only
		}
		if originOf(r.url) != s.url {
			t.Errorf("the page loaded %s from elsewhere", r.url)
			continue
		}
		if r.status != http.StatusOK {
			t.Errorf("%s answered %d", r.url, r.status)
			continue
		}
		body := fetch(t, r.url)
		if r.typ == network.ResourceTypeDocument {
			body = liveReloadTag.ReplaceAll(body, nil)
		}
		n := gzipSize(t, body)
		total += n
		kinds[r.typ] = true
		lines = append(lines, fmt.Sprintf("%6d %6d  %s (%s)", len(body), n, strings.TrimPrefix(r.url, s.url), r.typ))
	}
	report := fmt.Sprintf("first load of %s, bytes raw and gzip:\n\t%s\n\ttotal %d bytes gzip (budget %d)", path, strings.Join(lines, "\n\t"), total, weightBudget)
	t.Log(report)
	for _, k := range []network.ResourceType{network.ResourceTypeDocument, network.ResourceTypeStylesheet, network.ResourceTypeScript} {
		if !kinds[k] {
			t.Errorf("no %s among the page's downloads, so the sum is not the page's weight", k)
		}
	}
	if total > weightBudget {
		t.Errorf("%s", report)
	}
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func gzipSize(t *testing.T, data []byte) int {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}
