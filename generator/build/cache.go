package build

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"time"

	"folio/generator"
	"folio/generator/content"
	"folio/generator/images"
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
