package build

import (
	"net/url"

	"folio/generator"
	"folio/generator/content"
)

// siteData is .Site.Data: the site's data files with the caller's
// Options.Data.
func (b *builder) siteData() (generator.SiteData, error) {
	files, err := content.LoadData(b.fsys)
	if err != nil {
		return nil, err
	}
	data, err := content.MergeData(files, b.opts.Data)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// editURL is where a page's source is edited: base followed by the file,
// for pages made from a markdown file when the site has an editURL.
func editURL(base, file string) string {
	if base == "" || !generator.IsMarkdown(file) {
		return ""
	}
	return base + (&url.URL{Path: file}).EscapedPath()
}
