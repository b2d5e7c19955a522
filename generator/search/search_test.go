package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"folio/generator"
	"folio/generator/markdown"
	"folio/generator/search/searchtest"
)

// searchFiles writes the index into a map of files.
func searchFiles(t testing.TB, s *Index) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := s.WriteTo(func(name string, data []byte) error {
		if _, dup := files[name]; dup {
			return fmt.Errorf("%s written twice", name)
		}
		files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// synthIndex is an index of n pages whose text repeats words words times.
func synthIndex(n, words int) *Index {
	pages := make([]*generator.Page, n)
	for i := range pages {
		pages[i] = &generator.Page{Kind: generator.KindPage, Title: fmt.Sprintf("Page %d", i), URL: fmt.Sprintf("/p/%d/", i)}
	}
	s := NewIndex(pages)
	for i, p := range pages {
		var text strings.Builder
		for j := range words {
			fmt.Fprintf(&text, "word%d ", (i*7+j)%5000)
		}
		s.AddSections(p, []RawSection{
			{Text: "Intro of page " + strconv.Itoa(i)},
			{ID: "more", Heading: "More", Text: text.String()},
		})
	}
	return s
}

func TestSearchSplit(t *testing.T) {
	tests := []struct {
		name         string
		pages, words int
		split        bool
	}{
		{"1000 short pages in one file", 1000, 1, false},
		{"1001 short pages split", 1001, 1, true},
		{"100 long pages split", 100, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := searchFiles(t, synthIndex(tt.pages, tt.words))
			ix := searchtest.Decode(t, files, CompareUTF16)
			if len(ix.Docs) != tt.pages {
				t.Fatalf("index holds %d pages, want %d", len(ix.Docs), tt.pages)
			}
			if split := ix.Files > 0; split != tt.split {
				t.Fatalf("split = %v (%d files), want %v", split, len(files), tt.split)
			}
			if !tt.split {
				return
			}
			var termParts, docParts int
			for name, data := range files {
				base := strings.TrimPrefix(name, "search/")
				switch {
				case base == "index.json":
					continue
				case strings.HasPrefix(base, "t"):
					termParts++
				case strings.HasPrefix(base, "d"):
					docParts++
				}
				// A part stops growing past searchPartSize; its last
				// entry is at most a page or one term's postings.
				if len(data) > 2*searchPartSize {
					t.Errorf("%s is %d bytes, want about %d", name, len(data), searchPartSize)
				}
			}
			if termParts < 2 || docParts < 2 {
				t.Errorf("%d term parts and %d doc parts, want several of each", termParts, docParts)
			}
			if d := ix.Doc("/p/77/"); d == nil || d.Title != "Page 77" || d.Sections[1][0] != "more" {
				t.Errorf("page 77 = %+v", d)
			}
		})
	}
}

func TestKeepCap(t *testing.T) {
	tests := []struct {
		lens []int
		want int
	}{
		{[]int{100, 200}, -1}, // all fit
		{[]int{100, 5000, 200}, 4096 - 300},
		{slices.Repeat([]int{1000}, 20), 4096 / 20},
		{slices.Repeat([]int{1000}, 100), 120},
	}
	for _, tt := range tests {
		got := keepCap(tt.lens, 4096, 120)
		if tt.want < 0 && got < 5000 || tt.want >= 0 && got != tt.want {
			t.Errorf("keepCap(%v) = %d, want %d", tt.lens, got, tt.want)
		}
	}
}

func TestSearchKeepPerPage(t *testing.T) {
	for _, tt := range []struct{ pages, want int }{
		{1, searchKeepMax}, {2000, searchKeepMax}, {4000, searchKeepSite / 4000}, {10000, searchKeepPage},
	} {
		pages := make([]*generator.Page, tt.pages)
		for i := range pages {
			pages[i] = &generator.Page{Kind: generator.KindPage}
		}
		if got := NewIndex(pages).keep; got != tt.want {
			t.Errorf("%d pages keep %d bytes of text each, want %d", tt.pages, got, tt.want)
		}
	}
}

func TestFoldAndTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Über Ünïcode & more", []string{"uber", "unicode", "more"}},
		{"scan_interval=30 a b", []string{"scan", "interval", "30"}},
		{"ΣΟΦΟΣ σοφός", []string{"σοφοσ", "σοφοσ"}},
		{strings.Repeat("x", 50), []string{strings.Repeat("x", searchMaxTerm)}},
		{"don’t", []string{"don"}},
	}
	for _, tt := range tests {
		var got []string
		forTerms(foldText(tt.in), func(s string) { got = append(got, s) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("terms of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUTF16Compare(t *testing.T) {
	// JavaScript sorts "\uffff" after "𝒳" (U+1D4B3 is \ud835\udcb3 in
	// UTF-16); Go's byte order says the opposite.
	ordered := []string{"", "a", "ab", "b", "é", "𝒳", "\uffff"}
	for i := range ordered {
		for j := range ordered {
			if got, want := CompareUTF16(ordered[i], ordered[j]), cmpInt(i, j); got != want {
				t.Errorf("CompareUTF16(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestAppendJSONString checks the escaper against encoding/json on text
// with quotes, controls, line separators and invalid UTF-8, which must
// come out as valid JSON holding the text with U+FFFD for bad bytes.
func TestAppendJSONString(t *testing.T) {
	cases := []string{"", "plain ascii", `quote " and \ backslash`, "tab\tnew\nline\x00\x1f", "é ü 日本", "sep\u2028par\u2029", "bad \xff\xfe byte", "cut \xe6\x97", strings.Repeat("long text ", 100) + "\"end\""}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		out := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", s, out, err)
		}
		var want strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			want.WriteRune(r) // RuneError for each bad byte
			i += n
		}
		if got != want.String() {
			t.Errorf("%q: decodes to %q, want %q", s, got, want.String())
		}
		if bytes.ContainsAny(out, "\u2028\u2029") {
			t.Errorf("%q: U+2028 or U+2029 left unescaped in %s", s, out)
		}
	}
}

// TestAddTermsMatchesForTerms holds the ASCII path of addTerms to the
// general one, forTerms over foldText.
func TestAddTermsMatchesForTerms(t *testing.T) {
	alphabet := []string{"a", "B", "z", "Q", "0", "9", " ", "-", "_", ".", "\n", "é", "É", "ß", "日", "x"}
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []string{"", "a", "ab", "Hello, World! 42 x", strings.Repeat("Long", 20) + " end", "Mixed café Terms"}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(60) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, text := range cases {
		got := &termSet{flags: map[string]uint8{"keep": inHeading}, order: []string{"keep"}}
		addTerms(got, text, inText)
		want := &termSet{flags: map[string]uint8{"keep": inHeading}, order: []string{"keep"}}
		forTerms(foldText(text), func(term string) { want.add(term, inText) })
		if !maps.Equal(got.flags, want.flags) || !slices.Equal(got.order, want.order) {
			t.Fatalf("addTerms(%q) = %v %v, want %v %v", text, got.order, got.flags, want.order, want.flags)
		}
	}
}

func TestChunked(t *testing.T) {
	var c chunked
	const n = 3*chunkSize + 17
	for i := range n {
		c.add(uint32(i))
	}
	for _, r := range [][2]int{{0, 0}, {0, n}, {5, 9}, {chunkSize - 3, chunkSize + 3}, {chunkSize, 2 * chunkSize}, {1, 3*chunkSize + 1}, {n - 1, n}} {
		want := r[0]
		c.each(r[0], r[1], func(v uint32) {
			if int(v) != want {
				t.Fatalf("each(%d, %d): got %d, want %d", r[0], r[1], v, want)
			}
			want++
		})
		if want != r[1] {
			t.Errorf("each(%d, %d) stopped at %d", r[0], r[1], want)
		}
	}
}

func TestSearchPageBounds(t *testing.T) {
	var src strings.Builder
	src.WriteString("Intro.\n\n## Long\n\n")
	for i := 0; src.Len() < searchMaxText+4096; i++ {
		fmt.Fprintf(&src, "word%d ", i)
	}
	src.WriteString("\n\nfarbeyond\n\n## Short\n\nLast words.\n")
	md, _ := markdown.New(false, nil)
	doc := markdown.Parse(md, []byte(src.String()))
	markdown.HeadingIDs(doc, []byte(src.String()))
	raw := pageSections(doc, []byte(src.String()))
	if len(raw) != 3 || raw[2].ID != "short" || raw[2].Heading != "Short" {
		t.Fatalf("sections past the text limit: %d, last %+v; want the heading kept", len(raw), raw[len(raw)-1])
	}
	total := 0
	for _, r := range raw {
		total += len(r.Text)
	}
	if total > searchMaxText {
		t.Errorf("text read = %d bytes, want at most %d", total, searchMaxText)
	}
	p := &generator.Page{Kind: generator.KindPage, Title: "Bounds", URL: "/bounds/"}
	s := NewIndex([]*generator.Page{p})
	defer s.Store().Close()
	if s.keep != searchKeepMax {
		t.Errorf("a small site keeps %d bytes a page, want %d", s.keep, searchKeepMax)
	}
	s.AddSections(p, raw)
	ix := searchtest.Decode(t, searchFiles(t, s), CompareUTF16)
	secs := ix.Doc("/bounds/").Sections
	kept := 0
	for _, sec := range secs {
		kept += len(sec[2])
	}
	if kept > s.keep+len("…") || !strings.HasSuffix(secs[1][2], "…") {
		t.Errorf("kept text = %d bytes, ending %q; want at most %d, cut with …", kept, secs[1][2][max(0, len(secs[1][2])-20):], s.keep)
	}
	if secs[0][2] != "Intro." {
		t.Errorf("short section kept as %q, want whole", secs[0][2])
	}
	has := func(term string) bool {
		return slices.ContainsFunc(ix.Terms[term], func(p searchtest.Posting) bool { return p.Sec == 1 })
	}
	if !has("word2000") {
		t.Error("a word past the kept text but within searchMaxText is not Searchable")
	}
	if has("farbeyond") {
		t.Error("a word past searchMaxText is in the index")
	}
}
