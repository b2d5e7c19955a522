package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"folio/generator"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"
)

// Site search.
//
// Every build writes an index of its pages under /search/ for the theme's
// search box, which searches in the reader's browser (search.js), so no
// query ever reaches a server. The index is an inverted index: terms map
// to the sections of pages they appear in, and the text shown in results
// is kept apart from it, so a query needs the terms it names and the text
// of the ten results it shows, and nothing else.
//
// A page is split into sections: section 0 is its title and the text before
// its first heading; section k is heading k and the text up to the next
// heading. A result links to the section that matched best, at #id.
//
// The files, all minified JSON:
//
//	search/index.json   {"v":1,"n":pages,"t":[[first term, part], ...],"d":[[first doc, part], ...]}
//
// A part is either inline data or the name of a file beside index.json
// (tN.HASH.json, dN.HASH.json) whose name changes with its content, so it
// can be cached for good. Term parts ("t") hold consecutive ranges of the
// sorted terms: {"term":[doc, code, doc, code, ...]}, where doc is the
// difference from the previous doc number and code is section*4 + 1 when
// the term is in the section's heading (the title, for section 0) + 2 when
// it is in the section's text. Doc parts ("d") hold consecutive pages:
// [url, title, [[heading id, heading, text], ...]], section 0 with empty
// id and heading. Small sites get one index.json with both parts inline;
// past searchSplitPages pages, or searchInlineMax bytes, parts are files.
//
// Terms are folded the way search.js folds a query: decomposed, combining
// marks dropped, lower case; split at anything that is not a letter or a
// digit; at least 2 and at most searchMaxTerm characters. Keep fold and
// terms in step with search.js.

const (
	// searchSplitPages is the most pages a one-file index may hold.
	searchSplitPages = 1000
	// searchInlineMax is the largest one-file index, in bytes, so a small
	// site with long pages is split too.
	searchInlineMax = 512 << 10
	// searchPartSize and searchDocPartSize are the sizes a term or doc
	// part grows to before the next begins: small enough that a query
	// fetches little, large enough that gzip finds the repeats between
	// neighbouring entries. A query fetches the doc parts of up to ten
	// results, so those are smaller.
	searchPartSize    = 32 << 10
	searchDocPartSize = 16 << 10
	// searchMaxText bounds the text of one page that is searched, which
	// bounds the build's memory however long a page is.
	searchMaxText = 32 << 10
	// searchKeepSite is how much text the index keeps for snippets in all,
	// shared evenly between pages, but never more than searchKeepMax or
	// less than searchKeepPage a page; within a page it is shared fairly
	// between sections, none keeping less than searchKeepMin. Kept text
	// is most of the index and of the memory search takes in a build: a
	// site of up to 2,000 pages keeps whole docs pages for its snippets,
	// and 10,000 pages of varied text keep the index under a quarter of
	// the HTML (at 4 KB a page it was 28%).
	searchKeepSite = 16 << 20
	searchKeepMax  = 8 << 10
	searchKeepPage = 2 << 10
	searchKeepMin  = 120
	// searchMaxTerm is the longest term, in characters; longer words are
	// cut, in the index and in queries alike.
	searchMaxTerm = 40
)

// Flags of a term in a section.
const (
	inHeading = 1 // the section's heading, or the page title for section 0
	inText    = 2
)

// Index collects what search needs from each page while pages render
// in parallel: a slot per page, which the worker that renders it points at
// the page's sections in the store. Terms are numbered, and the postings
// made, when the index is written.
type Index struct {
	slots map[*generator.Page]int
	docs  []searchDoc
	keep  int // bytes of text each page keeps
	store *Store
}

type searchDoc struct {
	url, title string
	ref        SectionRef // the page's sections; none: its title alone
}

// Searchable reports whether a page belongs in the index: pages made from
// content that are not drafts (a build with -drafts renders drafts, but
// search must not reveal them) and do not opt out with `search: false`.
func Searchable(p *generator.Page) bool {
	switch p.Kind {
	case generator.KindHome, generator.KindSection, generator.KindPage:
	default:
		return false
	}
	if off, ok := p.Params["search"].(bool); ok && !off {
		return false
	}
	return !p.Draft
}

