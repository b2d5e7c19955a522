package build

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/content"
	"folio/generator/history"
	"folio/generator/markdown"
	"folio/generator/output"
	"folio/generator/render"
	"folio/generator/search"
	"folio/themes"

	"github.com/yuin/goldmark"
)

// Options says what to build and how.
type Options struct {
	// Root is the site's folder: folio.toml, content/, layouts/, static/.
	Root string
	// FS is the site's folder as a file system. When nil, Root is read
	// through an os.Root, which refuses symbolic links that lead out of
	// it; an FS handed in must not follow those either.
	FS fs.FS
	// Config is the site's configuration; read from folio.toml when nil.
	Config *config.Config
	// Theme is the built-in theme; themes.DefaultFS() when nil.
	Theme fs.FS
	// Drafts builds pages marked draft: true.
	Drafts bool
	// Future and Expired build pages whose publishDate is still to come
	// or whose expiryDate is past, each with a banner that says so.
	Future, Expired bool
	// Now is the clock publishDate and expiryDate are read against;
	// time.Now when nil.
	Now func() time.Time
	// BaseURL overrides the configuration's baseURL.
	BaseURL string
	// NoMinify writes output as the templates made it.
	NoMinify bool
	// Workers is how many pages render at once; one more than the number
	// of CPUs when 0, so a core has a page to render while another page's
	// worker waits on the file system.
	Workers int
	// Warn receives warnings: problems that do not stop the build.
	Warn func(string)
	// Progress, when set, is called now and then with pages done so far.
	Progress func(done, total int)
	// Loaded, when set, is told how many pages the site has once they are
	// read and before any is rendered, so a caller can size resources
	// such as a memory limit.
	Loaded func(pages int)
	// Data is handed to templates as .Site.Data: facts from outside the
	// site's files, such as what the visit counter stores, which a
	// privacy policy prints so that it cannot drift from the code.
	Data map[string]any
	// Cache, when set, lets BuildDir render only what changed since the
	// build that filled it. Keep one across builds in a long-running
	// process.
	Cache *Cache
	// CacheDir, when set, keeps the cache on disk between builds:
	// BuildDir reads it before and writes it after. Options.Cache wins.
	CacheDir string

	// urlPrefix is the URL folder of a version of a site of several:
	// "1.0/" for an old version.
	urlPrefix string
	// noReuse renders every version's bodies afresh: what a build of
	// several versions is compared with.
	noReuse bool
	// sharedRoot, for an old version, are the site root's URLs, where
	// the files every version shares are.
	sharedRoot *generator.URLs
}

// Result describes a finished build.
type Result struct {
	Pages    int // HTML pages rendered from content
	Files    int // files written in all
	Rendered int // pages rendered: with a cache, only those whose inputs changed
	// Parsed is how many times a page's markdown was parsed: once for
	// each page rendered with a body, and once more for each page whose
	// body change log was read before rendering and not known from the
	// build cache.
	Parsed   int
	Warnings []string
	// LiquidPages is how many rendered pages hold Jekyll's Liquid, which
	// is published as text; each place is among the warnings.
	LiquidPages int
	// NextSchedule is the first moment after the build at which a page's
	// publishDate or expiryDate changes what the site holds, zero if none:
	// until then a build with no file changed makes the same site.
	NextSchedule time.Time
	// Reused is how many pages of a site of several versions took their
	// body from another version, which rendered the same file.
	Reused int
}

