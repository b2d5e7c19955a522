package content

import (
	"io/fs"
	"time"

	"github.com/yuin/goldmark"

	"folio/generator"
	"folio/generator/config"
)

// ParseCache keeps the parses of an earlier build of the same process,
// by file, size and modification time, so a file that did not change is
// not read again.
type ParseCache interface {
	Parsed(file string, size, mod int64) (Loaded, bool)
	StoreParsed(file string, size, mod int64, l Loaded)
}

// Options is what loading a site needs.
type Options struct {
	Tree   *generator.Tree // filled by LoadContent
	FS     fs.FS           // the site's folder
	Config *config.Config
	MD     goldmark.Markdown // reads change logs written in bodies
	Drafts bool              // load pages marked draft: true
	// Workers is how many files are parsed at once.
	Workers int
	Cache   ParseCache // nil: parse every file
	// Dir is the folder of the pages: "content", or a language's
	// "content/de" on a site in several languages.
	Dir string
	// Known, when set, gives the body change-log entries an earlier
	// build read from a file's body with the same SHA-256, so that body
	// is not parsed for them again.
	Known func(file string, sum [32]byte) ([]generator.ChangeEntry, bool)
	// Now is the clock that publishDate and expiryDate are read against;
	// time.Now when nil.
	Now func() time.Time
	// Future and Expired let in pages whose publishDate is still to come
	// or whose expiryDate is past, each with a banner.
	Future, Expired bool
}

// Loader reads a site's content into a Tree.
type Loader struct {
	*generator.Tree
	fsys       fs.FS
	cfg        *config.Config
	md         goldmark.Markdown
	withDrafts bool
	workers    int
	cache      ParseCache
	known      func(file string, sum [32]byte) ([]generator.ChangeEntry, bool)
	parsed     int // bodies parsed by this worker
	// Parsed is how many bodies LoadContent parsed to read their change
	// logs; a body whose entries were known is not parsed.
	Parsed  int
	errs    generator.ErrorList
	dir     string // "content" or "content/de"
	clock   func() time.Time
	future  bool
	expired bool
	// Scheduled are the sources left out by their publishDate or
	// expiryDate, with why, for the message of a link to one.
	Scheduled map[string]string
	// NextSchedule is the first moment after now at which a publishDate
	// or expiryDate changes which pages the site has; zero if none does.
	NextSchedule time.Time
}

// New returns a loader for a site.
func New(o Options) *Loader {
	if o.Dir == "" {
		o.Dir = "content"
	}
	return &Loader{
		Tree: o.Tree, fsys: o.FS, cfg: o.Config, md: o.MD, withDrafts: o.Drafts,
		workers: max(o.Workers, 1), cache: o.Cache, dir: o.Dir, known: o.Known,
		clock: o.Now, future: o.Future, expired: o.Expired,
	}
}

// TakeErrs returns the input errors found since it was last called.
func (b *Loader) TakeErrs() generator.ErrorList {
	errs := b.errs
	b.errs = nil
	return errs
}
