// Package themes holds the themes that ship inside the folio binary.
//
// The default theme lives in default/: html/template layouts and partials
// under layouts/, files the generator minifies and fingerprints under
// assets/ (style.css, beacon.js, search.js), and files copied as they are under
// static/ (static/vendor/ holds libraries copied only into sites that
// use them). Because it is embedded, `folio build` works for a site that has
// no themes/ folder of its own; a site's layouts/ folder overrides any
// layout of the same name.
package themes

import (
	"embed"
	"io/fs"
)

// Default is the default theme with its "default/" prefix; most callers
// want DefaultFS.
//
//go:embed default
var Default embed.FS

// DefaultFS returns the default theme rooted at its own folder, so that
// paths read "layouts/base.html" and "assets/style.css".
func DefaultFS() fs.FS {
	sub, err := fs.Sub(Default, "default")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "default" is valid.
		panic(err)
	}
	return sub
}

// KaTeX is the pinned release of KaTeX (katex/, with its licence), which
// the build runs to turn formulas into MathML. It is a tool of the build,
// not a file of the theme: pages never load it.
//
//go:embed katex/katex.min.js
var KaTeX string