// builder holds the state of one build.
type builder struct {
	opts           Options
	cfg            *config.Config
	configData     []byte
	fsys           fs.FS
	generator.URLs // BasePath "/" or the baseURL's path; BaseURL absolute or ""
	theme          *render.Theme
	md             goldmark.Markdown
	shortcodes     *markdown.Shortcodes
	render         *render.Renderer
	generator.Tree          // the pages and the maps that find them
	ids            sync.Map // page path -> markdown.IDSet of its heading ids
	errs           generator.ErrorList
	warns          []string
	liquidMu       sync.Mutex   // guards warns while pages render
	liquidPages    atomic.Int64 // pages holding Liquid
	parsed         atomic.Int64 // markdown parses, see Result.Parsed
	written        atomic.Int64
	pageFiles      map[string]bool
	sums           sync.Map                        // content file -> fileSum, for the build cache
	loader         *content.Loader                 // reads the site into the tree
	hist           *history.History                // change logs and versions
	search         *search.Index                   // filled while pages render, written at the end
	sections       *search.Store                   // the search sections of this build's pages, until closeSections
	cache          *Cache                          // the build cache BuildDir uses, if any
	records        map[*generator.Page]*cachedPage // what rendering each cacheable page teaches the cache
	libraries      sync.Map                        // name -> true: libraries of the theme's static/vendor/ that pages load
	lang           *langBuild                      // the language this builder builds, on a site in several
	imgs           siteImages                      // the site's images, measured as pages show them
	ver            *verBuild                       // the version this builder builds, on a site of several
}

// SiteBuild is a loaded site, ready to render pages that are not in its
// content, such as a report.
type SiteBuild struct{ b *builder }

// Open loads a site's configuration, pages (front matter only) and theme.
func Open(ctx context.Context, opts Options) (*SiteBuild, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	if versioned(b.cfg) {
		// Pages made outside content/ are in the latest version.
		return openLatest(ctx, opts, b.cfg)
	}
	if multilingual(b.cfg) {
		// Pages made outside content/ are in the default language.
		s, err := newLangSet(opts, b.cfg)
		if err != nil {
			return nil, err
		}
		return &SiteBuild{b: s.def().b}, nil
	}
	if err := b.load(); err != nil {
		return nil, err
	}
	return &SiteBuild{b: b}, nil
}

// Title returns the title of the page at a URL path, with or without the
// site's base path.
func (s *SiteBuild) Title(urlPath string) (string, bool) {
	b := s.b
	if p, ok := b.ByPath[urlPath]; ok {
		return p.Title, true
	}
	if rest, ok := strings.CutPrefix(urlPath, strings.TrimSuffix(b.BasePath, "/")); ok {
		if p, ok := b.ByPath[rest]; ok {
			return p.Title, true
		}
	}
	return "", false
}

// Extra is a page made outside content/, such as the analytics report.
type Extra struct {
	URL         string // path from the site root: /stats/
	Title       string
	Description string
	Layout      string // a layout of the theme: report
	Data        any    // reaches the layout as .Data
	// NoSidebar leaves out the section's navigation, as front matter
	// sidebar: false does, so the page has the full width.
	NoSidebar bool
}

// RenderPage renders an extra page with the site's theme and navigation.
func (s *SiteBuild) RenderPage(e Extra) ([]byte, error) {
	b := s.b
	p := &generator.Page{
		Kind: e.Layout, Title: e.Title, Description: e.Description, Layout: e.Layout,
		Sidebar: !e.NoSidebar, Params: map[string]any{}, File: "(" + e.Layout + ")", Data: e.Data,
		Path: generator.CleanURLPath(e.URL), Section: b.Home, Site: b.Site,
	}
	p.URL, p.Permalink = b.RelURL(p.Path), b.AbsURL(p.Path)
	return b.render.RenderTemplate(p)
}

func newBuilder(opts Options) (*builder, error) {
	if opts.FS == nil {
		if opts.Root == "" {
			opts.Root = "."
		}
		fsys, err := generator.OpenSite(opts.Root)
		if err != nil {
			return nil, fmt.Errorf("open site: %w", err)
		}
		opts.FS = fsys
	}
	if opts.Theme == nil {
		opts.Theme = themes.DefaultFS()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0) + 1
	}
	b := &builder{opts: opts, fsys: opts.FS, cfg: opts.Config}
	if data, err := fs.ReadFile(opts.FS, config.ConfigFile); err == nil {
		b.configData = data
	}
	if b.cfg == nil {
		cfg, err := config.LoadConfigFS(opts.FS)
		if err != nil {
			return nil, err
		}
		b.cfg = cfg
	}
	b.BaseURL = b.cfg.BaseURL
	if opts.BaseURL != "" {
		c := *b.cfg
		c.BaseURL = opts.BaseURL
		if err := c.Check(nil); err != nil {
			return nil, fmt.Errorf("-baseurl: %w", err)
		}
		b.BaseURL = c.BaseURL
	}
	b.BasePath = "/"
	if b.BaseURL != "" {
		u, _ := url.Parse(b.BaseURL)
		b.BasePath = u.EscapedPath()
	}
	if opts.urlPrefix != "" {
		b.BasePath += opts.urlPrefix
		if b.BaseURL != "" {
			b.BaseURL += opts.urlPrefix
		}
	}
	b.md, b.shortcodes = markdown.New(b.cfg.Markdown.Unsafe, opts.FS)
	b.shortcodes.SetMath(mathEngine().Render)
	b.render = render.New(b.URLs, !opts.NoMinify)
	b.render.Language = b.cfg.Language
	return b, nil
}

