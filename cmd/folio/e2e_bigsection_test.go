package main

// End-to-end test of a big section in a real browser: the sidebar of one
// of its pages shows the entries around the page and a link to the
// section's index, both reached with the keyboard alone; the index's
// group links lead to the group's heading on the right page of the
// index; its filter box finds entries of all its pages; and every page is
// axe-clean under the strict CSP.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/bench/sitegen"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabTo presses Tab until the focused element matches the CSS selector,
// at most max times, and returns how many presses it took.
func tabTo(t *testing.T, tab *e2eTab, selector string, max int) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		tab.do(t, "press Tab", chromedp.KeyEvent(kb.Tab))
		if eval[bool](t, tab, fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, selector)) {
			return i
		}
	}
	t.Fatalf("%d presses of Tab did not reach %s; the focus is on %s", max, selector, eval[string](t, tab, `document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : "nothing"`))
	return 0
}

func TestE2EBigSection(t *testing.T) {
	root := t.TempDir()
	const n = 240
	if err := sitegen.GenerateBigSection(root, n); err != nil {
		t.Fatal(err)
	}
	// Pages of 100 entries, so the index has three.
	f, err := os.OpenFile(filepath.Join(root, "folio.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("[nav]\nindexPageSize = 100\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	s := startServeAt(t, root)
	tab := startBrowser(t)
	axe := axeSource(t)
	shots := shotDir(t)

	// Lobaba: in the middle of the section's title order.
	page := sitegen.BigPageURL(8)
	open(t, tab, s, page, `document.readyState === "complete"`)
	facts := eval[map[string]any](t, tab, `(() => {
		const list = document.querySelector("nav.side a[aria-current=page]").closest("ul");
		return {
			current: document.querySelector("nav.side [aria-current=page]").getAttribute("href"),
			links: list.querySelectorAll(":scope > li > a").length,
			gaps: list.querySelectorAll(":scope > li.gap[aria-hidden=true]").length,
			all: list.querySelector(":scope > li.all a").textContent,
		};
	})()`)
	t.Logf("sidebar of %s: %v", page, facts)
	if facts["current"] != page {
		t.Errorf("the sidebar marks %v as the current page, want %s", facts["current"], page)
	}
	// The first, five on each side, the page, the last and the index.
	if got := facts["links"].(float64); got != 14 {
		t.Errorf("the big section's list in the sidebar has %v links, want 14", got)
	}
	if facts["gaps"].(float64) != 2 || facts["all"] != fmt.Sprintf("All %d in Integrations", n) {
		t.Errorf("sidebar gaps %v and index link %q, want 2 and %q", facts["gaps"], facts["all"], fmt.Sprintf("All %d in Integrations", n))
	}
	checkQuiet(t, tab, page)
	checkAxe(t, tab, axe, page)
	tab.screenshot(t, shots, "bigsection-page")

	// From the top of the page, the index is a few presses of Tab away:
	// the sidebar holds the neighbourhood, not the whole section.
	eval[chromedp.Void](t, tab, `document.activeElement && document.activeElement.blur()`)
	presses := tabTo(t, tab, `nav.side li.all a`, 30)
	t.Logf("the index link is %d presses of Tab from the top", presses)
	tab.do(t, "press Enter", chromedp.KeyEvent(kb.Enter))
	tab.waitTrue(t, "the index opens", `location.pathname === "/integrations/" && !!document.querySelector("section.index") && document.readyState === "complete"`)
	index := eval[map[string]any](t, tab, `(() => ({
		entries: document.querySelectorAll("section.index ul.entries a").length,
		pages: [...document.querySelectorAll("nav.index-pages a")].map(a => a.getAttribute("href") + (a.getAttribute("aria-current") ? "*" : "")).join(" "),
		jumps: document.querySelectorAll("nav.jump a").length,
	}))()`)
	t.Logf("index: %v", index)
	if index["entries"].(float64) != 100 || index["pages"] != "/integrations/* /integrations/page/2/ /integrations/page/3/" {
		t.Errorf("the index's first page lists %v entries and links pages %q, want 100 and three pages, the first current", index["entries"], index["pages"])
	}
	checkQuiet(t, tab, "/integrations/")
	checkAxe(t, tab, axe, "/integrations/")
	tab.screenshot(t, shots, "bigsection-index")

	// The last group starts on the last page: its link opens that page at
	// the group's heading.
	tab.do(t, "focus the last group's link", chromedp.Focus(chromedp.CSS(`nav.jump li:last-child a`)))
	tab.do(t, "press Enter", chromedp.KeyEvent(kb.Enter))
	tab.waitTrue(t, "the last index page opens at the group", `location.pathname === "/integrations/page/3/" && !!document.querySelector("h3:target") && document.readyState === "complete"`)
	group := eval[map[string]any](t, tab, `(() => {
		const h = document.querySelector("h3:target"), box = h.getBoundingClientRect();
		const first = h.nextElementSibling.querySelector("a");
		return {name: h.textContent, top: box.top, bottom: box.bottom, height: innerHeight, first: first.textContent};
	})()`)
	t.Logf("group: %v", group)
	if !strings.HasPrefix(group["first"].(string), group["name"].(string)) {
		t.Errorf("group %q starts with %q", group["name"], group["first"])
	}
	if top := group["top"].(float64); top < 0 || group["bottom"].(float64) > group["height"].(float64) {
		t.Errorf("the group's heading is at %v..%v px, out of the window of %v", top, group["bottom"], group["height"])
	}
	checkQuiet(t, tab, "/integrations/page/3/")
	checkAxe(t, tab, axe, "/integrations/page/3/")

	// The filter box finds entries on every page of the index: the names
	// whose second syllable is "je" (pages 120 to 139) begin with every
	// letter, so they are spread over all three pages.
	if !eval[bool](t, tab, `!document.querySelector(".index-filter").hidden`) {
		t.Fatal("filter.js did not show the filter box")
	}
	tab.do(t, "type in the filter box", chromedp.SendKeys(chromedp.CSS("#index-q"), "jeba"))
	tab.waitTrue(t, "the filter's count", `document.querySelector(".index-count").textContent !== ""`)
	filter := eval[map[string]any](t, tab, `(() => ({
		status: document.querySelector(".index-count").textContent,
		found: [...document.querySelectorAll(".index-filter li a")].map(a => a.getAttribute("href")).sort().join(" "),
		listHidden: [...document.querySelectorAll("section.index > ul.entries")].every(u => u.hidden && u.offsetParent === null),
	}))()`)
	var want []string
	for i := range n {
		if strings.Contains(strings.ToLower(sitegen.BigName(i)), "jeba") {
			want = append(want, sitegen.BigPageURL(i))
		}
	}
	if filter["status"] != fmt.Sprintf("%d entries match.", len(want)) || filter["found"] != strings.Join(want, " ") || filter["listHidden"] != true {
		t.Errorf("filtering by \"jeba\": %v, want the %d pages %v in place of the list", filter, len(want), want)
	}
	checkQuiet(t, tab, "/integrations/page/3/ filtered")
	checkAxe(t, tab, axe, "/integrations/page/3/ filtered")
	tab.screenshot(t, shots, "bigsection-filter")
}
