package main

// End-to-end test of the language switcher of a site in two languages,
// the fixture generator/build/testdata/languages.txtar, in a real browser.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/tools/txtar"
)

// startServeTxtar writes a site given as a txtar archive into a temporary
// folder and serves it.
func startServeTxtar(t *testing.T, archive string) *e2eServer {
	t.Helper()
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range txtar.Parse(data).Files {
		files[f.Name] = string(f.Data)
	}
	root := t.TempDir()
	writeFiles(t, root, files)
	return startServeAt(t, root)
}

// TestE2ELanguageSwitcher reads a page in German, switches to English with
// the keyboard and back with a click, and follows the switcher of a page
// not translated into German, which says so.
func TestE2ELanguageSwitcher(t *testing.T) {
	s := startServeTxtar(t, filepath.Join("..", "..", "generator", "build", "testdata", "languages.txtar"))
	tab := startBrowser(t)
	axe := axeSource(t)
	const ready = `document.readyState === "complete" && !!document.querySelector("nav.langs")`

	open(t, tab, s, "/de/docs/install/", ready)
	if lang := eval[string](t, tab, `document.documentElement.lang`); lang != "de" {
		t.Errorf("/de/docs/install/: <html lang=%q>, want de", lang)
	}
	if cur := eval[string](t, tab, `document.querySelector("nav.langs [aria-current=page]").textContent`); cur != "Deutsch" {
		t.Errorf("/de/docs/install/: the switcher marks %q as current, want Deutsch", cur)
	}
	// The switcher's style is the root's, not a copy under /de/.
	if w := eval[string](t, tab, `getComputedStyle(document.querySelector("nav.langs ul")).display`); w != "flex" {
		t.Errorf("/de/docs/install/: the switcher's list displays as %q: languages.css not applied", w)
	}
	checkAxe(t, tab, axe, "/de/docs/install/")
	checkQuiet(t, tab, "/de/docs/install/")

	// To English with the keyboard: focus the link, press Enter.
	eval[chromedp.Void](t, tab, `document.querySelector('nav.langs a[hreflang="en"]').focus()`)
	tab.do(t, "press Enter on English", chromedp.KeyEvent(kb.Enter))
	tab.waitTrue(t, "the English page opens", `location.pathname === "/docs/install/" && document.readyState === "complete" && document.documentElement.lang === "en"`)
	if h := eval[string](t, tab, `document.querySelector("h1").textContent`); h != "Install" {
		t.Errorf("after switching to English the heading is %q, want Install", h)
	}

	// Back to German with a click.
	tab.do(t, "click Deutsch", chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="de"]`)))
	tab.waitTrue(t, "the German page opens", `location.pathname === "/de/docs/install/" && document.readyState === "complete"`)

	// A page only in English: the German entry leads to it and says it
	// is not translated.
	open(t, tab, s, "/docs/only-english/", ready)
	if txt := eval[string](t, tab, `document.querySelector("nav.langs a.fallback").textContent`); txt != "Deutsch (not translated)" {
		t.Errorf("/docs/only-english/: the German entry reads %q, want Deutsch (not translated)", txt)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('link[rel=alternate][hreflang="de"]').length`); n != 0 {
		t.Errorf("/docs/only-english/: %d hreflang=de links for a page with no German translation", n)
	}
	checkAxe(t, tab, axe, "/docs/only-english/")
	checkQuiet(t, tab, "/docs/only-english/")
}
