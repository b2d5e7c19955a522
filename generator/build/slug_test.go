package build

import (
	"encoding/json"
	"html"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// newSinceFixtures lists, by fixture, the characters that were unassigned
// in Unicode 13, with which GitHub made github-slugger's fixtures, and that
// Go's tables (Unicode 15.0) know as letters: GitHub's ids drop them, ours
// keep them. Every other id equals GitHub's, character for character.
var newSinceFixtures = map[string][]rune{
	// CJK Unified Ideographs Extension H (U+31350..U+323AF), new in
	// Unicode 15.0; the fixture samples two of its code points.
	"Unassigned": {0x3174F, 0x31F7B},
}

// TestGitHubSlugs builds github-slugger's fixtures, made from GitHub
// itself, as the headings of one page in order, and holds every id the
// build gives them to GitHub's, but for the characters newSinceFixtures
// names, which must be exactly the difference.
func TestGitHubSlugs(t *testing.T) {
	data, err := os.ReadFile("testdata/github-slugger/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []struct {
		Name              string
		Input             string
		MarkdownOverwrite string
		Expected          string
	}
	if err := json.Unmarshal(data, &fixtures); err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	page.WriteString("---\ntitle: Slugs\n---\n")
	for _, f := range fixtures {
		md := f.MarkdownOverwrite
		if md == "" {
			// The fixtures' input is the heading's text: its ASCII
			// punctuation is escaped, so __proto__ stays text.
			md = "## " + escapePunct(f.Input)
		}
		page.WriteString(md + "\n\n")
	}
	site := "-- content/index.md --\n---\ntitle: Home\n---\n-- content/slugs.md --\n" + page.String()
	out, _, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	body := string(out.Files["slugs/index.html"])
	var ids []string
	for _, m := range regexp.MustCompile(`<h[1-6] id="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, html.UnescapeString(m[1]))
	}
	// The layout's own title heading has no id; every body heading has one.
	if len(ids) != len(fixtures) {
		t.Fatalf("%d heading ids in the page, want %d", len(ids), len(fixtures))
	}
	match, differ := 0, 0
	for i, f := range fixtures {
		newer, known := newSinceFixtures[f.Name]
		switch {
		case ids[i] == f.Expected && !known:
			match++
		case known && withoutRunes(ids[i], newer) == f.Expected && holdsAll(ids[i], newer):
			differ++
			t.Logf("%s: GitHub's id without %U, letters since Unicode 13", f.Name, newer)
		case known:
			t.Errorf("%s: id %q, want GitHub's %q with exactly %U kept (Go's tables are Unicode %s)", f.Name, ids[i], f.Expected, newer, unicode.Version)
		default:
			t.Errorf("%s: id %q, GitHub's is %q (Go's tables are Unicode %s)", f.Name, ids[i], f.Expected, unicode.Version)
		}
	}
	if differ != len(newSinceFixtures) {
		t.Errorf("%d fixtures differ by newer characters, newSinceFixtures names %d", differ, len(newSinceFixtures))
	}
	t.Logf("%d of %d ids equal GitHub's; %d differs only by characters newer than the fixtures", match, len(fixtures), differ)
}

func escapePunct(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && unicode.IsPunct(r) || r < 0x80 && unicode.IsSymbol(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// withoutRunes is id with every rune of drop removed.
func withoutRunes(id string, drop []rune) string {
	return strings.Map(func(r rune) rune {
		if slices.Contains(drop, r) {
			return -1
		}
		return r
	}, id)
}

// holdsAll reports whether id holds every rune of want.
func holdsAll(id string, want []rune) bool {
	for _, r := range want {
		if !strings.ContainsRune(id, r) {
			return false
		}
	}
	return true
}

// TestCustomHeadingIDs: ## Title {#my-id} gives the heading that id,
// links to it are checked, and a generated id steps around it.
func TestCustomHeadingIDs(t *testing.T) {
	site := "-- content/a.md --\n## Title {#my-id}\n\n## my-id\n\n## Plain\n\n[x](#my-id) [y](#my-id-1) [z](#plain)\n"
	out, _, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["a/index.html"])
	for _, want := range []string{`<h2 id="my-id">Title<a`, `<h2 id="my-id-1">my-id<a`, `<h2 id="plain">`} {
		if !strings.Contains(page, want) {
			t.Errorf("no %s in:\n%s", want, page)
		}
	}
	_, _, err = buildSite(t, "-- content/a.md --\n## Title {#my-id}\n\n[x](#title)\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "#title") {
		t.Errorf("a link to the id the custom one replaced: error %v, want a broken link", err)
	}
}

// TestInfoStringUnescaped: a backslash escape in a fence's info string is
// markdown's, gone from data-lang.
func TestInfoStringUnescaped(t *testing.T) {
	out, _, err := buildSite(t, "-- content/a.md --\n```foo\\+bar\nx\n```\n", Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["a/index.html"])
	if !strings.Contains(page, `data-lang="foo+bar"`) {
		t.Errorf("data-lang not unescaped:\n%s", page)
	}
}

// TestPageBesideFolder: docs/x.md beside a folder docs/x/ without an index
// page is the folder's page; with an index page too, the two are a
// collision naming both files.
func TestPageBesideFolder(t *testing.T) {
	site := "-- content/index.md --\n---\ntitle: Home\n---\n" +
		"-- content/docs/x.markdown --\n---\ntitle: X\n---\nAbout x.\n" +
		"-- content/docs/x/a.md --\n---\ntitle: A\n---\nSee [x](../x.markdown).\n"
	out, res, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["docs/x/index.html"])
	if !strings.Contains(page, "About x.") {
		t.Errorf("docs/x/ is not made from x.markdown:\n%s", page)
	}
	if !strings.Contains(page, "<li>A</li>") {
		t.Errorf("the folder's page does not list its page a:\n%s", page)
	}
	if _, ok := out.Files["docs/x/a/index.html"]; !ok {
		t.Errorf("no docs/x/a/ (warnings %v)", res.Warnings)
	}
	site += "-- content/docs/x/index.md --\n---\ntitle: X again\n---\n"
	_, _, err = buildSite(t, site, Options{})
	if err == nil || !strings.Contains(err.Error(), "content/docs/x/index.md") || !strings.Contains(err.Error(), "content/docs/x.markdown") {
		t.Errorf("two sources for /docs/x/: error %v, want one naming both files", err)
	}
}

// TestJekyllFrontMatter: permalink, redirect_from, published: false,
// sitemap: false, and a layout the site does not have, warned about once
// per name while Folio's own layouts keep working.
func TestJekyllFrontMatter(t *testing.T) {
	site := "-- content/index.md --\n---\ntitle: Home\n---\n" +
		"-- content/a.md --\n---\ntitle: A\nlayout: post\npermalink: /about/\nredirect_from:\n  - /old-about/\nsitemap: false\n---\nA.\n" +
		"-- content/b.md --\n---\ntitle: B\nlayout: post\n---\nB.\n" +
		"-- content/c.md --\n---\ntitle: C\npublished: false\n---\nC.\n" +
		"-- content/d.md --\n---\ntitle: D\nlayout: page\n---\nD.\n"
	out, res, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	if _, ok := out.Files["about/index.html"]; !ok {
		t.Error("permalink /about/ not used")
	}
	if !strings.Contains(string(out.Files["old-about/index.html"]), "/about/") {
		t.Error("redirect_from /old-about/ does not redirect to /about/")
	}
	if _, ok := out.Files["c/index.html"]; ok {
		t.Error("published: false page was published")
	}
	sitemap := string(out.Files["sitemap.xml"])
	if strings.Contains(sitemap, "/about/") || !strings.Contains(sitemap, "/b/") {
		t.Errorf("sitemap: false not honoured:\n%s", sitemap)
	}
	var layoutWarns []string
	for _, w := range res.Warnings {
		if strings.Contains(w, "layout") {
			layoutWarns = append(layoutWarns, w)
		}
	}
	if len(layoutWarns) != 1 || !strings.HasPrefix(layoutWarns[0], "content/a.md:3: layout \"post\"") {
		t.Errorf("layout warnings %q, want one for post naming content/a.md:3", layoutWarns)
	}
	_, _, err = buildSite(t, "-- content/a.md --\n---\npermalink: /x/\n---\n-- content/b.md --\n---\nurl: /x/\n---\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "content/b.md") || !strings.Contains(err.Error(), "content/a.md") {
		t.Errorf("two pages with one URL: error %v, want one naming both", err)
	}
}

// TestLiquidWarned: Liquid left in a page is warned about by file and
// line, not inside code, and the result counts the pages that hold it.
func TestLiquidWarned(t *testing.T) {
	site := "-- content/index.md --\n---\ntitle: Home\n---\nNo Liquid: {{ name }}, 50%} and {x}.\n" +
		"-- content/a.md --\n---\ntitle: A\n---\nIntro.\n\n{% include note.html %}\n\nBy {{ site.author }}, `{% raw %}` in code.\n\n```\n{{ page.title }}\n```\n" +
		"-- content/b.md --\n---\ntitle: B\n---\n    {% indented code %}\n\nOn {{ page.date }}.\n"
	_, res, err := buildSite(t, site, Options{})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	var got []string
	for _, w := range res.Warnings {
		if strings.Contains(w, "Liquid") {
			got = append(got, w[:strings.Index(w, " Liquid")])
		}
	}
	want := []string{"content/a.md:6:", "content/a.md:8:", "content/b.md:6:"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Liquid warnings at %q, want %q (all: %q)", got, want, res.Warnings)
	}
	if res.LiquidPages != 2 {
		t.Errorf("LiquidPages = %d, want 2", res.LiquidPages)
	}
}