// load reads the theme and content and builds the page tree.
func (b *builder) load() error {
	git := history.StartGitHistory(b.cfg, b.opts.Root)
	if err := b.render.LoadTheme(b.fsys, b.opts.Theme, b.cfg.Theme, b.configData); err != nil {
		return err
	}
	b.theme = b.render.Theme
	b.shortcodes.SetTemplates(b.theme.Shortcodes())
	var parses content.ParseCache
	if b.opts.Cache != nil {
		parses = b.opts.Cache
	}
	b.loader = content.New(content.Options{
		Tree: &b.Tree, FS: b.fsys, Config: b.cfg, MD: b.md, Drafts: b.opts.Drafts,
		Workers: b.opts.Workers, Cache: parses, Dir: b.contentDir(), Known: b.knownChanges(),
		Now: b.opts.Now, Future: b.opts.Future, Expired: b.opts.Expired,
	})
	err := b.loader.LoadContent()
	b.parsed.Add(int64(b.loader.Parsed))
	b.errs = append(b.errs, b.loader.TakeErrs()...)
	if err != nil {
		return err
	}
	b.loader.AddTaxonomies(b.theme.HasLayout)
	b.errs = append(b.errs, b.loader.TakeErrs()...)
	data, err := b.siteData()
	if err != nil {
		return err
	}
	if b.opts.Cache == nil {
		// A one-shot build reads each body again when it renders the
		// page, rather than hold every body from now until then.
		for _, p := range b.Pages {
			p.Src = nil
		}
	}
	if b.opts.Loaded != nil {
		b.opts.Loaded(len(b.Pages))
	}
	b.Site = &generator.Site{
		Title: b.cfg.Title, BaseURL: b.BaseURL, Language: b.cfg.Language,
		Params: b.cfg.Params, Home: b.Home, Data: data,
		Nav: generator.Nav{Limit: b.cfg.Nav.SectionLimit, Window: b.cfg.Nav.Window,
			PageSize: b.cfg.Nav.IndexPageSize, GroupBy: b.cfg.Nav.GroupBy},
		Analytics: generator.SiteAnalytics{Enabled: b.cfg.Analytics.Enabled, Endpoint: b.cfg.Analytics.Endpoint,
			Downloads: strings.ToLower(strings.Join(b.cfg.Analytics.Downloads, ","))},
	}
	if b.Site.Params == nil {
		b.Site.Params = map[string]any{}
	}
	if b.Site.Analytics.Endpoint == "" {
		b.Site.Analytics.Endpoint = "/api/event"
	}
	unknownLayouts := map[string]bool{}
	for _, p := range b.Pages {
		p.Site = b.Site
		p.URL, p.Permalink = b.RelURL(p.Path), b.AbsURL(p.Path)
		p.EditURL = editURL(b.cfg.EditURL, p.File)
		if !p.SectionPage {
			b.Site.Pages = append(b.Site.Pages, p)
		}
		line := 1
		if p.FM != nil && p.FM.Lines.Layout > 0 {
			line = p.FM.Lines.Layout
		}
		if !b.theme.HasLayout(p.Layout) && line > 1 && b.theme.HasLayout(p.Kind) {
			// A layout the site does not have, as Jekyll sites name
			// theirs, is ignored with a warning, once per name.
			if !unknownLayouts[p.Layout] {
				unknownLayouts[p.Layout] = true
				b.warn(generator.Errorf(p.File, line, "layout %q not found in layouts/ or the theme: ignored, pages that name it use their kind's layout", p.Layout).Error())
			}
			p.Layout = p.Kind
		}
		if !b.theme.HasLayout(p.Layout) {
			b.errs = append(b.errs, generator.Errorf(p.File, line, "layout %q not found: no %s.html in layouts/ or the theme", p.Layout, p.Layout))
		}
	}
	b.hist = history.New(history.Options{
		Tree: &b.Tree, URLs: b.URLs, Config: b.cfg, MD: b.md, Workers: b.opts.Workers,
		HasLayout: b.theme.HasLayout, ResolveLink: b.resolveLink,
		Render: b.render.RenderTemplate, Minify: b.render.Minify,
	})
	b.hist.AddChangelogs(git)
	b.errs = append(b.errs, b.hist.Errs()...)
	b.warns = append(b.warns, b.hist.TakeWarnings()...)
	if ids := b.hist.ChangelogIDs; ids != nil {
		b.ids.Store(history.ChangelogPath, ids)
	}
	b.errs = append(b.errs, generator.AddSectionIndexes(&b.Tree, b.URLs)...)
	b.loader.LoadAliases()
	b.errs = append(b.errs, b.loader.TakeErrs()...)
	if len(b.errs) > 0 {
		return b.errs.Sorted()
	}
	return nil
}

