package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"folio/generator/output"
	"folio/themes"
)

// buildVersionsSite builds testdata/versions.txtar, changed by edit.
func buildVersionsSite(t *testing.T, edit func(string) string) (*output.MapOutput, *Result, error) {
	t.Helper()
	return buildFixture(t, "testdata/versions.txtar", edit)
}

// buildFixture builds a txtar site of testdata, changed by edit, with
// the built-in theme.
func buildFixture(t *testing.T, name string, edit func(string) string) (*output.MapOutput, *Result, error) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	site := string(data)
	if edit != nil {
		site = edit(site)
	}
	out := &output.MapOutput{}
	res, err := Build(context.Background(), Options{FS: txtarFS(t, []byte(site)), Theme: themes.DefaultFS()}, out)
	return out, res, err
}

// outFile returns a file of out, failing the test when it is missing.
func outFile(t *testing.T, out *output.MapOutput, name string) string {
	t.Helper()
	data, ok := out.Files[name]
	if !ok {
		var names []string
		for n := range out.Files {
			if !strings.HasPrefix(n, "vendor/") && !strings.Contains(n, "/vendor/") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		t.Fatalf("no %s in the output; it has %s", name, strings.Join(names, " "))
	}
	return string(data)
}

func TestVersionsSite(t *testing.T) {
	out, res, err := buildVersionsSite(t, nil)
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	file := func(name string) string { t.Helper(); return outFile(t, out, name) }
	for _, name := range []string{
		"index.html", "docs/install/index.html", "docs/new/index.html", "de/docs/install/index.html", "search/index.json", "de/search/index.json",
		"sitemap.xml", "robots.txt", "1.1/index.html", "1.1/docs/old/index.html", "1.1/de/docs/install/index.html", "1.1/search/index.json",
		"1.1/de/search/index.json", "1.0/docs/install/index.html", "1.0/de/docs/install/index.html", "1.0/index.xml", "1.0/404.html", "logo.txt",
	} {
		file(name)
	}
	for name := range out.Files {
		if strings.HasPrefix(name, "1.1/assets/") || strings.HasPrefix(name, "1.0/vendor/") || name == "1.0/logo.txt" || name == "1.1/favicon.svg" {
			t.Errorf("%s written: a file every version shares is written once, at the root", name)
		}
	}
	for _, name := range []string{"1.1/robots.txt", "1.0/robots.txt", "1.1/sitemap.xml", "1.1/sitemap-en.xml", "1.0/de/sitemap.xml", "1.0/docs/new/index.html", "docs/old/index.html"} {
		if _, ok := out.Files[name]; ok {
			t.Errorf("%s written, want none", name)
		}
	}

	latest := file("docs/install/index.html")
	for _, want := range []string{
		`<nav class="versions" aria-label="Versions">`,
		`<a href="/docs/install/" data-version="2.0" aria-current="page">2.0</a>`,
		`<a href="/1.1/docs/install/" data-version="1.1">1.1</a>`,
		`<a href="/1.0/docs/install/" data-version="1.0">1.0</a>`,
		`<link rel="canonical" href="https://example.org/docs/install/">`,
		`<a href="/docs/guide/">guide</a>`,
	} {
		if !strings.Contains(latest, want) {
			t.Errorf("docs/install/index.html lacks %s", want)
		}
	}
	for _, bad := range []string{"noindex", "version-banner", versionBase} {
		if strings.Contains(latest, bad) {
			t.Errorf("docs/install/index.html has %s: the latest version is not old", bad)
		}
	}

	// The same file in 2.0 and 1.1, rendered once, links within 1.1.
	old := file("1.1/docs/install/index.html")
	for _, want := range []string{
		`<meta name="robots" content="noindex">`,
		`<link rel="canonical" href="https://example.org/docs/install/">`,
		`You are reading the docs for 1.1. <a href="/docs/install/" data-version="2.0">The newest is 2.0.</a>`,
		`<a href="/1.1/docs/install/" data-version="1.1" aria-current="page">1.1</a>`,
		`<a href="/1.1/docs/guide/">guide</a>`,
		`<a href="/logo.txt">logo</a>`,
		`<a href="/1.1/de/docs/install/#installieren">Auf Deutsch</a>`,
		`data-index="/1.1/search/index.json"`,
		`<link rel="stylesheet" href="/assets/versions.`,
	} {
		if !strings.Contains(old, want) {
			t.Errorf("1.1/docs/install/index.html lacks %s", want)
		}
	}
	if strings.Contains(old, versionBase) {
		t.Errorf("1.1/docs/install/index.html keeps %s", versionBase)
	}

	// A page 2.0 does not have: its canonical link and the switcher lead
	// to 2.0's home page.
	gone := file("1.1/docs/old/index.html")
	for _, want := range []string{
		`<link rel="canonical" href="https://example.org/">`,
		`<a href="/" data-version="2.0" class="missing">2.0 (not in this version)</a>`,
		`<a href="/1.0/docs/old/" data-version="1.0">1.0</a>`,
	} {
		if !strings.Contains(gone, want) {
			t.Errorf("1.1/docs/old/index.html lacks %s", want)
		}
	}
	// The German switcher stays in German.
	if got := file("1.0/de/docs/install/index.html"); !strings.Contains(got, `<a href="/de/docs/install/" data-version="2.0">2.0</a>`) ||
		!strings.Contains(got, "Sie lesen die Dokumentation für 1.0.") || !strings.Contains(got, `<a href="/1.0/docs/install/#setup">in English</a>`) {
		t.Errorf("1.0/de/docs/install/index.html = %s", got)
	}

	// Links to another version, in the page's language.
	if got := file("docs/new/index.html"); !strings.Contains(got, `<a href="/1.0/docs/install/#setup">it differently</a>`) {
		t.Errorf("docs/new/index.html does not link 1.0's install page")
	}
	if got := file("1.0/docs/old/index.html"); !strings.Contains(got, `<a href="/docs/install/#install-it">the latest</a>`) {
		t.Errorf("1.0/docs/old/index.html does not link 2.0's install page")
	}
	if got := file("1.0/de/docs/install/index.html"); !strings.Contains(got, `<a href="/de/docs/install/#vorbereitung">2.0</a>`) {
		t.Errorf("1.0/de/docs/install/index.html does not link 2.0's German install page")
	}

	// The same German file in 2.0 and 1.1, whose link leads elsewhere in
	// each: 1.1 has no German guide and links to the English one.
	if got := file("de/docs/install/index.html"); !strings.Contains(got, `<a href="/de/docs/guide/">Anleitung</a>`) {
		t.Errorf("de/docs/install/index.html does not link the German guide")
	}
	if got := file("1.1/de/docs/install/index.html"); !strings.Contains(got, `<a href="/1.1/docs/guide/">Anleitung</a>`) {
		t.Errorf("1.1/de/docs/install/index.html does not link 1.1's English guide")
	}

	// Search is per version.
	if got := file("1.0/search/index.json"); !strings.Contains(got, "/1.0/docs/install/") || strings.Contains(got, `"/docs/install/"`) || strings.Contains(got, "/1.1/") {
		t.Errorf("1.0/search/index.json holds other versions' pages: %s", got)
	}
	if got := file("sitemap-en.xml"); strings.Contains(got, "/1.") {
		t.Errorf("sitemap-en.xml lists old versions' pages: %s", got)
	}

	// 2.0 and 1.1 share the English home, install and guide pages, and
	// the German home and docs pages; 1.0 shares nothing.
	if res.Reused != 5 {
		t.Errorf("Result.Reused = %d, want 5", res.Reused)
	}
}

func TestVersionsBrokenLinkInOldVersion(t *testing.T) {
	_, _, err := buildVersionsSite(t, func(s string) string {
		return strings.Replace(s, "See [the old page](old.md)", "See [the old page](older.md)", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "versions/1.0/content/en/docs/install.md:") || !strings.Contains(err.Error(), "older.md") {
		t.Fatalf("Build() error = %v, want the broken link named in 1.0's folder", err)
	}
}

func TestVersionsBrokenLinkToOtherVersion(t *testing.T) {
	for _, tc := range []struct{ from, to, file string }{
		{"/1.0/docs/install/#setup", "/1.0/docs/install/#nowhere", "content/en/docs/new.md:"},
		{"/2.0/docs/install/#install-it", "/2.0/docs/old/", "versions/1.0/content/en/docs/old.md:"},
		{"/2.0/docs/install/#vorbereitung", "/2.0/docs/install/#setup", "versions/1.0/content/de/docs/install.md:"},
	} {
		_, _, err := buildVersionsSite(t, func(s string) string { return strings.Replace(s, tc.from, tc.to, 1) })
		if err == nil || !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), "broken link "+tc.to) {
			t.Errorf("with a link to %s: Build() error = %v, want it named in %s", tc.to, err, tc.file)
		}
	}
}

func TestVersionsMissingFolder(t *testing.T) {
	_, _, err := buildVersionsSite(t, func(s string) string {
		return strings.Replace(s, `dir = "versions/1.0/content"`, `dir = "versions/0.9/content"`, 1)
	})
	if err == nil || !strings.Contains(err.Error(), "folio.toml:") || !strings.Contains(err.Error(), "no folder versions/0.9/content") {
		t.Fatalf("Build() error = %v, want the missing folder named", err)
	}
}

// taggedSite makes a site in a git repository: content/ as committed at
// tag v1.0, then changed in the working tree.
func taggedSite(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("git not found")
		}
		t.Skip("git not found")
	}
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Folio", "-c", "user.email=folio@example.org", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("folio.toml", "title = \"Tagged\"\n[versions]\n[versions.\"2.0\"]\ndir = \"content\"\n[versions.\"1.0\"]\ngit = \"v1.0\"\n")
	write("content/_index.md", "---\ntitle: Home\n---\nRead [the guide](docs/guide.md).\n")
	write("content/docs/guide.md", "---\ntitle: Guide\n---\nThe guide of 1.0.\n")
	write("content/docs/same.md", "---\ntitle: Same\n---\nThe same in both, [home](/).\n")
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "1.0")
	git("tag", "v1.0")
	write("content/docs/guide.md", "---\ntitle: Guide\n---\nThe guide of 2.0.\n")
	write("content/docs/new.md", "---\ntitle: New\n---\nNew in 2.0.\n")
	return dir
}

