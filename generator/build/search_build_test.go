package build

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"folio/bench/sitegen"
	"folio/generator/output"
	"folio/generator/search"
	"folio/generator/search/searchtest"
)

func TestSearchIndex(t *testing.T) {
	data, err := os.ReadFile("testdata/search.txtar")
	if err != nil {
		t.Fatal(err)
	}
	// With -drafts the draft page is built, and still must not be found.
	out, _, err := buildSite(t, string(data), Options{Drafts: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.Files["docs/secret/index.html"]; !ok {
		t.Fatal("the draft was not built; the test needs it built")
	}
	ix := searchtest.Decode(t, out.Files, search.CompareUTF16)
	if ix.Files != 0 {
		t.Errorf("a site of %d pages has its index in %d files, want one", len(ix.Docs), ix.Files+1)
	}
	wantURLs := []string{"/", "/docs/", "/docs/errors/", "/docs/renew/", "/docs/tokens/"}
	if got := ix.URLs(); !slices.Equal(got, wantURLs) {
		t.Errorf("indexed pages = %q, want %q (no draft, no search: false)", got, wantURLs)
	}
	wantDocs := map[string]searchtest.Doc{
		"/docs/": {Title: "Docs", Sections: [][3]string{{"", "", ""}}},
		"/docs/tokens/": {Title: "Tokens", Sections: [][3]string{
			{"", "", "A token lets a script act for you."},
			{"scopes", "Scopes", "Each token has scopes: read and write."},
		}},
		"/docs/renew/": {Title: "Keeping access", Sections: [][3]string{
			{"", "", "Access lasts a year."},
			{"renew-the-token", "Renew the token", "Open the settings and press Renew. The old one stops working at once."},
			{"über-ünïcode--more", "Über Ünïcode & more", "Café crème, naïve coöperation and “curly quotes” don’t break search."},
		}},
	}
	for url, want := range wantDocs {
		got := ix.Doc(url)
		if got == nil {
			continue
		}
		if got.Title != want.Title || !slices.Equal(got.Sections, want.Sections) {
			t.Errorf("doc %s = %q %q,\nwant %q %q", url, got.Title, got.Sections, want.Title, want.Sections)
		}
	}
	if d := ix.Doc("/docs/errors/"); d != nil && !strings.HasPrefix(d.Sections[1][2], "When the log says <script>alert(1)</script>, read on") {
		t.Errorf("code in text = %q, want it as the reader sees it", d.Sections[1][2])
	}
	const title, text = inHeading, inText
	at := func(url string, sec, flags int) searchtest.Posting {
		return searchtest.Posting{URL: url, Sec: sec, Flags: flags}
	}
	wantTerms := map[string][]searchtest.Posting{
		"token": {
			at("/docs/errors/", 1, text),
			at("/docs/renew/", 1, title),
			at("/docs/tokens/", 0, text), at("/docs/tokens/", 1, text),
		},
		"tokens": {at("/", 0, text), at("/docs/tokens/", 0, title)},
		"renew":  {at("/docs/renew/", 1, title|text)},
		"uber":   {at("/docs/renew/", 2, title)},
		"cafe":   {at("/docs/renew/", 2, text)},
		"don":    {at("/docs/renew/", 2, text)},
		"alert":  {at("/docs/errors/", 1, text)},
		"docs":   {at("/", 0, text), at("/docs/", 0, title)},
	}
	for term, want := range wantTerms {
		if got := ix.Terms[term]; !slices.Equal(got, want) {
			t.Errorf("postings of %q = %v, want %v", term, got, want)
		}
	}
	// The draft's and the opted-out page's words, one-letter words, and
	// the typographer's entities must not be terms.
	for _, term := range []string{"hunter2", "launch", "vault", "internal", "a", "t", "rsquo", "ldquo"} {
		if _, ok := ix.Terms[term]; ok {
			t.Errorf("term %q is in the index: %v", term, ix.Terms[term])
		}
	}
}

// TestSearchGolden keeps the index of a small site byte for byte.
func TestSearchGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/search.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := buildSite(t, string(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	only := &output.MapOutput{Files: map[string][]byte{}}
	for name, data := range out.Files {
		if strings.HasPrefix(name, "search/") {
			only.Files[name] = data
		}
	}
	golden(t, "search.golden", archive(only))
}

// gzipSize is the size of data compressed as a web server would.
func gzipSize(data []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, 6)
	w.Write(data)
	w.Close()
	return buf.Len()
}

// siteSizes adds up the gzip sizes of a built site's HTML and of its
// search index, file by file, as they would be served.
func siteSizes(t testing.TB, dir string) (html, index, indexRaw, largestPart int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		isIndex := strings.HasPrefix(rel, "search/")
		if !isIndex && !strings.HasSuffix(rel, ".html") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n := gzipSize(data)
		if isIndex {
			index += n
			indexRaw += len(data)
			if rel != "search/index.json" {
				largestPart = max(largestPart, n)
			}
		} else {
			html += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return html, index, indexRaw, largestPart
}

// generatedSite builds a sitegen site of n pages with the default theme.
func generatedSite(t testing.TB, n int) string {
	t.Helper()
	root := t.TempDir()
	if err := sitegen.Generate(root, n); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "public")
	if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// readSearchFiles reads search/ of a built site.
func readSearchFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(filepath.Join(dir, "search"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, "search", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["search/"+e.Name()] = data
	}
	return files
}

// TestSearchGeneratedSite checks the index of a generated site past the
// split: complete, in parts, and within a quarter of the HTML when both
// are gzip-compressed. BenchmarkSearchIndex measures 10,000 pages.
func TestSearchGeneratedSite(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("builds a 1,500-page site; skipped with -short and -race")
	}
	const n = 1500
	dir := generatedSite(t, n)
	ix := searchtest.Decode(t, readSearchFiles(t, dir), search.CompareUTF16)
	// Pages, their sections and areas, and the home page.
	if want := n + sitegen.Sections(n) + sitegen.AreaCount(n) + 1; len(ix.Docs) != want {
		t.Errorf("index holds %d pages, want %d", len(ix.Docs), want)
	}
	if ix.Files == 0 {
		t.Error("a site past 1,000 pages has a one-file index")
	}
	d := ix.Doc(sitegen.PageURL(1234))
	if d == nil || d.Title != "Page 1234 about configuring integration 1234" || len(d.Sections) != 5 || d.Sections[4][0] != "troubleshooting" {
		t.Errorf("page 1234 = %+v", d)
	}
	html, index, _, largest := siteSizes(t, dir)
	if ratio := float64(index) / float64(html); ratio > 0.25 {
		t.Errorf("gzip index %d bytes = %.1f%% of gzip HTML %d bytes, want at most 25%%", index, ratio*100, html)
	}
	t.Logf("%d pages: gzip HTML %d, gzip index %d (%.1f%%), largest part %d", n, html, index, 100*float64(index)/float64(html), largest)
}

// BenchmarkSearchIndex builds generated sites and reports the size of the
// search index against the HTML, both gzip-compressed file by file.
func BenchmarkSearchIndex(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			root := benchSite(b, n)
			out := filepath.Join(b.TempDir(), "public")
			for range b.N {
				if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			html, index, raw, largest := siteSizes(b, out)
			files, _ := os.ReadDir(filepath.Join(out, "search"))
			b.ReportMetric(float64(html), "html-gzip-B")
			b.ReportMetric(float64(index), "index-gzip-B")
			b.ReportMetric(float64(raw), "index-B")
			b.ReportMetric(float64(largest), "largest-part-gzip-B")
			b.ReportMetric(float64(len(files)), "index-files")
			b.ReportMetric(100*float64(index)/float64(html), "index-%-of-html")
		})
	}
}

// The flags of a posting, as package search writes them.
const (
	inHeading = 1
	inText    = 2
)
