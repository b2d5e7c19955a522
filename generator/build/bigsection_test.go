package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"folio/bench/sitegen"
	"folio/generator/output"
	"folio/generator/search"
	"folio/generator/search/searchtest"
)

// bigSite is a site with a section of n pages, titled by the letters
// from A so the index has groups, and a small section beside it. Extra
// files are added as they are.
func bigSite(n int, toml string, extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"folio.toml":              {Data: []byte("title = \"Big\"\n" + toml)},
		"content/_index.md":       {Data: []byte("---\ntitle: Home\n---\nHello.\n")},
		"content/small/_index.md": {Data: []byte("---\ntitle: Small\nweight: 1\n---\nA small section.\n")},
		"content/small/one.md":    {Data: []byte("---\ntitle: One\n---\nOne.\n")},
		"content/small/two.md":    {Data: []byte("---\ntitle: Two\n---\nTwo.\n")},
		"content/items/_index.md": {Data: []byte("---\ntitle: Items\nweight: 2\n---\nEvery item.\n")},
	}
	for i := range n {
		title := fmt.Sprintf("%c item %02d", 'A'+i%5, i)
		fsys[fmt.Sprintf("content/items/i%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: %s\ncategory: c%d\n---\nItem %d.\n", title, i%3, i))}
	}
	for name, text := range extra {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func buildBig(t *testing.T, fsys fstest.MapFS) *output.MapOutput {
	t.Helper()
	out := &output.MapOutput{}
	if _, err := Build(context.Background(), Options{FS: fsys}, out); err != nil {
		t.Fatalf("Build(): %v", err)
	}
	return out
}

var hrefRE = regexp.MustCompile(`<a href="?([^" >]+)"?`)

// sidebarLinks returns the hrefs of a page's sidebar, in order.
func sidebarLinks(t *testing.T, page []byte) []string {
	t.Helper()
	i := bytes.Index(page, []byte(`<nav class="side"`))
	if i < 0 {
		t.Fatalf("no sidebar in\n%s", page)
	}
	nav := page[i:]
	nav = nav[:bytes.Index(nav, []byte("</nav>"))]
	var links []string
	for _, m := range hrefRE.FindAllSubmatch(nav, -1) {
		links = append(links, string(m[1]))
	}
	return links
}

// itemURL is the address of item i of bigSite.
func itemURL(i int) string { return fmt.Sprintf("/items/i%02d/", i) }

func TestBigSectionSidebar(t *testing.T) {
	out := buildBig(t, bigSite(30, "[nav]\nsectionLimit = 10\nwindow = 2\nindexPageSize = 12\n", nil))
	// By title: A item 00, A item 05, ..., A item 25, B item 01, ...
	var order []int
	for letter := range 5 {
		for i := letter; i < 30; i += 5 {
			order = append(order, i)
		}
	}
	at := order[15] // the middle of the section
	page := out.Files[strings.TrimPrefix(itemURL(at), "/")+"index.html"]
	got := sidebarLinks(t, page)
	want := []string{"/small/", "/items/", itemURL(order[0])}
	for _, k := range order[13:18] {
		want = append(want, itemURL(k))
	}
	want = append(want, itemURL(order[29]), "/items/")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sidebar of item %d = %q, want %q", at, got, want)
	}
	if !bytes.Contains(page, []byte(`href="`+itemURL(at)+`" aria-current="page"`)) {
		t.Errorf("the sidebar does not mark item %d as the current page", at)
	}
	if n := bytes.Count(page, []byte(`class="gap"`)); n != 2 {
		t.Errorf("sidebar has %d gaps, want 2", n)
	}
	if !bytes.Contains(page, []byte(">All 30 in Items</a>")) {
		t.Errorf("the sidebar does not link to the section's index:\n%s", page)
	}
	// A small section's pages list it whole, and the big one stays shut.
	small := sidebarLinks(t, out.Files["small/one/index.html"])
	if want := []string{"/small/", "/small/one/", "/small/two/", "/items/"}; strings.Join(small, " ") != strings.Join(want, " ") {
		t.Errorf("sidebar of a small section's page = %q, want %q", small, want)
	}
}

var (
	idRE    = regexp.MustCompile(`<h3 id="?([^" >]+)"?>([^<]+)`)
	entryRE = regexp.MustCompile(`<li><a href="?(/items/i\d\d/)"?>`)
)

