package output

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"folio/generator"
	"folio/generator/config"
)

// Feeds writes the files made from the list of pages rather than from
// one page: the sitemap, robots.txt, the Atom feed and alias redirects.
type Feeds struct {
	generator.URLs
	Pages   []*generator.Page
	Aliases map[string]*generator.Page // old URL path -> the page now there
	Config  *config.Config
	// Write writes one output file; Minify minifies data of a media type.
	Write  func(name string, data []byte) error
	Minify func(mediaType string, data []byte) ([]byte, error)
}

// sitemapLimit is the most URLs one sitemap file may hold.
const sitemapLimit = 50000

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteSitemap lists every page, with a sitemap index past 50,000 URLs.
func (b *Feeds) WriteSitemap() error {
	var urls []*generator.Page
	for _, p := range b.Pages {
		if p.Params["sitemap"] == false {
			continue
		}
		urls = append(urls, p)
	}
	chunk := func(ps []*generator.Page) []byte {
		var buf bytes.Buffer
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, p := range ps {
			buf.WriteString("<url><loc>" + xmlEscape(p.Permalink) + "</loc>")
			if !p.Lastmod.IsZero() {
				buf.WriteString("<lastmod>" + p.Lastmod.Format(time.RFC3339) + "</lastmod>")
			}
			buf.WriteString("</url>")
		}
		buf.WriteString("</urlset>\n")
		return buf.Bytes()
	}
	if len(urls) <= sitemapLimit {
		return b.Write("sitemap.xml", chunk(urls))
	}
	var index bytes.Buffer
	index.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := 0; i*sitemapLimit < len(urls); i++ {
		part := urls[i*sitemapLimit : min((i+1)*sitemapLimit, len(urls))]
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		if err := b.Write(name, chunk(part)); err != nil {
			return err
		}
		index.WriteString("<sitemap><loc>" + xmlEscape(b.AbsURL("/"+name)) + "</loc></sitemap>")
	}
	index.WriteString("</sitemapindex>\n")
	return b.Write("sitemap.xml", index.Bytes())
}

// WriteRobots writes robots.txt, which points to the sitemap.
func (b *Feeds) WriteRobots() error {
	text := "User-agent: *\nAllow: /\n\nSitemap: " + b.AbsURL("/sitemap.xml") + "\n"
	return b.Write("robots.txt", []byte(text))
}

// WriteFeed writes an Atom feed of the newest dated pages.
func (b *Feeds) WriteFeed() error {
	var dated []*generator.Page
	for _, p := range b.Pages {
		if !p.Date.IsZero() {
			dated = append(dated, p)
		}
	}
	return b.writeFeed("index.xml", b.Config.Title, "/", dated)
}

// WriteTermFeeds writes an Atom feed for each term of a taxonomy, beside
// its page: /tags/install/index.xml holds the pages tagged install.
func (b *Feeds) WriteTermFeeds() error {
	for _, t := range b.Pages {
		if t.Kind != generator.KindTerm {
			continue
		}
		title := t.Title + " · " + b.Config.Title
		if err := b.writeFeed(strings.TrimPrefix(t.Path, "/")+"index.xml", title, t.Path, t.Pages); err != nil {
			return err
		}
	}
	return nil
}

// IsTermFeed reports whether target is the feed of a term's page, for
// link checks.
func IsTermFeed(byPath map[string]*generator.Page, target string) bool {
	dir, ok := strings.CutSuffix(target, "index.xml")
	if !ok {
		return false
	}
	p := byPath[dir]
	return p != nil && p.Kind == generator.KindTerm
}

