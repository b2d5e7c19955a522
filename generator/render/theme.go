package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/markdown"
)

// maxTemplateSize bounds one layout or asset file of a theme.
const maxTemplateSize = 4 << 20

// Theme is a site's layouts (the Theme's, overridden by the site's own
// layouts/ folder), its fingerprinted assets and its static files.
type Theme struct {
	Layouts map[string]string // "page.html", "partials/nav.html" -> text
	Source  map[string]string // same keys -> file as the editor knows it, for errors
	Assets  map[string]*Asset // "style.css" -> minified, fingerprinted
	Static  []generator.StaticFile
	// shortcodes are layouts/shortcodes/*.html, apart from the layouts.
	shortcodes *markdown.ShortcodeSet

	funcs template.FuncMap
	mu    sync.Mutex
	sets  map[string]*template.Template // by layout name
	base  *template.Template
	// partials runs partialCached; a clone of base made before any
	// execution, since html/template cannot clone an executed set.
	partials *template.Template
	cache    map[string]*cachedPartial // by partial and key; guarded by mu
	byID     []*cachedPartial          // the same, by marker number
	words    *Words                    // T's words, in the site's language
}

type cachedPartial struct {
	once sync.Once
	id   int
	html template.HTML
	err  error

	minOnce sync.Once
	min     string // html minified, made once
	minErr  error
}

type Asset struct {
	URL  string // path from the site root, with base path: /assets/style.1a2b3c4d.css
	Out  string // output file name: assets/style.1a2b3c4d.css
	Data []byte
}

// LoadTheme reads the theme: a site's themes/NAME when fsys has one, else
// builtin, then the site's layouts/ on top. configData is folio.toml, for
// the line of a theme it names but does not have.
func (b *Renderer) LoadTheme(fsys, builtin fs.FS, name string, configData []byte) error {
	t := &Theme{Layouts: map[string]string{}, Source: map[string]string{}, Assets: map[string]*Asset{}, sets: map[string]*template.Template{}}
	if name == "" {
		name = "default"
	}
	themeFS, prefix := builtin, "themes/default (built in)"
	hasTheme, err := generator.SiteDir(fsys, "themes/"+name, "themes/"+name)
	if err != nil {
		return err
	}
	if sub, err := fs.Sub(fsys, "themes/"+name); err == nil && hasTheme {
		themeFS, prefix = sub, "themes/"+name
	} else if name != "default" {
		return generator.Errorf(config.ConfigFile, config.KeyLine(configData, "theme"), "theme %q: no folder themes/%s", name, name)
	}
	if err := t.addLayouts(themeFS, "layouts", prefix+"/layouts"); err != nil {
		return err
	}
	hasLayouts, err := generator.SiteDir(fsys, "layouts", "layouts")
	if err != nil {
		return err
	}
	if hasLayouts {
		if err := t.addLayouts(fsys, "layouts", "layouts"); err != nil {
			return err
		}
	}
	if _, ok := t.Layouts["base.html"]; !ok {
		return generator.Errorf(prefix+"/layouts/base.html", 0, "missing: every theme needs a base layout")
	}
	if err := b.addAssets(t, themeFS, prefix); err != nil {
		return err
	}
	if ok, err := generator.SiteDir(themeFS, "static", prefix+"/static"); err != nil {
		return err
	} else if ok {
		if err := generator.AddStatic(&t.Static, themeFS, "static", prefix+"/static"); err != nil {
			return err
		}
	}
	layers, err := i18nLayers(fsys, builtin, themeFS, prefix)
	if err != nil {
		return err
	}
	if t.words, err = loadWords(b.Language, layers); err != nil {
		return err
	}
	b.Theme = t
	t.funcs = b.funcs()
	set, err := markdown.LoadShortcodes(t.Layouts, t.Source, t.funcs)
	if err != nil {
		return err
	}
	t.shortcodes = set
	return nil
}

func (t *Theme) addLayouts(fsys fs.FS, dir, shown string) error {
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", shown, err)
		}
		if d.IsDir() {
			return nil
		}
		rel := strings.TrimPrefix(p, dir+"/")
		if _, err := generator.EntryType(fsys, p, d); errors.Is(err, generator.ErrOutside) {
			// Even a link to a folder: partials/ -> elsewhere.
			return generator.Errorf(shown+"/"+rel, 0, "%v", err)
		}
		if !strings.HasSuffix(p, ".html") {
			return nil
		}
		data, err := generator.ReadLimited(fsys, p, maxTemplateSize)
		if err != nil {
			return generator.Errorf(shown+"/"+rel, 0, "%v", err)
		}
		t.Layouts[rel] = string(data)
		t.Source[rel] = shown + "/" + rel
		return nil
	})
}

