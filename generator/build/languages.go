package build

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/output"
)

// A site in several languages ([languages] in folio.toml) is built as one
// site per language: content/CODE/ is that language's content folder, its
// pages are published under the language's prefix (none for the default
// language, /CODE/ for the others), and each language gets its own
// navigation, sitemap, feeds, search index, change log and 404 page, with
// the theme's words in its language. The theme's assets and the static
// files are the same for every language: the default language writes them
// once, at the site's root, and every language links there.
//
// Pages in different languages are translations of each other when they
// have the same path within their language, or the same translationKey in
// front matter. Links are written as in any site, relative to the
// language's folder; a link whose path starts with /CODE/ names a page of
// language CODE, and a link to a page the language lacks goes to the
// default language's page. Links between languages are checked once every
// language is rendered.

// languagesCSS is the asset of the language switcher, which a site in
// one language does without.
const languagesCSS = "languages.css"

// multilingual reports whether a configuration lists languages.
func multilingual(cfg *config.Config) bool { return len(cfg.Languages.List) > 0 }

// langBuild is one language of a site in several.
type langBuild struct {
	code   string
	name   string
	prefix string // the URL folder: "" or "de/"
	b      *builder
	set    *langSet
	keys   map[string]*generator.Page // translation key -> page
}

// langSet is every language of a site being built.
type langSet struct {
	cfg    *config.Config
	root   generator.URLs // the site's own, for shared files
	list   []*langBuild   // the default first
	byCode map[string]*langBuild
	shared map[string]bool // site paths of the files languages share
	warn   func(string)    // Options.Warn
	warns  []string        // warnings of the whole site
}

func (s *langSet) def() *langBuild { return s.list[0] }

