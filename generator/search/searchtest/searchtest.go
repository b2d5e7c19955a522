// Package searchtest reads a built search index back from its files for
// tests, failing the test where the index breaks a promise search.js
// relies on. It never builds an index and is imported by tests only.
package searchtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Index is a search index read back from its files, checked for
// the promises search.js relies on.
type Index struct {
	Docs  []Doc
	Terms map[string][]Posting
	Files int // parts in files of their own, besides index.json
}

// Doc is one page of the index.
type Doc struct {
	URL, Title string
	Sections   [][3]string // heading id, heading, text
}

// Posting is one section of a page that holds a term.
type Posting struct {
	URL   string
	Sec   int
	Flags int
}

func (p Posting) String() string { return fmt.Sprintf("%s#%d:%d", p.URL, p.Sec, p.Flags) }

// Decode reads the index under search/ in files. It fails the test
// when a part is missing, when terms are not in order or not in the part
// the manifest sends a query to (in the order compare gives, the
// one the index is sorted by), when doc parts leave gaps, or when a
// posting names a doc or section that does not exist.
func Decode(t testing.TB, files map[string][]byte, compare func(a, b string) int) *Index {
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
	ix := &Index{Terms: map[string][]Posting{}}
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
			ix.Files++
			raw = data
		}
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("search part: %v", err)
		}
	}
	for i, e := range m.D {
		var start int
		if err := json.Unmarshal(e[0], &start); err != nil || start != len(ix.Docs) {
			t.Fatalf("doc part %d starts at %s, want %d", i, e[0], len(ix.Docs))
		}
		var docs [][3]json.RawMessage
		part(e[1], &docs)
		for _, d := range docs {
			var doc Doc
			if json.Unmarshal(d[0], &doc.URL) != nil || json.Unmarshal(d[1], &doc.Title) != nil || json.Unmarshal(d[2], &doc.Sections) != nil {
				t.Fatalf("doc part %d: bad doc %s", i, d)
			}
			ix.Docs = append(ix.Docs, doc)
		}
	}
	if m.N != len(ix.Docs) {
		t.Errorf("search/index.json: n = %d, but the doc parts hold %d pages", m.N, len(ix.Docs))
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
			if compare(term, firsts[i]) < 0 || (i+1 < len(firsts) && compare(term, firsts[i+1]) >= 0) {
				t.Errorf("term %q is in part %d, which holds [%q, next part)", term, i, firsts[i])
			}
			if _, dup := ix.Terms[term]; dup {
				t.Errorf("term %q is in two parts", term)
			}
			if len(list)%2 != 0 {
				t.Fatalf("term %q: odd Postings list %v", term, list)
			}
			ps := []Posting{}
			doc := 0
			for j := 0; j < len(list); j += 2 {
				doc += list[j]
				sec, flags := list[j+1]>>2, list[j+1]&3
				if doc >= len(ix.Docs) || sec >= len(ix.Docs[doc].Sections) || flags == 0 || (j > 0 && list[j] < 0) {
					t.Fatalf("term %q: Posting %d,%d names no section (doc %d of %d)", term, list[j], list[j+1], doc, len(ix.Docs))
				}
				ps = append(ps, Posting{ix.Docs[doc].URL, sec, flags})
			}
			ix.Terms[term] = ps
		}
	}
	for name := range files {
		if strings.HasPrefix(name, "search/") && !used[name] {
			t.Errorf("%s is written but not in search/index.json", name)
		}
	}
	return ix
}

// URLs lists the pages of the index in order.
func (ix *Index) URLs() []string {
	var out []string
	for _, d := range ix.Docs {
		out = append(out, d.URL)
	}
	return out
}

// Doc returns the page with the address url, or nil.
func (ix *Index) Doc(url string) *Doc {
	for i := range ix.Docs {
		if ix.Docs[i].URL == url {
			return &ix.Docs[i]
		}
	}
	return nil
}
