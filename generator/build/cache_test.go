package build

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/generator/output"
)

// cacheSite is a small site with sections, links between pages, a
// snippet-free body and a page with a table of contents.
var cacheSite = map[string]string{
	"folio.toml":              "title = \"Cache\"\nbaseURL = \"https://example.org/\"\n",
	"content/_index.md":       "---\ntitle: Home\n---\nSee [a](docs/a.md).\n",
	"content/docs/_index.md":  "---\ntitle: Docs\n---\nDocs.\n",
	"content/docs/a.md":       "---\ntitle: A\ndate: 2024-01-01\n---\n## One\n\nText of A, see [b](b.md#two).\n",
	"content/docs/b.md":       "---\ntitle: B\nweight: 1\n---\n## Two\n\nText of B.\n",
	"content/docs/c.md":       "---\ntitle: C\n---\nText of C.\n",
	"static/robots-extra.txt": "x\n",
}

func buildWithCache(t *testing.T, root, out string) *Result {
	t.Helper()
	res, err := BuildDir(context.Background(), Options{Root: root, CacheDir: filepath.Join(root, ".folio-cache")}, out)
	if err != nil {
		t.Fatalf("BuildDir() = %v", err)
	}
	return res
}

func coldBuild(t *testing.T, root string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
		t.Fatalf("cold BuildDir() = %v", err)
	}
	return snapshot(t, out)
}

func sameTree(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name, data := range want {
		if got[name] != data {
			t.Errorf("warm output of %s differs from a cold build", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("warm output has %s, which a cold build does not", name)
		}
	}
}

func TestWarmBuildMatchesCold(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	first := buildWithCache(t, root, out)

	// Nothing changed: nothing but the always-made files is rendered again.
	again := buildWithCache(t, root, out)
	if again.Files != 0 {
		t.Errorf("unchanged rebuild wrote %d files, want 0", again.Files)
	}
	if again.Rendered >= first.Rendered {
		t.Errorf("unchanged rebuild rendered %d pages, no fewer than the cold build's %d", again.Rendered, first.Rendered)
	}

	// A body edit re-renders that page only, and the output is what a
	// cold build makes.
	writeFiles(t, root, map[string]string{"content/docs/c.md": "---\ntitle: C\n---\nNew text of C.\n"})
	res := buildWithCache(t, root, out)
	got := snapshot(t, out)
	if !strings.Contains(got["docs/c/index.html"], "New text of C.") {
		t.Fatal("warm build did not update the edited page")
	}
	if res.Rendered > 1 {
		t.Errorf("a body edit rendered %d pages, want 1 (pages the build makes itself aside)", res.Rendered)
	}
	if res.Files > 3 { // the page, search text and nothing else of note
		t.Errorf("a body edit wrote %d files, want the page and the index that holds its text", res.Files)
	}
	sameTree(t, got, coldBuild(t, root))

	// A title edit changes every page's navigation.
	writeFiles(t, root, map[string]string{"content/docs/b.md": "---\ntitle: Bee\nweight: 1\n---\n## Two\n\nText of B.\n"})
	buildWithCache(t, root, out)
	got = snapshot(t, out)
	if !strings.Contains(got["docs/a/index.html"], "Bee") {
		t.Error("a title edit did not reach the navigation of another page")
	}
	sameTree(t, got, coldBuild(t, root))

	// A removed page disappears from the output.
	os.Remove(filepath.Join(root, "content/docs/c.md"))
	buildWithCache(t, root, out)
	got = snapshot(t, out)
	if _, ok := got["docs/c/index.html"]; ok {
		t.Error("warm build left the removed page behind")
	}
	sameTree(t, got, coldBuild(t, root))
}

func TestWarmBuildFailureLeavesOutput(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	writeFiles(t, root, map[string]string{"content/docs/c.md": "Text of C, new.\n\n[x](/missing/)\n"})
	before := snapshot(t, out)
	if _, err := BuildDir(context.Background(), Options{Root: root, CacheDir: filepath.Join(root, ".folio-cache")}, out); err == nil {
		t.Fatal("warm build with a broken link succeeded")
	}
	after := snapshot(t, out)
	if len(after) != len(before) {
		t.Fatalf("failed warm build changed the number of files: %d to %d", len(before), len(after))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("failed warm build changed %s", name)
		}
	}
}