// newLangSet makes a builder for every language and loads them.
func newLangSet(opts Options, cfg *config.Config) (*langSet, error) {
	s := &langSet{cfg: cfg, byCode: map[string]*langBuild{}, shared: map[string]bool{}, warn: opts.Warn}
	opts.Cache, opts.CacheDir = nil, ""
	var errs generator.ErrorList
	for _, lang := range cfg.Languages.List {
		c := *cfg
		c.Language = lang.Code
		if lang.Title != "" {
			c.Title = lang.Title
		}
		o := opts
		o.Config = &c
		// Warnings are told once for the whole site, see run.
		o.Warn = nil
		b, err := newBuilder(o)
		if err != nil {
			return nil, err
		}
		if s.root.BasePath == "" {
			s.root = b.URLs
			if opts.sharedRoot != nil {
				// An old version: what languages share, versions share.
				s.root = *opts.sharedRoot
			}
		}
		l := &langBuild{code: lang.Code, name: lang.Name, prefix: cfg.Languages.Prefix(lang.Code), b: b, set: s}
		b.lang = l
		b.BasePath += l.prefix
		if b.BaseURL != "" {
			b.BaseURL += l.prefix
		}
		b.render.URLs = b.URLs
		b.render.Shared = s.isShared
		b.render.SharedURLs = s.root
		s.list = append(s.list, l)
		s.byCode[l.code] = l
	}
	if ok, err := generator.SiteDir(s.def().b.fsys, s.def().contentDirName(), s.def().contentDirName()); err != nil {
		return nil, err
	} else if !ok {
		line := config.KeyLine(s.def().b.configData, "default")
		return nil, generator.Errorf(config.ConfigFile, line, "languages: no folder %s for the default language %q: each language's pages live in content/CODE/", s.def().contentDirName(), s.def().code)
	}
	if err := s.checkContentRoot(s.def().b.fsys); err != nil {
		return nil, err
	}
	// The default language first: what it shares with the others is
	// known before their pages link to it.
	for i, l := range s.list {
		if i > 0 {
			if ok, err := generator.SiteDir(l.b.fsys, l.contentDirName(), l.contentDirName()); err != nil {
				return nil, err
			} else if !ok {
				s.warns = append(s.warns, generator.Errorf(config.ConfigFile, config.TableLine(l.b.configData, "languages."+l.code), "languages.%s: no folder %s: the language has a home page and nothing else", l.code, l.contentDirName()).Error())
			}
		}
		if err := l.b.load(); err != nil {
			if list, ok := generator.AsErrorList(err); ok {
				errs = append(errs, list...)
				continue
			}
			return nil, err
		}
		if i == 0 {
			s.addShared(l.b)
		}
	}
	for _, l := range s.list[1:] {
		for _, f := range l.b.Files {
			if !strings.HasPrefix(f.Name, "static/") && s.shared["/"+f.Out] {
				errs = append(errs, generator.Errorf(f.Name, 0, "has the address /%s of a file every language shares, from static/ or the theme", f.Out))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	s.linkTranslations()
	return s, nil
}

// addShared notes the files every language shares, which the default
// language's builder d writes: the theme's and static/.
func (s *langSet) addShared(d *builder) {
	for p := range sharedPaths(d) {
		s.shared[p] = true
	}
}

// sharedPaths are the site paths of the theme's files and static/, which
// are the same for every language and version.
func sharedPaths(d *builder) map[string]bool {
	shared := map[string]bool{}
	for _, f := range d.theme.Static {
		shared["/"+f.Out] = true
	}
	for _, a := range d.theme.Assets {
		shared["/"+a.Out] = true
	}
	for _, f := range d.Files {
		if strings.HasPrefix(f.Name, "static/") {
			shared["/"+f.Out] = true
		}
	}
	return shared
}

// checkContentRoot warns of what lies in content/ outside the languages'
// folders, which no language publishes: most likely pages left there when
// the site got [languages].
func (s *langSet) checkContentRoot(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, "content")
	if err != nil {
		return fmt.Errorf("read content: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if _, ok := s.byCode[name]; (ok && e.IsDir()) || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		s.warns = append(s.warns, generator.Errorf("content/"+name, 0, "not in a language's folder (content/%s/, ...): no language publishes it", s.def().code).Error())
	}
	return nil
}

// isShared reports whether a site path is a file every language shares.
func (s *langSet) isShared(sitePath string) bool {
	if i := strings.IndexAny(sitePath, "?#"); i >= 0 {
		sitePath = sitePath[:i]
	}
	return s.shared[sitePath]
}

// contentDir is the folder of the builder's pages.
func (b *builder) contentDir() string {
	if b.lang == nil {
		return "content"
	}
	return b.lang.contentDirName()
}

func (l *langBuild) contentDirName() string { return "content/" + l.code }

// linkURL is the address a link to a site path gets.
func (b *builder) linkURL(target string) string {
	if b.ver != nil && b.lang == nil && b.ver.set.isShared(target) {
		return b.ver.set.root.RelURL(target)
	}
	if b.lang != nil && b.lang.set.isShared(target) {
		return b.lang.set.root.RelURL(target)
	}
	return b.RelURL(target)
}

// pageDir turns the folder of a page under content/ ("/de/docs") into
// its folder within the language ("/docs").
func (l *langBuild) pageDir(dir string) string {
	own := "/" + l.code
	if dir == own {
		return ""
	}
	if rest, ok := strings.CutPrefix(dir, own+"/"); ok {
		return "/" + rest
	}
	return dir
}

// resolve maps a link to another language: target is a site path within
// the linking page's language. A path that starts with /CODE/ names a
// page of language CODE; a path to a page this language lacks names the
// default language's page. ok is false for links within the language
// that do not name it.
func (l *langBuild) resolve(target string, ref generator.LinkRef, u *url.URL) (string, generator.LinkRef, bool) {
	other, prefixed := l, false
	for _, o := range l.set.list {
		if rest, ok := strings.CutPrefix(target, "/"+o.code+"/"); ok {
			other, target, prefixed = o, "/"+rest, true
			break
		}
	}
	if generator.IsMarkdown(target) {
		ref.Source = strings.TrimPrefix(target, "/")
		p, ok := other.b.BySource[ref.Source]
		if !ok && other == l && l != l.set.def() {
			if p, ok = l.set.def().b.BySource[ref.Source]; ok {
				other = l.set.def()
			}
		}
		if ok {
			target = p.Path
		}
	} else if other == l && l != l.set.def() && l.b.pageAt(target) == nil && !l.b.fileExists(target) && l.set.def().b.pageAt(target) != nil {
		other = l.set.def()
	}
	if other == l && !prefixed {
		// Within the language: the caller maps it.
		ref.Source = ""
		return "", ref, false
	}
	if other != l {
		// Checked once that language is rendered.
		ref.Lang = other.code
	}
	ref.Target = target
	out := other.b.linkURL(target)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out, ref, true
}

// translationKey is what ties the translations of a page together.
func translationKey(p *generator.Page) string {
	for _, k := range []string{"translationKey", "translationkey"} {
		if v, ok := p.Params[k].(string); ok && v != "" {
			return "key:" + v
		}
	}
	return "path:" + p.Path
}

// linkTranslations gives every page its Translations.
func (s *langSet) linkTranslations() {
	for _, l := range s.list {
		l.keys = map[string]*generator.Page{}
		for _, p := range l.b.Pages {
			k := translationKey(p)
			if _, ok := l.keys[k]; !ok {
				l.keys[k] = p
			}
		}
	}
	if len(s.list) < 2 {
		return
	}
	def := s.def()
	for _, l := range s.list {
		for _, p := range l.b.Pages {
			k := translationKey(p)
			for _, o := range s.list {
				t := generator.Translation{Lang: o.code, Name: o.name, Current: o == l}
				q := o.keys[k]
				if o == l {
					q = p
				}
				if q == nil {
					if q = def.keys[k]; q == nil {
						// Nothing to show in that language: its home page.
						q = o.b.Home
					}
					t.Fallback = true
				}
				t.URL, t.Permalink = q.URL, q.Permalink
				p.Translations = append(p.Translations, t)
			}
		}
	}
}

// langOutput writes one language's files under its prefix. Files all
// languages share are written by the default language alone, at the root.
type langOutput struct {
	out output.Output
	l   *langBuild
}

func (o *langOutput) WriteFile(name string, data []byte) error {
	set := o.l.set
	switch {
	case set.isShared("/" + name):
		if o.l != set.def() {
			return nil
		}
		return o.out.WriteFile(name, data)
	case name == "robots.txt":
		// One for the site, written by run.
		return nil
	case name == "sitemap.xml" && o.l.prefix == "":
		// The root's sitemap.xml is the index of every language's.
		name = "sitemap-" + o.l.code + ".xml"
	}
	return o.out.WriteFile(o.l.prefix+name, data)
}

// sitemapURL is where the language's sitemap is.
func (l *langBuild) sitemapURL() string {
	if l.prefix == "" {
		return l.set.root.AbsURL("/sitemap-" + l.code + ".xml")
	}
	return l.b.AbsURL("/sitemap.xml")
}

// run builds every language into out, then checks the links between
// them and writes the files of the whole site.
func (s *langSet) run(ctx context.Context, out output.Output) (*Result, error) {
	res := &Result{}
	var errs generator.ErrorList
	for _, l := range s.list {
		r, err := l.b.run(ctx, &langOutput{out: out, l: l}, nil)
		l.b.closeSections()
		if err != nil {
			if list, ok := generator.AsErrorList(err); ok {
				errs = append(errs, list...)
				continue
			}
			return nil, err
		}
		res.add(r)
		res.Warnings = append(res.Warnings, r.Warnings...)
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	errs, warns := s.checkLinks()
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	// Each language warned of what they share, such as a missing baseURL:
	// told once.
	seen := map[string]bool{}
	all := append(append(s.warns, res.Warnings...), warns...)
	res.Warnings = nil
	for _, w := range all {
		if !seen[w] {
			seen[w] = true
			res.Warnings = append(res.Warnings, w)
		}
	}
	sort.Strings(res.Warnings)
	if s.warn != nil {
		for _, w := range res.Warnings {
			s.warn(w)
		}
	}
	n, err := s.writeSiteFiles(out)
	if err != nil {
		return nil, err
	}
	res.Files += n
	return res, nil
}

// checkLinks checks the links of every language to the pages of
// another: the errors, or with brokenLinks = "warn" the warnings.
func (s *langSet) checkLinks() (generator.ErrorList, []string) {
	var (
		errs  generator.ErrorList
		warns []string
	)
	for _, l := range s.list {
		b := l.b
		seen := map[string]bool{}
		errsBefore, warnsBefore := len(b.errs), len(b.warns)
		for _, p := range b.Pages {
			for _, ref := range p.Links {
				if other, ok := s.byCode[ref.Lang]; ok && other != l {
					b.reportLink(p, ref, other.b.checkLink(p, ref), seen)
				}
			}
		}
		errs = append(errs, b.errs[errsBefore:]...)
		warns = append(warns, b.warns[warnsBefore:]...)
	}
	for _, l := range s.list {
		if l.b.ver != nil {
			// Links to other versions are checked once all are built.
			break
		}
		// Checked: what the links needed can go.
		l.b.ids.Clear()
		for _, p := range l.b.Pages {
			p.Links = nil
		}
	}
	return errs, warns
}

// writeSiteFiles writes the files of the whole site rather than of one
// language: robots.txt, the sitemap index and, when the default language
// has a folder of its own, the root page that leads to it.
func (s *langSet) writeSiteFiles(out output.Output) (int, error) {
	written := 0
	write := func(name string, data []byte) error {
		written++
		return out.WriteFile(name, data)
	}
	feeds := &output.Feeds{URLs: s.root, Config: s.cfg, Write: write}
	if err := feeds.WriteRobots(); err != nil {
		return written, err
	}
	var locs []string
	for _, l := range s.list {
		locs = append(locs, l.sitemapURL())
	}
	if err := write("sitemap.xml", output.SitemapIndex(locs)); err != nil {
		return written, err
	}
	if def := s.def(); def.prefix != "" {
		feeds.Aliases = map[string]*generator.Page{"/": def.b.Home}
		if err := feeds.WriteAliases(); err != nil {
			return written, err
		}
	}
	return written, nil
}

// buildLanguages builds a site in several languages into out.
func buildLanguages(ctx context.Context, opts Options, cfg *config.Config, out output.Output) (*Result, error) {
	s, err := newLangSet(opts, cfg)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, out)
}

// buildLanguagesDir is BuildDir for a site in several languages: always a
// whole build, into a temporary folder that replaces dir on success.
func buildLanguagesDir(ctx context.Context, opts Options, cfg *config.Config, dir string) (*Result, error) {
	s, err := newLangSet(opts, cfg)
	if err != nil {
		return nil, err
	}
	return buildWholeDir(ctx, opts, cfg, dir, s.run)
}