// NewIndex makes the index of pages. Its sections wait in a store
// until the index is written; whoever made the index closes the store.
func NewIndex(pages []*generator.Page) *Index {
	s := &Index{slots: map[*generator.Page]int{}, store: NewStore()}
	for _, p := range pages {
		if Searchable(p) {
			s.slots[p] = len(s.slots)
			s.docs = append(s.docs, searchDoc{url: p.URL, title: p.Title})
		}
	}
	s.keep = min(max(searchKeepSite/max(len(s.slots), 1), searchKeepPage), searchKeepMax)
	return s
}

// Add reads a page's sections from its parsed body, after headingIDs has
// given the headings their ids, and indexes them. Safe for concurrent use
// by distinct pages.
func (s *Index) Add(p *generator.Page, doc ast.Node, src []byte) SectionRef {
	if s == nil {
		return SectionRef{}
	}
	if _, ok := s.slots[p]; !ok {
		return SectionRef{}
	}
	return s.AddSections(p, pageSections(doc, src))
}

// AddSections indexes sections, such as those a build cache kept for a
// page it did not render again, filling in their terms. It returns where
// they are kept, or no ref when the page is not in the index.
func (s *Index) AddSections(p *generator.Page, raw []RawSection) SectionRef {
	if s == nil {
		return SectionRef{}
	}
	i, ok := s.slots[p]
	if !ok {
		return SectionRef{}
	}
	var ts *termSet
	for j := range raw {
		if r := &raw[j]; r.Terms == "" {
			heading := r.Heading
			if j == 0 {
				heading = p.Title
			}
			if ts == nil {
				ts = termSets.Get().(*termSet)
			}
			r.Terms = termsWith(ts, heading, r.Text)
		}
	}
	if ts != nil {
		termSets.Put(ts)
	}
	ref := s.store.put(raw)
	s.docs[i].ref = ref
	return ref
}

// RawSection is a section of a page as its body has it. terms is made
// from the heading and text by termsOf the first time the section is
// indexed and kept with it, so a page a build cache did not render again
// is indexed without folding its text again.
type RawSection struct {
	ID, Heading, Text string
	Terms             string
}

// termsOf lists a section's terms in the order they first appear, each
// as its flags (a digit) then the term, separated by spaces: "3install
// 2token". Terms are letters and digits only, so a space never occurs in
// one.
func termsOf(heading, text string) string {
	return termsWith(&termSet{flags: map[string]uint8{}}, heading, text)
}

// termSet gathers a section's terms and their flags, in order.
type termSet struct {
	flags map[string]uint8
	order []string
}

// termSets are kept between pages, with the room their map and list grew.
var termSets = sync.Pool{New: func() any { return &termSet{flags: map[string]uint8{}} }}

func (ts *termSet) add(term string, f uint8) {
	old, ok := ts.flags[term]
	if !ok {
		ts.order = append(ts.order, term)
	}
	ts.flags[term] = old | f
}

// termsWith is termsOf with a set to use, which it clears first.
func termsWith(ts *termSet, heading, text string) string {
	clear(ts.flags)
	ts.order = ts.order[:0]
	addTerms(ts, heading, inHeading)
	addTerms(ts, text, inText)
	size := 0
	for _, t := range ts.order {
		size += len(t) + 2
	}
	var b strings.Builder
	b.Grow(size)
	for i, t := range ts.order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('0' + ts.flags[t])
		b.WriteString(t)
	}
	return b.String()
}

// addTerms adds the terms of text to ts with the flag f, as forTerms
// finds them in foldText(text). Plain ASCII text, most of a docs site, is
// folded a word at a time instead of copied whole, and a word already
// there with its flag costs a lookup and nothing more.
func addTerms(ts *termSet, text string, f uint8) {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			forTerms(foldText(text), func(t string) { ts.add(t, f) })
			return
		}
	}
	var lower [searchMaxTerm]byte
	for i := 0; i < len(text); {
		for i < len(text) && !asciiWordByte(text[i]) {
			i++
		}
		start := i
		for i < len(text) && asciiWordByte(text[i]) {
			i++
		}
		word := text[start:i]
		if len(word) < 2 {
			continue
		}
		word = word[:min(len(word), searchMaxTerm)]
		n := copy(lower[:], word)
		for j := range n {
			if c := lower[j]; 'A' <= c && c <= 'Z' {
				lower[j] = c + 'a' - 'A'
			}
		}
		if old, ok := ts.flags[string(lower[:n])]; !ok || old&f == 0 {
			ts.add(string(lower[:n]), f)
		}
	}
}

func asciiWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
}

// pageSections splits a page's text at its headings. Text is what a reader
// sees, code included, with runs of white space made one space; raw HTML
// is left out. Past searchMaxText bytes only headings are read.
func pageSections(doc ast.Node, src []byte) []RawSection {
	secs := []RawSection{{}}
	var body, heading spaceWriter
	body.limit = searchMaxText
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Heading:
			if entering {
				secs[len(secs)-1].Text = body.take()
				id, _ := n.AttributeString("id")
				idb, _ := id.([]byte)
				heading.limit = searchMaxText
				writeInline(&heading, n, src)
				secs = append(secs, RawSection{ID: string(idb), Heading: heading.take()})
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					body.write(seg.Value(src))
					body.space = true
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if n.Type() == ast.TypeInline {
			if entering {
				writeInline(&body, n, src)
			}
			return ast.WalkSkipChildren, nil
		}
		// Blocks (paragraphs, list items, table cells) are separate words.
		body.space = true
		return ast.WalkContinue, nil
	})
	secs[len(secs)-1].Text = body.take()
	return secs
}

// writeInline writes the text of an inline node and its children as the
// HTML renderer shows it: backslash escapes and entities resolved (but
// not in code), typographic quotes as characters, raw HTML left out.
func writeInline(w *spaceWriter, n ast.Node, src []byte) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			v := t.Value(src)
			if !t.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			w.write(v)
			if t.SoftLineBreak() || t.HardLineBreak() {
				w.space = true
			}
		case *ast.String:
			// Code strings go out as HTML as they are (the typographer's
			// &rsquo;); raw ones are escaped; the rest as Text.
			switch {
			case t.IsCode():
				w.write([]byte(html.UnescapeString(string(t.Value))))
			case t.IsRaw():
				w.write(t.Value)
			default:
				w.write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(t.Value))))
			}
		case *ast.AutoLink:
			w.write(t.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// spaceWriter gathers text with each run of white space made one space,
// up to limit bytes.
type spaceWriter struct {
	buf   []byte
	space bool // a space is due before the next word
	limit int
}

func (w *spaceWriter) write(b []byte) {
	for _, c := range b {
		if len(w.buf) >= w.limit {
			return
		}
		switch c {
		case ' ', '\n', '\t', '\r', '\f', '\v':
			w.space = true
			continue
		}
		if w.space && len(w.buf) > 0 {
			w.buf = append(w.buf, ' ')
		}
		w.space = false
		w.buf = append(w.buf, c)
	}
}

// take returns the text so far and starts afresh in the same space,
// keeping what is left of the limit: the limit is for the whole page.
func (w *spaceWriter) take() string {
	out := string(w.buf)
	w.limit -= len(out)
	w.buf, w.space = w.buf[:0], false
	return out
}

// keepCap is how many bytes each section keeps so that together they keep
// about budget: short sections whole, long ones cut to the same length,
// none to less than least.
func keepCap(lens []int, budget, least int) int {
	sorted := slices.Clone(lens)
	slices.Sort(sorted)
	for i, l := range sorted {
		rest := len(sorted) - i
		if l*rest > budget {
			return max(budget/rest, least)
		}
		budget -= l
	}
	return math.MaxInt
}

// cutText cuts s to at most n bytes, at a space when one is near.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > n*3/4 {
		cut = sp
	}
	return s[:cut] + "…"
}

// foldText makes text comparable regardless of case and accents, as
// search.js's fold does: NFD, combining marks (Mn) dropped, lower case,
// and Greek final sigma as sigma (JavaScript lowers Σ by context).
func foldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
	return strings.ReplaceAll(strings.ToLower(s), "ς", "σ")
}

