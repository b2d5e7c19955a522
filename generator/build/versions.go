package build

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/output"
)

// A site that publishes the docs of several releases ([versions] in
// folio.toml) is built as one site per version: the same configuration,
// theme, layouts and static files, with content/ taken from the version's
// folder or, read with git, from content/ at a git ref. The latest version
// is published at the site's root, every other one under /NAME/, each
// with its own navigation, feeds, change log and search index (so a search
// finds only the version being read). The theme's assets and static/ are
// the same for every version: the latest writes them, at the site's root,
// and every version links there. A version may itself be in several
// languages.
//
// Every page gets .DocsVersions, the page in each version (or that
// version's home page), for the version switcher. An old version's pages
// say so in a banner, are marked noindex, and their canonical link is
// the latest version's page of the same path, or its home page; old
// versions write no sitemap and no robots.txt.
//
// Versions differ in a few pages: a page whose file is byte for byte the
// same in two versions is parsed and its body rendered once (see
// bodyMemo), the second version checking only that the page's links
// lead to the same pages in it.

// versionsCSS is the asset of the version switcher, which a site of one
// version does without.
const versionsCSS = "versions.css"

// versioned reports whether a configuration lists versions.
func versioned(cfg *config.Config) bool { return len(cfg.Versions.List) > 0 }

// verBuild is one version of a site of several.
type verBuild struct {
	v      config.Version
	prefix string // the URL folder: "" or "1.0/"
	base   string // the version's base path: "/1.0/"
	single *builder
	langs  *langSet
	set    *verSet
}

// builders are the version's builders: one, or one per language.
func (vb *verBuild) builders() []*builder {
	if vb.langs == nil {
		return []*builder{vb.single}
	}
	var out []*builder
	for _, l := range vb.langs.list {
		out = append(out, l.b)
	}
	return out
}

// verSet is every version of a site being built.
type verSet struct {
	cfg    *config.Config
	list   []*verBuild // the latest first
	memo   *bodyMemo
	warn   func(string)
	root   generator.URLs  // the site root's, for the files versions share
	shared map[string]bool // site paths of those files: the theme's and static/
}

// isShared reports whether a site path is a file every version shares,
// which the latest writes at the site's root.
func (s *verSet) isShared(sitePath string) bool {
	if i := strings.IndexAny(sitePath, "?#"); i >= 0 {
		sitePath = sitePath[:i]
	}
	return s.shared[sitePath]
}

