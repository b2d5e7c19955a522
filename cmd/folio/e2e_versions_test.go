package main

// End-to-end test of the version switcher of a site in three versions
// and two languages, the fixture generator/build/testdata/versions.txtar,
// in a real browser.

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestE2EVersionSwitcher reads a page of the latest version, switches to
// an old version with the keyboard, which keeps the page and shows the
// banner, searches within that version, goes back to the latest with the
// banner's link, and follows the switcher of a page the latest lacks.
func TestE2EVersionSwitcher(t *testing.T) {
	s := startServeTxtar(t, filepath.Join("..", "..", "generator", "build", "testdata", "versions.txtar"))
	tab := startBrowser(t)
	axe := axeSource(t)
	const ready = `document.readyState === "complete" && !!document.querySelector("nav.versions")`

	open(t, tab, s, "/docs/install/", ready)
	if cur := eval[string](t, tab, `document.querySelector("nav.versions [aria-current=page]").textContent`); cur != "2.0" {
		t.Errorf("/docs/install/: the switcher marks %q as current, want 2.0", cur)
	}
	if n := eval[int](t, tab, `document.querySelectorAll(".version-banner, meta[name=robots]").length`); n != 0 {
		t.Errorf("/docs/install/: %d banners or robots tags on the latest version", n)
	}
	if d := eval[string](t, tab, `getComputedStyle(document.querySelector("nav.versions ul")).display`); d != "flex" {
		t.Errorf("/docs/install/: the switcher's list displays as %q: versions.css not applied", d)
	}
	checkAxe(t, tab, axe, "/docs/install/")
	checkQuiet(t, tab, "/docs/install/")

	// To 1.1 with the keyboard: the same page, in 1.1, with a banner.
	eval[chromedp.Void](t, tab, `document.querySelector('nav.versions a[data-version="1.1"]').focus()`)
	tab.do(t, "press Enter on 1.1", chromedp.KeyEvent(kb.Enter))
	tab.waitTrue(t, "the page in 1.1 opens", `location.pathname === "/1.1/docs/install/" && document.readyState === "complete" && !!document.querySelector(".version-banner")`)
	if b := eval[string](t, tab, `document.querySelector(".version-banner").textContent`); b != "You are reading the docs for 1.1. The newest is 2.0." {
		t.Errorf("/1.1/docs/install/: the banner reads %q", b)
	}
	if r := eval[string](t, tab, `document.querySelector("meta[name=robots]").content`); r != "noindex" {
		t.Errorf("/1.1/docs/install/: robots %q, want noindex", r)
	}
	if c := eval[string](t, tab, `new URL(document.querySelector("link[rel=canonical]").href).pathname`); c != "/docs/install/" {
		t.Errorf("/1.1/docs/install/: canonical %q, want the latest's page", c)
	}
	checkAxe(t, tab, axe, "/1.1/docs/install/")
	checkQuiet(t, tab, "/1.1/docs/install/")

	// Search finds the pages of the version being read.
	typeQuery(t, tab, "guide")
	links := eval[[]string](t, tab, `[...document.querySelectorAll("#search-results a")].map(a => a.getAttribute("href"))`)
	if len(links) == 0 {
		t.Fatalf("/1.1/docs/install/: no results for guide")
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "/1.1/") {
			t.Errorf("/1.1/docs/install/: a search result leads to %s, outside 1.1", l)
		}
	}
	tab.do(t, "close the search", chromedp.KeyEvent(kb.Escape))

	// Back to the latest with a click on the banner's link.
	tab.do(t, "click the banner's link", chromedp.Click(chromedp.CSS(`.version-banner a`)))
	tab.waitTrue(t, "the latest page opens", `location.pathname === "/docs/install/" && document.readyState === "complete"`)

	// A page 2.0 does not have: the 2.0 entry leads to its home page and
	// says so.
	open(t, tab, s, "/1.1/docs/old/", ready)
	if txt := eval[string](t, tab, `document.querySelector("nav.versions a.missing").textContent`); txt != "2.0 (not in this version)" {
		t.Errorf("/1.1/docs/old/: the 2.0 entry reads %q", txt)
	}
	tab.do(t, "click 2.0", chromedp.Click(chromedp.CSS(`nav.versions a.missing`)))
	tab.waitTrue(t, "the latest home page opens", `location.pathname === "/" && document.readyState === "complete"`)

	// The German page keeps its language across versions.
	open(t, tab, s, "/de/docs/install/", ready)
	tab.do(t, "click 1.0", chromedp.Click(chromedp.CSS(`nav.versions a[data-version="1.0"]`)))
	tab.waitTrue(t, "the German page of 1.0 opens", `location.pathname === "/1.0/de/docs/install/" && document.readyState === "complete" && document.documentElement.lang === "de"`)
	checkAxe(t, tab, axe, "/1.0/de/docs/install/")
}
