package build

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"folio/generator"
	"folio/generator/mathml"
	"folio/themes"
)

// Libraries and formulas
//
// A theme may keep a large library, such as mermaid for diagrams, under
// static/vendor/NAME-VERSION/. Such a folder is copied into the site only
// when some page sets the parameter NAME, which its layouts read to load
// the library: a site without diagrams gets no mermaid. The build sets
// mermaid itself on a page that has a ```mermaid diagram (front matter
// may set it too). Formulas need no library in the page: the build
// writes them as MathML.

// mathEngine sets the formulas of every build in this process. KaTeX is
// compiled once, on the first formula, and a formula set in one build is
// not set again in the next (folio serve builds at every edit).
var mathEngine = sync.OnceValue(func() *mathml.Engine {
	return mathml.New(mathml.Options{Source: themes.KaTeX})
})

// diagramParam is the parameter that makes a layout load the diagram
// library.
const diagramParam = "mermaid"

// tabsParam is the parameter that makes a layout load the stylesheet of
// the tabs shortcode, which the build sets on a page that has tabs.
const tabsParam = "tabs"

// vendorLibrary is the library a theme's static file belongs to: NAME of
// vendor/NAME-VERSION/..., or "" for any other file.
func vendorLibrary(out string) string {
	rest, ok := strings.CutPrefix(out, "vendor/")
	if !ok {
		return ""
	}
	dir, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	i := strings.LastIndexByte(dir, '-')
	if i <= 0 {
		return ""
	}
	return dir[:i]
}

// useLibraries sets on view, page p to be rendered the parameters of the
// libraries its body needs, and notes every library it loads, for
// copyFiles and for the build cache.
func (b *builder) useLibraries(p, view *generator.Page, diagrams, tabs bool) {
	set := func(param string) {
		if view.Params[param] == true {
			return
		}
		view.Params = maps.Clone(view.Params)
		if view.Params == nil {
			view.Params = map[string]any{}
		}
		view.Params[param] = true
	}
	if diagrams {
		set(diagramParam)
	}
	if tabs {
		set(tabsParam)
	}
	var libs []string
	for _, f := range b.theme.Static {
		if name := vendorLibrary(f.Out); name != "" && view.Params[name] == true && !slices.Contains(libs, name) {
			libs = append(libs, name)
		}
	}
	b.noteLibraries(libs)
	if c := b.records[p]; c != nil {
		c.Libraries = libs
	}
}

// noteLibraries records libraries that pages load.
func (b *builder) noteLibraries(libs []string) {
	for _, l := range libs {
		b.libraries.Store(l, true)
	}
}

// librariesUsed counts the libraries pages load so far.
func (b *builder) librariesUsed() int {
	n := 0
	b.libraries.Range(func(any, any) bool { n++; return true })
	return n
}

// themeStatic is the theme's static files to copy: all but the libraries
// no page loads.
func (b *builder) themeStatic() []generator.StaticFile {
	var out []generator.StaticFile
	for _, f := range b.theme.Static {
		if name := vendorLibrary(f.Out); name != "" {
			if _, used := b.libraries.Load(name); !used {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
