package output

import "bytes"

// SitemapIndex is a sitemap index listing the sitemaps at locs: what a
// site in several languages has at /sitemap.xml, one sitemap per
// language.
func SitemapIndex(locs []string) []byte {
	var index bytes.Buffer
	index.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, loc := range locs {
		index.WriteString("<sitemap><loc>" + xmlEscape(loc) + "</loc></sitemap>")
	}
	index.WriteString("</sitemapindex>\n")
	return index.Bytes()
}
