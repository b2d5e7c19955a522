package build

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"folio/generator"
	"folio/generator/content"
	"folio/generator/images"
	"folio/generator/markdown"
	"folio/generator/output"
	"folio/generator/search"
)

// CacheFile is the name of the build cache in a site's cache folder.
const CacheFile = "build.gob"

// cacheFormat changes whenever what the cache holds or how a key is made
// changes, so an old cache is never trusted by a newer Folio.
const cacheFormat = "folio-build-cache-6"

// Cache remembers what earlier builds did, so that the next build renders
// only the pages whose inputs changed and writes only the files whose
// bytes changed. Every input that shapes a page's output goes into its
// key: the page's source, the site's configuration, the theme, included
// snippets, data handed in by the caller, the navigation metadata of all
// pages, the page's change log, and Folio's own version. A cache that is
// missing, corrupt, from another Folio or for another output folder is
// ignored, and the build runs cold.
//
// A Cache may be kept in memory across builds (folio serve does), which
// also skips re-reading files whose size and modification time did not
// change; LoadCache and Save keep it on disk between runs of folio build.
type Cache struct {
	mu     sync.Mutex
	parses map[string]parseEntry // content file -> last parse; memory only
	state  *cacheState
	last   *builder      // the last successful build, for RenderOne; memory only
	images *images.Store // copies of large images; memory only, backed by the cache folder
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{parses: map[string]parseEntry{}} }

type fileStamp struct {
	size int64
	mod  int64
}

type parseEntry struct {
	stamp fileStamp
	l     content.Loaded
	page  generator.Page // as parsed, before the tree and the build changed it
}

// Parsed returns a fresh copy of an earlier parse of file, if the file
// has not changed since.
func (c *Cache) Parsed(file string, size, mod int64) (content.Loaded, bool) {
	stamp := fileStamp{size: size, mod: mod}
	c.mu.Lock()
	e, ok := c.parses[file]
	c.mu.Unlock()
	if !ok || e.stamp != stamp {
		return content.Loaded{}, false
	}
	l := e.l
	if l.Page != nil {
		p := e.page
		// Slices the build appends to must not share the cached array.
		p.Changelog = slices.Clip(p.Changelog)
		l.Page = &p
	}
	return l, true
}

// StoreParsed keeps a parse of file for the next build.
func (c *Cache) StoreParsed(file string, size, mod int64, l content.Loaded) {
	stamp := fileStamp{size: size, mod: mod}
	e := parseEntry{stamp: stamp, l: l}
	if l.Page != nil {
		e.page = *l.Page
		e.page.Changelog = slices.Clip(e.page.Changelog)
	}
	c.mu.Lock()
	if c.parses == nil {
		c.parses = map[string]parseEntry{}
	}
	c.parses[file] = e
	c.mu.Unlock()
}

// cacheState is what a build leaves for the next: the files it wrote and
// what it learnt from each page while rendering it.
type cacheState struct {
	Format string
	Out    string                 // the output folder, absolute
	Files  map[string]fileSum     // every file written, by output name: its size (see sizeOf)
	Pages  map[string]*cachedPage // by page path
	// BodyKey is the builder's bodyKey: the cached pages' Changes hold
	// when it has not changed.
	BodyKey [32]byte
	// sections holds the search sections of pages rendered by the build
	// that made this state, while it runs (see cachedPage.searchRef).
	sections *search.Store
}

// fileSum identifies a file's content: its size and, for the content
// files pages include, the start of its SHA-256.
type fileSum struct {
	Size int64
	Sum  [16]byte
}

// cachedPage is what rendering a page taught the build besides its HTML:
// heading ids and links for the link check, and text for search.
type cachedPage struct {
	Key    [32]byte
	File   string // its output file
	IDs    []string
	Links  []cachedLink
	Search []cachedSection
	// searchRef holds Search in the search index's store while a build
	// runs.
	searchRef search.SectionRef
	// Includes are the files the page included, with their sums then.
	Includes []includedFile
	// Libraries are the libraries of the theme's static/vendor/ it loads.
	Libraries []string
	// Liquid holds the warnings about Liquid left in the page, so a build
	// that restores it warns and counts it as one that renders it.
	Liquid []string
	// Src is the page's content file, BodySum its body's SHA-256 and
	// Changes the change-log entries that body holds (see bodycache.go).
	Src     string
	BodySum [32]byte
	Changes []cachedChange
}