// liquidFound warns of Liquid left in a page, once per line: Folio
// publishes it as text, which a site brought from Jekyll must not do
// unnoticed.
func (b *builder) liquidFound(p *generator.Page, found []markdown.LiquidAt) {
	b.liquidPages.Add(1)
	b.liquidMu.Lock()
	defer b.liquidMu.Unlock()
	last := 0
	var msgs []string
	for _, l := range found {
		if l.Line == last {
			continue
		}
		last = l.Line
		msgs = append(msgs, generator.Errorf(p.File, p.BodyLine+l.Line, "Liquid %s is published as text: convert the page with folio import jekyll, or remove it", l.Text).Error())
	}
	b.warns = append(b.warns, msgs...)
	if c := b.records[p]; c != nil {
		c.Liquid = msgs
	}
}

func (b *builder) warn(msg string) {
	b.warns = append(b.warns, msg)
}

// Build renders the site into out. Input errors come back as an ErrorList
// holding every problem found; nothing is promised about what out holds
// then, which is why BuildDir writes into a temporary folder.
func Build(ctx context.Context, opts Options, out output.Output) (*Result, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	if versioned(b.cfg) {
		return buildVersions(ctx, opts, b.cfg, out)
	}
	if multilingual(b.cfg) {
		return buildLanguages(ctx, opts, b.cfg, out)
	}
	if err := b.load(); err != nil {
		return nil, err
	}
	defer b.closeSections()
	return b.build(ctx, out)
}

// closeSections lets go of the search sections of the build's pages,
// which its cache was made from.
func (b *builder) closeSections() {
	if b.sections != nil {
		b.sections.Close()
		b.sections = nil
	}
}

func (b *builder) build(ctx context.Context, out output.Output) (*Result, error) {
	return b.run(ctx, out, nil)
}

