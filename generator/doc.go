// Package generator is what every stage of a build shares: the page and
// the site as layouts see them (Page, Site, Shortcode, ChangeEntry,
// Version), input errors that name file and line (Error, ErrorList), the
// site's addresses (URLs) and the bounded reads of its files.
//
// It owns the data, not the work: it never parses, renders or writes
// anything, and it imports no other package of the generator. The stages
// live in its subpackages, and build runs them in order; see build's
// documentation for the pipeline.
package generator
