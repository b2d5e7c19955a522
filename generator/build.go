package generator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"folio/themes"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
	"github.com/tdewolff/parse/v2/buffer"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
)

// Options says what to build and how.
type Options struct {
	// Root is the site's folder: folio.toml, content/, layouts/, static/.
	Root string
	// FS is the site's folder as a file system; os.DirFS(Root) when nil.
	FS fs.FS
	// Config is the site's configuration; read from folio.toml when nil.
	Config *Config
	// Theme is the built-in theme; themes.DefaultFS() when nil.
	Theme fs.FS
	// Drafts builds pages marked draft: true.
	Drafts bool
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
}

// Result describes a finished build.
type Result struct {
	Pages    int // HTML pages rendered from content
	Files    int // files written in all
	Rendered int // pages rendered: with a cache, only those whose inputs changed
	Warnings []string
}

// builder holds the state of one build.
type builder struct {
	opts       Options
	cfg        *Config
	configData []byte
	fsys       fs.FS
	basePath   string // "/" or the baseURL's path, such as "/docs/"
	baseURL    string // absolute with a trailing slash, or ""
	theme      *theme
	md         goldmark.Markdown
	shortcodes *shortcodes
	min        *minify.M
	site       *Site
	home       *Page
	pages      []*Page          // every page to render, ordered by path
	byPath     map[string]*Page // "/docs/install/" -> page
	bySource   map[string]*Page // "docs/install.md" -> page
	folders    map[string]*Page // "docs/" -> the folder's page
	drafts     map[string]bool  // sources left out because they are drafts
	files      []staticFile
	filePaths  map[string]string // "/img/a.png" -> its source, for link checks
	aliases    map[string]*Page
	ids        sync.Map // page path -> idSet of its heading ids
	errs       ErrorList
	warns      []string
	written    atomic.Int64
	pageFiles  map[string]bool
	sums       sync.Map        // content file -> fileSum, for the build cache
	history    map[string]bool // paths of change-log and history pages, for link checks
	gitDir     string          // where git history was read, for old versions
	search     *searchIndex    // filled while pages render, written at the end
	sections   *sectionStore   // the search sections of this build's pages, until closeSections
	cache      *Cache          // the build cache BuildDir uses, if any
}

// Site is a loaded site, ready to render pages that are not in its
// content, such as a report.
type SiteBuild struct{ b *builder }

// Open loads a site's configuration, pages (front matter only) and theme.
func Open(ctx context.Context, opts Options) (*SiteBuild, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
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
	if p, ok := b.byPath[urlPath]; ok {
		return p.Title, true
	}
	if rest, ok := strings.CutPrefix(urlPath, strings.TrimSuffix(b.basePath, "/")); ok {
		if p, ok := b.byPath[rest]; ok {
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
}

// RenderPage renders an extra page with the site's theme and navigation.
func (s *SiteBuild) RenderPage(e Extra) ([]byte, error) {
	b := s.b
	p := &Page{
		Kind: e.Layout, Title: e.Title, Description: e.Description, Layout: e.Layout,
		Sidebar: true, Params: map[string]any{}, File: "(" + e.Layout + ")", Data: e.Data,
		path: cleanURLPath(e.URL), Section: b.home, Site: b.site,
	}
	p.URL, p.Permalink = b.relURL(p.path), b.absURL(p.path)
	return b.renderTemplate(p)
}

func newBuilder(opts Options) (*builder, error) {
	if opts.FS == nil {
		if opts.Root == "" {
			opts.Root = "."
		}
		opts.FS = os.DirFS(opts.Root)
	}
	if opts.Theme == nil {
		opts.Theme = themes.DefaultFS()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0) + 1
	}
	b := &builder{opts: opts, fsys: opts.FS, cfg: opts.Config}
	if data, err := fs.ReadFile(opts.FS, ConfigFile); err == nil {
		b.configData = data
	}
	if b.cfg == nil {
		cfg, err := LoadConfigFS(opts.FS)
		if err != nil {
			return nil, err
		}
		b.cfg = cfg
	}
	b.baseURL = b.cfg.BaseURL
	if opts.BaseURL != "" {
		c := *b.cfg
		c.BaseURL = opts.BaseURL
		if err := c.check(nil); err != nil {
			return nil, fmt.Errorf("-baseurl: %w", err)
		}
		b.baseURL = c.BaseURL
	}
	b.basePath = "/"
	if b.baseURL != "" {
		u, _ := url.Parse(b.baseURL)
		b.basePath = u.EscapedPath()
	}
	b.shortcodes = &shortcodes{b: b}
	b.md = newMarkdown(b.cfg.Markdown.Unsafe, b.shortcodes)
	if !opts.NoMinify {
		b.min = newMinifier()
	}
	return b, nil
}

func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/xml", xml.Minify)
	m.AddFunc("application/json", json.Minify)
	return m
}

