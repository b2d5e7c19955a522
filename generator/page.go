package generator

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// Page kinds.
const (
	KindHome    = "home"
	KindSection = "section"
	KindPage    = "page"
	Kind404     = "404"
	// KindTaxonomy lists the terms of a taxonomy: /tags/.
	KindTaxonomy = "taxonomy"
	// KindTerm lists the pages of one term: /tags/install/.
	KindTerm = "term"
)

// Page is one page of the site as templates see it: `.` in a layout is the
// page being rendered.
type Page struct {
	Kind        string // home, section, page, 404, or a kind a generated page names
	Title       string
	Description string
	Date        time.Time // zero when unknown
	Lastmod     time.Time // zero when unknown; Date when not set
	Weight      int
	Draft       bool
	Layout      string // the layout file (without .html) that renders the page
	Sidebar     bool   // false hides the navigation sidebar (sidebar: false)
	Params      map[string]any
	Aliases     []string

	// URL is the page's address relative to the host, with the baseURL's
	// path in front: "/docs/install/" or "/site/docs/install/". Use it in
	// href attributes.
	URL string
	// Permalink is the absolute address when the site has a baseURL, else
	// the same as URL. On an old version or a "what changed" page it is
	// the current page's: the canonical address of that text.
	Permalink string
	// File is the source file relative to the site root: content/docs/install.md.
	File string

	// Content is the rendered body.
	Content template.HTML
	// TOC is the page's headings (levels 2 to 4) as a tree.
	TOC []*Heading
	// Section is the section page this page belongs to (nil for the home page).
	Section *Page
	// Pages are a section's (or the home page's) own pages and
	// subsections, ordered by weight, then title.
	Pages []*Page
	// Prev and Next are the neighbours in reading order: the whole
	// navigation read from top to bottom, so a section's Next is its
	// first page and a section's last page leads on to the next section.
	Prev, Next *Page

	// Terms are the page's terms, one list per taxonomy that it uses, in
	// the order of taxonomies in folio.toml.
	Terms []PageTerms
	// EditURL is where to edit the page's source: folio.toml's editURL
	// followed by the source file. "" without an editURL or a source.
	EditURL string
	// Schedule is set on a page shown outside its publishDate and
	// expiryDate, by folio serve or build -future or -expired: the
	// banner that says so, "Scheduled for March 3, 2027" or "Expired on
	// March 3, 2026". "" on a page within its dates.
	Schedule string

	Site *Site

	// Changelog is the page's change log, newest first: its front matter
	// entries, its body's change-log section and, with [history] git, the
	// commits that touched its file.
	Changelog []ChangeEntry
	// Versions are the committed versions of a page with history:
	// versions, newest first.
	Versions []*Version
	// History is the address of the page's history: its versions when it
	// has them, else its newest entry on /changelog/; "" when it has none.
	History string
	// Version is the version an old-version or "what changed" page shows;
	// nil on other pages.
	Version *Version
	// Translations are the page in each of the site's languages, the
	// page itself among them, for a language switcher and hreflang
	// links; empty on a site in one language.
	Translations []Translation
	// DocsVersions are the page in each version of the docs the site
	// publishes, the page itself among them, for a version switcher; a
	// version without the page gives its home page. Empty on a site of
	// one version.
	DocsVersions []DocsVersion

	// The fields below are the build's own, not meant for layouts.

	// Path is the page's URL path without the baseURL prefix: "/docs/install/".
	Path        string
	Src         []byte   // the body, front matter removed; nil between loading and rendering a one-shot build (see readBody)
	HasBody     bool     // the body is not empty
	BodyAt      int      // where the body starts in the file
	SrcSum      [32]byte // SHA-256 of the body
	BodyLine    int      // file line of the first body line, minus one
	SectionPage bool     // what IsSection reports
	Folder      string   // for a folder's own page: its content folder, "docs/"
	FM          *FrontMatter
	Links       []LinkRef
	TOCHTML     template.HTML // TableOfContents, once made
	// Data is what a generated page, such as a report, hands its layout.
	Data any
}