// newVerSet reads every version's content and loads its pages.
func newVerSet(ctx context.Context, opts Options, cfg *config.Config) (*verSet, error) {
	s := &verSet{cfg: cfg, memo: newBodyMemo(), warn: opts.Warn}
	site, err := siteFS(opts)
	if err != nil {
		return nil, err
	}
	if opts.noReuse {
		s.memo = nil
	}
	opts.Cache, opts.CacheDir = nil, ""
	var errs generator.ErrorList
	for _, v := range cfg.Versions.List {
		vb := &verBuild{v: v, prefix: cfg.Versions.Prefix(v.Name), set: s}
		content, err := versionContent(ctx, opts, site, v)
		if err != nil {
			return nil, err
		}
		vcfg := cfg
		if v.Dir != "content" && cfg.History.Git {
			// The git history of content/ is that of the working tree's
			// pages, not of this version's.
			c := *cfg
			c.History.Git = false
			vcfg = &c
		}
		o := opts
		o.Config = vcfg
		o.FS = &versionFS{site: site, content: content}
		o.urlPrefix = vb.prefix
		o.Warn = nil // told once for the whole site, see run
		if len(s.list) > 0 {
			o.sharedRoot = &s.root
		}
		if multilingual(cfg) {
			ls, err := newLangSet(o, vcfg)
			if err != nil {
				errs = append(errs, versionErrors(v, err)...)
				if _, ok := generator.AsErrorList(err); ok {
					continue
				}
				return nil, err
			}
			vb.langs = ls
		} else {
			b, err := newBuilder(o)
			if err != nil {
				return nil, err
			}
			vb.single = b
			b.ver = vb
			if len(s.list) > 0 {
				b.render.Shared = s.isShared
				b.render.SharedURLs = s.root
			}
			if err := b.load(); err != nil {
				if _, ok := generator.AsErrorList(err); !ok {
					return nil, err
				}
				errs = append(errs, versionErrors(v, err)...)
				continue
			}
		}
		for _, b := range vb.builders() {
			b.ver = vb
		}
		vb.base = vb.builders()[0].BasePath
		if vb.langs != nil {
			vb.base = vb.langs.def().b.BasePath
			vb.base = strings.TrimSuffix(vb.base, vb.langs.def().prefix)
		}
		if len(s.list) == 0 {
			// The latest, at the root, knows what every version shares.
			s.root = vb.builders()[0].URLs
			if vb.langs != nil {
				s.root = vb.langs.root
			}
			s.shared = sharedPaths(vb.builders()[0])
		}
		s.list = append(s.list, vb)
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	if err := s.checkFolders(); err != nil {
		return nil, err
	}
	s.linkVersions()
	return s, nil
}

// checkFolders refuses a version whose folder is also a language's, or
// holds a page or file of the latest version, which would write the same
// files.
func (s *verSet) checkFolders() error {
	var errs generator.ErrorList
	latest := s.list[0]
	root := latest.builders()[0]
	for _, vb := range s.list[1:] {
		if _, ok := s.cfg.Languages.Get(vb.v.Name); ok {
			errs = append(errs, generator.Errorf(config.ConfigFile, vb.v.Line, "versions.%s: a language has that name too: both would be published under /%s/", vb.v.Name, vb.v.Name))
			continue
		}
		if root.lang != nil && root.lang.prefix != "" {
			continue
		}
		folder := "/" + vb.prefix
		for _, p := range root.Pages {
			if strings.HasPrefix(p.Path, folder) {
				errs = append(errs, generator.Errorf(p.File, 0, "is published at %s, in the folder of version %s", p.Path, vb.v.Name))
			}
		}
		for target := range root.FilePaths {
			if strings.HasPrefix(target, folder) {
				errs = append(errs, generator.Errorf(config.ConfigFile, vb.v.Line, "versions.%s: the latest version has a file at %s, in this version's folder", vb.v.Name, target))
			}
		}
	}
	if len(errs) > 0 {
		return errs.Sorted()
	}
	return nil
}

// openLatest loads the latest version of a site of several, for pages
// made outside content/, such as a report.
func openLatest(ctx context.Context, opts Options, cfg *config.Config) (*SiteBuild, error) {
	c := *cfg
	c.Versions.List = c.Versions.List[:1]
	s, err := newVerSet(ctx, opts, &c)
	if err != nil {
		return nil, err
	}
	return &SiteBuild{b: s.list[0].builders()[0]}, nil
}

// versionErrors names the version in the errors of its content, whose
// files are named as content/ would hold them.
func versionErrors(v config.Version, err error) generator.ErrorList {
	list, ok := generator.AsErrorList(err)
	if !ok {
		return nil
	}
	if v.Dir == "content" {
		return list
	}
	out := make(generator.ErrorList, len(list))
	for i, e := range list {
		c := *e
		if rest, ok := strings.CutPrefix(c.File, "content/"); ok {
			if v.Git != "" {
				c.File = v.Git + ":content/" + rest
			} else {
				c.File = v.Dir + "/" + rest
			}
		}
		out[i] = &c
	}
	return out
}

// siteFS is the site's folder as Options give it.
func siteFS(opts Options) (fs.FS, error) {
	if opts.FS != nil {
		return opts.FS, nil
	}
	root := opts.Root
	if root == "" {
		root = "."
	}
	fsys, err := generator.OpenSite(root)
	if err != nil {
		return nil, fmt.Errorf("open site: %w", err)
	}
	return fsys, nil
}

// versionContent is the content folder of a version.
func versionContent(ctx context.Context, opts Options, site fs.FS, v config.Version) (fs.FS, error) {
	if v.Git != "" {
		root := opts.Root
		if root == "" {
			root = "."
		}
		return gitContent(ctx, root, v)
	}
	if ok, err := generator.SiteDir(site, v.Dir, v.Dir); err != nil {
		return nil, err
	} else if !ok {
		return nil, generator.Errorf(config.ConfigFile, v.Line, "versions.%s.dir: no folder %s in the site", v.Name, v.Dir)
	}
	sub, err := fs.Sub(site, v.Dir)
	if err != nil {
		return nil, fmt.Errorf("versions.%s: %w", v.Name, err)
	}
	return sub, nil
}

// builderAt is the builder of version vb for the same language as b.
func (vb *verBuild) builderAt(b *builder) *builder {
	if vb.langs == nil {
		return vb.single
	}
	if b.lang != nil {
		if l, ok := vb.langs.byCode[b.lang.code]; ok {
			return l.b
		}
	}
	return vb.langs.def().b
}

// linkVersions gives every page its DocsVersions, the site of every
// version its DocsVersion, and the pages of old versions their canonical
// address in the latest.
func (s *verSet) linkVersions() {
	latest := s.list[0]
	for _, vb := range s.list {
		for _, b := range vb.builders() {
			b.Site.DocsVersion = &generator.DocsVersion{Name: vb.v.Name, URL: b.Home.URL, Current: true, Latest: vb == latest, LatestName: latest.v.Name}
			for _, p := range b.Pages {
				for _, other := range s.list {
					ob := other.builderAt(b)
					q := ob.pageAt(p.Path)
					dv := generator.DocsVersion{Name: other.v.Name, Current: other == vb, Latest: other == latest}
					if other == vb {
						q = p
					}
					if q == nil {
						q, dv.Missing = ob.Home, true
					}
					dv.URL = q.URL
					p.DocsVersions = append(p.DocsVersions, dv)
				}
				if vb != latest {
					lb := latest.builderAt(b)
					q := lb.pageAt(p.Path)
					if q == nil {
						q = lb.Home
					}
					p.Permalink = q.Permalink
				}
			}
		}
	}
}

// verOutput writes one version's files under its folder. Old versions
// write no robots.txt and no sitemap: their pages are not to be indexed.
type verOutput struct {
	out output.Output
	vb  *verBuild
}

func (o *verOutput) WriteFile(name string, data []byte) error {
	if o.vb != o.vb.set.list[0] && o.vb.set.isShared("/"+name) {
		// The latest writes it, at the root.
		return nil
	}
	if base := path.Base(name); o.vb.prefix != "" && (name == "robots.txt" || strings.HasPrefix(base, "sitemap") && strings.HasSuffix(base, ".xml")) {
		return nil
	}
	return o.out.WriteFile(o.vb.prefix+name, data)
}

// run builds every version into out, the latest first, so that the old
// versions find the bodies they share with it rendered.
func (s *verSet) run(ctx context.Context, out output.Output) (*Result, error) {
	res := &Result{}
	seen := map[string]bool{}
	for _, vb := range s.list {
		o := &verOutput{out: out, vb: vb}
		var (
			r   *Result
			err error
		)
		if vb.langs != nil {
			r, err = vb.langs.run(ctx, o)
		} else {
			r, err = vb.single.run(ctx, o, nil)
			vb.single.closeSections()
		}
		if err != nil {
			return nil, versionErrorsOr(vb.v, err)
		}
		res.add(r)
		for _, w := range r.Warnings {
			if !seen[w] {
				seen[w] = true
				res.Warnings = append(res.Warnings, w)
			}
		}
	}
	errs, warns := s.checkLinks()
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	for _, w := range warns {
		if !seen[w] {
			seen[w] = true
			res.Warnings = append(res.Warnings, w)
		}
	}
	sort.Strings(res.Warnings)
	if s.memo != nil {
		res.Reused = int(s.memo.hits.Load())
	}
	if s.warn != nil {
		for _, w := range res.Warnings {
			s.warn(w)
		}
	}
	return res, nil
}

func versionErrorsOr(v config.Version, err error) error {
	if list := versionErrors(v, err); list != nil {
		return list
	}
	return err
}

// buildVersions builds a site of several versions into out.
func buildVersions(ctx context.Context, opts Options, cfg *config.Config, out output.Output) (*Result, error) {
	s, err := newVerSet(ctx, opts, cfg)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, out)
}