type includedFile struct {
	File string
	Sum  fileSum // zero when the file could not be read
}

type cachedLink struct {
	Line                           int
	Dest, Target, Fragment, Source string
}

type cachedSection struct {
	ID, Heading, Text string
	Terms             string // as termsOf makes them
}

// sizeOf is what the cache keeps of an output file: its size. A warm
// build compares a page it made again with the file on disk, which is as
// cheap as comparing sums for the few it makes and spares a cold build
// hashing every file it writes.
func sizeOf(data []byte) fileSum { return fileSum{Size: int64(len(data))} }

// sameFiles reports whether the files a and b hold the same bytes.
func sameFiles(a, b string) bool {
	fa, err := os.Open(a)
	if err != nil {
		return false
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false
	}
	defer fb.Close()
	bufA, bufB := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		na, errA := io.ReadFull(fa, bufA)
		nb, errB := io.ReadFull(fb, bufB)
		if na != nb || !bytes.Equal(bufA[:na], bufB[:nb]) {
			return false
		}
		endA := errA == io.EOF || errA == io.ErrUnexpectedEOF
		endB := errB == io.EOF || errB == io.ErrUnexpectedEOF
		if endA || endB {
			return endA && endB
		}
		if errA != nil || errB != nil {
			return false
		}
	}
}

func sumOf(data []byte) fileSum {
	h := sha256.Sum256(data)
	var s fileSum
	s.Size = int64(len(data))
	copy(s.Sum[:], h[:16])
	return s
}

// LoadCache reads the cache of a site's cache folder. Anything wrong with
// it gives an empty cache: a cache is an optimisation, never a source of
// truth.
func LoadCache(dir string) *Cache {
	c := NewCache()
	f, err := os.Open(filepath.Join(dir, CacheFile))
	if err != nil {
		return c
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReader(f))
	var h cacheHeader
	if err := dec.Decode(&h); err != nil || h.Format != cacheFormat+folioVersion() || h.Files < 0 || h.Pages < 0 {
		return c
	}
	st := &cacheState{Format: h.Format, Out: h.Out, BodyKey: h.BodyKey, Files: map[string]fileSum{}, Pages: map[string]*cachedPage{}}
	for range h.Files {
		var e cacheFileEntry
		if err := dec.Decode(&e); err != nil {
			return c
		}
		st.Files[e.Name] = e.Sum
	}
	// The pages' search text is most of the cache: it waits in a store
	// on disk, as the text of pages rendered does, not in memory.
	st.sections = search.NewStore()
	raw := []search.RawSection{}
	for range h.Pages {
		var e cachePageEntry
		if err := dec.Decode(&e); err != nil || e.Page == nil {
			st.sections.Close()
			return c
		}
		if len(e.Page.Search) > 0 {
			raw = raw[:0]
			for _, s := range e.Page.Search {
				raw = append(raw, search.RawSection{ID: s.ID, Heading: s.Heading, Text: s.Text, Terms: s.Terms})
			}
			e.Page.searchRef, e.Page.Search = st.sections.Put(raw), nil
		}
		st.Pages[e.Path] = e.Page
	}
	c.state = st
	return c
}

// The cache file is a gob stream: a header, then one message per file and
// per page, so neither writing nor reading it holds the whole encoding in
// memory at once.
type cacheHeader struct {
	Format, Out  string
	Files, Pages int
	BodyKey      [32]byte
}

type cacheFileEntry struct {
	Name string
	Sum  fileSum
}

type cachePageEntry struct {
	Path string
	Page *cachedPage
}

// Save writes the cache into dir, atomically.
func (c *Cache) Save(dir string) error {
	c.mu.Lock()
	st := c.state
	c.mu.Unlock()
	if st == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save build cache: %w", err)
	}
	tmp := filepath.Join(dir, CacheFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("save build cache: %w", err)
	}
	w := bufio.NewWriter(f)
	err = encodeState(gob.NewEncoder(w), st)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save build cache: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, CacheFile)); err != nil {
		return fmt.Errorf("save build cache: %w", err)
	}
	return nil
}

