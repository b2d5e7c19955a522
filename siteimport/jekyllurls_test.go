package siteimport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestJekyllOldURLs imports a Jekyll site with the default permalink
// style, whose pages Jekyll served as /docs/guide.html and whose posts as
// /news/release/2023/05/04/widgets-2.html: every old URL becomes an alias
// of the page now at a Folio URL, links to old URLs become links to the
// pages' files, and the site builds with no error once the one link to a
// page Jekyll never published, which the report names, is fixed.
func TestJekyllOldURLs(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "site")
	res, err := Jekyll(os.DirFS("testdata/jekyll-html"), dst, JekyllOptions{Blocks: map[string]string{"alert": "warning"}})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "jekyll-html", res.Notes)

	wantIn(t, "the page beside its folder", readOut(t, dst, "content/docs/guide/_index.markdown"), "aliases:\n- /docs/guide.html\n", "[parts](part-one.md)")
	wantIn(t, "part one", readOut(t, dst, "content/docs/guide/part-one.md"),
		"aliases:\n- /docs/guide/part-one.html\n", "```go\npackage main\n```",
		"Liquid example: &#123;{ page.title }}", "[guide](_index.markdown) and [install](../install.md#linux)")
	wantIn(t, "a page with an .html permalink", readOut(t, dst, "content/docs/install.md"), "url: /install/\naliases:\n- /setup.html\n- /install.html\n", "{{< warning >}}")
	home := readOut(t, dst, "content/index.md")
	wantIn(t, "home", home, "[guide](docs/guide/_index.markdown)", "[install page](docs/install.md)", "[latest news](posts/widgets-2.md)", "[FAQ](faq.md)", "[style](/assets/css/site.css)")
	wantNotIn(t, "home", home, "aliases")
	faq := readOut(t, dst, "content/faq.md")
	wantIn(t, "faq", faq, "aliases:\n- /faq.html\n", "Ask the <em>support</em> team or read {% include install-steps.md %} first.", "[guide](docs/guide/_index.markdown)", "[old post](posts/old.md)", "[news]: posts/widgets-2.md")
	wantIn(t, "a post", readOut(t, dst, "content/posts/widgets-2.md"), "- /news/release/2023/05/04/widgets-2.html\n")
	wantIn(t, "a post under blog/_posts", readOut(t, dst, "content/blog/posts/hello.md"), "- /blog/2022/01/10/hello.html\n", `date: "2022-01-10"`)
	old := readOut(t, dst, "content/posts/old.md")
	wantIn(t, "a post with a permalink", old, "url: /2021/old/\n")
	wantNotIn(t, "a post with a permalink", old, "aliases")

	fixed := strings.Replace(faq, "; the\n[retired page](/docs/retired.html) is not", "", 1)
	fixed = strings.Replace(fixed, " or read {% include install-steps.md %} first", "", 1)
	if err := os.WriteFile(filepath.Join(dst, "content", "faq.md"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, warnings := buildSite(t, dst)
	if len(warnings) > 0 {
		t.Errorf("the imported site built with warnings:\n%s", strings.Join(warnings, "\n"))
	}
	for alias, target := range map[string]string{
		"docs/guide.html":                        "/widgets/docs/guide/",
		"docs/guide/part-one.html":               "/widgets/docs/guide/part-one/",
		"faq.html":                               "/widgets/faq/",
		"install.html":                           "/widgets/install/",
		"setup.html":                             "/widgets/install/",
		"news/release/2023/05/04/widgets-2.html": "/widgets/posts/widgets-2/",
		"blog/2022/01/10/hello.html":             "/widgets/blog/posts/hello/",
	} {
		wantIn(t, alias, readOut(t, out, alias), `url=https://acme.example`+target+`"`)
	}
	wantIn(t, "/faq/", readOut(t, out, "faq/index.html"), `href="/widgets/2021/old/"`)
	wantIn(t, "home", readOut(t, out, "index.html"), `href="/widgets/assets/css/site.css"`, `href="/widgets/install/"`)
}

// TestPermalinks: the URL Jekyll gives a page or post under each
// permalink style, and under a template of the site's own.
func TestPermalinks(t *testing.T) {
	post := mapSlice{{Key: "title", Value: "T"}, {Key: "categories", Value: "News Release"}}
	for _, tc := range []struct{ style, file, want string }{
		{"", "docs/a.md", "/docs/a.html"},
		{"", "index.md", "/"},
		{"", "docs/index.md", "/docs/"},
		{"", "_posts/2023-05-04-w.md", "/news/release/2023/05/04/w.html"},
		{"", "blog/_posts/2023-05-04-w.md", "/blog/news/release/2023/05/04/w.html"},
		{"pretty", "docs/a.md", "/docs/a/"},
		{"pretty", "_posts/2023-05-04-w.md", "/news/release/2023/05/04/w/"},
		{"ordinal", "_posts/2023-02-04-w.md", "/news/release/2023/035/w.html"},
		{"none", "_posts/2023-05-04-w.md", "/news/release/w.html"},
		{"/:year/:short_year/:i_month/:i_day/:title:output_ext", "_posts/2023-05-04-w.md", "/2023/23/5/4/w.html"},
		{"/blog/:title/", "docs/a.md", "/docs/a/"},
		{"", "_drafts/w.md", ""},
	} {
		j := &jekyll{config: mapSlice{{Key: "permalink", Value: tc.style}}}
		got, err := j.oldURL(tc.file, post)
		if err != nil || got != tc.want {
			t.Errorf("style %q: oldURL(%s) = %q, %v; want %q", tc.style, tc.file, got, err, tc.want)
		}
	}
	j := &jekyll{}
	if _, err := j.oldURL("a.md", mapSlice{{Key: "permalink", Value: "/:nonsense/"}}); err == nil {
		t.Error("a permalink with an unknown placeholder: no error")
	}
	if got, _ := j.oldURL("_posts/2023-05-04-w.md", mapSlice{{Key: "date", Value: "2024-01-02 10:00:00 +0100"}, {Key: "slug", Value: "s"}}); got != "/2024/01/02/s.html" {
		t.Errorf("a post with date and slug in its front matter: %q, want /2024/01/02/s.html", got)
	}
}

// TestJekyll404: a 404 page with permalink /404.html stays the site's
// 404 page, not a redirect to /404/.
func TestJekyll404(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "site")
	src := fstest.MapFS{
		"index.md": {Data: []byte("---\ntitle: Home\n---\nHi.\n")},
		"404.md":   {Data: []byte("---\ntitle: Not here\npermalink: /404.html\n---\nGone.\n")},
	}
	if _, err := Jekyll(src, dst, JekyllOptions{}); err != nil {
		t.Fatal(err)
	}
	page := readOut(t, dst, "content/404.md")
	wantIn(t, "404.md", page, "url: /404.html\n")
	wantNotIn(t, "404.md", page, "aliases")
	out, _ := buildSite(t, dst)
	wantIn(t, "404.html", readOut(t, out, "404.html"), "Gone.")
}
