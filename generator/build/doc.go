// Package build turns a site's markdown into a static site: it runs the
// stages, each a package of its own, in order, and is what the folio
// command calls (Build, BuildDir, Open, Cache).
//
// A site is a folder, read as an fs.FS so tests can build whole sites from
// memory:
//
//	folio.toml     optional configuration (Config); unknown keys are errors
//	content/       pages (.md, .markdown) and the files they use
//	layouts/       optional layouts overriding the theme's
//	static/        files copied as they are
//	themes/NAME/   optional theme replacing the built-in one
//
// The pipeline, in Build and BuildDir, with the package that does each
// step:
//
//  1. load (config, render, content): folio.toml is read, the theme
//     loaded, and every page read and its front matter (YAML, TOML or
//     JSON, package frontmatter) decoded on all cores, keeping the file
//     line of every key, so errors read content/x.md:4: front matter: ...
//  2. tree (content, history): pages get their URL (content/docs/a.md is
//     /docs/a/), their section (a folder; its _index.md is the section's
//     page), their order (weight, then title) and neighbours; drafts,
//     change logs, versions and aliases are settled here, and a section
//     past [nav] sectionLimit gets its index pages (package generator,
//     nav.go), so its pages' navigation can show only their neighbourhood.
//  3. render, on all cores (markdown, search, render): goldmark with GFM,
//     footnotes, definition lists, typographic quotes, shortcodes and
//     includes; GitHub-style heading ids with an anchor, a table of
//     contents, chroma highlighting through CSS classes, and links to
//     source files rewritten to page URLs. The page's sections go to the
//     search index, its layout (html/template: base.html, partials and the
//     page's own layout) runs, tdewolff/minify minifies, and the page is
//     written and dropped, so memory does not grow with the output.
//  4. check (this package): every link to a page, file or heading of the
//     site is checked once all heading ids are known; [build] brokenLinks
//     = "warn" makes broken ones warnings.
//  5. the rest (output, history, search, this package): 404 page, alias
//     redirects, sitemap, robots.txt, Atom feeds, the change log, page
//     versions, the search index, fingerprinted theme assets and copied
//     files.
//
// Every problem with the editor's input is an *Error naming file and line,
// and all of one build come back together as an ErrorList. BuildDir
// renders into a temporary folder and swaps it into place only when the
// whole build succeeded; with a Cache (this package's cache.go) it renders
// only the pages whose inputs changed and writes only the files whose bytes changed, again only
// after everything succeeded. Output is deterministic: the same input
// gives the same bytes.
//
// A site in several languages ([languages] in folio.toml, languages.go)
// is built as one site per language, from content/CODE/ into the output
// under the language's prefix, with one builder each; the default
// language writes the files they share, and links between languages are
// checked once all are rendered.
//
// The package never serves HTTP and never opens a database: the analytics
// half of Folio reaches templates only as data the caller passes in
// Options.Data.
package build
