package generator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KindSectionIndex is a page of a big section's index after the first,
// which is the section's own page: SECTION/page/2/.
const KindSectionIndex = "sectionindex"

// Nav is how navigation treats big sections, from folio.toml's [nav]:
// .Site.Nav in a layout. A section with more than Limit entries is big:
// the sidebar of its pages shows only the entries around the page being
// read, and its own page lists every entry, grouped and split into pages
// of at most PageSize. So a page's navigation grows with the depth of the
// site, not with the size of a section, and a site of N pages writes O(N)
// bytes of navigation instead of O(N²).
type Nav struct {
	Limit    int    // entries a section may have before it counts as big; 0 never
	Window   int    // entries shown on each side of the current one
	PageSize int    // entries on one page of a big section's index
	GroupBy  string // front matter key grouping an index; "" groups by first letter
}

// NavItem is one entry of a navigation list: a page, or, when Page is
// nil, a gap standing for Skipped entries a big section leaves out.
type NavItem struct {
	Page    *Page
	Skipped int
}

// BigSection reports whether p is a section with more entries than the
// navigation lists in full.
func (p *Page) BigSection() bool {
	return p.SectionPage && p.Site != nil && p.Site.Nav.Limit > 0 && len(p.Pages) > p.Site.Nav.Limit
}

// NavItems returns the entries of section p that the navigation shows
// for page at: all of them, or for a big section the first and the last,
// the Window entries on each side of the one that holds at, and gaps for
// the rest.
func (p *Page) NavItems(at *Page) []NavItem {
	if !p.BigSection() {
		items := make([]NavItem, len(p.Pages))
		for i, c := range p.Pages {
			items[i] = NavItem{Page: c}
		}
		return items
	}
	w := max(p.Site.Nav.Window, 0)
	n := len(p.Pages)
	// The entry that holds at is at or above it: its place is looked up,
	// not searched for, or every page of a big section would scan it
	// and a build would take time in the square of its size.
	cur := -1
	for q := at; q != nil; q = q.Section {
		if q.Section != nil && q.Section.Path == p.Path {
			if i, ok := p.Site.navPos[q.Path]; ok {
				cur = i
			}
			break
		}
	}
	lo, hi := cur-w, cur+w
	if cur < 0 {
		lo, hi = 0, 2*w
	}
	if lo < 1 {
		hi += 1 - lo
		lo = 1
	}
	if hi > n-2 {
		lo -= hi - (n - 2)
		hi = n - 2
	}
	lo = max(lo, 1)
	items := make([]NavItem, 0, hi-lo+5)
	items = append(items, NavItem{Page: p.Pages[0]})
	if lo > 1 {
		items = append(items, NavItem{Skipped: lo - 1})
	}
	for i := lo; i <= hi; i++ {
		items = append(items, NavItem{Page: p.Pages[i]})
	}
	if hi < n-2 {
		items = append(items, NavItem{Skipped: n - 2 - hi})
	}
	return append(items, NavItem{Page: p.Pages[n-1]})
}

// SectionIndex is one page of a big section's index, what its layout
// shows instead of a list of the section's pages.
type SectionIndex struct {
	Section *Page
	Page    *Page // this page of the index: the section's own page or SECTION/page/N/
	Number  int   // 1-based
	// Pages are every page of the index, the section's own first.
	Pages []*Page
	// Groups are the groups on this page; a group split over two pages
	// is Continued on the second.
	Groups []IndexGroup
	// Jump lists every group of the index and the address of its start.
	Jump []IndexJump
	// Entries is how many entries the section has.
	Entries int
	// GroupBy is the front matter key that groups the index, "" for the
	// first letter of the title.
	GroupBy string
}

// IndexGroup is a group of entries on one page of an index.
type IndexGroup struct {
	Name      string
	ID        string // the id of the group's heading
	Continued bool
	Pages     []*Page
}

// IndexJump is a group of an index and where it starts.
type IndexJump struct {
	Name  string
	URL   string
	Count int
}

// SectionIndex returns the index page p shows, or nil when p is not a
// page of a big section's index.
func (p *Page) SectionIndex() *SectionIndex {
	if si, ok := p.Data.(*SectionIndex); ok {
		return si
	}
	if p.Site == nil || !p.BigSection() {
		return nil
	}
	return p.Site.indexes[p.Path]
}

// GroupKey is the front matter key that groups the index of section p:
// its own groupBy, else the site's [nav] groupBy; "" for the first letter.
func (p *Page) GroupKey() string {
	// Front matter keys are kept in lower case, as Hugo keeps them.
	if k, ok := p.Params["groupby"].(string); ok {
		return strings.ToLower(k)
	}
	if p.Site != nil {
		return strings.ToLower(p.Site.Nav.GroupBy)
	}
	return ""
}