// mediaType is the minifier's name for a file's type, "" when none applies.
func mediaType(name string) string {
	switch path.Ext(name) {
	case ".html", ".htm":
		return "text/html"
	case ".css":
		return "text/css"
	case ".js", ".mjs":
		return "application/javascript"
	case ".svg":
		return "image/svg+xml"
	case ".xml":
		return "application/xml"
	case ".json", ".webmanifest":
		return "application/json"
	}
	return ""
}

// load reads the theme and content and builds the page tree.
func (b *builder) load() error {
	git := b.startGitHistory()
	if err := b.loadTheme(); err != nil {
		return err
	}
	if err := b.loadContent(); err != nil {
		return err
	}
	if b.opts.Cache == nil {
		// A one-shot build reads each body again when it renders the
		// page, rather than hold every body from now until then.
		for _, p := range b.pages {
			p.src = nil
		}
	}
	if b.opts.Loaded != nil {
		b.opts.Loaded(len(b.pages))
	}
	b.site = &Site{
		Title: b.cfg.Title, BaseURL: b.baseURL, Language: b.cfg.Language,
		Params: b.cfg.Params, Home: b.home, Data: b.opts.Data,
		Analytics: SiteAnalytics{Enabled: b.cfg.Analytics.Enabled, Endpoint: b.cfg.Analytics.Endpoint,
			Downloads: strings.ToLower(strings.Join(b.cfg.Analytics.Downloads, ","))},
	}
	if b.site.Params == nil {
		b.site.Params = map[string]any{}
	}
	if b.site.Analytics.Endpoint == "" {
		b.site.Analytics.Endpoint = "/api/event"
	}
	for _, p := range b.pages {
		p.Site = b.site
		p.URL, p.Permalink = b.relURL(p.path), b.absURL(p.path)
		if !p.isSection {
			b.site.Pages = append(b.site.Pages, p)
		}
		if !b.theme.hasLayout(p.Layout) {
			line := 1
			if p.fm != nil && p.fm.lines.layout > 0 {
				line = p.fm.lines.layout
			}
			b.errs = append(b.errs, errorf(p.File, line, "layout %q not found: no %s.html in layouts/ or the theme", p.Layout, p.Layout))
		}
	}
	b.addChangelogs(git)
	b.loadAliases()
	if len(b.errs) > 0 {
		return b.errs.sorted()
	}
	return nil
}

func (b *builder) loadAliases() {
	b.aliases = map[string]*Page{}
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			ap := cleanURLPath(a)
			line := p.fm.lines.aliases
			if other, ok := b.byPath[ap]; ok {
				b.errs = append(b.errs, errorf(p.File, line, "alias %s is the URL of %s", ap, other.File))
				continue
			}
			if other, ok := b.aliases[ap]; ok {
				b.errs = append(b.errs, errorf(p.File, line, "alias %s is also an alias of %s", ap, other.File))
				continue
			}
			b.aliases[ap] = p
		}
	}
}

func (b *builder) relURL(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return b.basePath + strings.TrimPrefix(p, "/")
}

func (b *builder) absURL(p string) string {
	if b.baseURL == "" {
		return b.relURL(p)
	}
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return b.baseURL + strings.TrimPrefix(p, "/")
}

func (b *builder) warn(msg string) {
	b.warns = append(b.warns, msg)
}

// Build renders the site into out. Input errors come back as an ErrorList
// holding every problem found; nothing is promised about what out holds
// then, which is why BuildDir writes into a temporary folder.
func Build(ctx context.Context, opts Options, out Output) (*Result, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
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
		b.sections.close()
		b.sections = nil
	}
}

func (b *builder) build(ctx context.Context, out Output) (*Result, error) {
	return b.run(ctx, out, nil)
}

