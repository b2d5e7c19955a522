// Package render owns the theme and runs it: layouts (the theme's, with
// the site's layouts/ on top), template functions, fingerprinted assets,
// cached partials, the theme's words in the site's language (i18n.go, the
// template function T), and minifying what the layouts make.
//
// It renders one page at a time as it is given one; it never parses
// markdown (the page arrives with its Content), never decides which pages
// a site has, and never writes files.
package render
