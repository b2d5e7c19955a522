package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"folio/generator"
	"folio/generator/content"
	"folio/generator/markdown"
	"folio/generator/output"
	"folio/generator/search"
)

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