// addAssets minifies the theme's assets/ and names each by a hash of its
// content, so they can be cached for a year and still change on deploy.
func (b *Renderer) addAssets(t *Theme, fsys fs.FS, shown string) error {
	if ok, err := generator.SiteDir(fsys, "assets", shown+"/assets"); err != nil || !ok {
		return err
	}
	return fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := generator.ReadLimited(fsys, p, maxTemplateSize)
		if err != nil {
			return generator.Errorf(shown+"/"+p, 0, "%v", err)
		}
		rel := strings.TrimPrefix(p, "assets/")
		if mt := MediaType(rel); mt != "" && b.min != nil {
			var out bytes.Buffer
			if err := b.min.Minify(mt, &out, bytes.NewReader(data)); err != nil {
				return generator.Errorf(shown+"/"+p, 0, "minify: %v", err)
			}
			data = out.Bytes()
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(rel)
		out := "assets/" + strings.TrimSuffix(rel, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		t.Assets[rel] = &Asset{URL: b.sharedURLs().BasePath + out, Out: out, Data: data}
		return nil
	})
}

// Template returns the Template set for a layout, built once.
func (t *Theme) Template(layout string) (*template.Template, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.sets[layout]; ok {
		return s, nil
	}
	if t.base == nil {
		base := template.New("base.html").Funcs(t.funcs)
		if _, err := base.Parse(t.Layouts["base.html"]); err != nil {
			return nil, generator.TemplateError(t.Source, err)
		}
		names := make([]string, 0, len(t.Layouts))
		for name := range t.Layouts {
			if strings.HasPrefix(name, "partials/") {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			if _, err := base.New(name).Parse(t.Layouts[name]); err != nil {
				return nil, generator.TemplateError(t.Source, err)
			}
		}
		t.base = base
		p, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone templates: %w", err)
		}
		t.partials = p
	}
	text, ok := t.Layouts[layout+".html"]
	if !ok {
		return nil, ErrLayoutMissing
	}
	set, err := t.base.Clone()
	if err != nil {
		return nil, fmt.Errorf("clone templates: %w", err)
	}
	if _, err := set.New(layout + ".html").Parse(text); err != nil {
		return nil, generator.TemplateError(t.Source, err)
	}
	t.sets[layout] = set
	return set, nil
}

var ErrLayoutMissing = errors.New("layout not found")

func (t *Theme) HasLayout(name string) bool {
	_, ok := t.Layouts[name+".html"]
	return ok
}

// funcs are the functions layouts can call.
func (b *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := b.Theme.Assets[name]
			if !ok {
				return "", fmt.Errorf("asset %q: no such file in the theme's assets/", name)
			}
			return a.URL, nil
		},
		"relURL": func(p string) string { return b.urlsOf(p).RelURL(p) },
		"absURL": func(p string) string { return b.urlsOf(p).AbsURL(p) },
		"date": func(layout string, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(layout)
		},
		"isoDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"add": func(a, b int) int { return a + b },
		// dict builds a map from key, value pairs, so a partial can take
		// more than one value.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: want key, value pairs, got %d values", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not text", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// partialCached runs a partial once per key and reuses its HTML,
		// so the navigation of a section is made once, not once per page.
		"partialCached": func(name string, ctx any, key string) (template.HTML, error) {
			return b.Theme.partialCached(name, ctx, key)
		},
		// partial runs a partial and returns its HTML, for navigation
		// that differs from page to page and so cannot be cached.
		"partial": func(name string, ctx any) (template.HTML, error) {
			return b.Theme.partial(name, ctx)
		},
		// markCurrent marks the link to url in a cached navigation with
		// aria-current="page".
		"markCurrent": markCurrent,
		"T":           b.translate,
	}
}