// run builds the site into out. skip, when set, is asked about each page
// before rendering: a page it claims was restored from the build cache
// and needs no rendering.
func (b *builder) run(ctx context.Context, out Output, skip func(*Page) bool) (*Result, error) {
	if b.baseURL == "" {
		b.warn("no baseURL in folio.toml: sitemap.xml, robots.txt and index.xml use root-relative URLs, which search engines and feed readers may not accept")
	}
	if err := b.prepareVersions(ctx); err != nil {
		return nil, err
	}
	if b.cache != nil {
		// Keys cover versions, so they are made once those are known.
		if err := b.assignKeys(); err != nil {
			return nil, err
		}
	}
	b.search = newSearchIndex(b.pages)
	b.sections = b.search.store
	todo := b.pages
	if skip != nil {
		todo = nil
		for _, p := range b.pages {
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
		return nil, b.errs.sorted()
	}
	if b.opts.Cache == nil {
		// Heading ids and links are checked; only a cache kept for the
		// next build in this process (serve) checks edits against them.
		b.ids.Clear()
		for _, p := range b.pages {
			p.links = nil
		}
	}
	steps := []func(Output) error{b.write404, b.writeAliases, b.writeSitemap, b.writeRobots, b.writeFeed, b.writeChangelogFeed, b.writeHistory, b.writeSearch, b.writeAssets, b.copyFiles}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(out); err != nil {
			return nil, err
		}
	}
	if len(b.errs) > 0 {
		return nil, b.errs.sorted()
	}
	sort.Strings(b.warns)
	for _, w := range b.warns {
		if b.opts.Warn != nil {
			b.opts.Warn(w)
		}
	}
	return &Result{Pages: len(b.pages), Rendered: rendered, Files: int(b.written.Load()), Warnings: b.warns}, nil
}