func TestBadCacheIsIgnored(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	cold := buildWithCache(t, root, out)
	cacheFile := filepath.Join(root, ".folio-cache", CacheFile)
	for name, mangle := range map[string]func(){
		"corrupt": func() { os.WriteFile(cacheFile, []byte("not a cache at all"), 0o644) },
		"foreign": func() { os.WriteFile(cacheFile, []byte{0x0d, 0xff, 0x81, 0x03, 0x01, 0x01}, 0o644) },
		"output edited by hand": func() {
			os.WriteFile(filepath.Join(out, "docs/a/index.html"), []byte("edited"), 0o644)
		},
		"output deleted": func() { os.RemoveAll(out) },
	} {
		t.Run(name, func(t *testing.T) {
			buildWithCache(t, root, out) // leaves a good cache
			mangle()
			res := buildWithCache(t, root, out)
			if res.Rendered != cold.Rendered {
				t.Errorf("after a %s cache the build rendered %d pages, want a cold build's %d", name, res.Rendered, cold.Rendered)
			}
			sameTree(t, snapshot(t, out), coldBuild(t, root))
		})
	}
}

func TestWarmBuildFollowsIncludes(t *testing.T) {
	root := t.TempDir()
	site := maps.Clone(cacheSite)
	site["content/_snippets/note.md"] = "Snippet text one.\n"
	site["content/docs/c.md"] = "---\ntitle: C\n---\n{{< include \"_snippets/note.md\" >}}\n"
	writeFiles(t, root, site)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	writeFiles(t, root, map[string]string{"content/_snippets/note.md": "Snippet text two.\n"})
	buildWithCache(t, root, out)
	got := snapshot(t, out)
	if !strings.Contains(got["docs/c/index.html"], "Snippet text two.") {
		t.Fatalf("warm build kept the old text of an included snippet:\n%s", got["docs/c/index.html"])
	}
	sameTree(t, got, coldBuild(t, root))
}

func TestRenderOne(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	cache := NewCache()
	opts := Options{Root: root, Cache: cache}
	if _, ok := func() (string, bool) { n, _, ok := cache.RenderOne("content/docs/c.md"); return n, ok }(); ok {
		t.Fatal("RenderOne before any build succeeded")
	}
	if _, err := BuildDir(context.Background(), opts, out); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"content/docs/c.md": "---\ntitle: C\n---\nQuick text of C.\n"})
	name, data, ok := cache.RenderOne("content/docs/c.md")
	if !ok || name != "docs/c/index.html" {
		t.Fatalf("RenderOne() = %q, ok %v; want docs/c/index.html", name, ok)
	}
	if _, err := BuildDir(context.Background(), opts, out); err != nil {
		t.Fatal(err)
	}
	if full := snapshot(t, out)[name]; full != string(data) {
		t.Errorf("RenderOne made other bytes than the full build:\n%s\nwant\n%s", data, full)
	}
	for what, src := range map[string]string{
		"a new title":   "---\ntitle: Cee\n---\nText.\n",
		"a new weight":  "---\ntitle: C\nweight: 3\n---\nText.\n",
		"a broken link": "---\ntitle: C\n---\n[x](/nowhere/)\n",
		"a bad date":    "---\ntitle: C\ndate: soon\n---\nText.\n",
	} {
		writeFiles(t, root, map[string]string{"content/docs/c.md": src})
		if _, _, ok := cache.RenderOne("content/docs/c.md"); ok {
			t.Errorf("RenderOne accepted an edit with %s, which needs the full build", what)
		}
	}
	if _, _, ok := cache.RenderOne("content/docs/new.md"); ok {
		t.Error("RenderOne accepted a file the last build did not have")
	}
}