// run builds the site into out. skip, when set, is asked about each page
// before rendering: a page it claims was restored from the build cache
// and needs no rendering.
func (b *builder) run(ctx context.Context, out output.Output, skip func(*generator.Page) bool) (*Result, error) {
	if b.BaseURL == "" {
		b.warn("no baseURL in folio.toml: sitemap.xml, robots.txt and index.xml use root-relative URLs, which search engines and feed readers may not accept")
	}
	err := b.hist.PrepareVersions(ctx)
	b.warns = append(b.warns, b.hist.TakeWarnings()...)
	if err != nil {
		return nil, err
	}
	if b.cache != nil {
		// Keys cover versions, so they are made once those are known.
		if err := b.assignKeys(); err != nil {
			return nil, err
		}
	}
	b.search = search.NewIndex(b.Pages)
	b.sections = b.search.Store()
	todo := b.Pages
	if skip != nil {
		todo = nil
		for _, p := range b.Pages {
			if !skip(p) {
				todo = append(todo, p)
			}
		}
	}
	if err := b.renderPages(ctx, todo, out); err != nil {
		return nil, err
	}
	rendered := len(todo)
	b.checkLinks()
	if len(b.errs) > 0 {
		return nil, b.errs.Sorted()
	}
	if b.opts.Cache == nil && b.lang == nil && b.ver == nil {
		// Heading ids and links are checked; only a cache kept for the
		// next build in this process (serve) checks edits against them.
		b.ids.Clear()
		for _, p := range b.Pages {
			p.Links = nil
		}
	}
	writeTo := func(out output.Output) func(string, []byte) error {
		return func(name string, data []byte) error { return b.write(out, name, data) }
	}
	feeds := &output.Feeds{
		URLs: b.URLs, Pages: b.Pages, Aliases: b.Aliases, Config: b.cfg,
		Write:  writeTo(out),
		Minify: b.render.Minify,
	}
	steps := []func(output.Output) error{
		b.write404,
		func(output.Output) error { return feeds.WriteAliases() },
		func(output.Output) error { return feeds.WriteSitemap() },
		func(output.Output) error { return feeds.WriteRobots() },
		func(output.Output) error { return feeds.WriteFeed() },
		func(output.Output) error { return feeds.WriteTermFeeds() },
		func(out output.Output) error { return b.hist.WriteChangelogFeed(writeTo(out)) },
		func(out output.Output) error { return b.hist.WriteHistory(writeTo(out)) },
		b.writeSearch, b.writeAssets, b.copyFiles, b.writeImages,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(out); err != nil {
			return nil, err
		}
	}
	if len(b.errs) > 0 {
		return nil, b.errs.Sorted()
	}
	sort.Strings(b.warns)
	for _, w := range b.warns {
		if b.opts.Warn != nil {
			b.opts.Warn(w)
		}
	}
	return &Result{Pages: len(b.Pages), Rendered: rendered, Parsed: int(b.parsed.Load()), Files: int(b.written.Load()), Warnings: b.warns, LiquidPages: int(b.liquidPages.Load()), NextSchedule: b.loader.NextSchedule}, nil
}

// renderPages renders every page on all cores. Each page is written as
// soon as it is done and then dropped, so memory does not grow with the
// size of the site's output.
func (b *builder) renderPages(ctx context.Context, pages []*generator.Page, out output.Output) error {
	jobs := make(chan *generator.Page)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  generator.ErrorList
		fatal error
		done  atomic.Int64
	)
	for range b.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bufs := renderBuffers{ctx: ctx}
			for p := range jobs {
				err := b.renderPage(p, out, &bufs)
				if err != nil {
					mu.Lock()
					if l, ok := generator.AsErrorList(err); ok {
						errs = append(errs, l...)
					} else if fatal == nil {
						fatal = err
					}
					mu.Unlock()
				}
				n := done.Add(1)
				if b.opts.Progress != nil && n%256 == 0 {
					b.opts.Progress(int(n), len(pages))
				}
			}
		}()
	}
	var ctxErr error
	for _, p := range pages {
		if ctxErr = ctx.Err(); ctxErr != nil {
			break
		}
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	if b.opts.Progress != nil {
		b.opts.Progress(len(pages), len(pages))
	}
	if ctxErr != nil {
		return ctxErr
	}
	if fatal != nil {
		return fatal
	}
	b.errs = append(b.errs, errs...)
	return nil
}