func encodeState(enc *gob.Encoder, st *cacheState) error {
	if err := enc.Encode(cacheHeader{Format: st.Format, Out: st.Out, Files: len(st.Files), Pages: len(st.Pages), BodyKey: st.BodyKey}); err != nil {
		return err
	}
	names := make([]string, 0, len(st.Files))
	for n := range st.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := enc.Encode(cacheFileEntry{Name: n, Sum: st.Files[n]}); err != nil {
			return err
		}
	}
	paths := make([]string, 0, len(st.Pages))
	for p := range st.Pages {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var rec []byte
	for _, p := range paths {
		pg := st.Pages[p]
		if pg.searchRef.Len() > 0 {
			kept, err := cachedSectionsAt(st.sections, pg.searchRef, &rec)
			if err != nil {
				return err
			}
			c := *pg
			c.Search = kept
			pg = &c
		}
		if err := enc.Encode(cachePageEntry{Path: p, Page: pg}); err != nil {
			return err
		}
	}
	return nil
}

// forget drops the cache's knowledge of the output, before the output
// changes, so an interrupted update is never mistaken for a finished one.
func (c *Cache) forget(dir string) error {
	c.mu.Lock()
	if c.state != nil && c.state.sections != nil {
		// Read from disk, or left by a build whose pages have their
		// sections back in memory (keepSections): no longer needed.
		c.state.sections.Close()
	}
	c.state = nil
	c.mu.Unlock()
	if dir == "" {
		return nil
	}
	if err := forgetInputs(dir); err != nil {
		return err
	}
	err := os.Remove(filepath.Join(dir, CacheFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("build cache: %w", err)
	}
	return nil
}

// folioVersion names the running Folio, so a cache made by another build
// of it is not trusted.
func folioVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" || s.Key == "vcs.time" {
			v += " " + s.Value
		}
	}
	return v
}

// usable returns the cache's state when it describes the output folder as
// it is: every file it lists is there with its size. Anything else, such
// as a folder deleted or edited by hand, means a cold build.
func (c *Cache) usable(out string) *cacheState {
	c.mu.Lock()
	st := c.state
	c.mu.Unlock()
	if st == nil || st.Out != out || st.Files == nil || st.Pages == nil {
		return nil
	}
	for name, s := range st.Files {
		fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != s.Size {
			return nil
		}
	}
	return st
}

// keyHasher writes length-prefixed fields into a hash, so no two
// different inputs hash the same bytes.
type keyHasher struct{ h hashWriter }

type hashWriter interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}

func newKeyHasher() *keyHasher { return &keyHasher{h: sha256.New()} }

func (k *keyHasher) bytes(b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	k.h.Write(n[:])
	k.h.Write(b)
}

func (k *keyHasher) str(s string) { k.bytes([]byte(s)) }

func (k *keyHasher) int(i int64) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(i))
	k.h.Write(n[:])
}

func (k *keyHasher) time(t time.Time) {
	if t.IsZero() {
		k.int(0)
		return
	}
	k.str(t.Format(time.RFC3339Nano))
}

func (k *keyHasher) sum() [32]byte {
	var out [32]byte
	copy(out[:], k.h.Sum(nil))
	return out
}

// siteKey hashes everything that can change any page: Folio, the options,
// the configuration, the theme (but for the page layouts, which are in the
// key of the pages that use them) and data from the caller. Included
// files are tracked per page, see rememberIncludes.
func (b *builder) siteKey() ([32]byte, error) {
	k := newKeyHasher()
	k.str(cacheFormat + folioVersion())
	k.str(fmt.Sprint(b.opts.Drafts, b.opts.NoMinify, b.BaseURL))
	k.bytes(b.configData)
	names := make([]string, 0, len(b.theme.Layouts))
	for n := range b.theme.Layouts {
		if !pageLayout(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		k.str(n)
		k.str(b.theme.Layouts[n])
	}
	names = names[:0]
	for n := range b.theme.Assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k.str(n)
		k.bytes(b.theme.Assets[n].Data)
	}
	data, err := json.Marshal(b.Site.Data)
	if err != nil {
		return [32]byte{}, fmt.Errorf("build cache: data: %w", err)
	}
	k.bytes(data)
	return k.sum(), nil
}

// writeMeta hashes what other pages may show of p: its place and title in
// the navigation, section lists, breadcrumbs and neighbour links.
func writeMeta(k *keyHasher, p *generator.Page) {
	k.str(p.Path)
	k.str(p.Title)
	k.str(p.Description)
	k.int(int64(p.Weight))
	k.time(p.Date)
	k.time(p.Lastmod)
	k.str(p.Kind)
	k.str(p.Layout)
	k.str(fmt.Sprint(p.Sidebar, p.SectionPage, len(p.Changelog), len(p.Versions)))
	if p.Section != nil {
		k.str(p.Section.Path)
	}
}

