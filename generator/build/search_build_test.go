package build

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"folio/bench/sitegen"
	"folio/generator/output"
)

// decodedIndex is a search index read back from its files, checked for
// the promises search.js relies on.
type decodedIndex struct {
	docs  []indexDoc
	terms map[string][]posting
	files int // parts in files of their own, besides index.json
}

type indexDoc struct {
	URL, Title string
	Sections   [][3]string // heading id, heading, text
}

type posting struct {
	URL   string
	Sec   int
	Flags int
}

func (p posting) String() string { return fmt.Sprintf("%s#%d:%d", p.URL, p.Sec, p.Flags) }

// decodeSearch reads the index under search/ in files. It fails the test
// when a part is missing, when terms are not in order or not in the part
// the manifest sends a query to, when doc parts leave gaps, or when a
// posting names a doc or section that does not exist.
func decodeSearch(t testing.TB, files map[string][]byte) *decodedIndex {
	t.Helper()
	var m struct {
		V int
		N int
		T [][2]json.RawMessage
		D [][2]json.RawMessage
	}
	if err := json.Unmarshal(files["search/index.json"], &m); err != nil {
		t.Fatalf("search/index.json: %v", err)
	}
	if m.V != 1 {
		t.Fatalf("search/index.json: version %d, want 1", m.V)
	}
	ix := &decodedIndex{terms: map[string][]posting{}}
	used := map[string]bool{"search/index.json": true}
	part := func(raw json.RawMessage, v any) {
		t.Helper()
		var name string
		if json.Unmarshal(raw, &name) == nil {
			data, ok := files["search/"+name]
			if !ok {
				t.Fatalf("search/index.json names %s, which was not written", name)
			}
			used["search/"+name] = true
			ix.files++
			raw = data
		}
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("search part: %v", err)
		}
	}
	for i, e := range m.D {
		var start int
		if err := json.Unmarshal(e[0], &start); err != nil || start != len(ix.docs) {
			t.Fatalf("doc part %d starts at %s, want %d", i, e[0], len(ix.docs))
		}
		var docs [][3]json.RawMessage
		part(e[1], &docs)
		for _, d := range docs {
			var doc indexDoc
			if json.Unmarshal(d[0], &doc.URL) != nil || json.Unmarshal(d[1], &doc.Title) != nil || json.Unmarshal(d[2], &doc.Sections) != nil {
				t.Fatalf("doc part %d: bad doc %s", i, d)
			}
			ix.docs = append(ix.docs, doc)
		}
	}
	if m.N != len(ix.docs) {
		t.Errorf("search/index.json: n = %d, but the doc parts hold %d pages", m.N, len(ix.docs))
	}
	var firsts []string
	for _, e := range m.T {
		var first string
		if err := json.Unmarshal(e[0], &first); err != nil {
			t.Fatal(err)
		}
		firsts = append(firsts, first)
	}
	if len(firsts) > 0 && firsts[0] != "" {
		t.Errorf("first term part starts at %q, want \"\"", firsts[0])
	}
	for i, e := range m.T {
		var terms map[string][]int
		part(e[1], &terms)
		for term, list := range terms {
			if utf16Compare(term, firsts[i]) < 0 || (i+1 < len(firsts) && utf16Compare(term, firsts[i+1]) >= 0) {
				t.Errorf("term %q is in part %d, which holds [%q, next part)", term, i, firsts[i])
			}
			if _, dup := ix.terms[term]; dup {
				t.Errorf("term %q is in two parts", term)
			}
			if len(list)%2 != 0 {
				t.Fatalf("term %q: odd postings list %v", term, list)
			}
			ps := []posting{}
			doc := 0
			for j := 0; j < len(list); j += 2 {
				doc += list[j]
				sec, flags := list[j+1]>>2, list[j+1]&3
				if doc >= len(ix.docs) || sec >= len(ix.docs[doc].Sections) || flags == 0 || (j > 0 && list[j] < 0) {
					t.Fatalf("term %q: posting %d,%d names no section (doc %d of %d)", term, list[j], list[j+1], doc, len(ix.docs))
				}
				ps = append(ps, posting{ix.docs[doc].URL, sec, flags})
			}
			ix.terms[term] = ps
		}
	}
	for name := range files {
		if strings.HasPrefix(name, "search/") && !used[name] {
			t.Errorf("%s is written but not in search/index.json", name)
		}
	}
	return ix
}