// renderPages renders every page on all cores. Each page is written as
// soon as it is done and then dropped, so memory does not grow with the
// size of the site's output.
func (b *builder) renderPages(ctx context.Context, pages []*Page, out Output) error {
	jobs := make(chan *Page)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  ErrorList
		fatal error
		done  atomic.Int64
	)
	for range b.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var bufs renderBuffers
			for p := range jobs {
				err := b.renderPage(p, out, &bufs)
				if err != nil {
					mu.Lock()
					if l, ok := asErrorList(err); ok {
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
func (b *builder) renderPage(p *Page, out Output, bufs *renderBuffers) error {
	if p.hasBody && p.src == nil {
		src, err := b.readBody(p, bufs)
		if err != nil {
			return err
		}
		p.src = src
	}
	view := *p
	if p.hasBody {
		// The tree points into body.src: the page with its includes.
		body := b.parseBody(p)
		doc := body.doc
		toc, idMap := headingIDs(doc, body.src)
		ids := newIDSet(idMap)
		b.ids.Store(p.path, ids)
		ref := b.search.add(p, doc, body.src)
		p.links = b.resolveLinks(p, doc)
		p.remember(ids, ref)
		b.rememberIncludes(p, body.included)
		bufs.body.Reset()
		if bufs.bodyW == nil {
			bufs.bodyW = bufio.NewWriter(&bufs.body)
		}
		if err := b.md.Renderer().Render(bufs.bodyW, body.src, doc); err != nil {
			return errorf(p.File, 0, "render markdown: %v", err)
		}
		if len(body.errs) > 0 {
			return body.errs
		}
		view.Content = htmlString(bufs.body.String())
		view.TOC, view.tocHTML = toc, ""
	} else {
		// A generated page, such as /changelog/, may have stored its ids.
		b.ids.LoadOrStore(p.path, idSet(nil))
	}
	data, err := b.renderTemplateTo(&view, bufs)
	if err != nil {
		return err
	}
	// The body is not needed again, and a big site's bodies add up.
	p.src = nil
	return b.write(out, pageFile(p.path), data)
}

// readBody reads a page's body again, for rendering, into the worker's
// file buffer, and makes sure it is the body the page was loaded with.
// Nothing keeps the body past rendering: what outlives the page is copied.
func (b *builder) readBody(p *Page, bufs *renderBuffers) ([]byte, error) {
	src, err := readLimitedInto(b.fsys, p.File, maxPageSize, bufs.file)
	if src != nil {
		bufs.file = src
	}
	if err == nil && (len(src) < p.bodyAt || sha256.Sum256(src[p.bodyAt:]) != p.srcSum) {
		err = errors.New("the file changed while the site was being built; build again")
	}
	if err != nil {
		return nil, errorf(p.File, 0, "%v", err)
	}
	return src[p.bodyAt:], nil
}

// renderBuffers are one render worker's buffers, reused from page to
// page, so that a page's HTML is not allocated afresh three times over.
// Outputs copy what they keep, so a page's bytes may live in them.
type renderBuffers struct {
	file  []byte        // the page's file, read again to render it
	body  bytes.Buffer  // the markdown as HTML
	bodyW *bufio.Writer // goldmark's writer into body, which it flushes
	page  bytes.Buffer  // the layout's output, with partial markers
	out   bytes.Buffer  // the page as written: spliced and minified
}

// renderTemplate runs the page's layout and minifies the result.
func (b *builder) renderTemplate(p *Page) ([]byte, error) {
	var bufs renderBuffers
	return b.renderTemplateTo(p, &bufs)
}

// renderTemplateTo is renderTemplate with a worker's buffers: the bytes
// it returns are valid until they are next used.
func (b *builder) renderTemplateTo(p *Page, bufs *renderBuffers) ([]byte, error) {
	tmpl, err := b.theme.template(p.Layout)
	if err == errLayoutMissing {
		return nil, errorf(p.File, 1, "layout %q not found", p.Layout)
	}
	if err != nil {
		return nil, err
	}
	bufs.page.Reset()
	if err := tmpl.ExecuteTemplate(&bufs.page, "base.html", p); err != nil {
		msg := err.Error()
		if m := templateErrRE.FindStringSubmatch(msg); m != nil {
			if src, ok := b.theme.source[m[1]]; ok {
				msg = src + ":" + m[2] + ": " + m[3]
			}
		}
		return nil, errorf(p.File, 0, "layout %s: %s", p.Layout, msg)
	}
	var min func(*bytes.Buffer, []byte) error
	if b.min != nil {
		min = func(dst *bytes.Buffer, data []byte) error {
			// A buffer.Reader hands the minifier data itself, not a copy.
			if err := b.min.Minify("text/html", dst, buffer.NewReader(data)); err != nil {
				return fmt.Errorf("minify text/html: %w", err)
			}
			return nil
		}
	}
	bufs.out.Reset()
	if err := b.theme.splice(&bufs.out, bufs.page.Bytes(), min); err != nil {
		return nil, err
	}
	return bufs.out.Bytes(), nil
}

func (b *builder) minify(mediaType string, data []byte) ([]byte, error) {
	if b.min == nil || mediaType == "" {
		return data, nil
	}
	var out bytes.Buffer
	out.Grow(len(data))
	if err := b.min.Minify(mediaType, &out, buffer.NewReader(data)); err != nil {
		return nil, fmt.Errorf("minify %s: %w", mediaType, err)
	}
	return out.Bytes(), nil
}

func (b *builder) write(out Output, name string, data []byte) error {
	if err := out.WriteFile(name, data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	b.written.Add(1)
	return nil
}

// pageFile is the output file of a URL path: /docs/x/ -> docs/x/index.html.
func pageFile(urlPath string) string {
	name := strings.TrimPrefix(urlPath, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name
}

// linkRef is a link of a page to a path of the site, checked once every
// page is rendered and every heading id is known.
type linkRef struct {
	file     string // where the link is written, when not the page: an included file
	via      string // where that file was included
	line     int
	dest     string // as the editor wrote it
	target   string // site path without base path, "" for the page itself
	fragment string
	source   string // the content file it names, "" for a site path
}

// resolveLinks rewrites the links and images of a page: GitHub-style links
// to source files become the target page's URL, relative paths become
// site paths, and the site's base path goes in front. Links that stay
// inside the site are returned for checking. A link in an included file
// is relative to that file, as on a code host.
func (b *builder) resolveLinks(p *Page, doc ast.Node) []linkRef {
	var refs []linkRef
	page := &frame{file: p.File, bodyLine: p.bodyLine, text: p.src}
	resolve := func(n ast.Node, dest string) string {
		fr := frameAt(n, page)
		dir := strings.TrimPrefix(path.Dir(fr.file), "content")
		newDest, ref, ok := b.resolveLink(dir, dest)
		if !ok {
			return dest
		}
		ref.line = fr.line(nodeOffset(n))
		if fr != page {
			ref.file, ref.via = fr.file, fr.via
		}
		refs = append(refs, ref)
		return newDest
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			l.Destination = []byte(resolve(n, string(l.Destination)))
		case *ast.Image:
			l.Destination = []byte(resolve(n, string(l.Destination)))
		case scNode:
			// A shortcode's src="..." is a link too.
			for _, k := range urlArgs {
				if v, ok := l.call().tag.named[k]; ok {
					l.call().tag.named[k] = resolve(n, v)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return refs
}

// resolveLink maps one destination. ok is false for links that leave the
// site (a scheme or a host) and are left alone.
func (b *builder) resolveLink(dir, dest string) (string, linkRef, bool) {
	ref := linkRef{dest: dest}
	if dest == "" || strings.HasPrefix(dest, "//") {
		return dest, ref, false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return dest, ref, false
	}
	ref.fragment = u.Fragment
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
	if isMarkdown(target) {
		ref.source = strings.TrimPrefix(target, "/")
		if p, ok := b.bySource[ref.source]; ok {
			target = p.path
		}
	}
	ref.target = target
	out := b.relURL(target)
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
	for _, p := range b.pages {
		for _, l := range p.links {
			msg := b.checkLink(p, l)
			if msg == "" {
				continue
			}
			e := &Error{File: p.File, Line: l.line, Msg: msg}
			if l.file != "" {
				e.File, e.Via = l.file, l.via
			}
			if b.cfg.Build.BrokenLinks == "warn" {
				if !seen[e.Error()] {
					seen[e.Error()] = true
					b.warn(e.Error())
				}
				continue
			}
			b.errs = append(b.errs, e)
		}
	}
}

func (b *builder) checkLink(p *Page, l linkRef) string {
	target := l.target
	if target == "" {
		target = p.path
	}
	if l.source != "" {
		if _, ok := b.bySource[l.source]; !ok {
			if b.drafts[l.source] {
				return fmt.Sprintf("broken link %s: the page is a draft", l.dest)
			}
			return fmt.Sprintf("broken link %s: no such file in content/", l.dest)
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
		return fmt.Sprintf("broken link %s: no page or file at %s", l.dest, target)
	}
	if l.fragment == "" {
		return ""
	}
	v, _ := b.ids.Load(page.path)
	ids, _ := v.(idSet)
	if ids.has(l.fragment) || strings.HasPrefix(l.fragment, "fn:") || strings.HasPrefix(l.fragment, "fnref:") {
		return ""
	}
	return fmt.Sprintf("broken link %s: %s has no heading #%s", l.dest, page.File, l.fragment)
}

// pageAt finds the page a site path names: /docs/x/, /docs/x or
// /docs/x/index.html.
func (b *builder) pageAt(target string) *Page {
	if p, ok := b.byPath[target]; ok {
		return p
	}
	if p, ok := b.byPath[target+"/"]; ok && !strings.HasSuffix(target, "/") {
		return p
	}
	if rest, ok := strings.CutSuffix(target, "index.html"); ok {
		return b.byPath[rest]
	}
	return nil
}

// generatedFiles are written by every build besides the pages.
var generatedFiles = map[string]bool{"/index.xml": true, "/sitemap.xml": true, "/robots.txt": true, "/404.html": true}

func (b *builder) fileExists(target string) bool {
	if _, ok := b.filePaths[target]; ok || generatedFiles[target] || b.history[target] {
		return true
	}
	if _, ok := b.aliases[cleanURLPath(target)]; ok {
		return true
	}
	for _, a := range b.theme.assets {
		if "/"+a.out == target {
			return true
		}
	}
	for _, f := range b.theme.static {
		if "/"+f.out == target {
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
func (b *builder) copyFiles(out Output) error {
	all := append(append([]staticFile(nil), b.theme.static...), b.files...)
	// Later sources win: a site's static/ overrides the theme's.
	last := map[string]staticFile{}
	for _, f := range all {
		last[f.out] = f
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := last[n]
		if _, ok := b.pageFileSet()[n]; ok {
			b.errs = append(b.errs, errorf(f.name, 0, "has the same output file %s as a page", n))
			continue
		}
		data, err := fs.ReadFile(f.fsys, f.src)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.name, err)
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
		for _, p := range b.pages {
			b.pageFiles[pageFile(p.path)] = true
		}
		for a := range b.aliases {
			b.pageFiles[pageFile(a)] = true
		}
	}
	return b.pageFiles
}

func (b *builder) writeAssets(out Output) error {
	names := make([]string, 0, len(b.theme.assets))
	for n := range b.theme.assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := b.theme.assets[n]
		if err := b.write(out, a.out, a.data); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) write404(out Output) error {
	if _, ok := b.byPath["/404.html"]; ok || !b.theme.hasLayout("404") {
		return nil
	}
	p := &Page{
		Kind: Kind404, Title: "Page not found", Layout: "404", Sidebar: true, Params: map[string]any{},
		File: "(404)", path: "/404.html", Section: b.home, Site: b.site,
	}
	p.URL, p.Permalink = b.relURL(p.path), b.absURL(p.path)
	data, err := b.renderTemplate(p)
	if err != nil {
		return err
	}
	return b.write(out, "404.html", data)
}
