package content

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"folio/generator"
	"folio/generator/frontmatter"
)

// Taxonomies
//
// Each taxonomy of folio.toml (tags unless set) is a front matter key
// whose values group pages: `tags: [install, security]`. The build makes
// a page listing the taxonomy's terms with their counts (/tags/) and a
// page for each term (/tags/install/) listing its pages, newest first,
// and gives each page its terms (.Terms) to link to. A term's address is
// its name slugged: lower case, with runs of anything but letters and
// digits made one hyphen, so "Getting Started" and "getting-started" are
// one term, named as it was first written.

// AddTaxonomies makes the taxonomy and term pages of the loaded site.
// hasLayout tells whether the theme has a layout; a theme without
// taxonomy.html or term.html shows them with section.html.
func (b *Loader) AddTaxonomies(hasLayout func(string) bool) {
	if len(b.cfg.Taxonomies) == 0 {
		return
	}
	// Pages in path order, so a term's written name never depends on
	// the file system.
	pages := append([]*generator.Page(nil), b.Pages...)
	sort.Slice(pages, func(i, j int) bool { return pages[i].Path < pages[j].Path })
	added := false
	for _, tax := range b.cfg.Taxonomies {
		if b.addTaxonomy(tax, pages, hasLayout) {
			added = true
		}
	}
	if added {
		sort.Slice(b.Pages, func(i, j int) bool { return b.Pages[i].Path < b.Pages[j].Path })
	}
}

func (b *Loader) addTaxonomy(tax string, pages []*generator.Page, hasLayout func(string) bool) bool {
	taxPath := "/" + tax + "/"
	layout := func(kind string) string {
		if hasLayout(kind) {
			return kind
		}
		return generator.KindSection
	}
	top := &generator.Page{
		Kind: generator.KindTaxonomy, Layout: layout(generator.KindTaxonomy), Title: titleFromName(tax),
		File: "(taxonomy " + tax + ")", Path: taxPath, Sidebar: true, SectionPage: true,
		Params: map[string]any{"taxonomy": tax}, Section: b.Home,
	}
	terms := map[string]*generator.Page{}
	for _, p := range pages {
		if p.FM == nil {
			continue
		}
		raw, ok := p.FM.Params[tax]
		if !ok {
			continue
		}
		names, err := termNames(raw)
		if err != "" {
			b.errs = append(b.errs, generator.Errorf(p.File, b.keyLine(p, tax), "front matter: %s: %s", tax, err))
			continue
		}
		var mine []*generator.Page
		for _, name := range names {
			slug := termSlug(name)
			if slug == "" {
				b.errs = append(b.errs, generator.Errorf(p.File, b.keyLine(p, tax), "front matter: %s: %q has no letter or digit to make an address of", tax, name))
				continue
			}
			t := terms[slug]
			if t == nil {
				t = &generator.Page{
					Kind: generator.KindTerm, Layout: layout(generator.KindTerm), Title: name,
					File: "(taxonomy " + tax + ")", Path: taxPath + slug + "/", Sidebar: true, SectionPage: true,
					Params: map[string]any{"taxonomy": tax, "term": name}, Section: top,
				}
				terms[slug] = t
			}
			if n := len(t.Pages); n > 0 && t.Pages[n-1] == p {
				continue // the same term twice on one page
			}
			t.Pages = append(t.Pages, p)
			mine = append(mine, t)
		}
		if len(mine) > 0 {
			p.Terms = append(p.Terms, generator.PageTerms{Taxonomy: tax, Page: top, Terms: mine})
		}
	}
	if len(terms) == 0 {
		return false
	}
	if other, ok := b.ByPath[taxPath]; ok {
		b.errs = append(b.errs, generator.Errorf(other.File, 1, "URL %s is the page of the taxonomy %q: move the page, or take %s out of taxonomies in folio.toml", taxPath, tax, tax))
		return false
	}
	b.ByPath[taxPath] = top
	b.Pages = append(b.Pages, top)
	for _, t := range terms {
		if other, ok := b.ByPath[t.Path]; ok {
			b.errs = append(b.errs, generator.Errorf(other.File, 1, "URL %s is the page of the term %q of %s", t.Path, t.Title, tax))
			continue
		}
		sortNewestFirst(t.Pages)
		b.ByPath[t.Path] = t
		b.Pages = append(b.Pages, t)
		top.Pages = append(top.Pages, t)
	}
	sort.Slice(top.Pages, func(i, j int) bool {
		a, c := strings.ToLower(top.Pages[i].Title), strings.ToLower(top.Pages[j].Title)
		if a != c {
			return a < c
		}
		return top.Pages[i].Path < top.Pages[j].Path
	})
	return true
}

// termNames reads a taxonomy's value: one name or a list of names.
func termNames(v any) ([]string, string) {
	switch x := v.(type) {
	case string:
		return []string{x}, ""
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			switch s := e.(type) {
			case string:
				out = append(out, s)
			case int, int64, uint64, float64:
				out = append(out, fmt.Sprint(s))
			default:
				return nil, "want a list of names, got " + frontmatter.TypeName(e) + " in it"
			}
		}
		return out, ""
	}
	return nil, "want a name or a list of names, got " + frontmatter.TypeName(v)
}

// maxTermSlug bounds a term's address segment.
const maxTermSlug = 100

// termSlug makes a term's address segment: letters and digits in lower
// case, everything else between them one hyphen.
func termSlug(name string) string {
	var s strings.Builder
	hyphen := false
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && s.Len() > 0 {
				s.WriteByte('-')
			}
			hyphen = false
			s.WriteRune(unicode.ToLower(r))
			if s.Len() >= maxTermSlug {
				break
			}
			continue
		}
		hyphen = true
	}
	return s.String()
}

// sortNewestFirst orders a term's pages by date, newest first, then
// undated ones by title.
func sortNewestFirst(ps []*generator.Page) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, c := ps[i], ps[j]
		if !a.Date.Equal(c.Date) {
			return a.Date.After(c.Date)
		}
		if ta, tc := strings.ToLower(a.Title), strings.ToLower(c.Title); ta != tc {
			return ta < tc
		}
		return a.Path < c.Path
	})
}

// keyLine finds the line of a front matter key of a page, for an error:
// the file is read again, which only a page with a mistake costs.
func (b *Loader) keyLine(p *generator.Page, key string) int {
	src, err := generator.ReadLimited(b.fsys, p.File, generator.MaxPageSize)
	if err != nil || len(src) < p.BodyAt {
		return 1
	}
	if line := frontmatter.KeyLines(src, p.BodyLine)[key]; line > 0 {
		return line
	}
	return 1
}
