package build

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"folio/generator/output"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// txtarFS reads a txtar archive into a file system.
func txtarFS(t testing.TB, data []byte) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse(data).Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

func readTxtar(t testing.TB, name string) fstest.MapFS {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return txtarFS(t, data)
}

// testTheme is the small theme of testdata/theme.txtar.
func testTheme(t testing.TB) fstest.MapFS { return readTxtar(t, "theme.txtar") }

// buildSite builds a site given as a txtar string with the test theme.
func buildSite(t testing.TB, site string, opts Options) (*output.MapOutput, *Result, error) {
	t.Helper()
	opts.FS = txtarFS(t, []byte(site))
	if opts.Theme == nil {
		opts.Theme = testTheme(t)
	}
	out := &output.MapOutput{}
	res, err := Build(context.Background(), opts, out)
	return out, res, err
}

// archive turns build output into one txtar text, files in name order.
func archive(out *output.MapOutput) []byte {
	names := make([]string, 0, len(out.Files))
	for n := range out.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	a := &txtar.Archive{}
	for _, n := range names {
		data := out.Files[n]
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data, '\n')
		}
		a.Files = append(a.Files, txtar.File{Name: n, Data: data})
	}
	return txtar.Format(a)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./generator -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update after checking the change):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}

func TestGoldenSite(t *testing.T) {
	data, err := os.ReadFile("testdata/site.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, minify := range []bool{true, false} {
		name := "site.golden"
		if !minify {
			name = "site-nominify.golden"
		}
		t.Run(name, func(t *testing.T) {
			out, _, err := buildSite(t, string(data), Options{NoMinify: !minify})
			if err != nil {
				t.Fatalf("Build() error:\n%v", err)
			}
			golden(t, name, archive(out))
		})
	}
}

