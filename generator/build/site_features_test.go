package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/generator"
	"folio/generator/output"
	"folio/themes"
)

// TestTaxonomyGolden builds a site with two taxonomies and compares the
// taxonomy and term pages, their feeds and the sitemap byte for byte.
func TestTaxonomyGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/taxonomy.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := buildSite(t, string(data), Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	keep := &output.MapOutput{}
	for name, data := range out.Files {
		if strings.HasPrefix(name, "tags/") || strings.HasPrefix(name, "categories/") || name == "sitemap.xml" {
			_ = keep.WriteFile(name, data)
		}
	}
	golden(t, "taxonomy.golden", archive(keep))
}

// buildDefault builds a site given as txtar with the default theme,
// unminified, so tests read the theme's real markup.
func buildDefault(t *testing.T, site string, opts Options) (*output.MapOutput, error) {
	t.Helper()
	opts.Theme = themes.DefaultFS()
	opts.NoMinify = true
	out, _, err := buildSite(t, site, opts)
	return out, err
}

func wantIn(t *testing.T, out *output.MapOutput, name string, wants ...string) {
	t.Helper()
	page, ok := out.Files[name]
	if !ok {
		t.Errorf("%s was not written", name)
		return
	}
	for _, w := range wants {
		if !strings.Contains(string(page), w) {
			t.Errorf("%s lacks %q", name, w)
		}
	}
}

func wantNotIn(t *testing.T, out *output.MapOutput, name string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(string(out.Files[name]), n) {
			t.Errorf("%s holds %q", name, n)
		}
	}
}

// TestTaxonomyDefaultTheme checks what readers see of tags with the
// default theme: links on the page, the list with counts, the term page
// with its pages and feed.
func TestTaxonomyDefaultTheme(t *testing.T) {
	data, err := os.ReadFile("testdata/taxonomy.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, err := buildDefault(t, string(data), Options{})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	wantIn(t, out, "docs/install/index.html",
		`<span>Tags:</span> <a href="/tags/getting-started/" rel="tag">Getting Started</a>, <a href="/tags/security/" rel="tag">security</a>`,
		`<span>Categories:</span> <a href="/categories/guide/" rel="tag">guide</a>`)
	wantNotIn(t, out, "docs/faq/index.html", `class="terms"`)
	wantIn(t, out, "tags/index.html", `<a href="/tags/getting-started/">Getting Started</a> <span class="count">2 pages</span>`,
		`<a href="/tags/security/">security</a> <span class="count">1 page</span>`)
	wantIn(t, out, "tags/getting-started/index.html", "<h1>Getting Started</h1>", `href="/docs/upgrade/"`, `href="/docs/install/"`,
		`<link rel="alternate" type="application/atom+xml" title="Getting Started · Tagged" href="/tags/getting-started/index.xml">`)
	wantIn(t, out, "tags/getting-started/index.xml", "<title>Upgrade</title>", "<title>Install</title>")
	// Newest first.
	feed := string(out.Files["tags/getting-started/index.xml"])
	if strings.Index(feed, "Upgrade") > strings.Index(feed, "Install") {
		t.Errorf("term feed is not newest first:\n%s", feed)
	}
	// Term pages are not in the search index or the navigation.
	if strings.Contains(string(out.Files["search/index.json"]), "Getting Started") {
		t.Errorf("the search index lists a term page")
	}
	wantNotIn(t, out, "docs/faq/index.html", `href="/tags/"`)
}