// writeFeed writes the Atom feed name of the newest of pages, newest
// first; alt is the page the feed belongs to.
func (b *Feeds) writeFeed(name, title, alt string, pages []*generator.Page) error {
	ps := append([]*generator.Page(nil), pages...)
	sort.SliceStable(ps, func(i, j int) bool {
		if !ps[i].Date.Equal(ps[j].Date) {
			return ps[i].Date.After(ps[j].Date)
		}
		return ps[i].Path < ps[j].Path
	})
	if len(ps) > b.Config.Build.FeedLimit {
		ps = ps[:b.Config.Build.FeedLimit]
	}
	updated := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range ps {
		if p.Lastmod.After(updated) {
			updated = p.Lastmod
		}
	}
	entries := feedEntries(ps)
	for i := range entries {
		// An undated page's entry is as new as the feed.
		if entries[i].Updated.IsZero() && entries[i].Published.IsZero() {
			entries[i].Updated = updated
		}
	}
	data := AtomFeed(AtomInfo{
		Title: title, ID: b.AbsURL(alt), Self: b.AbsURL("/" + name), Alt: b.AbsURL(alt),
		Updated: updated, Lang: b.Config.Language,
	}, entries)
	data, err := b.Minify("application/xml", data)
	if err != nil {
		return err
	}
	return b.Write(name, data)
}

// AtomInfo is what an Atom feed says of itself.
type AtomInfo struct {
	Title, ID, Self, Alt, Lang string
	Updated                    time.Time
}

// AtomEntry is one entry of an Atom feed.
type AtomEntry struct {
	Title, ID, Link, Summary string
	Published, Updated       time.Time
}

func feedEntries(ps []*generator.Page) []AtomEntry {
	var out []AtomEntry
	for _, p := range ps {
		out = append(out, AtomEntry{
			Title: p.Title, ID: p.Permalink, Link: p.Permalink, Summary: p.Description,
			Published: p.Date, Updated: p.Lastmod,
		})
	}
	return out
}

// AtomFeed writes an Atom 1.0 document.
func AtomFeed(f AtomInfo, entries []AtomEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&buf, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="%s">`, xmlEscape(f.Lang))
	fmt.Fprintf(&buf, "<title>%s</title><id>%s</id>", xmlEscape(f.Title), xmlEscape(f.ID))
	fmt.Fprintf(&buf, `<link rel="self" type="application/atom+xml" href="%s"/><link rel="alternate" type="text/html" href="%s"/>`, xmlEscape(f.Self), xmlEscape(f.Alt))
	fmt.Fprintf(&buf, "<updated>%s</updated><author><name>%s</name></author>", f.Updated.UTC().Format(time.RFC3339), xmlEscape(f.Title))
	for _, e := range entries {
		updated := e.Updated
		if updated.IsZero() {
			updated = e.Published
		}
		fmt.Fprintf(&buf, "<entry><title>%s</title><id>%s</id>", xmlEscape(e.Title), xmlEscape(e.ID))
		fmt.Fprintf(&buf, `<link rel="alternate" type="text/html" href="%s"/>`, xmlEscape(e.Link))
		if !e.Published.IsZero() {
			fmt.Fprintf(&buf, "<published>%s</published>", e.Published.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(&buf, "<updated>%s</updated>", updated.UTC().Format(time.RFC3339))
		if e.Summary != "" {
			fmt.Fprintf(&buf, "<summary>%s</summary>", xmlEscape(e.Summary))
		}
		buf.WriteString("</entry>")
	}
	buf.WriteString("</feed>\n")
	return buf.Bytes()
}

// WriteAliases writes a small redirect page at each old URL.
func (b *Feeds) WriteAliases() error {
	names := make([]string, 0, len(b.Aliases))
	for a := range b.Aliases {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		target := html.EscapeString(b.Aliases[a].Permalink)
		page := `<!doctype html><html lang="` + html.EscapeString(b.Config.Language) + `"><head><meta charset="utf-8"><title>` +
			html.EscapeString(b.Aliases[a].Title) + `</title><link rel="canonical" href="` + target +
			`"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url=` + target +
			`"></head><body><p>This page has moved to <a href="` + target + `">` + target + `</a>.</p></body></html>`
		if err := b.Write(generator.PageFile(a), []byte(strings.TrimSpace(page))); err != nil {
			return err
		}
	}
	return nil
}