// forTerms calls fn with each term of folded text, as search.js's terms
// splits a query.
func forTerms(folded string, fn func(string)) {
	start := -1
	emit := func(end int) {
		t := folded[start:end]
		n := 0
		for i := range t {
			if n == searchMaxTerm {
				t = t[:i]
				break
			}
			n++
		}
		if n >= 2 {
			fn(t)
		}
	}
	for i := 0; i < len(folded); {
		c, size := folded[i], 1
		var word bool
		if c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(folded[i:])
			word = unicode.IsLetter(r) || unicode.IsNumber(r)
		}
		if word {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			emit(i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		emit(len(folded))
	}
}

// CompareUTF16 orders strings as JavaScript compares them, by UTF-16 code
// units, so search.js can binary search the parts' first terms. It differs
// from Go's byte order only for characters past U+FFFF.
func CompareUTF16(a, b string) int {
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

// utf16Key maps a rune to its first UTF-16 code unit, with the rune itself
// as the tie breaker below.
func utf16Key(r rune) int64 {
	if r >= 0x10000 {
		return int64(0xD800+((r-0x10000)>>10))<<21 | int64(r)
	}
	return int64(r) << 21
}

// WriteTo writes the index through write, with names under search/. A
// split index is written part by part as it is made, and each page's text
// is let go once written, so memory holds one part at a time, not the
// whole index. The searchIndex is spent afterwards.
func (s *Index) WriteTo(write func(name string, data []byte) error) error {
	// Past searchSplitPages the index is split whatever its size; below,
	// the parts wait until their total size is known.
	stream := len(s.docs) > searchSplitPages
	var termParts, docParts []searchPart
	size := 0
	done := func(parts []searchPart, kind string) error {
		p := &parts[len(parts)-1]
		size += len(p.data)
		if stream {
			return p.store(kind, len(parts)-1, write)
		}
		return nil
	}

	// Each doc's sections are read back once: their text goes out in the
	// doc parts here, while their terms are numbered and kept, flat, for
	// the postings by a second goroutine, so the two halves of the work
	// share the cores.
	var (
		ids     = map[string]uint32{}
		terms   []string
		flat    chunked // term number << 2 | flags, doc by doc, section by section
		bounds  []int32 // where each section of each doc ends in flat
		docSecs = make([]int32, len(s.docs)+1)
		toTerms = make(chan []RawSection, 64)
		counted = make(chan struct{})
	)
	go func() {
		defer close(counted)
		d := 0
		for raw := range toTerms {
			for _, r := range raw {
				for e := range strings.SplitSeq(r.Terms, " ") {
					if len(e) < 2 {
						continue
					}
					t := e[1:]
					id, ok := ids[t]
					if !ok {
						id = uint32(len(terms))
						ids[t] = id
						terms = append(terms, t)
					}
					flat.add(id<<2 | uint32(e[0]-'0'))
				}
				bounds = append(bounds, int32(flat.n))
			}
			d++
			docSecs[d] = int32(len(bounds))
		}
	}()
	// stop ends the goroutine and waits for it, on every way out.
	stop := sync.OnceFunc(func() {
		close(toTerms)
		<-counted
	})
	defer stop()
	var buf, rec []byte
	for d := range s.docs {
		doc := &s.docs[d]
		var raw []RawSection
		if doc.ref.n == 0 {
			raw = []RawSection{{Terms: termsOf(doc.title, "")}}
		} else {
			var err error
			if rec, err = s.store.Get(doc.ref, rec); err != nil {
				return err
			}
			if raw, err = DecodeSections(rec); err != nil {
				return err
			}
		}
		toTerms <- raw

		if len(docParts) == 0 || len(docParts[len(docParts)-1].data) >= searchDocPartSize {
			if len(docParts) > 0 {
				docParts[len(docParts)-1].data = append(docParts[len(docParts)-1].data, ']')
				if err := done(docParts, "d"); err != nil {
					return err
				}
			}
			docParts = append(docParts, searchPart{start: d, data: newPartData('[', searchDocPartSize)})
		}
		part := &docParts[len(docParts)-1]
		if len(part.data) > 1 {
			part.data = append(part.data, ',')
		}
		lens := make([]int, len(raw))
		for i, r := range raw {
			lens[i] = len(r.Text)
		}
		keep := keepCap(lens, s.keep, searchKeepMin)
		buf = buf[:0]
		buf = append(buf, '[')
		buf = appendJSONString(buf, doc.url)
		buf = append(buf, ',')
		buf = appendJSONString(buf, doc.title)
		buf = append(buf, ",["...)
		for i, sec := range raw {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			buf = appendJSONString(buf, sec.ID)
			buf = append(buf, ',')
			buf = appendJSONString(buf, sec.Heading)
			buf = append(buf, ',')
			buf = appendJSONString(buf, cutText(sec.Text, keep))
			buf = append(buf, ']')
		}
		buf = append(buf, "]]"...)
		part.data = append(part.data, buf...)
	}
	if len(docParts) > 0 {
		docParts[len(docParts)-1].data = append(docParts[len(docParts)-1].data, ']')
		if err := done(docParts, "d"); err != nil {
			return err
		}
	}

	stop()

	// Postings, in doc and section order: counted first, so that they
	// fill one exact allocation instead of a slice per term.
	count := make([]int, len(terms)+1)
	flat.each(0, flat.n, func(e uint32) { count[e>>2+1] += 2 })
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	all := make([]uint32, count[len(count)-1])
	posts := make([][]uint32, len(terms))
	for id := range posts {
		posts[id] = all[count[id]:count[id]:count[id+1]]
	}
	for d := range s.docs {
		start := int32(0)
		for si, sec := 0, docSecs[d]; sec < docSecs[d+1]; si, sec = si+1, sec+1 {
			if sec > 0 {
				start = bounds[sec-1]
			}
			flat.each(int(start), int(bounds[sec]), func(e uint32) {
				id := e >> 2
				posts[id] = append(posts[id], uint32(d), uint32(si)<<2|e&3)
			})
		}
	}
	flat, bounds = chunked{}, nil
	order := make([]uint32, len(terms))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return CompareUTF16(terms[a], terms[b]) })
	for _, id := range order {
		if len(termParts) == 0 || len(termParts[len(termParts)-1].data) >= searchPartSize {
			if len(termParts) > 0 {
				termParts[len(termParts)-1].data = append(termParts[len(termParts)-1].data, '}')
				if err := done(termParts, "t"); err != nil {
					return err
				}
			}
			termParts = append(termParts, searchPart{first: terms[id], data: newPartData('{', searchPartSize)})
		}
		part := &termParts[len(termParts)-1]
		if len(part.data) > 1 {
			part.data = append(part.data, ',')
		}
		part.data = appendJSONString(part.data, terms[id])
		part.data = append(part.data, ':', '[')
		prev := uint32(0)
		for i := 0; i < len(posts[id]); i += 2 {
			if i > 0 {
				part.data = append(part.data, ',')
			}
			part.data = strconv.AppendUint(part.data, uint64(posts[id][i]-prev), 10)
			part.data = append(part.data, ',')
			part.data = strconv.AppendUint(part.data, uint64(posts[id][i+1]), 10)
			prev = posts[id][i]
		}
		part.data = append(part.data, ']')
	}
	if len(termParts) > 0 {
		termParts[len(termParts)-1].data = append(termParts[len(termParts)-1].data, '}')
		if err := done(termParts, "t"); err != nil {
			return err
		}
		// The first part starts at the first possible term, so every
		// query term has a part to look in.
		termParts[0].first = ""
	}

	inline := !stream && size <= searchInlineMax
	if inline {
		termParts = mergeParts(termParts, '{', '}')
		docParts = mergeParts(docParts, '[', ']')
	}
	index := []byte(`{"v":1,"n":`)
	index = strconv.AppendInt(index, int64(len(s.docs)), 10)
	index = append(index, `,"t":`...)
	index, err := appendParts(index, termParts, "t", inline, write, func(b []byte, p *searchPart) []byte {
		return appendJSONString(b, p.first)
	})
	if err != nil {
		return err
	}
	index = append(index, `,"d":`...)
	index, err = appendParts(index, docParts, "d", inline, write, func(b []byte, p *searchPart) []byte {
		return strconv.AppendInt(b, int64(p.start), 10)
	})
	if err != nil {
		return err
	}
	index = append(index, '}')
	return write("search/index.json", index)
}

