package history

import (
	"github.com/yuin/goldmark"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/markdown"
)

// Options is what the history of one build needs from the others.
type Options struct {
	Tree   *generator.Tree // the loaded site, which gets /changelog/
	URLs   generator.URLs
	Config *config.Config
	MD     goldmark.Markdown // renders old versions
	// Workers is how many old versions render at once.
	Workers int
	// HasLayout reports whether the theme has a layout.
	HasLayout func(name string) bool
	// ResolveLink maps the links of old versions as those of pages.
	ResolveLink markdown.Resolver
	// Render runs a page's layout; Minify minifies data of a media type.
	Render func(*generator.Page) ([]byte, error)
	Minify func(mediaType string, data []byte) ([]byte, error)
}

// History is the change logs and versions of one build's pages.
type History struct {
	*generator.Tree
	generator.URLs
	cfg         *config.Config
	md          goldmark.Markdown
	workers     int
	hasLayout   func(name string) bool
	resolveLink markdown.Resolver
	render      func(*generator.Page) ([]byte, error)
	minify      func(mediaType string, data []byte) ([]byte, error)

	history map[string]bool // paths of change-log and history pages
	gitDir  string          // where git history was read, for old versions
	errs    generator.ErrorList
	warns   []string
	// ChangelogIDs are the anchors of /changelog/ (an entry, a month),
	// which links from content may name; nil when the build makes no
	// such page.
	ChangelogIDs markdown.IDSet
}

// New returns the history of a build.
func New(o Options) *History {
	return &History{
		Tree: o.Tree, URLs: o.URLs, cfg: o.Config, md: o.MD, workers: max(o.Workers, 1),
		hasLayout: o.HasLayout, resolveLink: o.ResolveLink, render: o.Render, minify: o.Minify,
		history: map[string]bool{},
	}
}

// Made reports whether the history made a file at a site path: the change
// log's feed, a page's history, a version or what it changed.
func (b *History) Made(path string) bool { return b.history[path] }

// Errs are the input errors found.
func (b *History) Errs() generator.ErrorList { return b.errs }

// TakeWarnings returns the problems found since it was last called that
// do not stop the build.
func (b *History) TakeWarnings() []string {
	w := b.warns
	b.warns = nil
	return w
}

func (b *History) warn(msg string) { b.warns = append(b.warns, msg) }