// partialCached runs a partial once per key. What it returns to the
// template is a marker, not the HTML: the page around it is minified
// without it and the partial's HTML, minified once, is put in its place
// after (see splice). Navigation is most of a docs page's bytes, so this
// saves most of the minifier's work on every page.
func (t *Theme) partialCached(name string, ctx any, key string) (template.HTML, error) {
	t.mu.Lock()
	c, ok := t.cache[name+"\x00"+key]
	if !ok {
		c = &cachedPartial{id: len(t.byID)}
		t.byID = append(t.byID, c)
		if t.cache == nil {
			t.cache = map[string]*cachedPartial{}
		}
		t.cache[name+"\x00"+key] = c
	}
	t.mu.Unlock()
	c.once.Do(func() {
		c.html, c.err = t.partial(name, ctx)
	})
	if c.err != nil {
		return "", c.err
	}
	return template.HTML(markerStart + strconv.Itoa(c.id) + markerEnd), nil
}

// partial runs a partial without caching it.
func (t *Theme) partial(name string, ctx any) (template.HTML, error) {
	t.mu.Lock()
	set := t.partials
	t.mu.Unlock()
	if set == nil || set.Lookup(name) == nil {
		return "", fmt.Errorf("partial: no template %q", name)
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, ctx); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// Markers stand for a cached partial in a template's output until splice
// replaces them. NUL never occurs in a page: html/template escapes it.
const (
	markerStart = "\x00folio-partial:"
	markerURL   = "\x01" // then the URL markCurrent marks
	markerEnd   = "\x00"
)

// splice writes a page to dst with its markers replaced by their
// partials: the text between markers is minified (when min is not nil)
// piece by piece, and each partial is minified once for all pages.
func (t *Theme) splice(dst *bytes.Buffer, page []byte, min func(*bytes.Buffer, []byte) error) error {
	write := func(text []byte) error {
		if min == nil {
			dst.Write(text)
			return nil
		}
		return min(dst, text)
	}
	dst.Grow(len(page))
	rest := page
	for {
		i := bytes.Index(rest, []byte(markerStart))
		if i < 0 {
			return write(rest)
		}
		if err := write(rest[:i]); err != nil {
			return err
		}
		rest = rest[i+len(markerStart):]
		j := bytes.Index(rest, []byte(markerEnd))
		if j < 0 {
			return fmt.Errorf("partialCached: a template cut a marker short")
		}
		ref := string(rest[:j])
		rest = rest[j+len(markerEnd):]
		idText, url, marked := strings.Cut(ref, markerURL)
		id, err := strconv.Atoi(idText)
		t.mu.Lock()
		ok := err == nil && id >= 0 && id < len(t.byID)
		var c *cachedPartial
		if ok {
			c = t.byID[id]
		}
		t.mu.Unlock()
		if !ok {
			return fmt.Errorf("partialCached: a template changed a marker")
		}
		html := string(c.html)
		if min != nil {
			c.minOnce.Do(func() {
				var m bytes.Buffer
				c.minErr = min(&m, []byte(c.html))
				c.min = m.String()
			})
			if c.minErr != nil {
				return c.minErr
			}
			html = c.min
		}
		if marked {
			writeMarked(dst, html, url)
		} else {
			dst.WriteString(html)
		}
	}
}

// markCurrent marks the link to url in navigation HTML with
// aria-current="page". Given a cached partial's marker, it adds url to
// the marker, and splice marks the link once the partial is in place.
func markCurrent(nav template.HTML, url string) template.HTML {
	if s := string(nav); strings.HasPrefix(s, markerStart) && !strings.Contains(s, markerURL) {
		return template.HTML(strings.TrimSuffix(s, markerEnd) + markerURL + url + markerEnd)
	}
	var b bytes.Buffer
	writeMarked(&b, string(nav), url)
	return template.HTML(b.String())
}

// writeMarked writes nav to dst with aria-current="page" on the first link
// to url.
func writeMarked(dst *bytes.Buffer, nav, url string) {
	var buf strings.Builder
	if err := hrefTemplate.Execute(&buf, url); err == nil {
		href := buf.String()
		if i := strings.Index(nav, href); i >= 0 {
			i += len(href)
			dst.WriteString(nav[:i])
			dst.WriteString(` aria-current="page"`)
			nav = nav[i:]
		}
	}
	dst.WriteString(nav)
}

// hrefTemplate writes a URL the way html/template writes it in an href,
// so markCurrent finds links whose URL it had to escape.
var hrefTemplate = template.Must(template.New("href").Parse(`href="{{ . }}"`))

// Shortcodes are the theme's shortcode templates, for the markdown
// converter.
func (t *Theme) Shortcodes() *markdown.ShortcodeSet { return t.shortcodes }