func TestDeterministic(t *testing.T) {
	data, err := os.ReadFile("testdata/site.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i, workers := range []int{1, 4, 8, 3} {
		out, _, err := buildSite(t, string(data), Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got := archive(out)
		if i == 0 {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Fatalf("build with %d workers differs from the first build:\n%s", workers, firstDiff(string(first), string(got)))
		}
	}
}

func TestSiteDetails(t *testing.T) {
	data, _ := os.ReadFile("testdata/site.txtar")
	out, res, err := buildSite(t, string(data), Options{NoMinify: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none with a baseURL", res.Warnings)
	}
	has := func(file string, wants ...string) {
		t.Helper()
		got, ok := out.Files[file]
		if !ok {
			t.Errorf("no file %s", file)
			return
		}
		for _, w := range wants {
			if !strings.Contains(string(got), w) {
				t.Errorf("%s does not contain %q", file, w)
			}
		}
	}
	not := func(file string, unwanted ...string) {
		t.Helper()
		for _, w := range unwanted {
			if strings.Contains(string(out.Files[file]), w) {
				t.Errorf("%s contains %q", file, w)
			}
		}
	}
	has("guide/install/index.html",
		`<h2 id="before-you-start">`, `<h2 id="before-you-start-1">`, `<h3 id="über-ünïcode--more">`,
		`href="/docs/guide/setup/#options"`, `href="#before-you-start-1"`, `src="/docs/img/logo.svg" alt="logo" width="32" height="32"`,
		`<table>`, `<del>gone</del>`, `<a href="https://example.com">https://example.com</a>`,
		`type="checkbox"`, `<dl>`, `class="footnotes"`, `&ldquo;quotes&rdquo;`, `&ndash;`,
		`<pre class="chroma" data-lang="go"><code>`, `<span class="kd">func</span>`,
		`<p class="extra">kept as a param</p>`,
		`Last updated <time datetime="2017-10-19">October 19, 2017</time>`,
		`<link rel="canonical" href="https://example.org/docs/guide/install/">`,
		`<a rel="next" href="/docs/guide/setup/">Setup</a>`,
	)
	not("guide/install/index.html", "<b>raw html", "style=")
	has("guide/setup/index.html", `href="/docs/guide/install/"`, `href="/docs/"`, `<a rel="prev" href="/docs/guide/install/">`)
	has("notes/plain-policy/index.html", "<p>Plain text policy</p>", "<ol>", "<li>First principle.</li>")
	has("old-install/index.html", `http-equiv="refresh" content="0; url=https://example.org/docs/guide/install/"`, `rel="canonical"`)
	has("sitemap.xml", "<loc>https://example.org/docs/guide/install/</loc><lastmod>2017-10-19T01:00:00+02:00</lastmod>")
	has("robots.txt", "Sitemap: https://example.org/docs/sitemap.xml")
	has("index.xml", "<id>https://example.org/docs/guide/setup/</id>", "<published>2017-10-18T23:00:00Z</published>")
	has("favicon.txt", "icon")
	has("robots-extra.txt", "static file")
	has("img/logo.svg", "<svg")
	has("404.html", "Not found")
	for name := range out.Files {
		if strings.Contains(name, "draft") || strings.Contains(name, "_snippets") || strings.Contains(name, "hidden") {
			t.Errorf("unpublished file %s was written", name)
		}
	}
	if !strings.Contains(string(out.Files["index.xml"]), "Install") || strings.Index(string(out.Files["index.xml"]), "Setup") > strings.Index(string(out.Files["index.xml"]), "Install") {
		t.Errorf("feed is not newest first:\n%s", out.Files["index.xml"])
	}
}

func TestDraftsFlag(t *testing.T) {
	data, _ := os.ReadFile("testdata/site.txtar")
	out, _, err := buildSite(t, string(data), Options{Drafts: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.Files["guide/draft/index.html"]; !ok {
		t.Error("-drafts did not build the draft page")
	}
}

func TestZeroConfig(t *testing.T) {
	site := `
-- content/index.md --
Hello.
-- content/docs/a.md --
---
title: A
---
A page.
`
	out, res, err := buildSite(t, site, Options{Theme: nil})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "no baseURL") {
		t.Errorf("Warnings = %q, want the missing baseURL warning", res.Warnings)
	}
	for _, f := range []string{"index.html", "docs/index.html", "docs/a/index.html", "sitemap.xml", "robots.txt", "index.xml", "404.html"} {
		if _, ok := out.Files[f]; !ok {
			t.Errorf("no %s in a site without folio.toml", f)
		}
	}
	if !strings.Contains(string(out.Files["docs/index.html"]), "<li>A</li>") {
		t.Errorf("the implicit section does not list its page:\n%s", out.Files["docs/index.html"])
	}
}

func TestDefaultThemeBuilds(t *testing.T) {
	site := `
-- folio.toml --
title = "Default"
[analytics]
enabled = true
-- content/_index.md --
---
title: Home
---
Hello.
-- content/docs/a.md --
---
title: A
date: 2024-01-02
---
## One

## Two

Text.
`
	fsys := txtarFS(t, []byte(site))
	out := &output.MapOutput{}
	if _, err := Build(context.Background(), Options{FS: fsys}, out); err != nil {
		t.Fatalf("Build() with the default theme: %v", err)
	}
	page := string(out.Files["docs/a/index.html"])
	for _, want := range []string{`<html lang="en">`, "<title>A", `href="/docs/a/"`, `href="#one"`, "/assets/style."} {
		if !strings.Contains(page, want) {
			t.Errorf("default theme page lacks %q:\n%s", want, page)
		}
	}
	if !strings.Contains(page, `href="/docs/a/" aria-current="page"`) {
		t.Errorf("the navigation does not mark the current page:\n%s", page)
	}
	for name, data := range out.Files {
		// Markers only ever go into rendered pages and feeds; vendored
		// fonts and scripts may hold these bytes as they are.
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".xml") {
			continue
		}
		if bytes.ContainsAny(data, "\x00\x01") {
			t.Errorf("%s holds a partialCached marker", name)
		}
	}
	if strings.Contains(page, "style=") || strings.Contains(page, "<style") {
		t.Errorf("default theme page has inline styles, which a strict CSP forbids")
	}
}

func TestHeadingIDsWithTypography(t *testing.T) {
	site := "-- content/a.md --\n## Don't stop -- \"quoted\"\n\n[x](#dont-stop----quoted)\n"
	out, _, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["a/index.html"])
	if !strings.Contains(page, `<h2 id="dont-stop----quoted">`) {
		t.Errorf("heading id is not GitHub's for a heading with typographic quotes:\n%s", page)
	}
	if strings.Contains(page, "&amp;rsquo;") {
		t.Errorf("table of contents shows an escaped entity:\n%s", page)
	}
}

// TestBodyChangedDuringBuild: a one-shot build reads each body again when
// it renders the page; a body that changed since the site was loaded fails
// the build instead of mixing two versions of the file.
func TestBodyChangedDuringBuild(t *testing.T) {
	fsys := txtarFS(t, []byte(`
-- content/index.md --
---
title: Home
---
Hello.
-- content/docs/a.md --
---
title: A
---
The first body.
`))
	b, err := newBuilder(Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.load(); err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Pages {
		if p.Src != nil {
			t.Fatalf("%s holds its body between loading and rendering", p.File)
		}
	}
	fsys["content/docs/a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A\n---\nA second body.\n")}
	_, err = b.build(context.Background(), &output.MapOutput{})
	want := "content/docs/a.md: the file changed while the site was being built; build again"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("build after a body changed: %v, want %q", err, want)
	}
}
