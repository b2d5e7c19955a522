package build

import (
	"context"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"folio/generator/output"
	"folio/themes"
)

// buildLanguages builds testdata/languages.txtar, changed by edit, with
// the built-in theme.
func buildLanguagesSite(t *testing.T, edit func(string) string) (*output.MapOutput, error) {
	t.Helper()
	out, _, err := buildFixture(t, "testdata/languages.txtar", edit)
	return out, err
}

func TestLanguagesSite(t *testing.T) {
	out, err := buildLanguagesSite(t, nil)
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	file := func(name string) string {
		t.Helper()
		data, ok := out.Files[name]
		if !ok {
			var names []string
			for n := range out.Files {
				if !strings.HasPrefix(n, "vendor/") {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			t.Fatalf("no %s in the output; it has %s", name, strings.Join(names, " "))
		}
		return string(data)
	}
	for _, name := range []string{
		"index.html", "docs/install/index.html", "404.html", "index.xml", "search/index.json", "changelog/index.xml",
		"de/index.html", "de/docs/install/index.html", "de/404.html", "de/index.xml", "de/search/index.json", "de/changelog/index.html", "de/changelog/index.xml",
		"sitemap-en.xml", "de/sitemap.xml", "robots.txt", "logo.txt", "de/bild.txt", "favicon.svg",
	} {
		file(name)
	}
	for name := range out.Files {
		if strings.HasPrefix(name, "de/assets/") || strings.HasPrefix(name, "de/vendor/") || name == "de/logo.txt" || name == "de/robots.txt" || name == "de/favicon.svg" {
			t.Errorf("%s written: a file every language shares is written once, at the root", name)
		}
	}
	if got := file("sitemap.xml"); !strings.Contains(got, "<sitemapindex") ||
		!strings.Contains(got, "<loc>https://example.org/sitemap-en.xml</loc>") || !strings.Contains(got, "<loc>https://example.org/de/sitemap.xml</loc>") {
		t.Errorf("sitemap.xml = %s, want an index of both languages' sitemaps", got)
	}
	if got := file("de/sitemap.xml"); !strings.Contains(got, "https://example.org/de/docs/install/") || strings.Contains(got, "https://example.org/docs/") {
		t.Errorf("de/sitemap.xml = %s, want the German pages only", got)
	}
	if got := file("robots.txt"); !strings.Contains(got, "Sitemap: https://example.org/sitemap.xml") {
		t.Errorf("robots.txt = %s", got)
	}
	if got := file("de/index.xml"); !strings.Contains(got, "Lingo auf Deutsch") || !strings.Contains(got, `xml:lang="de"`) && !strings.Contains(got, "https://example.org/de/") {
		t.Errorf("de/index.xml = %s, want the German feed", got)
	}

	de := file("de/docs/install/index.html")
	en := file("docs/install/index.html")
	for _, want := range []string{
		`<html lang="de">`,
		`<link rel="alternate" hreflang="en" href="https://example.org/docs/install/">`,
		`<link rel="alternate" hreflang="de" href="https://example.org/de/docs/install/">`,
		`<link rel="alternate" hreflang="x-default" href="https://example.org/docs/install/">`,
		`<nav class="langs" aria-label="Sprachen">`,
		`<a href="/de/docs/install/" lang="de" aria-current="page">Deutsch</a>`,
		`<a href="/docs/install/" hreflang="en" lang="en">English</a>`,
		`Zum Inhalt springen`,
		`<summary>Inhalt</summary>`, // i18n/de.toml of the site over the theme's
		`Zuletzt aktualisiert`,
		`href="/docs/install/#before-you-start"`,      // /en/... from German
		`href="/docs/only-english/">nur auf Englisch`, // falls back to English
		`href="/docs/only-english/">noch einmal`,
		`href="/logo.txt"`,    // shared, at the root
		`href="/de/bild.txt"`, // the language's own file
		`data-index="/de/search/index.json"`,
		`href="/de/index.xml"`,
		`<title>Installieren · Lingo auf Deutsch</title>`,
	} {
		if !strings.Contains(de, want) {
			t.Errorf("de/docs/install/index.html lacks %s:\n%s", want, de)
		}
	}
	if regexp.MustCompile(`href="/de/assets/|src="/de/assets/`).MatchString(de) {
		t.Errorf("de/docs/install/index.html links assets under /de/: %s", de)
	}
	for _, want := range []string{
		`<html lang="en">`, `<a href="/de/docs/install/" hreflang="de" lang="de">Deutsch</a>`,
		`Skip to content`, `<summary>On this page</summary>`, `href="/de/docs/install/"`,
	} {
		if !strings.Contains(en, want) {
			t.Errorf("docs/install/index.html lacks %s", want)
		}
	}
	if got := file("index.html"); !strings.Contains(got, `href="/de/docs/install/#vorbereitung"`) || !strings.Contains(got, `href="/de/docs/install/">source file`) {
		t.Errorf("index.html: links to German pages not made: %s", got)
	}
	// A language's own code in front of a path names its own page.
	if got := file("de/docs/anleitung/index.html"); !strings.Contains(got, `href="/de/docs/anleitung/">ihrer vollen Adresse`) {
		t.Errorf("de/docs/anleitung/index.html: /de/docs/anleitung/ not kept: %s", got)
	}
	if got := file("docs/guide/index.html"); !strings.Contains(got, `href="/docs/guide/">this page`) {
		t.Errorf("docs/guide/index.html: /en/docs/guide.md not made /docs/guide/: %s", got)
	}
	// translationKey ties pages of different paths together.
	if got := file("docs/guide/index.html"); !strings.Contains(got, `<a href="/de/docs/anleitung/" hreflang="de" lang="de">Deutsch</a>`) {
		t.Errorf("docs/guide/index.html: no switcher link to /de/docs/anleitung/: %s", got)
	}
	// A page without a German translation: the switcher says so.
	if got := file("docs/only-english/index.html"); !strings.Contains(got, `<a href="/docs/only-english/" class="fallback"><span lang="de">Deutsch</span> (not translated)</a>`) ||
		strings.Contains(got, `hreflang="de"`) {
		t.Errorf("docs/only-english/index.html: want a fallback entry for German and no hreflang de:\n%s", got)
	}
	if got := file("de/404.html"); !strings.Contains(got, "Seite nicht gefunden") {
		t.Errorf("de/404.html is not in German: %s", got)
	}
}

func TestLanguagesBrokenLinks(t *testing.T) {
	for name, tt := range map[string]struct{ old, new, want string }{
		"missing page": {"[Auf Deutsch](/de/docs/install/)", "[Auf Deutsch](/de/docs/missing/)",
			"content/en/docs/install.md:14: broken link /de/docs/missing/: no page or file at /docs/missing/"},
		"missing heading": {"(/en/docs/install/#before-you-start)", "(/en/docs/install/#nope)",
			"content/de/docs/install.md:14: broken link /en/docs/install/#nope: content/en/docs/install.md has no heading #nope"},
		"missing source": {"[source file](/de/docs/install.md)", "[source file](/de/docs/gone.md)",
			"content/en/_index.md:6: broken link /de/docs/gone.md: no such file in content/"},
		"own language named": {"(/de/docs/anleitung/).", "(/de/docs/nope/).",
			"content/de/docs/anleitung.md:5: broken link /de/docs/nope/: no page or file at /docs/nope/"},
		"in neither language": {"[noch einmal](/docs/only-english/)", "[noch einmal](/docs/nowhere/)",
			"content/de/docs/install.md:15: broken link /docs/nowhere/: no page or file at /docs/nowhere/"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := buildLanguagesSite(t, func(s string) string {
				if !strings.Contains(s, tt.old) {
					t.Fatalf("fixture lacks %q", tt.old)
				}
				return strings.Replace(s, tt.old, tt.new, 1)
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLanguagesDefaultInSubdir(t *testing.T) {
	out, err := buildLanguagesSite(t, func(s string) string {
		return strings.Replace(s, "default = \"en\"\n", "default = \"en\"\ndefaultInSubdir = true\n", 1)
	})
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	for _, name := range []string{"en/docs/install/index.html", "de/docs/install/index.html", "en/sitemap.xml", "sitemap.xml", "index.html"} {
		if _, ok := out.Files[name]; !ok {
			t.Errorf("no %s in the output", name)
		}
	}
	if got := string(out.Files["index.html"]); !strings.Contains(got, `url=https://example.org/en/`) {
		t.Errorf("index.html = %s, want a redirect to /en/", got)
	}
	if got := string(out.Files["de/docs/install/index.html"]); !strings.Contains(got, `href="/en/docs/install/#before-you-start"`) {
		t.Errorf("de/docs/install/index.html: link to English not under /en/")
	}
}

func TestLanguagesNoDefaultFolder(t *testing.T) {
	_, err := buildLanguagesSite(t, func(s string) string { return strings.ReplaceAll(s, "-- content/en/", "-- content/english/") })
	if err == nil || !strings.Contains(err.Error(), "no folder content/en for the default language") {
		t.Errorf("Build() error = %v, want one about content/en", err)
	}
}

// TestOneLanguageWords checks that a site in one language gets the
// theme's words in its language, and its own words over the theme's.
func TestOneLanguageWords(t *testing.T) {
	site := func(lang, i18n string) fstest.MapFS {
		fsys := fstest.MapFS{
			"folio.toml":        {Data: []byte("title = \"T\"\nlanguage = \"" + lang + "\"\n")},
			"content/_index.md": {Data: []byte("---\ntitle: Home\n---\nHi.\n")},
			"content/docs/a.md": {Data: []byte("---\ntitle: A\n---\n## One\n\n## Two\n")},
			"content/docs/b.md": {Data: []byte("---\ntitle: B\n---\nB.\n")},
		}
		if i18n != "" {
			fsys["i18n/"+lang+".toml"] = &fstest.MapFile{Data: []byte(i18n)}
		}
		return fsys
	}
	for name, tt := range map[string]struct {
		fsys fstest.MapFS
		want []string
	}{
		"German":           {site("de", ""), []string{`<html lang="de">`, "<summary>Auf dieser Seite</summary>", "Zum Inhalt springen"}},
		"Japanese":         {site("ja", ""), []string{"<summary>このページの内容</summary>"}},
		"a site's words":   {site("en", "onThisPage = \"Contents\"\n"), []string{"<summary>Contents</summary>", "Skip to content"}},
		"unknown language": {site("eo", ""), []string{`<html lang="eo">`, "<summary>On this page</summary>"}},
	} {
		t.Run(name, func(t *testing.T) {
			out := &output.MapOutput{}
			if _, err := Build(context.Background(), Options{FS: tt.fsys, Theme: themes.DefaultFS()}, out); err != nil {
				t.Fatalf("Build() error:\n%v", err)
			}
			page := string(out.Files["docs/a/index.html"])
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("docs/a/index.html lacks %s", w)
				}
			}
			if strings.Contains(page, `class="langs"`) || strings.Contains(page, "hreflang") {
				t.Errorf("a site in one language has a language switcher")
			}
			for n := range out.Files {
				if strings.HasPrefix(n, "assets/languages.") {
					t.Errorf("%s written for a site in one language", n)
				}
			}
		})
	}
}

// TestLanguagesWarnings checks that a page left outside the languages'
// folders is named, and that a warning every language has is told once.
func TestLanguagesWarnings(t *testing.T) {
	data, err := os.ReadFile("testdata/languages.txtar")
	if err != nil {
		t.Fatal(err)
	}
	site := strings.Replace(string(data), "baseURL = \"https://example.org/\"\n", "", 1) + "-- content/stray.md --\n# Left behind\n"
	var told []string
	res, err := Build(context.Background(), Options{
		FS: txtarFS(t, []byte(site)), Theme: themes.DefaultFS(),
		Warn: func(w string) { told = append(told, w) },
	}, &output.MapOutput{})
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	baseURL, stray := 0, 0
	for _, w := range told {
		if strings.Contains(w, "no baseURL") {
			baseURL++
		}
		if strings.HasPrefix(w, "content/stray.md: not in a language's folder") {
			stray++
		}
	}
	if baseURL != 1 || stray != 1 || len(res.Warnings) != len(told) {
		t.Errorf("warnings told %q, Result.Warnings %q: want the baseURL warning and content/stray.md once each", told, res.Warnings)
	}
}

func TestLanguagesSharedFileClash(t *testing.T) {
	_, err := buildLanguagesSite(t, func(s string) string { return s + "-- content/de/logo.txt --\nein Logo\n" })
	if err == nil || !strings.Contains(err.Error(), "content/de/logo.txt: has the address /logo.txt of a file every language shares") {
		t.Errorf("Build() error = %v, want one about content/de/logo.txt", err)
	}
}
