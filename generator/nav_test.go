package generator

import (
	"fmt"
	"strings"
	"testing"
)

// bigSection returns a section of n pages p0..p(n-1) whose site has the
// given limit and window.
func bigSection(n, limit, window int) *Page {
	site := &Site{Nav: Nav{Limit: limit, Window: window, PageSize: 10}}
	s := &Page{Title: "S", Path: "/s/", SectionPage: true, Site: site, Params: map[string]any{}}
	t := &Tree{Pages: []*Page{s}, ByPath: map[string]*Page{s.Path: s}}
	for i := range n {
		c := &Page{Title: fmt.Sprintf("p%d", i), Path: fmt.Sprintf("/s/p%d/", i), Section: s, Site: site, Params: map[string]any{}}
		s.Pages = append(s.Pages, c)
		t.Pages = append(t.Pages, c)
		t.ByPath[c.Path] = c
	}
	if errs := AddSectionIndexes(t, URLs{BasePath: "/"}); len(errs) > 0 {
		panic(errs)
	}
	return s
}

// shown writes nav items as text: titles, and "…N" for a gap of N.
func shown(items []NavItem) string {
	var b []string
	for _, it := range items {
		if it.Page == nil {
			b = append(b, fmt.Sprintf("…%d", it.Skipped))
			continue
		}
		b = append(b, it.Page.Title)
	}
	return strings.Join(b, " ")
}

func TestNavItems(t *testing.T) {
	for _, tc := range []struct {
		n, limit, window, at int // at -1: the section itself
		want                 string
	}{
		{5, 10, 2, 2, "p0 p1 p2 p3 p4"},
		{5, 0, 2, 2, "p0 p1 p2 p3 p4"},
		{20, 10, 2, 10, "p0 …7 p8 p9 p10 p11 p12 …6 p19"},
		// Near an end the window keeps its size: 2 × window + 1 entries
		// besides the first and the last.
		{20, 10, 2, 0, "p0 p1 p2 p3 p4 p5 …13 p19"},
		{20, 10, 2, 1, "p0 p1 p2 p3 p4 p5 …13 p19"},
		{20, 10, 2, 19, "p0 …13 p14 p15 p16 p17 p18 p19"},
		{20, 10, 2, 17, "p0 …13 p14 p15 p16 p17 p18 p19"},
		{20, 10, 2, -1, "p0 p1 p2 p3 p4 p5 …13 p19"},
		{3, 2, 5, 1, "p0 p1 p2"},
		{2, 1, 1, 0, "p0 p1"},
	} {
		s := bigSection(tc.n, tc.limit, tc.window)
		at := s
		if tc.at >= 0 {
			at = s.Pages[tc.at]
		}
		if got := shown(s.NavItems(at)); got != tc.want {
			t.Errorf("%d pages, limit %d, window %d, at %d: NavItems() = %q, want %q", tc.n, tc.limit, tc.window, tc.at, got, tc.want)
		}
	}
}

func TestNavItemsOpensTheEntryHoldingThePage(t *testing.T) {
	s := bigSection(20, 10, 1)
	sub := s.Pages[12]
	sub.SectionPage = true
	deep := &Page{Title: "deep", Path: "/s/p12/deep/", Section: sub, Site: s.Site}
	sub.Pages = []*Page{deep}
	if got, want := shown(s.NavItems(deep)), "p0 …10 p11 p12 p13 …5 p19"; got != want {
		t.Errorf("NavItems(a page below entry 12) = %q, want %q", got, want)
	}
}