// TestTaxonomyErrors checks that a tag that is not text, or that makes no
// address, names the file and line, and that a page at a taxonomy's URL
// is refused.
func TestTaxonomyErrors(t *testing.T) {
	for _, c := range []struct{ name, site, want string }{
		{"table", "-- content/a.md --\n---\ntitle: A\ntags:\n  x: 1\n---\nA.\n", "content/a.md:3: front matter: tags: want a name or a list of names, got a table"},
		{"no letters", "-- content/a.md --\n---\ntitle: A\ntags: [\"--\"]\n---\nA.\n", `content/a.md:3: front matter: tags: "--" has no letter or digit`},
		{"taken", "-- content/a.md --\n---\ntags: [x]\n---\nA.\n-- content/tags/_index.md --\nTags.\n", `content/tags/_index.md:1: URL /tags/ is the page of the taxonomy "tags"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := buildSite(t, c.site, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Build() = %v, want %q", err, c.want)
			}
		})
	}
}

const scheduledSite = `-- folio.toml --
title = "Sched"
baseURL = "https://example.org/"
timezone = "Europe/Berlin"
-- content/_index.md --
Home.
-- content/docs/now.md --
---
title: Now
date: 2026-05-01
tags: [t]
---
Now.
-- content/docs/soon.md --
---
title: Soon
date: 2026-06-02
publishDate: 2026-06-02
tags: [t]
---
Soon.
-- content/docs/gone.md --
---
title: Gone
date: 2026-01-01
expiryDate: 2026-06-01
tags: [t]
---
Gone.
`

// TestScheduling builds the same site at three moments: a page shows
// from its publishDate (midnight in the site's zone) and is gone from its
// expiryDate on, from every list; -future and -expired bring them back
// with a banner.
func TestScheduling(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	at := func(s string) func() time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return func() time.Time { return tm }
	}
	lists := []string{"sitemap.xml", "index.xml", "search/index.json", "tags/t/index.html", "tags/t/index.xml", "docs/index.html", "docs/now/index.html"}
	for _, c := range []struct {
		now                 string
		future, expired     bool
		soon, gone          bool   // the pages are built
		soonBanner, goneBan string // their banners, "" for none
	}{
		{now: "2026-05-31 23:59", gone: true},
		{now: "2026-06-01 00:00"},
		{now: "2026-06-02 00:00", soon: true},
		{now: "2026-05-31 12:00", future: true, expired: true, soon: true, gone: true, soonBanner: "Scheduled for June 2, 2026"},
		{now: "2026-06-01 12:00", future: true, expired: true, soon: true, gone: true, soonBanner: "Scheduled for June 2, 2026", goneBan: "Expired on June 1, 2026"},
	} {
		out, err := buildDefault(t, scheduledSite, Options{Now: at(c.now), Future: c.future, Expired: c.expired})
		if err != nil {
			t.Fatalf("at %s: Build() = %v", c.now, err)
		}
		for _, pg := range []struct {
			path, title, banner string
			built               bool
		}{{"docs/soon/", "Soon", c.soonBanner, c.soon}, {"docs/gone/", "Gone", c.goneBan, c.gone}} {
			_, ok := out.Files[pg.path+"index.html"]
			if ok != pg.built {
				t.Errorf("at %s (future %v, expired %v): %s built = %v, want %v", c.now, c.future, c.expired, pg.path, ok, pg.built)
			}
			for _, name := range lists {
				if got := strings.Contains(string(out.Files[name]), "/"+pg.path); got != pg.built {
					t.Errorf("at %s: %s lists %s = %v, want %v", c.now, name, pg.path, got, pg.built)
				}
			}
			if pg.banner != "" {
				wantIn(t, out, pg.path+"index.html", `<p class="schedule" role="note"><strong>`+pg.banner+`</strong>`)
			} else if ok {
				wantNotIn(t, out, pg.path+"index.html", `class="schedule"`)
			}
		}
	}
}

// TestScheduledLink names why a link to a page that is not published yet
// is broken.
func TestScheduledLink(t *testing.T) {
	site := "-- content/a.md --\nSee [b](b.md).\n-- content/b.md --\n---\npublishDate: 2999-01-01\n---\nB.\n"
	_, _, err := buildSite(t, site, Options{})
	if err == nil || !strings.Contains(err.Error(), "content/a.md:1: broken link b.md: the page is not published: its publishDate is still to come") {
		t.Errorf("Build() = %v", err)
	}
}

// TestDataFiles reads data files of every format, in folders, into
// .Site.Data for layouts and shortcodes, next to the caller's data, and
// leaves the analytics database beside them alone.
func TestDataFiles(t *testing.T) {
	site := `-- content/_index.md --
Home.
-- content/team.md --
---
layout: team
---
Lead: {{< lead >}}.
-- layouts/team.html --
{{ define "main" }}<ul>{{ range .Site.Data.team.people }}<li>{{ .name }}</li>{{ end }}</ul><p class="v">{{ .Site.Data.api.v2.version }} {{ .Site.Data.api.v1.version }} {{ index .Site.Data "release-notes" "latest" }} {{ .Site.Data.counter }} {{ .Site.Data.api.v2.downloads }}</p>{{ .Content }}{{ end }}
-- layouts/shortcodes/lead.html --
{{ (index .Page.Site.Data.team.people 0).name }}
-- data/team.yaml --
people:
  - name: Ada
  - name: Grace
-- data/api/v2.json --
{"version": "2.1", "downloads": 1000000}
-- data/api/v1.toml --
version = "1.9"
-- data/release-notes.yml --
latest: "0.4"
-- data/analytics.db --
SQLite format 3 (not data)
-- data/analytics.db-wal --
binary
-- data/_draft.yaml --
: not: read
`
	out, _, err := buildSite(t, site, Options{Data: map[string]any{"counter": 7}})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	wantIn(t, out, "team/index.html", "<li>Ada</li><li>Grace</li>", `<p class="v">2.1 1.9 0.4 7 1000000</p>`, "Lead: Ada.")
}

// TestDataFileErrors names the file and line of each mistake.
func TestDataFileErrors(t *testing.T) {
	for _, c := range []struct{ name, files, want string }{
		{"yaml", "-- data/a.yaml --\nx: 1\ny: [1, 2\nz: 3\n", "data/a.yaml:"},
		{"yaml line", "-- data/a.yaml --\nx: 1\n  y: 2\n", "data/a.yaml:2: mapping values are not allowed in this context"},
		{"toml", "-- data/a.toml --\nx = 1\ny = \n", "data/a.toml:2: "},
		{"json", "-- data/a.json --\n{\n\"x\": 1,\n}\n", "data/a.json:3: "},
		{"two values", "-- data/a.json --\n{}\n{}\n", "data/a.json:2: more than one JSON value"},
		{"clash", "-- data/a.yaml --\nx: 1\n-- data/a.json --\n{}\n", "data/a.yaml: .Site.Data.a is also the data of data/a.json"},
		{"folder clash", "-- data/a.yaml --\nx: 1\n-- data/a/b.json --\n{}\n", ".Site.Data.a is also the data of"},
		{"given", "-- data/counter.toml --\nx = 1\n", "data/counter: .Site.Data.counter is given by the folio command"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := buildSite(t, "-- content/_index.md --\nHome.\n"+c.files, Options{Data: map[string]any{"counter": 1}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Build() = %v, want %q", err, c.want)
			}
		})
	}
	// Reported with the content's own mistakes.
	_, _, err := buildSite(t, "-- content/a.md --\n---\ndate: soon\n---\n-- data/a.yaml --\n[\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "content/a.md:2") || !strings.Contains(err.Error(), "data/a.yaml:") {
		t.Errorf("Build() = %v, want the errors of content/a.md and data/a.yaml together", err)
	}
	big := "-- content/_index.md --\nHome.\n-- data/big.json --\n\"" + strings.Repeat("x", 1<<20) + "\"\n"
	if _, _, err := buildSite(t, big, Options{}); err == nil || !strings.Contains(err.Error(), "data/big.json") {
		t.Errorf("Build() of a data file over the limit = %v, want an error naming it", err)
	}
}

// TestEditURL links every page made from a file to its source, and no
// generated page.
func TestEditURL(t *testing.T) {
	site := `-- folio.toml --
title = "Edit"
editURL = "https://github.com/o/r/edit/main/site"
-- content/_index.md --
Home.
-- content/docs/My Page.md --
---
tags: [x]
---
Text.
`
	out, err := buildDefault(t, site, Options{})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	wantIn(t, out, "docs/My-Page/index.html", `<p class="edit"><a href="https://github.com/o/r/edit/main/site/content/docs/My%20Page.md">Edit this page</a></p>`)
	for _, name := range []string{"tags/index.html", "tags/x/index.html", "docs/index.html"} {
		wantNotIn(t, out, name, "Edit this page")
	}
	if _, _, err := buildSite(t, "-- folio.toml --\neditURL = \"github.com/o/r\"\n", Options{}); err == nil || !strings.Contains(err.Error(), "folio.toml:1: editURL") {
		t.Errorf("Build() with a relative editURL = %v, want folio.toml:1", err)
	}
}

// TestReadingOrder follows Next from the home page through every page of
// a nested site and back with Prev: sections lead into their first page,
// and a section's last page leads on to the next section.
func TestReadingOrder(t *testing.T) {
	site := `-- content/_index.md --
Home.
-- content/intro.md --
---
weight: 1
---
I.
-- content/guide/_index.md --
---
weight: 2
---
G.
-- content/guide/a.md --
---
weight: 1
---
A.
-- content/guide/deep/_index.md --
---
weight: 2
---
D.
-- content/guide/deep/x.md --
X.
-- content/guide/z.md --
---
weight: 3
---
Z.
-- content/ref/_index.md --
---
weight: 3
---
R.
-- content/ref/api.md --
API.
`
	b, err := newBuilder(Options{FS: txtarFS(t, []byte(site)), Theme: testTheme(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.load(); err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/intro/", "/guide/", "/guide/a/", "/guide/deep/", "/guide/deep/x/", "/guide/z/", "/ref/", "/ref/api/"}
	var got []string
	var last *generator.Page
	for p := b.Home; p != nil; p = p.Next {
		got = append(got, p.Path)
		last = p
		if len(got) > len(want) {
			break
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("reading order by Next = %v, want %v", got, want)
	}
	var back []string
	for p := last; p != nil; p = p.Prev {
		back = append([]string{p.Path}, back...)
		if len(back) > len(want) {
			break
		}
	}
	if strings.Join(back, " ") != strings.Join(want, " ") {
		t.Errorf("reading order by Prev = %v, want %v", back, want)
	}
}

// TestScheduleDateErrors names the line of a publishDate or expiryDate
// that is not a date, as written.
func TestScheduleDateErrors(t *testing.T) {
	site := "-- content/a.md --\n---\ntitle: A\npublishDate: soon\nexpiryDate: [1]\n---\nA.\n"
	_, _, err := buildSite(t, site, Options{})
	for _, want := range []string{`content/a.md:3: front matter: publishDate: cannot read "soon" as a date`, "content/a.md:4: front matter: expiryDate: want a date"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Build() = %v, want %q", err, want)
		}
	}
}

// TestWarmBuildSiteFeatures edits what a cached page shows of other pages
// beyond its own section: the last page of the section before (its Prev),
// the written name of a tag it shares, a data file. A warm build matches a
// cold one each time.
func TestWarmBuildSiteFeatures(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"folio.toml":          "title = \"Warm\"\n",
		"content/_index.md":   "Home.\n",
		"content/a/_index.md": "---\ntitle: A\nweight: 1\n---\nA.\n",
		"content/a/last.md":   "---\ntitle: Last of A\ntags: [shared]\n---\nText.\n",
		"content/b/_index.md": "---\ntitle: B\nweight: 2\n---\nB.\n",
		"content/b/first.md":  "---\ntitle: First of B\n---\nText.\n",
		"content/b/tagged.md": "---\ntitle: Tagged\ntags: [shared]\n---\nText.\n",
		"layouts/page.html":   "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<p class=\"v\">{{ .Site.Data.v.n }}</p>{{ range .Terms }}{{ range .Terms }}<a rel=\"tag\">{{ .Title }}</a>{{ end }}{{ end }}{{ end }}",
		"data/v.toml":         "n = 1\n",
	})
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	for _, edit := range []struct {
		file, text, page, want string
	}{
		// The section after /a/ leads back to the renamed last page of A.
		{"content/a/last.md", "---\ntitle: End of A\ntags: [shared]\n---\nText.\n", "b/index.html", "End of A"},
		// The tag is named as the first page (by address) writes it.
		{"content/a/last.md", "---\ntitle: End of A\ntags: [Shared]\n---\nText.\n", "b/tagged/index.html", `<a rel="tag">Shared</a>`},
		{"data/v.toml", "n = 2\n", "b/first/index.html", `<p class="v">2</p>`},
	} {
		writeFiles(t, root, map[string]string{edit.file: edit.text})
		buildWithCache(t, root, out)
		got := snapshot(t, out)
		if !strings.Contains(got[edit.page], edit.want) {
			t.Errorf("after editing %s, %s lacks %q", edit.file, edit.page, edit.want)
		}
		sameTree(t, got, coldBuild(t, root))
	}
}

// TestDataFilesStayInTheSite refuses a data file or data/ that links out
// of the site, naming it, and shows nothing of what it points to. A link
// to a folder is not followed; other files are never read, so the
// database may be a link to anywhere.
func TestDataFilesStayInTheSite(t *testing.T) {
	for name, link := range map[string]string{"data/s.yaml": "OUTSIDE/secret.txt", "data": "OUTSIDE"} {
		site := linkSite(t, map[string]string{"content/_index.md": "Home.\n"}, map[string]string{name: link})
		_, err := buildRoot(t, site)
		if err == nil || !strings.Contains(err.Error(), name+": points outside the site") || strings.Contains(err.Error(), secret) {
			t.Errorf("%s -> %s: Build() = %v, want %s: points outside the site", name, link, err, name)
		}
	}
	site := linkSite(t, map[string]string{"content/_index.md": "Home.\n", "content/docs/x.md": "X.\n"},
		map[string]string{"data/analytics.db": "OUTSIDE/secret.txt", "data/inside": "../content/docs", "data/outside": "OUTSIDE/dir"})
	_, err := buildRoot(t, site)
	if err == nil || !strings.Contains(err.Error(), "data/inside: a link to a folder: not followed") || strings.Contains(err.Error(), "analytics.db") || strings.Contains(err.Error(), secret) {
		t.Errorf("Build() = %v, want only data/inside refused", err)
	}
}