// metaKey hashes the metadata of every page, for themes whose layouts
// reach all pages (.Site.Pages), where any page may show any other.
func (b *builder) metaKey() [32]byte {
	k := newKeyHasher()
	for _, p := range b.Pages {
		writeMeta(k, p)
	}
	return k.sum()
}

// navKeys hashes, for each page, the metadata of the pages its layout can
// show: the top of the site, and the pages of every section from the
// page's own up to the home page (its navigation, breadcrumbs, neighbours
// and, for a section, its list). A title edit then re-renders the pages
// that show that title, not the whole site. A theme that reaches
// .Site.Pages gets one key over all pages instead.
func (b *builder) navKeys() map[*generator.Page][32]byte {
	keys := make(map[*generator.Page][32]byte, len(b.Pages))
	global := false
	for _, text := range b.theme.Layouts {
		if strings.Contains(text, ".Site.Pages") {
			global = true
			break
		}
	}
	if global {
		all := b.metaKey()
		for _, p := range b.Pages {
			keys[p] = all
		}
		return keys
	}
	children := map[*generator.Page][32]byte{}
	childrenKey := func(s *generator.Page) [32]byte {
		if h, ok := children[s]; ok {
			return h
		}
		k := newKeyHasher()
		writeMeta(k, s)
		// A big section's index groups its pages by a front matter key.
		group := ""
		if s.BigSection() {
			group = s.GroupKey()
		}
		for _, c := range s.Pages {
			writeMeta(k, c)
			if group != "" {
				k.str(fmt.Sprint(c.Params[group]))
			}
		}
		h := k.sum()
		children[s] = h
		return h
	}
	var top [32]byte
	if b.Home != nil {
		top = childrenKey(b.Home)
	}
	for _, p := range b.Pages {
		k := newKeyHasher()
		k.bytes(top[:])
		if b.Site != nil {
			k.str(b.Site.ChangelogURL)
		}
		writeMeta(k, p)
		nav := p
		if !p.SectionPage {
			nav = p.Section
		}
		for s := nav; s != nil; s = s.Section {
			h := childrenKey(s)
			k.bytes(h[:])
		}
		keys[p] = k.sum()
	}
	return keys
}

// pageLayout reports whether a layout file renders whole pages of its
// own (page.html, section.html), as opposed to the base, partials and
// shortcodes that any page may use.
func pageLayout(name string) bool {
	return !strings.Contains(name, "/") && name != "base.html"
}

// pageKey hashes every input of one page's output.
func (b *builder) pageKey(site, nav [32]byte, p *generator.Page) [32]byte {
	k := newKeyHasher()
	k.bytes(site[:])
	k.bytes(nav[:])
	k.str(p.Layout)
	k.str(b.theme.Layouts[p.Layout+".html"])
	k.str(p.File)
	k.int(int64(p.BodyLine))
	k.bytes(p.SrcSum[:])
	k.str(fmt.Sprintf("%+v", p.Params))
	// What the page shows of other pages beyond its navigation: its
	// neighbours in reading order, which may be in another section, and
	// its terms, named as another page may first have written them.
	for _, n := range []*generator.Page{p.Prev, p.Next} {
		if n != nil {
			writeMeta(k, n)
		}
	}
	for _, pt := range p.Terms {
		for _, t := range pt.Terms {
			k.str(t.Path + "\x00" + t.Title)
		}
	}
	k.str(p.Schedule)
	// Pointers are left out: their addresses change from build to build.
	for _, e := range p.Changelog {
		k.time(e.Date)
		k.str(e.Note + "\x00" + e.Source + "\x00" + e.Commit + "\x00" + e.ID)
	}
	for _, v := range p.Versions {
		k.time(v.Date)
		k.str(strings.Join([]string{v.Commit, v.Subject, v.Title, v.URL, v.Permalink, v.DiffURL}, "\x00"))
		k.int(int64(v.Added))
		k.int(int64(v.Removed))
	}
	return k.sum()
}