// renderPage turns one page's markdown into HTML, runs its layout and
// writes the result.
func (b *builder) renderPage(p *generator.Page, out output.Output, bufs *renderBuffers) error {
	// A cancelled build stops between the stages of a page too, and
	// within its parse, so one long page does not hold it up.
	ctx := bufs.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var file []byte // the page's whole file, when read here
	if p.HasBody && p.Src == nil {
		src, err := b.readBody(p, bufs)
		if err != nil {
			return err
		}
		p.Src, file = src, bufs.file
	}
	view := *p
	var (
		key    [32]byte
		keyOK  bool
		reused bool
		calls  []linkCall
		result = b.resolveLink
	)
	if p.HasBody && b.ver != nil && b.ver.set.memo != nil && file != nil {
		// A site of several versions: a body another version rendered
		// serves this one too.
		if key, keyOK = b.sharedBodyKey(p, file); keyOK {
			reused = b.reuseBody(p, key, &view)
		}
		result = b.versionResolver(&calls)
	}
	if p.HasBody && !reused {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The tree points into body.Src: the page with its includes.
		body := b.shortcodes.ParseBodyCtx(ctx, p)
		b.parsed.Add(1)
		if err := ctx.Err(); err != nil {
			return err
		}
		doc := body.Doc
		imgFiles, imgErrs := b.sizeImages(p, doc)
		toc, idMap := markdown.HeadingIDs(doc, body.Src)
		found := markdown.Liquid(doc, body.Src, len(p.Src))
		if len(found) > 0 {
			b.liquidFound(p, found)
		}
		ids := markdown.NewIDSet(idMap)
		b.ids.Store(p.Path, ids)
		ref := b.search.Add(p, doc, body.Src)
		p.Links = markdown.ResolveLinks(p, doc, result)
		b.remember(p, ids, ref)
		b.rememberIncludes(p, append(body.Included, imgFiles...))
		bufs.body.Reset()
		if bufs.bodyW == nil {
			bufs.bodyW = bufio.NewWriter(&bufs.body)
		}
		if err := b.md.Renderer().Render(bufs.bodyW, body.Src, doc); err != nil {
			return generator.Errorf(p.File, 0, "render markdown: %v", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if errs := append(body.Errs, imgErrs...); len(errs) > 0 {
			return errs
		}
		view.Content = htmlString(bufs.body.String())
		view.TOC, view.TOCHTML = toc, ""
		diagrams, tabs := body.Diagrams, body.Shortcodes[tabsParam]
		b.useLibraries(p, &view, diagrams, tabs)
		if b.ver != nil {
			if b.ver.set.memo != nil && keyOK && len(found) == 0 && len(body.Included) == 0 && len(imgFiles) == 0 {
				b.keepBody(p, key, &bodyEntry{calls: calls, html: string(view.Content), toc: toc, ids: ids, diagrams: diagrams, tabs: tabs}, ref)
			}
			view.Content = htmlString(b.withBase(string(view.Content)))
		}
	} else if !reused {
		// A generated page, such as /changelog/, may have stored its ids.
		b.ids.LoadOrStore(p.Path, markdown.IDSet(nil))
	}
	data, err := b.render.RenderTemplateTo(&view, &bufs.tmpl)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The body is not needed again, and a big site's bodies add up.
	p.Src = nil
	return b.write(out, generator.PageFile(p.Path), data)
}

// readBody reads a page's body again, for rendering, into the worker's
// file buffer, and makes sure it is the body the page was loaded with.
// Nothing keeps the body past rendering: what outlives the page is copied.
func (b *builder) readBody(p *generator.Page, bufs *renderBuffers) ([]byte, error) {
	src, err := generator.ReadLimitedInto(b.fsys, p.File, generator.MaxPageSize, bufs.file)
	if src != nil {
		bufs.file = src
	}
	if err == nil && (len(src) < p.BodyAt || sha256.Sum256(src[p.BodyAt:]) != p.SrcSum) {
		err = errors.New("the file changed while the site was being built; build again")
	}
	if err != nil {
		return nil, generator.Errorf(p.File, 0, "%v", err)
	}
	return src[p.BodyAt:], nil
}

// renderBuffers are one render worker's buffers, reused from page to
// page, so that a page's HTML is not allocated afresh three times over.
// Outputs copy what they keep, so a page's bytes may live in them.
type renderBuffers struct {
	ctx   context.Context // the build's, nil for a page rendered alone
	file  []byte          // the page's file, read again to render it
	body  bytes.Buffer    // the markdown as HTML
	bodyW *bufio.Writer   // goldmark's writer into body, which it flushes
	tmpl  render.Buffers
}

func (b *builder) write(out output.Output, name string, data []byte) error {
	if err := out.WriteFile(name, data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	b.written.Add(1)
	return nil
}

// resolveLink maps one destination. ok is false for links that leave the
// site (a scheme or a host) and are left alone.
func (b *builder) resolveLink(dir, dest string) (string, generator.LinkRef, bool) {
	ref := generator.LinkRef{Dest: dest}
	if b.lang != nil {
		// dir is the page's folder under content/: a language's pages
		// link within that language's folder.
		dir = b.lang.pageDir(dir)
	}
	if dest == "" || strings.HasPrefix(dest, "//") {
		return dest, ref, false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return dest, ref, false
	}
	ref.Fragment = u.Fragment
	target := u.Path
	if target == "" {
		// A fragment of the page itself: checked, not rewritten.
		return dest, ref, true
	}
	if !strings.HasPrefix(target, "/") {
		target = path.Join("/"+dir, target)
		if strings.HasSuffix(u.Path, "/") && target != "/" {
			target += "/"
		}
	}
	if b.ver != nil {
		if out, ref, ok := b.versionTarget(target, ref, u); ok {
			return out, ref, true
		}
	}
	if b.lang != nil {
		if out, ref, ok := b.lang.resolve(target, ref, u); ok {
			return out, ref, true
		}
	}
	if generator.IsMarkdown(target) {
		ref.Source = strings.TrimPrefix(target, "/")
		if p, ok := b.BySource[ref.Source]; ok {
			target = p.Path
		}
	}
	ref.Target = target
	out := b.linkURL(target)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out, ref, true
}

// checkLinks reports links to paths and headings that do not exist, as
// errors or, with brokenLinks = "warn", as warnings.
func (b *builder) checkLinks() {
	seen := map[string]bool{}
	for _, p := range b.Pages {
		for _, l := range p.Links {
			b.reportLink(p, l, b.checkLink(p, l), seen)
		}
	}
}

// reportLink reports what is wrong with a link, if anything.
func (b *builder) reportLink(p *generator.Page, l generator.LinkRef, msg string, seen map[string]bool) {
	if msg == "" {
		return
	}
	e := &generator.Error{File: p.File, Line: l.Line, Msg: msg}
	if l.File != "" {
		e.File, e.Via = l.File, l.Via
	}
	if b.cfg.Build.BrokenLinks == "warn" {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			b.warn(e.Error())
		}
		return
	}
	b.errs = append(b.errs, e)
}

func (b *builder) checkLink(p *generator.Page, l generator.LinkRef) string {
	if b.lang != nil && l.Lang != "" && l.Lang != b.cfg.Language || b.ver != nil && l.Version != "" && l.Version != b.ver.v.Name {
		// Checked against that language or version once all are rendered.
		return ""
	}
	target := l.Target
	if target == "" {
		target = p.Path
	}
	if l.Source != "" {
		if _, ok := b.BySource[l.Source]; !ok {
			if b.Drafts[l.Source] {
				return fmt.Sprintf("broken link %s: the page is a draft", l.Dest)
			}
			if why := b.loader.Scheduled[l.Source]; why != "" {
				return fmt.Sprintf("broken link %s: the page is not published: %s", l.Dest, why)
			}
			return fmt.Sprintf("broken link %s: no such file in content/", l.Dest)
		}
	}
	if dec, err := url.PathUnescape(target); err == nil {
		target = dec
	}
	page := b.pageAt(target)
	if page == nil {
		if b.fileExists(target) {
			// A fragment of a file that is not a page cannot be checked.
			return ""
		}
		return fmt.Sprintf("broken link %s: no page or file at %s", l.Dest, target)
	}
	if l.Fragment == "" {
		return ""
	}
	v, _ := b.ids.Load(page.Path)
	ids, _ := v.(markdown.IDSet)
	if ids.Has(l.Fragment) || strings.HasPrefix(l.Fragment, "fn:") || strings.HasPrefix(l.Fragment, "fnref:") {
		return ""
	}
	return fmt.Sprintf("broken link %s: %s has no heading #%s", l.Dest, page.File, l.Fragment)
}

// pageAt finds the page a site path names: /docs/x/, /docs/x or
// /docs/x/index.html.
func (b *builder) pageAt(target string) *generator.Page {
	if p, ok := b.ByPath[target]; ok {
		return p
	}
	if p, ok := b.ByPath[target+"/"]; ok && !strings.HasSuffix(target, "/") {
		return p
	}
	if rest, ok := strings.CutSuffix(target, "index.html"); ok {
		return b.ByPath[rest]
	}
	return nil
}

// generatedFiles are written by every build besides the pages.
var generatedFiles = map[string]bool{"/index.xml": true, "/sitemap.xml": true, "/robots.txt": true, "/404.html": true}

func (b *builder) fileExists(target string) bool {
	if _, ok := b.FilePaths[target]; ok || generatedFiles[target] || b.hist.Made(target) || output.IsTermFeed(b.ByPath, target) {
		return true
	}
	if _, ok := b.Aliases[generator.CleanURLPath(target)]; ok {
		return true
	}
	for _, a := range b.theme.Assets {
		if "/"+a.Out == target {
			return true
		}
	}
	for _, f := range b.theme.Static {
		if "/"+f.Out == target {
			return true
		}
	}
	for _, k := range b.cfg.Build.Keep {
		k = "/" + strings.Trim(k, "/")
		if target == k || strings.HasPrefix(target, k+"/") {
			return true
		}
	}
	return false
}

// copyFiles copies static/ and content/ files that are not pages.
func (b *builder) copyFiles(out output.Output) error {
	all := append(b.themeStatic(), b.Files...)
	// Later sources win: a site's static/ overrides the theme's.
	last := map[string]generator.StaticFile{}
	for _, f := range all {
		last[f.Out] = f
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := last[n]
		if _, ok := b.pageFileSet()[n]; ok {
			b.errs = append(b.errs, generator.Errorf(f.Name, 0, "has the same output file %s as a page", n))
			continue
		}
		data, err := fs.ReadFile(f.FS, f.Src)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Name, err)
		}
		if err := b.write(out, n, data); err != nil {
			return err
		}
	}
	return nil
}