func TestBigSectionIndex(t *testing.T) {
	out := buildBig(t, bigSite(30, "[nav]\nsectionLimit = 10\nindexPageSize = 10\n", nil))
	pages := []string{"items/index.html", "items/page/2/index.html", "items/page/3/index.html"}
	if _, ok := out.Files["items/page/4/index.html"]; ok {
		t.Errorf("30 entries made a fourth index page of 10")
	}
	seen := map[string]int{}
	ids := map[string]bool{}
	var groups []string
	for _, name := range pages {
		page := out.Files[name]
		if page == nil {
			t.Fatalf("no %s", name)
		}
		i := bytes.Index(page, []byte(`<section class="index"`))
		if i < 0 {
			t.Fatalf("%s has no index", name)
		}
		for _, m := range entryRE.FindAllSubmatch(page[i:], -1) {
			seen[string(m[1])]++
		}
		for _, m := range idRE.FindAllSubmatch(page, -1) {
			ids["/"+strings.TrimSuffix(name, "index.html")+"#"+string(m[1])] = true
			groups = append(groups, strings.TrimSpace(string(m[2])))
		}
		if !bytes.Contains(page, []byte(`<a href="/`+strings.TrimSuffix(name, "index.html")+`" aria-current="page">`)) {
			t.Errorf("%s does not mark itself among the index's pages", name)
		}
		// The jump links reach the start of every group.
		for _, letter := range "ABCDE" {
			m := regexp.MustCompile(`<a href="?([^" >]+)"?>` + string(letter) + `<span`).FindSubmatch(page)
			if m == nil {
				t.Errorf("%s has no link to group %c", name, letter)
				continue
			}
			defer func(href string) {
				if !ids[href] {
					t.Errorf("%s links group %c to %s, where no group starts", name, letter, href)
				}
			}(string(m[1]))
		}
	}
	ix := searchtest.Decode(t, out.Files, search.CompareUTF16)
	if ix.Doc("/items/page/2/") != nil || ix.Doc("/items/") == nil {
		t.Errorf("the search index holds %v, want the section's page and none of its index's other pages: a list of titles is no search result", ix.URLs())
	}
	for i := range 30 {
		if n := seen[itemURL(i)]; n != 1 {
			t.Errorf("the index lists item %d %d times, want once", i, n)
		}
	}
	// 6 entries a letter over pages of 10: B and D go on over two pages.
	if got, want := strings.Join(groups, ","), "A,B,B,C,D,D,E"; got != want {
		t.Errorf("group headings = %q, want %q", got, want)
	}
	if page := out.Files["items/page/2/index.html"]; !bytes.Contains(page, []byte("B <small>(continued)</small>")) || !bytes.Contains(page, []byte("<title>Items, page 2 of 3")) {
		t.Errorf("page 2 of the index does not continue group B under its title:\n%s", page)
	}
}

func TestBigSectionGroupBy(t *testing.T) {
	extra := map[string]string{
		"content/items/_index.md": "---\ntitle: Items\ngroupBy: category\n---\nEvery item.\n",
		"content/items/zz.md":     "---\ntitle: Zz without a category\n---\nNone.\n",
	}
	out := buildBig(t, bigSite(30, "[nav]\nsectionLimit = 10\n", extra))
	page := out.Files["items/index.html"]
	var groups []string
	for _, m := range idRE.FindAllSubmatch(page, -1) {
		groups = append(groups, strings.TrimSpace(string(m[2])))
	}
	if got, want := strings.Join(groups, ","), "c0,c1,c2,Other"; got != want {
		t.Errorf("groups by category = %q, want %q", got, want)
	}
	if !bytes.Contains(page, []byte("Grouped by category")) {
		t.Errorf("the index does not say what groups it")
	}
}

func TestBigSectionIndexAddressTaken(t *testing.T) {
	extra := map[string]string{"content/items/page/2.md": "---\ntitle: In the way\n---\nHere.\n"}
	_, err := Build(context.Background(), Options{FS: bigSite(30, "[nav]\nsectionLimit = 10\nindexPageSize = 10\n", extra)}, &output.MapOutput{})
	if err == nil || !strings.Contains(err.Error(), "content/items/page/2.md") || !strings.Contains(err.Error(), "/items/page/2/") {
		t.Errorf("Build() with a page where the index goes = %v, want an error naming the file and the address", err)
	}
}