// TestTitleEditRendersOnlyWhereShown checks that a title edit re-renders
// the pages that show the title and leaves the rest alone.
func TestTitleEditRendersOnlyWhereShown(t *testing.T) {
	root := t.TempDir()
	site := maps.Clone(cacheSite)
	site["content/guide/_index.md"] = "---\ntitle: Guide\n---\nGuide.\n"
	site["content/guide/x.md"] = "---\ntitle: X\n---\nText of X.\n"
	site["content/guide/y.md"] = "---\ntitle: Why\n---\nText of Y.\n"
	writeFiles(t, root, site)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	before := snapshot(t, out)

	writeFiles(t, root, map[string]string{"content/guide/x.md": "---\ntitle: Ex\n---\nText of X.\n"})
	res := buildWithCache(t, root, out)
	got := snapshot(t, out)
	// x itself, its neighbour y and the guide's own page show the title.
	if res.Rendered != 3 {
		t.Errorf("a title edit rendered %d pages, want 3 (x, y and the guide's page)", res.Rendered)
	}
	if !strings.Contains(got["guide/y/index.html"], ">Ex<") || !strings.Contains(got["guide/index.html"], ">Ex<") {
		t.Error("the new title is missing where the guide section shows it")
	}
	if got["docs/a/index.html"] != before["docs/a/index.html"] {
		t.Error("a page of another section changed")
	}
	sameTree(t, got, coldBuild(t, root))

	// A section's own title is in everyone's navigation.
	writeFiles(t, root, map[string]string{"content/guide/_index.md": "---\ntitle: Handbook\n---\nGuide.\n"})
	res = buildWithCache(t, root, out)
	if !strings.Contains(snapshot(t, out)["docs/a/index.html"], "Handbook") {
		t.Error("a top-level title edit did not reach another section's navigation")
	}
	sameTree(t, snapshot(t, out), coldBuild(t, root))
}

func TestLayoutEditRendersItsPages(t *testing.T) {
	root := t.TempDir()
	site := maps.Clone(cacheSite)
	site["layouts/section.html"] = `{{ define "main" }}<h1>{{ .Title }}</h1>{{ end }}`
	writeFiles(t, root, site)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	writeFiles(t, root, map[string]string{"layouts/section.html": `{{ define "main" }}<h1 class="s">{{ .Title }}</h1>{{ end }}`})
	res := buildWithCache(t, root, out)
	if res.Rendered != 1 { // docs/_index.md; the home page has its own layout
		t.Errorf("a section layout edit rendered %d pages, want 1", res.Rendered)
	}
	got := snapshot(t, out)
	if !strings.Contains(got["docs/index.html"], `<h1 class="s">`) {
		t.Error("the section page does not use the edited layout")
	}
	sameTree(t, got, coldBuild(t, root))
}

func TestWriteOneKeepsTheCacheValid(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	cache := NewCache()
	opts := Options{Root: root, Cache: cache}
	first, err := BuildDir(context.Background(), opts, out)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"content/docs/c.md": "---\ntitle: C\n---\nShown at once.\n"})
	name, ok, err := cache.WriteOne("content/docs/c.md")
	if err != nil || !ok || name != "docs/c/index.html" {
		t.Fatalf("WriteOne() = %q, %v, %v", name, ok, err)
	}
	if !strings.Contains(snapshot(t, out)[name], "Shown at once.") {
		t.Fatal("WriteOne did not write the page into the output")
	}
	res, err := BuildDir(context.Background(), opts, out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rendered >= first.Rendered {
		t.Errorf("the build after WriteOne rendered %d pages, as many as a cold build: it no longer trusted the output", res.Rendered)
	}
	sameTree(t, snapshot(t, out), coldBuild(t, root))
}

// TestWarmBuildComparesWithDisk: a page made again is compared with the
// file on disk, not with what the last build wrote, so an output edited
// by hand to the same size is put right when its page is made again.
func TestWarmBuildComparesWithDisk(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, cacheSite)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	page := filepath.Join(out, "docs", "c", "index.html")
	good, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(good, []byte("Text of C."), []byte("Text of X."), 1)
	if bytes.Equal(edited, good) {
		t.Fatal("the page does not hold its text")
	}
	if err := os.WriteFile(page, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	// A new line at the end changes the source, not the page's HTML.
	writeFiles(t, root, map[string]string{"content/docs/c.md": cacheSite["content/docs/c.md"] + "\n"})
	res := buildWithCache(t, root, out)
	if res.Rendered == 0 || res.Rendered == cacheColdPages(t, root) {
		t.Fatalf("rendered %d pages, want a warm build", res.Rendered)
	}
	if got, _ := os.ReadFile(page); !bytes.Equal(got, good) {
		t.Errorf("the hand edit survived a warm build that made the page again:\n%s", got)
	}
	sameTree(t, snapshot(t, out), coldBuild(t, root))
}

func cacheColdPages(t *testing.T, root string) int {
	t.Helper()
	res, err := Build(context.Background(), Options{Root: root}, &output.MapOutput{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Rendered
}
