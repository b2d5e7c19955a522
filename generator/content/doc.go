// Package content loads a site: it walks content/ and static/, reads and
// parses every page's front matter on all cores, gives each page its URL,
// section, order and neighbours (the Tree), and registers aliases and
// drafts.
//
// It never renders a body: markdown is parsed here only for a change log
// written in it, and pages render in the build.
package content
