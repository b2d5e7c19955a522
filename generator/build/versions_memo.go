package build

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"

	"folio/generator"
	"folio/generator/markdown"
	"folio/generator/search"
)

// versionBase stands for a version's base path in the links of a body
// rendered on a site of several versions, so that the body serves every
// version: each puts its own base path in its place.
const versionBase = "/_folio-version-base_/"

// bodyMemo keeps the bodies rendered by one version for the others. An
// entry's key covers the page's whole file, its path, its title (the
// first search section's heading) and the language it is rendered in;
// the configuration, theme and shortcodes are the same for every version.
// What may still differ is where the page's links lead, which depends on
// the other pages of the version: an entry keeps every link it resolved
// and is used only when each resolves the same way in the version asking.
type bodyMemo struct {
	mu      sync.Mutex
	entries map[[32]byte]*bodyEntry
	hits    atomic.Int64
}

func newBodyMemo() *bodyMemo { return &bodyMemo{entries: map[[32]byte]*bodyEntry{}} }

// bodyEntry is a rendered body and what rendering it found.
type bodyEntry struct {
	calls    []linkCall
	html     string // with versionBase for the version's base path
	toc      []*generator.Heading
	ids      markdown.IDSet
	links    []generator.LinkRef
	sections []search.RawSection
	diagrams bool // the body holds a diagram
	tabs     bool // the body uses the tabs shortcode
}

// linkCall is one link the body resolved, and how.
type linkCall struct {
	dir, dest string
	out       string
	ref       generator.LinkRef
	ok        bool
}

// sharedBodyKey is the key of a page's body, ok false for a page that is not
// reused: one whose body uses shortcodes or includes, which can read
// other files and pages.
func (b *builder) sharedBodyKey(p *generator.Page, file []byte) ([32]byte, bool) {
	if len(file) < p.BodyAt || bytes.Contains(file[p.BodyAt:], []byte("{{")) || bytes.Contains(file[p.BodyAt:], []byte("{%")) {
		return [32]byte{}, false
	}
	k := newKeyHasher()
	k.str(p.File)
	k.str(p.Path)
	k.str(p.Title)
	k.str(b.cfg.Language)
	k.int(int64(p.BodyLine))
	k.bytes(file)
	return k.sum(), true
}

// versionResolver resolves links as b does, with versionBase for the
// version's base path, recording each link in calls.
func (b *builder) versionResolver(calls *[]linkCall) markdown.Resolver {
	return func(dir, dest string) (string, generator.LinkRef, bool) {
		out, ref, ok := b.versionLink(dir, dest)
		*calls = append(*calls, linkCall{dir: dir, dest: dest, out: out, ref: ref, ok: ok})
		return out, ref, ok
	}
}

func (b *builder) versionLink(dir, dest string) (string, generator.LinkRef, bool) {
	out, ref, ok := b.resolveLink(dir, dest)
	// A file every version shares has the same address in all.
	if ok && !b.ver.set.isShared(ref.Target) {
		if rest, cut := strings.CutPrefix(out, b.ver.base); cut {
			out = versionBase + rest
		}
	}
	return out, ref, ok
}

// withBase puts the version's base path in a body rendered for any.
func (b *builder) withBase(html string) string {
	return strings.ReplaceAll(html, versionBase, b.ver.base)
}

// reuseBody gives the page a body another version rendered, if one with
// the same key resolves every link the same way here.
func (b *builder) reuseBody(p *generator.Page, key [32]byte, view *generator.Page) bool {
	m := b.ver.set.memo
	m.mu.Lock()
	e := m.entries[key]
	m.mu.Unlock()
	if e == nil {
		return false
	}
	for _, c := range e.calls {
		out, ref, ok := b.versionLink(c.dir, c.dest)
		if out != c.out || ref != c.ref || ok != c.ok {
			return false
		}
	}
	m.hits.Add(1)
	b.ids.Store(p.Path, e.ids)
	p.Links = append([]generator.LinkRef(nil), e.links...)
	b.search.AddSections(p, append([]search.RawSection(nil), e.sections...))
	view.Content = htmlString(b.withBase(e.html))
	view.TOC, view.TOCHTML = e.toc, ""
	b.useLibraries(p, view, e.diagrams, e.tabs)
	return true
}

// keepBody keeps a rendered body for the other versions.
func (b *builder) keepBody(p *generator.Page, key [32]byte, e *bodyEntry, ref search.SectionRef) {
	if ref.Len() > 0 {
		var buf []byte
		kept, err := cachedSectionsAt(b.sections, ref, &buf)
		if err != nil {
			return
		}
		for _, s := range kept {
			e.sections = append(e.sections, search.RawSection{ID: s.ID, Heading: s.Heading, Text: s.Text, Terms: s.Terms})
		}
	}
	e.links = append([]generator.LinkRef(nil), p.Links...)
	m := b.ver.set.memo
	m.mu.Lock()
	if _, ok := m.entries[key]; !ok {
		m.entries[key] = e
	}
	m.mu.Unlock()
}