func TestVersionsFromGit(t *testing.T) {
	dir := taggedSite(t)
	out := &output.MapOutput{}
	res, err := Build(context.Background(), Options{Root: dir, Theme: themes.DefaultFS()}, out)
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	if got := outFile(t, out, "docs/guide/index.html"); !strings.Contains(got, "The guide of 2.0.") {
		t.Errorf("docs/guide/index.html is not 2.0's guide")
	}
	if got := outFile(t, out, "1.0/docs/guide/index.html"); !strings.Contains(got, "The guide of 1.0.") || !strings.Contains(got, "You are reading the docs for 1.0.") {
		t.Errorf("1.0/docs/guide/index.html is not 1.0's guide, as committed at v1.0")
	}
	if got := outFile(t, out, "1.0/docs/same/index.html"); !strings.Contains(got, `<a href="/1.0/">home</a>`) {
		t.Errorf("1.0/docs/same/index.html does not link 1.0's home")
	}
	if got := outFile(t, out, "1.0/docs/guide/index.html"); !strings.Contains(got, `<link rel="stylesheet" href="/assets/style.`) {
		t.Errorf("1.0/docs/guide/index.html does not link the theme's style at the root")
	}
	for name := range out.Files {
		if strings.HasPrefix(name, "1.0/assets/") || strings.HasPrefix(name, "1.0/vendor/") {
			t.Errorf("%s written: a file every version shares is written once, at the root", name)
		}
	}
	if _, ok := out.Files["1.0/docs/new/index.html"]; ok {
		t.Errorf("1.0 has 2.0's new page, which v1.0 did not commit")
	}
	if res.Reused != 2 {
		// The home page and docs/same.md.
		t.Errorf("Result.Reused = %d, want 2", res.Reused)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case ".git", "content", "folio.toml":
		default:
			t.Errorf("the build wrote %s in the site's folder", e.Name())
		}
	}
}

