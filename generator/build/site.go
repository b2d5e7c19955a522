package build

import (
	"net/url"

	"folio/generator"
	"folio/generator/content"
)

// siteData is .Site.Data: the site's data files with the caller's
// Options.Data. Mistakes in the files join the build's other input
// errors, so an editor sees them all at once.
func (b *builder) siteData() (generator.SiteData, error) {
	files, err := content.LoadData(b.fsys)
	if err == nil {
		files, err = content.MergeData(files, b.opts.Data)
	}
	if list, ok := generator.AsErrorList(err); ok {
		b.errs = append(b.errs, list...)
		return generator.SiteData(b.opts.Data), nil
	}
	return files, err
}

// editURL is where a page's source is edited: base followed by the file,
// for pages made from a markdown file when the site has an editURL.
func editURL(base, file string) string {
	if base == "" || !generator.IsMarkdown(file) {
		return ""
	}
	return base + (&url.URL{Path: file}).EscapedPath()
}
