package build

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"folio/generator"
)

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