// pageFileSet lists the output files of pages, built once.
func (b *builder) pageFileSet() map[string]bool {
	if b.pageFiles == nil {
		b.pageFiles = map[string]bool{}
		for _, p := range b.Pages {
			b.pageFiles[generator.PageFile(p.Path)] = true
		}
		for a := range b.Aliases {
			b.pageFiles[generator.PageFile(a)] = true
		}
	}
	return b.pageFiles
}

func (b *builder) writeAssets(out output.Output) error {
	names := make([]string, 0, len(b.theme.Assets))
	for n := range b.theme.Assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := b.theme.Assets[n]
		if n == languagesCSS && b.lang == nil || n == versionsCSS && b.ver == nil {
			// Only pages with translations, or versions, link it.
			continue
		}
		if err := b.write(out, a.Out, a.Data); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) write404(out output.Output) error {
	if _, ok := b.ByPath["/404.html"]; ok || !b.theme.HasLayout("404") {
		return nil
	}
	p := &generator.Page{
		Kind: generator.Kind404, Title: b.render.Word("pageNotFound", "Page not found"), Layout: "404", Sidebar: true, Params: map[string]any{},
		File: "(404)", Path: "/404.html", Section: b.Home, Site: b.Site,
	}
	p.URL, p.Permalink = b.RelURL(p.Path), b.AbsURL(p.Path)
	data, err := b.render.RenderTemplate(p)
	if err != nil {
		return err
	}
	return b.write(out, "404.html", data)
}

// writeSearch writes the search index. Its JSON is written compact, so it
// skips the minifier, which would only spend time on megabytes of it.
func (b *builder) writeSearch(out output.Output) error {
	if b.search == nil {
		return nil
	}
	err := b.search.WriteTo(func(name string, data []byte) error { return b.write(out, name, data) })
	b.search = nil
	return err
}

func htmlString(s string) template.HTML { return template.HTML(s) }
