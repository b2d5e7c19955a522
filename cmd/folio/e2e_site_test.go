package main

// End-to-end tests of how a site hangs together for a reader, in a real
// browser: tag links lead to the tag's page and on to its other pages,
// "Edit this page" leads to the page's source, Next walks the whole
// navigation in reading order across sections, and a page shown outside
// its publishing dates says so. Each page is checked with axe-core and
// with the strict Content-Security-Policy in force.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clickTo clicks the link sel and waits for the page it leads to.
func clickTo(t *testing.T, tab *e2eTab, sel string) string {
	t.Helper()
	href := eval[string](t, tab, fmt.Sprintf(`(() => { const a = document.querySelector(%q); return a ? new URL(a.href).pathname : "" })()`, sel))
	if href == "" {
		t.Fatalf("%s: no link %s", eval[string](t, tab, `location.pathname`), sel)
	}
	tab.do(t, "click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tab.waitLoaded(t, href)
	return href
}

// TestE2ESiteTags follows a page's tag to the tag's page, that page's
// list to every tag, and a tag's feed; the edit link names the source.
func TestE2ESiteTags(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	open(t, tab, s, "/docs/organizing/", `document.readyState === "complete"`)

	tags := eval[[]string](t, tab, `[...document.querySelectorAll(".pagemeta .terms a[rel=tag]")].map(a => a.textContent)`)
	if strings.Join(tags, ",") != "writing,templates" {
		t.Fatalf("/docs/organizing/ shows tags %q, want writing, templates (its front matter)", tags)
	}
	edit := eval[string](t, tab, `(document.querySelector(".pagemeta .edit a") || {}).href || ""`)
	if edit != "https://code.example.org/folio/edit/main/content/docs/organizing.md" {
		t.Errorf("Edit this page leads to %q, want the page's source under folio.toml's editURL", edit)
	}
	checkAxe(t, tab, axe, "/docs/organizing/")

	// The tag's page lists the pages with the tag, this one among them.
	clickTo(t, tab, `.pagemeta a[rel=tag][href$="/tags/writing/"]`)
	if h := eval[string](t, tab, `document.querySelector("main h1").textContent`); h != "writing" {
		t.Errorf("the tag page's heading is %q, want writing", h)
	}
	listed := eval[[]string](t, tab, `[...document.querySelectorAll("main .cards a")].map(a => new URL(a.href).pathname)`)
	for _, want := range []string{"/docs/organizing/", "/docs/writing/", "/docs/front-matter/", "/docs/shortcodes/"} {
		if !slices.Contains(listed, want) {
			t.Errorf("/tags/writing/ lists %q, want %s among them", listed, want)
		}
	}
	feed := eval[string](t, tab, `document.querySelector("link[rel=alternate][href$='/tags/writing/index.xml']") ? document.querySelector(".feedlink a").href : ""`)
	if feed != s.url+"/tags/writing/index.xml" {
		t.Errorf("the tag page's feed link is %q", feed)
	}
	if body := string(fetch(t, feed)); !strings.Contains(body, "<feed") || !strings.Contains(body, s.url+"/docs/organizing/") {
		t.Errorf("the tag's feed does not list its pages:\n%s", body)
	}
	checkAxe(t, tab, axe, "/tags/writing/")

	// The crumbs lead to every tag, each with its count.
	clickTo(t, tab, `.crumbs a[href$="/tags/"]`)
	counts := eval[map[string]string](t, tab, `Object.fromEntries([...document.querySelectorAll(".termlist li")].map(li => [li.querySelector("a").textContent, li.querySelector(".count").textContent]))`)
	if counts["writing"] != fmt.Sprintf("%d pages", len(listed)) || counts["templates"] == "" {
		t.Errorf("/tags/ shows %v, want writing with %d pages and templates", counts, len(listed))
	}
	checkAxe(t, tab, axe, "/tags/")
	sitemap := string(fetch(t, s.url+"/sitemap.xml"))
	for _, p := range []string{"/tags/", "/tags/writing/"} {
		if !strings.Contains(sitemap, "<loc>"+s.url+p+"</loc>") {
			t.Errorf("sitemap.xml lacks %s", p)
		}
	}
	checkQuiet(t, tab, "the tag pages")
}

var sitemapLoc = regexp.MustCompile(`<loc>([^<]+)</loc>`)

// TestE2ESiteReadingOrder clicks Next from the documentation's section
// page: it leads to the section's first page, then through every page
// under /docs/ once, subsections included, and on to the next section of
// the site; Previous leads back.
func TestE2ESiteReadingOrder(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	want := map[string]bool{}
	for _, m := range sitemapLoc.FindAllStringSubmatch(string(fetch(t, s.url+"/sitemap.xml")), -1) {
		if p := strings.TrimPrefix(m[1], s.url); strings.HasPrefix(p, "/docs/") && p != "/docs/" {
			want[p] = true
		}
	}
	if len(want) < 5 {
		t.Fatalf("the sitemap lists %d pages under /docs/, want the documentation", len(want))
	}
	open(t, tab, s, "/docs/", `document.readyState === "complete"`)
	first := eval[string](t, tab, `new URL(document.querySelector("main .cards a").href).pathname`)
	top := eval[[]string](t, tab, `[...document.querySelectorAll("footer nav a")].map(a => new URL(a.href).pathname)`)
	var after string
	for i, p := range top {
		if p == "/docs/" && i+1 < len(top) {
			after = top[i+1]
		}
	}
	if after == "" {
		t.Fatalf("the footer lists %v: no section after /docs/", top)
	}

	var path []string
	at := clickTo(t, tab, `.pager a[rel=next]`)
	if at != first {
		t.Errorf("Next on /docs/ leads to %s, want its first page %s", at, first)
	}
	checkAxe(t, tab, axe, at)
	for strings.HasPrefix(at, "/docs/") {
		if slices.Contains(path, at) {
			t.Fatalf("Next comes back to %s after %v", at, path)
		}
		path = append(path, at)
		if len(path) > len(want)+1 {
			t.Fatalf("Next went through %v, more pages than the %d under /docs/", path, len(want))
		}
		at = clickTo(t, tab, `.pager a[rel=next]`)
	}
	if at != after {
		t.Errorf("the last page of /docs/ (%s) leads to %s, want the next section %s", path[len(path)-1], at, after)
	}
	for p := range want {
		if !slices.Contains(path, p) {
			t.Errorf("Next from /docs/ never reaches %s (went %v)", p, path)
		}
	}
	if back := clickTo(t, tab, `.pager a[rel=prev]`); back != path[len(path)-1] {
		t.Errorf("Previous on %s leads to %s, want %s", at, back, path[len(path)-1])
	}
	checkQuiet(t, tab, "reading order")
}

// TestE2ESiteScheduled serves pages whose publishDate is to come and
// whose expiryDate is past: serve shows them, each with its banner, and
// they are in the navigation there; a build leaves them out.
func TestE2ESiteScheduled(t *testing.T) {
	future := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	root := copyExampleSite(t, map[string]string{
		"content/docs/soon.md": "---\ntitle: Coming soon\npublishDate: " + future + "\ntags: [soon]\n---\n\nNot yet.\n",
		"content/docs/gone.md": "---\ntitle: Gone away\nexpiryDate: 2020-01-01\n---\n\nNo more.\n",
	})
	s := startServeAt(t, root)
	tab := startBrowser(t)
	axe := axeSource(t)
	day, _ := time.Parse(time.DateOnly, future)
	for _, c := range []struct{ path, banner string }{
		{"/docs/soon/", "Scheduled for " + day.Format("January 2, 2006")},
		{"/docs/gone/", "Expired on January 1, 2020"},
	} {
		open(t, tab, s, c.path, `document.readyState === "complete"`)
		got := eval[string](t, tab, `(document.querySelector("main .schedule[role=note] strong") || {}).textContent || ""`)
		if got != c.banner {
			t.Errorf("%s: banner %q, want %q", c.path, got, c.banner)
		}
		if !eval[bool](t, tab, `(() => { const r = document.querySelector("main .schedule").getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`) {
			t.Errorf("%s: the banner is not visible", c.path)
		}
		checkAxe(t, tab, axe, c.path)
	}
	checkQuiet(t, tab, "scheduled pages")

	out := filepath.Join(t.TempDir(), "public")
	if err := run(t.Context(), []string{"build", "-root", root, "-out", out, "-quiet", "-no-cache"}, &strings.Builder{}, &strings.Builder{}); err != nil {
		t.Fatalf("build: %v", err)
	}
	for _, p := range []string{"docs/soon/index.html", "docs/gone/index.html", "tags/soon/index.html"} {
		if _, err := os.Stat(filepath.Join(out, p)); err == nil {
			t.Errorf("build wrote %s, which is outside its publishing dates", p)
		}
	}
}