// chunked is a long list of numbers kept in blocks of fixed size, so that
// growing it never copies it, and never holds it twice while it does.
type chunked struct {
	blocks [][]uint32
	n      int
}

const chunkSize = 1 << 16

func (c *chunked) add(v uint32) {
	if c.n%chunkSize == 0 {
		c.blocks = append(c.blocks, make([]uint32, 0, chunkSize))
	}
	last := &c.blocks[len(c.blocks)-1]
	*last = append(*last, v)
	c.n++
}

// each calls fn with the numbers from index start up to end.
func (c *chunked) each(start, end int, fn func(uint32)) {
	for i := start; i < end; {
		b := c.blocks[i/chunkSize]
		j := min(end-i+i%chunkSize, len(b))
		for _, v := range b[i%chunkSize : j] {
			fn(v)
		}
		i += j - i%chunkSize
	}
}

// appendParts lists parts in the manifest as [key, part], each part
// inline or, stored first unless it was, the name of its file.
func appendParts(index []byte, parts []searchPart, kind string, inline bool, write func(string, []byte) error, key func([]byte, *searchPart) []byte) ([]byte, error) {
	index = append(index, '[')
	for i := range parts {
		p := &parts[i]
		if !inline && p.name == "" {
			if err := p.store(kind, i, write); err != nil {
				return nil, err
			}
		}
		if i > 0 {
			index = append(index, ',')
		}
		index = append(index, '[')
		index = key(index, p)
		index = append(index, ',')
		index = p.ref(index)
		index = append(index, ']')
	}
	return append(index, ']'), nil
}