func (ix *decodedIndex) urls() []string {
	var out []string
	for _, d := range ix.docs {
		out = append(out, d.URL)
	}
	return out
}

func (ix *decodedIndex) doc(url string) *indexDoc {
	for i := range ix.docs {
		if ix.docs[i].URL == url {
			return &ix.docs[i]
		}
	}
	return nil
}

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
	ix := decodeSearch(t, out.Files)
	if ix.files != 0 {
		t.Errorf("a site of %d pages has its index in %d files, want one", len(ix.docs), ix.files+1)
	}
	wantURLs := []string{"/", "/docs/", "/docs/errors/", "/docs/renew/", "/docs/tokens/"}
	if got := ix.urls(); !slices.Equal(got, wantURLs) {
		t.Errorf("indexed pages = %q, want %q (no draft, no search: false)", got, wantURLs)
	}
	wantDocs := map[string]indexDoc{
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
		got := ix.doc(url)
		if got == nil {
			continue
		}
		if got.Title != want.Title || !slices.Equal(got.Sections, want.Sections) {
			t.Errorf("doc %s = %q %q,\nwant %q %q", url, got.Title, got.Sections, want.Title, want.Sections)
		}
	}
	if d := ix.doc("/docs/errors/"); d != nil && !strings.HasPrefix(d.Sections[1][2], "When the log says <script>alert(1)</script>, read on") {
		t.Errorf("code in text = %q, want it as the reader sees it", d.Sections[1][2])
	}
	const title, text = inHeading, inText
	wantTerms := map[string][]posting{
		"token": {
			{"/docs/errors/", 1, text},
			{"/docs/renew/", 1, title},
			{"/docs/tokens/", 0, text}, {"/docs/tokens/", 1, text},
		},
		"tokens": {{"/", 0, text}, {"/docs/tokens/", 0, title}},
		"renew":  {{"/docs/renew/", 1, title | text}},
		"uber":   {{"/docs/renew/", 2, title}},
		"cafe":   {{"/docs/renew/", 2, text}},
		"don":    {{"/docs/renew/", 2, text}},
		"alert":  {{"/docs/errors/", 1, text}},
		"docs":   {{"/", 0, text}, {"/docs/", 0, title}},
	}
	for term, want := range wantTerms {
		if got := ix.terms[term]; !slices.Equal(got, want) {
			t.Errorf("postings of %q = %v, want %v", term, got, want)
		}
	}
	// The draft's and the opted-out page's words, one-letter words, and
	// the typographer's entities must not be terms.
	for _, term := range []string{"hunter2", "launch", "vault", "internal", "a", "t", "rsquo", "ldquo"} {
		if _, ok := ix.terms[term]; ok {
			t.Errorf("term %q is in the index: %v", term, ix.terms[term])
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
	ix := decodeSearch(t, readSearchFiles(t, dir))
	// Pages, their sections and areas, and the home page.
	if want := n + sitegen.Sections(n) + sitegen.AreaCount(n) + 1; len(ix.docs) != want {
		t.Errorf("index holds %d pages, want %d", len(ix.docs), want)
	}
	if ix.files == 0 {
		t.Error("a site past 1,000 pages has a one-file index")
	}
	d := ix.doc(sitegen.PageURL(1234))
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

// The flags and the order of terms in an index, as package search writes
// them, for decodeSearch.
const (
	inHeading = 1
	inText    = 2
)

func utf16Compare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmp.Compare(utf16Key(ra), utf16Key(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func utf16Key(r rune) int64 {
	if r >= 0x10000 {
		return int64(0xD800+((r-0x10000)>>10))<<21 | int64(r)
	}
	return int64(r) << 21
}
