package content

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"folio/generator"
	"folio/generator/frontmatter"
	"folio/generator/history"
)

// unpublished reports whether a file or folder name is never published:
// names starting with "_" hold snippets and data, names starting with "."
// are editor and system files. _index.md is the exception.
func unpublished(name string) bool {
	if name == "_index.md" || name == "_index.markdown" {
		return false
	}
	return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

// LoadContent reads every file under content/: pages are parsed, other
// files are copied as they are.
func (b *Loader) LoadContent() error {
	b.ByPath = map[string]*generator.Page{}
	b.BySource = map[string]*generator.Page{}
	b.Drafts = map[string]bool{}
	b.Folders = map[string]*generator.Page{}
	b.FilePaths = map[string]string{}
	b.Scheduled = map[string]string{}
	var sources []Source
	hasContent, err := generator.SiteDir(b.fsys, b.dir, b.dir)
	if err != nil {
		return err
	}
	if hasContent {
		err := fs.WalkDir(b.fsys, b.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", p, err)
			}
			if p == b.dir {
				return nil
			}
			if unpublished(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if typ, err := generator.EntryType(b.fsys, p, d); err != nil || !typ.IsRegular() {
				// Devices, and links to folders, which the walk would
				// not follow.
				msg := "not a regular file"
				if errors.Is(err, generator.ErrOutside) {
					msg = err.Error()
				}
				b.errs = append(b.errs, generator.Errorf(p, 0, "%s", msg))
				return nil
			}
			rel := strings.TrimPrefix(p, b.dir+"/")
			if generator.IsMarkdown(rel) {
				sources = append(sources, Source{File: p, Rel: rel, Entry: d})
				return nil
			}
			b.addFile(generator.StaticFile{FS: b.fsys, Src: p, Out: rel, Name: p})
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Pages are read and parsed on all cores, then registered in walk
	// order, so URLs, errors and the tree never depend on timing.
	for _, l := range b.parseSources(sources) {
		b.errs = append(b.errs, l.Errs...)
		if l.Parsed {
			b.Parsed++
		}
		switch {
		case l.Draft:
			b.Drafts[l.Rel] = true
		case l.Page != nil:
			if why := b.schedule(l.Page); why != "" {
				b.Scheduled[l.Rel] = why
				continue
			}
			b.registerPage(l.Page, l.Rel)
		}
	}
	hasStatic, err := generator.SiteDir(b.fsys, "static", "static")
	if err != nil {
		return err
	}
	if hasStatic {
		if err := generator.AddStatic(&b.Files, b.fsys, "static", "static"); err != nil {
			return err
		}
	}
	for _, f := range b.Files {
		b.FilePaths["/"+f.Out] = f.Name
	}
	b.buildTree()
	return nil
}

// isFolderPage reports whether a content file makes its folder's page.
func isFolderPage(rel string) bool {
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	return stem == "_index" || stem == "index"
}

func (b *Loader) addFile(f generator.StaticFile) { b.Files = append(b.Files, f) }

// Source is a markdown file found under content/.
type Source struct {
	File, Rel string // content/docs/a.md, docs/a.md
	Entry     fs.DirEntry
}

// Loaded is a parsed source: a page, a draft left out, or errors.
type Loaded struct {
	Rel   string
	Page  *generator.Page
	Draft bool
	Errs  generator.ErrorList
	// Parsed is whether the body's markdown was parsed, to read its
	// change log.
	Parsed bool
}

// parseSources parses every Source on all cores. Each worker collects
// errors in a builder of its own, so parsing shares no mutable state.
func (b *Loader) parseSources(sources []Source) []Loaded {
	out := make([]Loaded, len(sources))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range b.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = b.cachedParse(sources[i])
			}
		}()
	}
	for i := range sources {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// Parse reads and parses one markdown file.
func (b *Loader) Parse(src Source) Loaded {
	w := &Loader{cfg: b.cfg, fsys: b.fsys, md: b.md, withDrafts: b.withDrafts, known: b.known}
	p, draft := w.parsePage(src.File, src.Rel)
	return Loaded{Rel: src.Rel, Page: p, Draft: draft, Errs: w.errs, Parsed: w.parsed > 0}
}

// parsePage parses one markdown file into a page that is not yet part of
// the site; errors go to b.errs.
func (b *Loader) parsePage(file, rel string) (*generator.Page, bool) {
	src, err := generator.ReadLimited(b.fsys, file, generator.MaxPageSize)
	if err != nil {
		b.errs = append(b.errs, generator.Errorf(file, 0, "%v", err))
		return nil, false
	}
	if !utf8.Valid(src) {
		b.errs = append(b.errs, generator.Errorf(file, 0, "not valid UTF-8 text"))
		return nil, false
	}
	raw, body, bodyLine, err := frontmatter.Split(file, src)
	if err != nil {
		b.addErr(err)
		return nil, false
	}
	fm, errs := frontmatter.Decode(file, raw, frontmatter.KeyLines(src, bodyLine), b.cfg.Location)
	if len(errs) > 0 {
		b.errs = append(b.errs, errs...)
		return nil, false
	}
	if fm.Draft && !b.withDrafts {
		return nil, true
	}
	dir, base := path.Split(rel)
	stem := strings.TrimSuffix(base, path.Ext(base))
	p := &generator.Page{
		Title: fm.Title, Description: fm.Description, Date: fm.Date, Lastmod: fm.Lastmod,
		Weight: fm.Weight, Draft: fm.Draft, Layout: fm.Layout, Sidebar: fm.Sidebar,
		Params: fm.Params, Aliases: fm.Aliases, File: file,
		Src: body, BodyLine: bodyLine, FM: fm,
		HasBody: len(body) > 0, BodyAt: len(src) - len(body), SrcSum: sha256.Sum256(body),
	}
	if body, ok := b.knownEntries(file, p.SrcSum); ok {
		b.errs = append(b.errs, history.ReadChangelogKnown(p, src, b.cfg.Location, body)...)
	} else {
		errs, parsed := history.ReadChangelog(p, src, b.md, b.cfg.Location)
		b.errs = append(b.errs, errs...)
		if parsed {
			b.parsed++
		}
	}
	folderPage := stem == "_index" || stem == "index"
	switch {
	case fm.URL != "":
		p.Path = generator.CleanURLPath(fm.URL)
	case folderPage:
		p.Path = "/" + urlSegments(dir)
	case fm.Slug != "":
		p.Path = "/" + urlSegments(dir) + fm.Slug + "/"
	default:
		p.Path = "/" + urlSegments(dir+stem) + "/"
	}
	if p.Title == "" {
		p.Title = titleFromName(strings.TrimSuffix(path.Base("/"+dir+stem), "/"))
		if folderPage {
			p.Title = titleFromName(path.Base("/" + dir))
		}
	}
	if p.Lastmod.IsZero() {
		p.Lastmod = p.Date
	}
	if folderPage {
		p.SectionPage = stem == "_index"
		p.Folder = dir
	}
	return p, false
}

func (b *Loader) knownEntries(file string, sum [32]byte) ([]generator.ChangeEntry, bool) {
	if b.known == nil {
		return nil, false
	}
	return b.known(file, sum)
}

// registerPage adds a parsed page to the site.
func (b *Loader) registerPage(p *generator.Page, rel string) {
	file := p.File
	if p.Folder != "" || isFolderPage(rel) {
		dir := p.Folder
		if other, ok := b.Folders[dir]; ok {
			b.errs = append(b.errs, generator.Errorf(file, 1, "%s and %s both make the page of folder content/%s", other.File, file, dir))
			return
		}
		b.Folders[dir] = p
	}
	if !b.claim(p.Path, p, file, p.FM.Lines.URL) {
		return
	}
	b.BySource[rel] = p
	b.Pages = append(b.Pages, p)
}

// claim registers path as made by p; two sources for one URL is an error.
func (b *Loader) claim(urlPath string, p *generator.Page, file string, line int) bool {
	if line == 0 {
		line = 1
	}
	if other, ok := b.ByPath[urlPath]; ok {
		b.errs = append(b.errs, generator.Errorf(file, line, "URL %s is also the URL of %s", urlPath, other.File))
		return false
	}
	b.ByPath[urlPath] = p
	return true
}

func (b *Loader) addErr(err error) {
	if l, ok := generator.AsErrorList(err); ok {
		b.errs = append(b.errs, l...)
		return
	}
	b.errs = append(b.errs, generator.Errorf(b.dir, 0, "%v", err))
}

// urlSegments turns a content path into URL segments: spaces become
// hyphens, so "Getting Started/" reads /Getting-Started/.
func urlSegments(p string) string {
	return strings.ReplaceAll(p, " ", "-")
}

// titleFromName makes a title for a page or folder without one:
// "getting-started" becomes "Getting started".
func titleFromName(name string) string {
	name = strings.NewReplacer("-", " ", "_", " ").Replace(name)
	r, size := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return name
	}
	return string(unicode.ToUpper(r)) + name[size:]
}

// buildTree gives every page its section, orders sections and links
// neighbours. Folders without an _index.md get a section page of their own.
func (b *Loader) buildTree() {
	home := b.Folders[""]
	if home == nil {
		home = &generator.Page{Title: b.cfg.Title, File: b.dir, Path: "/", Sidebar: true, Params: map[string]any{}}
		if other, ok := b.ByPath["/"]; ok {
			home = other
		} else {
			b.Folders[""] = home
			b.ByPath["/"] = home
			b.Pages = append(b.Pages, home)
		}
	}
	home.Kind = generator.KindHome
	home.SectionPage = true
	parentDir := func(dir string) string {
		d := path.Dir(strings.TrimSuffix(dir, "/"))
		if d == "." || d == "/" {
			return ""
		}
		return d + "/"
	}
	var folderOf func(dir string) *generator.Page
	folderOf = func(dir string) *generator.Page {
		if p, ok := b.Folders[dir]; ok {
			return p
		}
		if p := b.siblingPage(dir); p != nil {
			// docs/X.md beside a folder docs/X/ without an index page
			// is the folder's page, as Jekyll and Hugo build it.
			p.Folder = dir
			b.Folders[dir] = p
			p.Section = folderOf(parentDir(dir))
			return p
		}
		p := &generator.Page{
			Title: titleFromName(path.Base("/" + dir)), File: b.dir + "/" + strings.TrimSuffix(dir, "/"),
			Path: "/" + urlSegments(dir), Sidebar: true, SectionPage: true, Params: map[string]any{}, Folder: dir,
		}
		b.Folders[dir] = p
		if b.claim(p.Path, p, p.File, 0) {
			b.Pages = append(b.Pages, p)
		}
		p.Section = folderOf(parentDir(dir))
		return p
	}
	for _, p := range append([]*generator.Page(nil), b.Pages...) {
		switch {
		case p == home || p.Section != nil:
		case b.Folders[p.Folder] == p && p.Folder != "":
			p.Section = folderOf(parentDir(p.Folder))
		default:
			dir, _ := path.Split(strings.TrimPrefix(p.File, b.dir+"/"))
			p.Section = folderOf(dir)
		}
	}
	for _, p := range b.Pages {
		if p.Section != nil {
			p.Section.Pages = append(p.Section.Pages, p)
		}
	}
	for _, p := range b.Pages {
		if len(p.Pages) > 0 {
			p.SectionPage = true
		}
		switch {
		case p == home:
		case p.SectionPage:
			p.Kind = generator.KindSection
		default:
			p.Kind = generator.KindPage
		}
		if p.Layout == "" {
			p.Layout = p.Kind
		}
		sortPages(p.Pages)
	}
	linkReadingOrder(home)
	sort.Slice(b.Pages, func(i, j int) bool { return b.Pages[i].Path < b.Pages[j].Path })
	b.Home = home
}

// linkReadingOrder gives each page below home its Prev and Next in the
// order the navigation lists them, read from top to bottom: a section,
// then its pages and subsections, then the section after it. A reader
// who follows Next reads the whole site once; the home page starts it.
func linkReadingOrder(home *generator.Page) {
	prev := home
	var walk func(s *generator.Page)
	walk = func(s *generator.Page) {
		for _, c := range s.Pages {
			prev.Next, c.Prev = c, prev
			prev = c
			walk(c)
		}
	}
	walk(home)
	home.Prev = nil
}

// siblingPage is the page of X.md or X.markdown beside folder dir (X/)
// when it has the folder's URL, else nil.
func (b *Loader) siblingPage(dir string) *generator.Page {
	p, ok := b.ByPath["/"+urlSegments(dir)]
	if !ok || p.Folder != "" || !generator.IsMarkdown(p.File) {
		return nil
	}
	if strings.TrimSuffix(p.File, path.Ext(p.File)) != b.dir+"/"+strings.TrimSuffix(dir, "/") {
		return nil
	}
	return p
}

// sortPages orders pages by weight (pages without one last), then title,
// then URL, so the order never depends on the file system.
func sortPages(ps []*generator.Page) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, c := ps[i], ps[j]
		if a.Weight != c.Weight {
			if a.Weight == 0 || c.Weight == 0 {
				return c.Weight == 0
			}
			return a.Weight < c.Weight
		}
		if ta, tc := strings.ToLower(a.Title), strings.ToLower(c.Title); ta != tc {
			return ta < tc
		}
		return a.Path < c.Path
	})
}