// searchPart is one term or doc part of the index.
type searchPart struct {
	first string // its first term
	start int    // its first doc
	data  []byte // its JSON, until it is written
	name  string // its file, once written
}

// newPartData starts a part that will grow to about size bytes, in one
// allocation with room for the entry that takes it past size.
func newPartData(open byte, size int) []byte {
	return append(make([]byte, 0, size+size/4), open)
}

// store writes the part to its own file, named by its content so that it
// can be cached for good, and lets its data go.
func (p *searchPart) store(kind string, i int, write func(string, []byte) error) error {
	sum := sha256.Sum256(p.data)
	p.name = kind + strconv.Itoa(i) + "." + hex.EncodeToString(sum[:4]) + ".json"
	if err := write("search/"+p.name, p.data); err != nil {
		return err
	}
	p.data = nil
	return nil
}

// ref writes the part into the manifest: its file name, or its data.
func (p *searchPart) ref(index []byte) []byte {
	if p.name != "" {
		return appendJSONString(index, p.name)
	}
	return append(index, p.data...)
}

// mergeParts joins parts into one, for the one-file index.
func mergeParts(parts []searchPart, open, close byte) []searchPart {
	data := []byte{open}
	for _, p := range parts {
		body := p.data[1 : len(p.data)-1]
		if len(body) == 0 {
			continue
		}
		if len(data) > 1 {
			data = append(data, ',')
		}
		data = append(data, body...)
	}
	return []searchPart{{data: append(data, close)}}
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD; U+2028 and U+2029 are escaped for older JavaScript parsers.
func appendJSONString(buf []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		// A run of ASCII that needs no escape goes in at once.
		j := i
		for j < len(s) && s[j] >= 0x20 && s[j] < utf8.RuneSelf && s[j] != '"' && s[j] != '\\' {
			j++
		}
		buf = append(buf, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			buf = append(buf, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			buf = append(buf, s[i:i+n]...)
		}
		i += n
	}
	return append(buf, '"')
}

// Store is where the index keeps the sections of its pages until it is
// written; whoever made the index closes it.
func (s *Index) Store() *Store { return s.store }

// Terms lists the distinct terms of text in the order they first appear,
// folded and split as the index does it; search.js must do the same to a
// query, or a query would miss words that are there.
func Terms(text string) []string {
	terms := []string{}
	forTerms(foldText(text), func(s string) {
		if !slices.Contains(terms, s) {
			terms = append(terms, s)
		}
	})
	return terms
}