// buildVersionsDir is BuildDir for a site of several versions: always a
// whole build, into a temporary folder that replaces dir on success.
func buildVersionsDir(ctx context.Context, opts Options, cfg *config.Config, dir string) (*Result, error) {
	s, err := newVerSet(ctx, opts, cfg)
	if err != nil {
		return nil, err
	}
	return buildWholeDir(ctx, opts, cfg, dir, s.run)
}

// versionTarget maps a link to a page of a version: a site path that
// starts with /NAME/ names the page of version NAME, in the linking
// page's language, and is checked once every version is built. ok is
// false for other paths.
func (b *builder) versionTarget(target string, ref generator.LinkRef, u *url.URL) (string, generator.LinkRef, bool) {
	for _, vb := range b.ver.set.list {
		rest, ok := strings.CutPrefix(target, "/"+vb.v.Name+"/")
		if !ok {
			continue
		}
		dest := "/" + rest
		if u.RawQuery != "" {
			dest += "?" + u.RawQuery
		}
		if u.Fragment != "" {
			dest += "#" + u.EscapedFragment()
		}
		ob := vb.builderAt(b)
		out, r, ok := ob.resolveLink("", dest)
		if !ok {
			return "", ref, false
		}
		r.Dest = ref.Dest
		if vb != b.ver {
			r.Version = vb.v.Name
			if r.Lang == "" && ob.lang != nil {
				r.Lang = ob.lang.code
			}
		}
		return out, r, true
	}
	return "", ref, false
}

// checkLinks checks the links of every version to the pages of another,
// then lets go of what the links needed.
func (s *verSet) checkLinks() (generator.ErrorList, []string) {
	var (
		errs  generator.ErrorList
		warns []string
	)
	byName := map[string]*verBuild{}
	for _, vb := range s.list {
		byName[vb.v.Name] = vb
	}
	for _, vb := range s.list {
		for _, b := range vb.builders() {
			seen := map[string]bool{}
			errsBefore, warnsBefore := len(b.errs), len(b.warns)
			for _, p := range b.Pages {
				for _, ref := range p.Links {
					other, ok := byName[ref.Version]
					if !ok || other == vb {
						continue
					}
					ob := other.builderAt(b)
					if other.langs != nil {
						if l, ok := other.langs.byCode[ref.Lang]; ok {
							ob = l.b
						}
					}
					b.reportLink(p, ref, ob.checkLink(p, ref), seen)
				}
			}
			errs = append(errs, versionErrors(vb.v, b.errs[errsBefore:])...)
			warns = append(warns, b.warns[warnsBefore:]...)
		}
	}
	for _, vb := range s.list {
		for _, b := range vb.builders() {
			b.ids.Clear()
			for _, p := range b.Pages {
				p.Links = nil
			}
		}
	}
	return errs, warns
}