// cachedParse parses a source, or reuses the parse of a previous build
// when the file has the same size and modification time.
func (b *Loader) cachedParse(src Source) Loaded {
	c := b.cache
	if c == nil {
		return b.Parse(src)
	}
	info, err := src.Entry.Info()
	if err != nil {
		return b.Parse(src)
	}
	size, mod := info.Size(), info.ModTime().UnixNano()
	if l, ok := c.Parsed(src.File, size, mod); ok {
		l.Parsed = false
		return l
	}
	l := b.Parse(src)
	c.StoreParsed(src.File, size, mod, l)
	return l
}

// LoadAliases registers the aliases of every page, once every page,
// generated ones too, has claimed its URL.
func (b *Loader) LoadAliases() {
	b.Aliases = map[string]*generator.Page{}
	for _, p := range b.Pages {
		for _, a := range p.Aliases {
			ap := generator.CleanURLPath(a)
			line := p.FM.Lines.Aliases
			if other, ok := b.ByPath[ap]; ok {
				b.errs = append(b.errs, generator.Errorf(p.File, line, "alias %s is the URL of %s", ap, other.File))
				continue
			}
			if other, ok := b.Aliases[ap]; ok {
				b.errs = append(b.errs, generator.Errorf(p.File, line, "alias %s is also an alias of %s", ap, other.File))
				continue
			}
			b.Aliases[ap] = p
		}
	}
}
