package siteimport

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/generator/build"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata/")

// buildSite builds the imported site as folio build does and returns the
// output folder and the build's warnings; an error fails the test.
func buildSite(t *testing.T, root string) (string, []string) {
	t.Helper()
	var warnings []string
	out := filepath.Join(t.TempDir(), "public")
	_, err := build.BuildDir(context.Background(), build.Options{
		Root: root, Warn: func(w string) { warnings = append(warnings, w) },
	}, out)
	if err != nil {
		t.Fatalf("the imported site does not build:\n%v", err)
	}
	return out, warnings
}

// checkReport compares an import's notes with testdata/NAME.report, one
// note a line: the report must list exactly the constructs left.
func checkReport(t *testing.T, name string, notes []Note) {
	t.Helper()
	var b strings.Builder
	for _, n := range notes {
		b.WriteString(n.String() + "\n")
	}
	golden := filepath.Join("testdata", name+".report")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("import report:\n%s\nwant (%s):\n%s", b.String(), golden, want)
	}
}

func readOut(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func wantIn(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s has no %q:\n%s", what, s, text)
		}
	}
}

func wantNotIn(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(text, s) {
			t.Errorf("%s still has %q:\n%s", what, s, text)
		}
	}
}

func TestJekyll(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "site")
	res, err := Jekyll(os.DirFS("testdata/jekyll"), dst, JekyllOptions{Blocks: map[string]string{"callout": "warning"}})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "jekyll", res.Notes)

	cfg := readOut(t, dst, "folio.toml")
	wantIn(t, "folio.toml", cfg, `title = "Home Automation Docs"`, `baseURL = "https://docs.example.org/hub/"`)

	install := readOut(t, dst, "content/docs/install.md")
	wantIn(t, "docs/install.md", install,
		"# Install\n",
		`{{< include "_snippets/install.md" >}}`,
		"{{< note >}}\nThe hub needs", "{{< /note >}}",
		`{{< warning title="Back up first" >}}`, "{{< /warning >}}",
		"```yaml\nhub:", "kitchen\n```",
		"`{{ sensor.temperature }}`.",
		"[privacy policy](privacy/_index.markdown)",
		"[cookies](privacy/cookies.markdown#what-we-set)",
		"{% if site.beta %}", `{{ site.time | date: "%Y" }}`)
	wantNotIn(t, "docs/install.md", install, "{% raw", "{% endraw", "layout:", "{% highlight", "published:")
	wantIn(t, "the include", readOut(t, dst, "content/_snippets/install.md"), "Install Home Automation Docs with")

	about := readOut(t, dst, "content/about.md")
	wantIn(t, "about.md", about, "url: /about-us/", "aliases:\n- /about.html", "sitemap: false")
	wantIn(t, "the moved page", readOut(t, dst, "content/docs/privacy/_index.markdown"), "title: Privacy Policy", "[which cookies we set](cookies.markdown)")
	wantIn(t, "the post", readOut(t, dst, "content/posts/hub-2-released.md"), "date: \"2024-03-01\"", "[how to install it](../docs/install.md)",
		"aliases:\n- /2024/03/01/hub-2-released/\n") // its URL under permalink: pretty
	wantIn(t, "home", readOut(t, dst, "content/index.md"), "[Release notes](posts/hub-2-released.md)")
	for _, f := range []string{"content/_data/team.yml", "content/assets/img/logo.png", "content/_snippets/support.md"} {
		readOut(t, dst, f)
	}
	for _, f := range []string{"content/README.md", "content/feed.xml", "content/Gemfile", "content/scripts/deploy.sh", "content/assets/css/style.scss", "content/docs/privacy.markdown"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err == nil {
			t.Errorf("%s was imported", f)
		}
	}

	out, warnings := buildSite(t, dst)
	// The build warns of the Liquid the import reported as left, and of
	// nothing else.
	var other []string
	for _, w := range warnings {
		if !strings.Contains(w, "content/docs/install.md:") || !(strings.Contains(w, "Liquid {% if site.beta %}") || strings.Contains(w, `Liquid {{ site.time | date: "%Y" }}`)) {
			other = append(other, w)
		}
	}
	if len(other) > 0 || len(warnings) != 2 {
		t.Errorf("the imported site built with warnings other than the Liquid left:\n%s", strings.Join(warnings, "\n"))
	}
	wantIn(t, "/docs/privacy/", readOut(t, out, "docs/privacy/index.html"), "Website Visitors")
	wantIn(t, "/about-us/", readOut(t, out, "about-us/index.html"), "support team")
	wantIn(t, "the post's old URL", readOut(t, out, "2024/03/01/hub-2-released/index.html"), "url=https://docs.example.org/hub/posts/hub-2-released/")
	wantNotIn(t, "sitemap.xml", readOut(t, out, "sitemap.xml"), "/about-us/")
}