// PageTerms are the terms of one taxonomy that a page has.
type PageTerms struct {
	Taxonomy string // the front matter key: "tags"
	Page     *Page  // the taxonomy's page, /tags/, whose Title names it
	Terms    []*Page
}

// Heading is an entry of a table of contents.
type Heading struct {
	Level    int
	ID       string
	Text     string
	Children []*Heading
}

// IsSection reports whether the page lists other pages (the home page or a
// section made by an _index.md or a folder).
func (p *Page) IsSection() bool { return p.SectionPage }

// TableOfContents is the page's headings as nested lists of links, or ""
// when there are fewer than two of them: a table of contents worth
// showing. It is the HTML a theme would make from .TOC, made without a
// template call for every heading.
func (p *Page) TableOfContents() template.HTML {
	if len(p.TOC) < 2 && (len(p.TOC) == 0 || len(p.TOC[0].Children) == 0) {
		return ""
	}
	// Layouts ask twice (has-toc.html, toc.html): made once.
	if p.TOCHTML == "" {
		var b strings.Builder
		writeTOC(&b, p.TOC)
		p.TOCHTML = template.HTML(b.String())
	}
	return p.TOCHTML
}

func writeTOC(b *strings.Builder, hs []*Heading) {
	b.WriteString("<ul>")
	for _, h := range hs {
		// Escaped as html/template escapes href="#{{ .ID }}" and text.
		b.WriteString(`<li><a href="#`)
		writeURLEscaped(b, h.ID)
		b.WriteString(`">`)
		b.WriteString(template.HTMLEscapeString(h.Text))
		b.WriteString("</a>")
		if len(h.Children) > 0 {
			writeTOC(b, h.Children)
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ul>")
}

// IsHome reports whether p is the site's home page.
func (p *Page) IsHome() bool { return p.Kind == KindHome }

// Ancestors returns the sections above p, from the home page down, for
// breadcrumbs.
func (p *Page) Ancestors() []*Page {
	var out []*Page
	for s := p.Section; s != nil; s = s.Section {
		out = append([]*Page{s}, out...)
	}
	return out
}

// InSection reports whether q is p or lies below p, so the navigation can
// open the section of the page being read.
func (p *Page) InSection(q *Page) bool {
	for ; q != nil; q = q.Section {
		if q.Path == p.Path {
			return true
		}
	}
	return false
}

// Site is what every page shares: `.Site` in a layout.
type Site struct {
	Title    string
	BaseURL  string // absolute with a trailing slash, or "" when not configured
	Language string
	Params   map[string]any
	// Home is the home page; Home.Pages is the top of the navigation.
	Home *Page
	// Pages are all regular pages (not sections), ordered by URL.
	Pages     []*Page
	Analytics SiteAnalytics
	// Changelog is every change-log entry of the site, newest first.
	Changelog []ChangeEntry
	// ChangelogURL is the address of the site's change-log page, "" when
	// there is none.
	ChangelogURL string
	// Data is Options.Data: .Site.Data.analytics is what the visit
	// counter declares it stores, when the folio command builds the site.
	Data SiteData
	// Nav is how the navigation treats big sections ([nav]).
	Nav Nav
	// DocsVersion is the version of the docs being read, on a site that
	// publishes several; nil on a site of one version.
	DocsVersion *DocsVersion

	indexes map[string]*SectionIndex // by section path: the first page of each big section's index
	navPos  map[string]int           // by page path: its place among the pages of its big section
}

// DocsVersion is one version of a site's docs as templates see it.
type DocsVersion struct {
	Name string // "1.0"
	// URL is the page in that version or, when the version lacks it,
	// the version's home page. In .Site.DocsVersion: the version's home.
	URL string
	// Current is the version being read.
	Current bool
	// Latest is the version at the site's root; the others are old,
	// marked noindex and pointed at the latest by their canonical link.
	Latest bool
	// Missing says the version lacks the page: URL is its home page.
	Missing bool
	// LatestName, in .Site.DocsVersion, is the latest version's name.
	LatestName string
}

// SiteData is Options.Data as templates see it. .Site.Data.NAME is empty
// when NAME was not given; .Site.Data.Need "NAME" fails the page instead,
// for a template whose text would be a false claim without it.
type SiteData map[string]any

// Need returns the value of name, or an error when there is none.
func (d SiteData) Need(name string) (any, error) {
	v, ok := d[name]
	if !ok || v == nil {
		return nil, fmt.Errorf("no .Site.Data.%s: build the site with the folio command, which provides it", name)
	}
	return v, nil
}

// SiteAnalytics tells the theme whether and where to send page views.
type SiteAnalytics struct {
	Enabled  bool
	Endpoint string // path or URL of the event endpoint: /api/event
	// Downloads are the file extensions whose links the beacon counts as
	// downloads, comma-separated: "pdf,zip".
	Downloads string
}

// writeURLEscaped escapes s as html/template escapes a value in a URL's
// fragment: everything but ASCII letters, digits and -._~ as %xx, in
// lower case.
func writeURLEscaped(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

// LinkRef is a link of a page to a path of the site, checked once every
// page is rendered and every heading id is known.
type LinkRef struct {
	File     string // where the link is written, when not the page: an included file
	Via      string // where that file was included
	Line     int
	Dest     string // as the editor wrote it
	Target   string // site path without base path, "" for the page itself
	Fragment string
	Source   string // the content file it names, "" for a site path
	Lang     string // the language whose page it names, when not the page's own
	Version  string // the version whose page it names, when not the page's own
}

// Shortcode is what a shortcode template sees as `.`.
type Shortcode struct {
	Name string
	// Inner is the rendered content between the opening and closing tags.
	Inner template.HTML
	// Page is the page being rendered; nil on an old version of a page.
	Page *Page
	// Params are the named arguments: title="Note" is .Params.title.
	Params map[string]string
	// Positional are the arguments without a name, in order.
	Positional []string
	// Image is the local image named by the src argument, with its size;
	// nil when src is not an image of the site.
	Image *Image
	// Ordinal counts the shortcodes of the same name on the page, from 0
	// in the order they are written: an id made of the name and the
	// ordinal is unique on the page.
	Ordinal int
	// Index is its place among the shortcodes of the same name beside
	// it, from 0: the first tab of a tabs is 0.
	Index int
	// Parent is the shortcode this one is inside, without its .Inner;
	// nil at the top of the page.
	Parent *Shortcode
}

// Inside fails the shortcode unless it is written directly inside a
// shortcode called name, as a tab inside tabs.
func (s *Shortcode) Inside(name string) (string, error) {
	if s.Parent == nil || s.Parent.Name != name {
		return "", &ShortcodeArgError{fmt.Sprintf("must be inside {{< %s >}}", name)}
	}
	return "", nil
}

// Get returns a named argument (.Get "title") or a positional one
// (.Get 0), "" when it was not given.
func (s *Shortcode) Get(key any) (string, error) {
	switch k := key.(type) {
	case string:
		return s.Params[k], nil
	case int:
		if k >= 0 && k < len(s.Positional) {
			return s.Positional[k], nil
		}
		return "", nil
	}
	return "", fmt.Errorf("Get: want a name or a position, got %T", key)
}

// Require fails the shortcode unless every argument was given: a name
// for a named argument, such as the alt text of an image, or a position
// from 0 for one written without a name.
func (s *Shortcode) Require(keys ...any) (string, error) {
	var missing []string
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			if _, ok := s.Params[k]; !ok {
				missing = append(missing, strconv.Quote(k))
			}
		case int:
			if k < 0 || k >= len(s.Positional) || s.Positional[k] == "" {
				missing = append(missing, strconv.Itoa(k+1)+" (written without a name)")
			}
		default:
			return "", fmt.Errorf("Require: want names or positions, got %T", k)
		}
	}
	switch len(missing) {
	case 0:
		return "", nil
	case 1:
		return "", &ShortcodeArgError{"missing argument " + missing[0]}
	}
	return "", &ShortcodeArgError{"missing arguments " + strings.Join(missing, ", ")}
}

// ShortcodeArgError is a template's complaint about its arguments: the
// editor gets it without the template's file and line, which are not
// theirs to fix.
type ShortcodeArgError struct{ Msg string }

func (e *ShortcodeArgError) Error() string { return e.Msg }