func TestVersionsUnknownGitRef(t *testing.T) {
	dir := taggedSite(t)
	toml := "title = \"Tagged\"\n[versions]\n[versions.\"2.0\"]\n[versions.\"1.0\"]\ngit = \"v0.9\"\n"
	if err := os.WriteFile(filepath.Join(dir, "folio.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Root: dir, Theme: themes.DefaultFS()}, &output.MapOutput{})
	if err == nil || !strings.Contains(err.Error(), "folio.toml:4: versions.1.0.git: v0.9:") {
		t.Fatalf("Build() error = %v, want the unknown ref named at its line", err)
	}
}

// TestVersionsReuseSameOutput checks that a body one version rendered
// for another gives the bytes the other would have made itself.
func TestVersionsReuseSameOutput(t *testing.T) {
	data, err := os.ReadFile("testdata/versions.txtar")
	if err != nil {
		t.Fatal(err)
	}
	build := func(noReuse bool) (*output.MapOutput, *Result) {
		t.Helper()
		out := &output.MapOutput{}
		res, err := Build(context.Background(), Options{FS: txtarFS(t, data), Theme: themes.DefaultFS(), noReuse: noReuse}, out)
		if err != nil {
			t.Fatalf("Build() error:\n%v", err)
		}
		return out, res
	}
	reused, res := build(false)
	fresh, resFresh := build(true)
	if res.Reused == 0 || resFresh.Reused != 0 {
		t.Fatalf("Result.Reused = %d and, without reuse, %d", res.Reused, resFresh.Reused)
	}
	if len(reused.Files) != len(fresh.Files) {
		t.Errorf("%d files with reuse, %d without", len(reused.Files), len(fresh.Files))
	}
	for name, want := range fresh.Files {
		if got := reused.Files[name]; string(got) != string(want) {
			t.Errorf("%s differs when bodies are reused:\n got %s\nwant %s", name, got, want)
		}
	}
	// The guide's diagram is in both versions' copy: the reused body
	// brings its library with it.
	for _, name := range []string{"docs/guide/index.html", "1.1/docs/guide/index.html"} {
		if page := outFile(t, reused, name); !strings.Contains(page, "/vendor/mermaid-") {
			t.Errorf("%s does not load the diagram library:\n%s", name, page)
		}
	}
}

func TestVersionsFolderTaken(t *testing.T) {
	for _, tc := range []struct{ edit, want string }{
		{"-- content/en/docs/new.md --", "content/en/1.0/_index.md: is published at /1.0/, in the folder of version 1.0"},
		{"[versions.\"1.0\"]", "folio.toml:16: versions.de: a language has that name too"},
	} {
		_, _, err := buildVersionsSite(t, func(s string) string {
			if strings.HasPrefix(tc.edit, "[") {
				return strings.Replace(s, tc.edit, "[versions.de]\ndir = \"versions/1.0/content\"\n"+tc.edit, 1)
			}
			return strings.Replace(s, tc.edit, "-- content/en/1.0/_index.md --\n---\ntitle: Taken\n---\n"+tc.edit, 1)
		})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build() error = %v, want %s", err, tc.want)
		}
	}
}

func TestVersionsOpen(t *testing.T) {
	data, err := os.ReadFile("testdata/versions.txtar")
	if err != nil {
		t.Fatal(err)
	}
	site := strings.Replace(string(data), "latest = \"2.0\"", "latest = \"1.1\"", 1)
	s, err := Open(context.Background(), Options{FS: txtarFS(t, []byte(site)), Theme: themes.DefaultFS()})
	if err != nil {
		t.Fatalf("Open() error: %v", err)
	}
	// The latest, 1.1, is at the root: its page, not 2.0's.
	if title, ok := s.Title("/docs/old/"); !ok || title != "Gone in 2.0" {
		t.Errorf("Title(/docs/old/) = %q, %v, want the latest version's page", title, ok)
	}
	if _, ok := s.Title("/docs/new/"); ok {
		t.Errorf("Title(/docs/new/) found 2.0's page, which is not the latest")
	}
}