// AddSectionIndexes gives every big section of t its index: the
// section's own page shows the first page of it, and the pages after it
// are added to t at SECTION/page/N/. It also notes the place of each
// entry of a big section, for NavItems, which needs it. A content page already at such an
// address is an error, naming its file.
func AddSectionIndexes(t *Tree, u URLs) ErrorList {
	var errs ErrorList
	var added []*Page
	for _, s := range t.Pages {
		if !s.BigSection() {
			continue
		}
		if k, ok := s.Params["groupby"]; ok {
			if _, text := k.(string); !text {
				errs = append(errs, Errorf(s.File, 0, "front matter: groupBy: want the name of a front matter key, got %v", k))
				continue
			}
		}
		pages, err := sectionIndex(t, u, s)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		added = append(added, pages...)
	}
	if len(added) > 0 {
		t.Pages = append(t.Pages, added...)
		sort.Slice(t.Pages, func(i, j int) bool { return t.Pages[i].Path < t.Pages[j].Path })
	}
	return errs
}

// sectionIndex makes the index of big section s and returns its pages
// after the first.
func sectionIndex(t *Tree, u URLs, s *Page) ([]*Page, ErrorList) {
	key := s.GroupKey()
	type entry struct {
		group string
		page  *Page
	}
	entries := make([]entry, len(s.Pages))
	for i, c := range s.Pages {
		entries[i] = entry{groupName(c, key), c}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.group != b.group {
			return groupLess(a.group, b.group, key)
		}
		if ta, tb := strings.ToLower(a.page.Title), strings.ToLower(b.page.Title); ta != tb {
			return ta < tb
		}
		return a.page.Path < b.page.Path
	})
	size := max(s.Site.Nav.PageSize, 1)
	count := (len(entries) + size - 1) / size
	pages := make([]*Page, count)
	pages[0] = s
	var errs ErrorList
	for n := 2; n <= count; n++ {
		p := &Page{
			Kind: KindSectionIndex, Title: fmt.Sprintf("%s, page %d of %d", s.Title, n, count),
			Layout: KindSection, Sidebar: s.Sidebar, Params: map[string]any{},
			File: "(index of " + s.File + ")", Path: s.Path + "page/" + strconv.Itoa(n) + "/",
			Section: s, Site: s.Site,
		}
		p.URL, p.Permalink = u.RelURL(p.Path), u.AbsURL(p.Path)
		if other, ok := t.ByPath[p.Path]; ok {
			errs = append(errs, Errorf(other.File, 0, "address %s is taken by page %d of the index of the big section %s: move the page or raise [nav] sectionLimit", p.Path, n, s.Path))
			continue
		}
		t.ByPath[p.Path] = p
		pages[n-1] = p
	}
	if len(errs) > 0 {
		return nil, errs
	}
	indexes := make([]*SectionIndex, count)
	for i := range indexes {
		indexes[i] = &SectionIndex{Section: s, Page: pages[i], Number: i + 1, Pages: pages, Entries: len(entries), GroupBy: key}
		if i > 0 {
			pages[i].Data = indexes[i]
		}
	}
	var jump []IndexJump
	for i, e := range entries {
		idx := indexes[i/size]
		gs := idx.Groups
		if len(gs) == 0 || gs[len(gs)-1].Name != e.group {
			first := len(jump) == 0 || jump[len(jump)-1].Name != e.group
			if first {
				jump = append(jump, IndexJump{Name: e.group, URL: idx.Page.URL + "#group-" + strconv.Itoa(len(jump)+1)})
			}
			idx.Groups = append(idx.Groups, IndexGroup{Name: e.group, ID: "group-" + strconv.Itoa(len(jump)), Continued: !first})
			gs = idx.Groups
		}
		g := &gs[len(gs)-1]
		g.Pages = append(g.Pages, e.page)
		jump[len(jump)-1].Count++
	}
	for _, idx := range indexes {
		idx.Jump = jump
	}
	if s.Site.indexes == nil {
		s.Site.indexes = map[string]*SectionIndex{}
		s.Site.navPos = map[string]int{}
	}
	s.Site.indexes[s.Path] = indexes[0]
	for i, c := range s.Pages {
		s.Site.navPos[c.Path] = i
	}
	return pages[1:], nil
}

// otherGroup holds the entries without the key an index is grouped by.
const otherGroup = "Other"

// groupName is the group of page c in an index grouped by key: the
// value of its front matter key, or the first letter of its title
// (upper case; "#" for a digit or a sign).
func groupName(c *Page, key string) string {
	if key != "" {
		v, ok := c.Params[key]
		if !ok || v == nil || fmt.Sprint(v) == "" {
			return otherGroup
		}
		return fmt.Sprint(v)
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(c.Title))
	if !unicode.IsLetter(r) {
		return "#"
	}
	return string(unicode.ToUpper(r))
}

// groupLess orders groups by name, case aside; "Other" comes last.
func groupLess(a, b, key string) bool {
	if key != "" && (a == otherGroup) != (b == otherGroup) {
		return b == otherGroup
	}
	if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
		return la < lb
	}
	return a < b
}