func TestNavConfigChecked(t *testing.T) {
	for _, toml := range []string{"[nav]\nsectionLimit = -1\n", "[nav]\nwindow = 0\n", "[nav]\nindexPageSize = 5\n"} {
		_, err := Build(context.Background(), Options{FS: bigSite(3, toml, nil)}, &output.MapOutput{})
		if err == nil || !strings.Contains(err.Error(), "folio.toml:3:") {
			t.Errorf("Build() with %q = %v, want an error at folio.toml:3", toml, err)
		}
	}
}

// TestBigSectionPageBudget builds a generated site whose one section has
// more pages than an index page lists, with the default theme and
// settings, and holds every page to the 14 KB budget, gzipped.
func TestBigSectionPageBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 600-page site")
	}
	root := t.TempDir()
	const n = 600
	if err := sitegen.GenerateBigSection(root, n); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "public")
	if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
		t.Fatal(err)
	}
	sizes, err := outputSizes(out)
	if err != nil {
		t.Fatal(err)
	}
	if sizes.maxGzip > 14<<10 {
		t.Errorf("%s is %d bytes gzipped, over the 14 KB budget", sizes.biggest, sizes.maxGzip)
	}
	if _, err := os.Stat(filepath.Join(out, sitegen.BigSection, "page", "2", "index.html")); err != nil {
		t.Errorf("600 entries did not make a second index page: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(sitegen.BigPageURL(300)), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if links := sidebarLinks(t, data); len(links) > 20 {
		t.Errorf("a page of the big section has %d links in its sidebar, want at most 20", len(links))
	}
	if sizes.pages < n {
		t.Errorf("%d pages written, want at least %d", sizes.pages, n)
	}
}

// siteOutput sums up a built site's files.
type siteOutput struct {
	pages   int    // HTML files
	bytes   int    // bytes of all files
	maxGzip int    // the largest HTML file, gzipped
	biggest string // that file
}

// outputSizes measures the built site in dir.
func outputSizes(dir string) (siteOutput, error) {
	var o siteOutput
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		o.bytes += len(data)
		if strings.HasSuffix(p, ".html") {
			o.pages++
			if gz := gzipSize(data); gz > o.maxGzip {
				o.biggest, o.maxGzip = p, gz
			}
		}
		return nil
	})
	return o, err
}

// TestBigSectionWarmBuild edits a big section with the build cache on:
// a new title moves the page in the sidebars and the index, a new group
// value moves it between groups, and every time the output is what a
// cold build makes.
func TestBigSectionWarmBuild(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for name, f := range bigSite(30, "[nav]\nsectionLimit = 10\nwindow = 2\nindexPageSize = 10\n", map[string]string{
		"content/items/_index.md": "---\ntitle: Items\ngroupBy: category\n---\nEvery item.\n",
	}) {
		files[name] = string(f.Data)
	}
	writeFiles(t, root, files)
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	for _, edit := range []string{
		"---\ntitle: A item 07\ncategory: c1\n---\nItem 7.\n", // a new title: B item 07 moves to the A's
		"---\ntitle: A item 07\ncategory: c9\n---\nItem 7.\n", // a new group
	} {
		writeFiles(t, root, map[string]string{"content/items/i07.md": edit})
		buildWithCache(t, root, out)
		sameTree(t, snapshot(t, out), coldBuild(t, root))
	}
	if !strings.Contains(snapshot(t, out)["items/page/3/index.html"], "c9") {
		t.Errorf("the index does not show the new group c9 on its last page")
	}
}

// TestBigHome gives the home page more top-level entries than the limit:
// it is a big section like any other, its own page the index.
func TestBigHome(t *testing.T) {
	fsys := fstest.MapFS{"folio.toml": {Data: []byte("title = \"Wide\"\n[nav]\nsectionLimit = 10\nindexPageSize = 10\n")}}
	for i := range 25 {
		fsys[fmt.Sprintf("content/t%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Topic %02d\n---\nText.\n", i))}
	}
	out := buildBig(t, fsys)
	home := out.Files["index.html"]
	if !bytes.Contains(home, []byte(`<section class="index"`)) || !bytes.Contains(home, []byte(`href="/page/3/"`)) {
		t.Errorf("the home page of a site with 25 top-level pages is not the first of three index pages:\n%s", home)
	}
	if links := sidebarLinks(t, out.Files["t12/index.html"]); len(links) != 1+11+1+1 {
		t.Errorf("sidebar of a top-level page = %q, want the first, 11 around it, the last and the index", links)
	}
}