func TestHugo(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "site")
	res, err := Hugo(os.DirFS("testdata/hugo"), dst)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "hugo", res.Notes)

	wantIn(t, "folio.toml", readOut(t, dst, "folio.toml"), `title = "Hub documentation"`, `baseURL = "https://hub.example.org/"`, `language = "en-gb"`)
	wantIn(t, "home", readOut(t, dst, "content/_index.md"), "title: Hub documentation", "[installing the hub](docs/install.md)", "[news](news/_index.md)")
	install := readOut(t, dst, "content/docs/install.md")
	wantIn(t, "docs/install.md", install,
		"aliases:\n- /install/\n- /getting-started/", "weight: 2",
		"[configuration](config.md)", "[options](config.md#options)",
		"```go\npackage main\n```",
		`{{< figure src="/images/hub.png" alt="The hub" caption="The hub" >}}`,
		"{{< note >}}\nThe hub needs", "{{< /note >}}",
		"{{</* youtube w7Ft2ymGmfc */>}}", `{{</* alert color="warning" */>}}Unplug it first.{{</* /alert */>}}`,
		"Write {{</* note */>}} to show", "[diagram bundle](bundle/index.md)", "[missing page](nowhere.md)")
	wantNotIn(t, "docs/install.md", install, "layout:", "{{% note", "ref \"")
	config := readOut(t, dst, "content/docs/config.md")
	wantIn(t, "docs/config.md", config, "title: Configuration", "date: \"2024-01-15\"", "publishDate: \"2024-01-15\"", "expiryDate: \"2999-01-01\"")
	wantNotIn(t, "docs/config.md", config, "draft")
	wantIn(t, "an expired page", readOut(t, dst, "content/news/old-offer.md"), "expiryDate: \"2023-04-01\"")
	wantIn(t, "a page to come", readOut(t, dst, "content/news/hub-3.md"), "publishDate: \"2999-06-01\"", "date: \"2999-06-01\"")
	for _, f := range []string{"static/images/hub.png", "content/docs/bundle/diagram.png", "content/_data/versions.yaml"} {
		readOut(t, dst, f)
	}

	// The one link to a page that does not exist is the build's only
	// error, and the report names it; fixed, the site builds cleanly.
	fixed := strings.Replace(install, " and a [missing page](nowhere.md)", "", 1)
	if err := os.WriteFile(filepath.Join(dst, "content", "docs", "install.md"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, warnings := buildSite(t, dst)
	if len(warnings) > 0 {
		t.Errorf("the imported site built with warnings:\n%s", strings.Join(warnings, "\n"))
	}
	wantIn(t, "/docs/install/", readOut(t, out, "docs/install/index.html"), "<figure", `href="/docs/config/#options"`)
	readOut(t, out, "install/index.html") // the alias
	for _, page := range []string{"news/hub-3/index.html", "news/old-offer/index.html"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(page))); err == nil {
			t.Errorf("%s was published: its publishDate is to come or its expiryDate is past", page)
		}
	}
}
