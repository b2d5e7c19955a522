package render

import (
	"bytes"
	"fmt"
	"path"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
	"github.com/tdewolff/parse/v2/buffer"

	"folio/generator"
)

// Renderer runs a site's layouts and minifies what they make.
type Renderer struct {
	generator.URLs
	Theme *Theme
	min   *minify.M // nil: output as the templates made it
	// Language is the language of the site's pages, which picks the
	// words T prints; set before LoadTheme.
	Language string
	// Shared, when set, names the files that every language of a site
	// shares (assets, static files): their addresses are made with
	// SharedURLs, the site's root, rather than the language's.
	Shared     func(sitePath string) bool
	SharedURLs generator.URLs
}

// New returns a renderer for a site at urls; LoadTheme gives it its
// theme.
func New(urls generator.URLs, minify bool) *Renderer {
	r := &Renderer{URLs: urls}
	if minify {
		r.min = NewMinifier()
	}
	return r
}

// Buffers are one render worker's buffers for running layouts, reused
// from page to page. Outputs copy what they keep, so a page's bytes may
// live in them.
type Buffers struct {
	page bytes.Buffer // the layout's output, with partial markers
	out  bytes.Buffer // the page as written: spliced and minified
}

func NewMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/xml", xml.Minify)
	m.AddFunc("application/json", json.Minify)
	return m
}

// MediaType is the minifier's name for a file's type, "" when none applies.
func MediaType(name string) string {
	switch path.Ext(name) {
	case ".html", ".htm":
		return "text/html"
	case ".css":
		return "text/css"
	case ".js", ".mjs":
		return "application/javascript"
	case ".svg":
		return "image/svg+xml"
	case ".xml":
		return "application/xml"
	case ".json", ".webmanifest":
		return "application/json"
	}
	return ""
}

// RenderTemplate runs the page's layout and minifies the result.
func (b *Renderer) RenderTemplate(p *generator.Page) ([]byte, error) {
	var bufs Buffers
	return b.RenderTemplateTo(p, &bufs)
}

// RenderTemplateTo is RenderTemplate with a worker's buffers: the bytes
// it returns are valid until they are next used.
func (b *Renderer) RenderTemplateTo(p *generator.Page, bufs *Buffers) ([]byte, error) {
	tmpl, err := b.Theme.Template(p.Layout)
	if err == ErrLayoutMissing {
		return nil, generator.Errorf(p.File, 1, "layout %q not found", p.Layout)
	}
	if err != nil {
		return nil, err
	}
	bufs.page.Reset()
	if err := tmpl.ExecuteTemplate(&bufs.page, "base.html", p); err != nil {
		msg := err.Error()
		if m := generator.TemplateErrRE.FindStringSubmatch(msg); m != nil {
			if src, ok := b.Theme.Source[m[1]]; ok {
				msg = src + ":" + m[2] + ": " + m[3]
			}
		}
		return nil, generator.Errorf(p.File, 0, "layout %s: %s", p.Layout, msg)
	}
	var min func(*bytes.Buffer, []byte) error
	if b.min != nil {
		min = func(dst *bytes.Buffer, data []byte) error {
			if !minifiable("text/html", data) {
				dst.Write(data)
				return nil
			}
			// A buffer.Reader hands the minifier data itself, not a copy.
			if err := b.min.Minify("text/html", dst, buffer.NewReader(data)); err != nil {
				return fmt.Errorf("minify text/html: %w", err)
			}
			return nil
		}
	}
	bufs.out.Reset()
	if err := b.Theme.splice(&bufs.out, bufs.page.Bytes(), min); err != nil {
		return nil, err
	}
	return bufs.out.Bytes(), nil
}

func (b *Renderer) Minify(mediaType string, data []byte) ([]byte, error) {
	if b.min == nil || mediaType == "" || !minifiable(mediaType, data) {
		return data, nil
	}
	var out bytes.Buffer
	out.Grow(len(data))
	if err := b.min.Minify(mediaType, &out, buffer.NewReader(data)); err != nil {
		return nil, fmt.Errorf("minify %s: %w", mediaType, err)
	}
	return out.Bytes(), nil
}
