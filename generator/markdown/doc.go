// Package markdown turns a page's markdown into a goldmark tree and HTML:
// the goldmark set-up (GitHub Flavored Markdown, footnotes, definition
// lists, typographic quotes), GitHub-style heading ids and the table of
// contents, chroma highlighting with CSS classes, shortcodes and
// includes, and the rewriting of links, which it leaves to a Resolver to
// map.
//
// It never decides what a link points at, never loads templates (the
// theme hands it its shortcodes) and never writes files.
package markdown