// remember keeps what rendering a page taught the build, once its key is
// known.
func (b *builder) remember(p *generator.Page, ids markdown.IDSet, ref search.SectionRef) {
	c := b.records[p]
	if c == nil {
		return
	}
	c.IDs = ids
	c.Links = c.Links[:0]
	for _, l := range p.Links {
		c.Links = append(c.Links, cachedLink{Line: l.Line, Dest: l.Dest, Target: l.Target, Fragment: l.Fragment, Source: l.Source})
	}
	// The sections wait in the search index's store and are read back
	// when the cache is saved or kept (see keepSections). A page outside
	// the index has none to keep.
	c.Search, c.searchRef = nil, ref
}

func cachedSections(raw []search.RawSection) []cachedSection {
	out := make([]cachedSection, len(raw))
	for i, r := range raw {
		out[i] = cachedSection{ID: r.ID, Heading: r.Heading, Text: r.Text, Terms: r.Terms}
	}
	return out
}

// keepSections reads the sections of the pages rendered in this build
// back from the search index's store into their cache entries, before
// the store goes.
func (b *builder) keepSections() error {
	var rec []byte
	for _, p := range b.Pages {
		c := b.records[p]
		if c == nil || c.searchRef.Len() == 0 {
			continue
		}
		kept, err := cachedSectionsAt(b.sections, c.searchRef, &rec)
		if err != nil {
			return err
		}
		c.Search, c.searchRef = kept, search.SectionRef{}
	}
	return nil
}

// cached reads the sections at ref as a cache entry holds them.
func cachedSectionsAt(s *search.Store, ref search.SectionRef, buf *[]byte) ([]cachedSection, error) {
	if s == nil {
		return nil, fmt.Errorf("build cache: the search sections are gone")
	}
	rec, err := s.Get(ref, *buf)
	if err != nil {
		return nil, err
	}
	*buf = rec
	raw, err := search.DecodeSections(rec)
	if err != nil {
		return nil, err
	}
	return cachedSections(raw), nil
}

// rememberIncludes notes the sums of the files a page included.
func (b *builder) rememberIncludes(p *generator.Page, files []string) {
	c := b.records[p]
	if c == nil {
		return
	}
	c.Includes = c.Includes[:0]
	for _, f := range files {
		c.Includes = append(c.Includes, includedFile{File: f, Sum: b.contentSum(f)})
	}
}

// contentSum is the sum of a file of the site, read once per build.
func (b *builder) contentSum(file string) fileSum {
	if v, ok := b.sums.Load(file); ok {
		return v.(fileSum)
	}
	var s fileSum
	if data, err := generator.ReadLimited(b.fsys, file, generator.MaxPageSize); err == nil {
		s = sumOf(data)
	}
	b.sums.Store(file, s)
	return s
}

// includesUnchanged reports whether every file a cached page included
// still has the same content.
func (b *builder) includesUnchanged(c *cachedPage) bool {
	for _, inc := range c.Includes {
		if b.contentSum(inc.File) != inc.Sum {
			return false
		}
	}
	return true
}

// restore gives a page that needs no rendering what its last rendering
// found; from is the store of the cache's search sections.
func (b *builder) restore(p *generator.Page, c *cachedPage, from *search.Store) error {
	if c.searchRef.Len() > 0 {
		// Read from disk: the sections move to this build's store,
		// which the next cache is saved from.
		rec, err := from.Get(c.searchRef, nil)
		if err != nil {
			return err
		}
		raw, err := search.DecodeSections(rec)
		if err != nil {
			return err
		}
		c.searchRef = b.search.AddSections(p, raw)
	} else {
		raw := make([]search.RawSection, len(c.Search))
		for i, s := range c.Search {
			raw[i] = search.RawSection{ID: s.ID, Heading: s.Heading, Text: s.Text, Terms: s.Terms}
		}
		b.search.AddSections(p, raw)
	}
	b.ids.Store(p.Path, markdown.IDSet(c.IDs))
	p.Links = p.Links[:0]
	for _, l := range c.Links {
		p.Links = append(p.Links, generator.LinkRef{Line: l.Line, Dest: l.Dest, Target: l.Target, Fragment: l.Fragment, Source: l.Source})
	}
	b.noteLibraries(c.Libraries)
	if len(c.Liquid) > 0 {
		b.liquidPages.Add(1)
		b.warns = append(b.warns, c.Liquid...)
	}
	b.records[p] = c
	p.Src = nil // not rendered, so not needed
	return nil
}

