package build

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"folio/generator"
)

// sitemapLimit is the most URLs one sitemap file may hold.
const sitemapLimit = 50000

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeSitemap lists every page, with a sitemap index past 50,000 URLs.
func (b *builder) writeSitemap(out Output) error {
	var urls []*generator.Page
	for _, p := range b.pages {
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
		return b.write(out, "sitemap.xml", chunk(urls))
	}
	var index bytes.Buffer
	index.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := 0; i*sitemapLimit < len(urls); i++ {
		part := urls[i*sitemapLimit : min((i+1)*sitemapLimit, len(urls))]
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		if err := b.write(out, name, chunk(part)); err != nil {
			return err
		}
		index.WriteString("<sitemap><loc>" + xmlEscape(b.AbsURL("/"+name)) + "</loc></sitemap>")
	}
	index.WriteString("</sitemapindex>\n")
	return b.write(out, "sitemap.xml", index.Bytes())
}

func (b *builder) writeRobots(out Output) error {
	text := "User-agent: *\nAllow: /\n\nSitemap: " + b.AbsURL("/sitemap.xml") + "\n"
	return b.write(out, "robots.txt", []byte(text))
}

// writeFeed writes an Atom feed of the newest dated pages.
func (b *builder) writeFeed(out Output) error {
	var dated []*generator.Page
	for _, p := range b.pages {
		if !p.Date.IsZero() {
			dated = append(dated, p)
		}
	}
	sort.SliceStable(dated, func(i, j int) bool {
		if !dated[i].Date.Equal(dated[j].Date) {
			return dated[i].Date.After(dated[j].Date)
		}
		return dated[i].Path < dated[j].Path
	})
	if len(dated) > b.cfg.Build.FeedLimit {
		dated = dated[:b.cfg.Build.FeedLimit]
	}
	updated := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range dated {
		if p.Lastmod.After(updated) {
			updated = p.Lastmod
		}
	}
	data := atomFeed(atomInfo{
		Title: b.cfg.Title, ID: b.AbsURL("/"), Self: b.AbsURL("/index.xml"), Alt: b.AbsURL("/"),
		Updated: updated, Lang: b.cfg.Language,
	}, feedEntries(dated))
	data, err := b.minify("application/xml", data)
	if err != nil {
		return err
	}
	return b.write(out, "index.xml", data)
}

type atomInfo struct {
	Title, ID, Self, Alt, Lang string
	Updated                    time.Time
}

type atomEntry struct {
	Title, ID, Link, Summary string
	Published, Updated       time.Time
}

func feedEntries(ps []*generator.Page) []atomEntry {
	var out []atomEntry
	for _, p := range ps {
		out = append(out, atomEntry{
			Title: p.Title, ID: p.Permalink, Link: p.Permalink, Summary: p.Description,
			Published: p.Date, Updated: p.Lastmod,
		})
	}
	return out
}

// atomFeed writes an Atom 1.0 document.
func atomFeed(f atomInfo, entries []atomEntry) []byte {
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

// writeAliases writes a small redirect page at each old URL.
func (b *builder) writeAliases(out Output) error {
	names := make([]string, 0, len(b.aliases))
	for a := range b.aliases {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		target := html.EscapeString(b.aliases[a].Permalink)
		page := `<!doctype html><html lang="` + html.EscapeString(b.cfg.Language) + `"><head><meta charset="utf-8"><title>` +
			html.EscapeString(b.aliases[a].Title) + `</title><link rel="canonical" href="` + target +
			`"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url=` + target +
			`"></head><body><p>This page has moved to <a href="` + target + `">` + target + `</a>.</p></body></html>`
		if err := b.write(out, generator.PageFile(a), []byte(strings.TrimSpace(page))); err != nil {
			return err
		}
	}
	return nil
}