// cacheable reports whether a page's output depends only on what its key
// covers. Pages made by the build itself, such as a folder's page without
// _index.md or /changelog/, list other pages' content and are always made
// again; they are few.
func cacheable(p *generator.Page) bool {
	return p.HasBody && generator.IsMarkdown(p.File)
}

// assignKeys gives every cacheable page its key and an empty record to
// fill while rendering.
func (b *builder) assignKeys() error {
	siteKey, err := b.siteKey()
	if err != nil {
		return err
	}
	nav := b.navKeys()
	// Each page's key reads only what is fixed by now: made on all cores.
	records := make([]*cachedPage, len(b.Pages))
	var wg sync.WaitGroup
	workers := max(b.opts.Workers, 1)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(b.Pages); i += workers {
				if p := b.Pages[i]; cacheable(p) {
					records[i] = &cachedPage{Key: b.pageKey(siteKey, nav[p], p), File: generator.PageFile(p.Path),
						Src: p.File, BodySum: p.SrcSum, Changes: bodyChanges(p)}
				}
			}
		})
	}
	wg.Wait()
	b.records = make(map[*generator.Page]*cachedPage, len(b.Pages))
	for i, c := range records {
		if c != nil {
			b.records[b.Pages[i]] = c
		}
	}
	return nil
}

// newState collects what this build leaves for the next one.
func (b *builder) newState(out string, files map[string]fileSum) *cacheState {
	st := &cacheState{Format: cacheFormat + folioVersion(), Out: out, Files: files, Pages: map[string]*cachedPage{},
		BodyKey: b.bodyKey(), sections: b.sections}
	for _, p := range b.Pages {
		if c := b.records[p]; c != nil {
			st.Pages[p.Path] = c
		}
	}
	return st
}

// recordingOutput passes files on and notes the size of each.
type recordingOutput struct {
	output.Output
	mu    sync.Mutex
	files map[string]fileSum
}

func (r *recordingOutput) WriteFile(name string, data []byte) error {
	if err := r.Output.WriteFile(name, data); err != nil {
		return err
	}
	s := sizeOf(data)
	r.mu.Lock()
	r.files[name] = s
	r.mu.Unlock()
	return nil
}

// buildWarm renders only the pages whose keys changed since the cached
// build, makes everything else into a staging folder beside the output,
// and only when all of it succeeded moves in the files whose bytes
// changed and deletes those no longer made. Copying or linking ten
// thousand unchanged files would cost more than the whole build, so
// unlike a cold build this one does not swap folders; the cache is
// dropped before the first move, so a build that dies half-way is
// followed by a cold one. Staging on disk rather than in memory keeps
// the site-wide files (the search index above all) out of memory, as a
// cold build does.
func (b *builder) buildWarm(ctx context.Context, cache *Cache, st *cacheState, dir string) (*Result, error) {
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".new-")
	if err != nil {
		return nil, fmt.Errorf("make temporary output folder: %w", err)
	}
	defer os.RemoveAll(stage)
	staged := &recordingOutput{Output: &output.DirOutput{Dir: stage}, files: map[string]fileSum{}}
	res, err := b.run(ctx, staged, func(p *generator.Page) bool {
		old, ok := st.Pages[p.Path]
		c := b.records[p]
		if c == nil || !ok || old.Key != c.Key || old.File != c.File {
			return false
		}
		if _, ok := st.Files[old.File]; !ok || !b.includesUnchanged(old) {
			return false
		}
		// A page whose kept sections cannot be read is rendered.
		return b.restore(p, old, st.sections) == nil
	})
	if err != nil {
		return nil, err
	}
	files := map[string]fileSum{}
	for _, p := range b.Pages {
		if c := b.records[p]; c != nil {
			if _, made := staged.files[c.File]; !made {
				files[c.File] = st.Files[c.File]
			}
		}
	}
	var changed []string
	for name, sum := range staged.files {
		files[name] = sum
		if old, ok := st.Files[name]; !ok || old != sum || !sameFiles(filepath.Join(dir, filepath.FromSlash(name)), filepath.Join(stage, filepath.FromSlash(name))) {
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	if err := cache.forget(b.opts.CacheDir); err != nil {
		return nil, err
	}
	for _, name := range changed {
		to := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		if err := os.Rename(filepath.Join(stage, filepath.FromSlash(name)), to); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	var stale []string
	for name := range st.Files {
		if _, ok := files[name]; !ok && !output.Kept(name, b.cfg.Build.Keep) {
			stale = append(stale, name)
		}
	}
	sort.Strings(stale)
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove %s: %w", name, err)
		}
		output.RemoveEmptyParents(dir, name)
	}
	cache.mu.Lock()
	cache.state = b.newState(dir, files)
	cache.last = b
	cache.mu.Unlock()
	res.Files = len(changed)
	return res, nil
}

// RenderOne renders again the page of one edited content file (a path
// relative to the site root, such as content/docs/a.md) in the site as the
// last build through this cache left it, so a writing loop can show the
// edit before the whole site is rebuilt. ok is false whenever the edit
// might change anything but that page's own HTML (its title, date, weight,
// draft state, address, layout or other front matter changed, the file is
// new, or the page has errors or broken links): the caller then waits for
// the full rebuild, which also reports the errors.
func (c *Cache) RenderOne(file string) (name string, data []byte, ok bool) {
	c.mu.Lock()
	b := c.last
	c.mu.Unlock()
	if b == nil || !generator.IsMarkdown(file) {
		return "", nil, false
	}
	rel := strings.TrimPrefix(file, "content/")
	old, found := b.BySource[rel]
	if !found || old.FM == nil {
		return "", nil, false
	}
	l := b.loader.Parse(content.Source{File: file, Rel: rel})
	np := l.Page
	if len(l.Errs) > 0 || np == nil || !sameMeta(old, np) {
		return "", nil, false
	}
	// The new body in the old page's place in the tree.
	view := *old
	view.Src, view.BodyLine, view.FM, view.Params = np.Src, np.BodyLine, np.FM, np.Params
	view.HasBody, view.BodyAt, view.SrcSum = np.HasBody, np.BodyAt, np.SrcSum
	view.Links = nil
	var bufs renderBuffers
	out := &output.MapOutput{}
	libs := b.librariesUsed()
	if err := b.renderPage(&view, out, &bufs); err != nil || b.librariesUsed() != libs {
		// A library the site did not copy yet needs the full build.
		return "", nil, false
	}
	for _, lr := range view.Links {
		if b.checkLink(&view, lr) != "" {
			return "", nil, false
		}
	}
	name = generator.PageFile(old.Path)
	data, ok = out.Files[name]
	return name, data, ok
}

// WriteOne renders one edited page as RenderOne does and writes it into
// the output folder of the last build, updating what the cache knows of
// that folder, so the next build still trusts it. It returns the output
// file's name and whether it wrote it; ok is false whenever RenderOne's is.
func (c *Cache) WriteOne(file string) (name string, ok bool, err error) {
	name, data, ok := c.RenderOne(file)
	if !ok {
		return "", false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil {
		return "", false, nil
	}
	if err := output.WriteFileAtomic(filepath.Join(c.state.Out, filepath.FromSlash(name)), data); err != nil {
		return "", false, fmt.Errorf("write %s: %w", name, err)
	}
	if _, known := c.state.Files[name]; known {
		c.state.Files[name] = sizeOf(data)
	}
	return name, true, nil
}

// sameMeta reports whether two parses of a page agree on everything but
// the body, so that no other page can show a difference.
func sameMeta(a, b *generator.Page) bool {
	return a.Path == b.Path && a.Title == b.Title && a.Description == b.Description &&
		a.Weight == b.Weight && a.Draft == b.Draft && a.FM.Layout == b.FM.Layout && a.Sidebar == b.Sidebar &&
		a.FM.Date.Equal(b.FM.Date) && a.FM.Lastmod.Equal(b.FM.Lastmod) &&
		fmt.Sprint(a.Aliases) == fmt.Sprint(b.Aliases) && fmt.Sprintf("%v", a.Params) == fmt.Sprintf("%v", b.Params) &&
		len(a.FM.Changelog) == len(b.FM.Changelog) && fmt.Sprintf("%v", a.FM.Changelog) == fmt.Sprintf("%v", b.FM.Changelog) &&
		a.FM.History == b.FM.History && changelogText(a) == changelogText(b)
}

// changelogText is what a page's own entries say, body entries included.
func changelogText(p *generator.Page) string {
	var sb strings.Builder
	for _, e := range p.Changelog {
		if e.Source != generator.SourceGit {
			sb.WriteString(e.Date.String() + e.Note + "\n")
		}
	}
	return sb.String()
}
