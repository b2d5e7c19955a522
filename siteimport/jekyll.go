package siteimport

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// JekyllOptions says how Jekyll converts what has no Folio equivalent
// of its own.
type JekyllOptions struct {
	// Blocks maps a custom block tag ({% note %}...{% endnote %}) to a
	// Folio shortcode: an admonition (note, tip, important, warning) or
	// one of the site's own in layouts/shortcodes/. It adds to, and
	// overrides, DefaultBlocks.
	Blocks map[string]string
}

// DefaultBlocks are the block tags that Jekyll sites commonly define for
// admonitions, mapped to Folio's built-in ones.
var DefaultBlocks = map[string]string{
	"note": "note", "info": "note", "tip": "tip", "important": "important",
	"warning": "warning", "caution": "warning", "danger": "warning",
}

// Jekyll converts the Jekyll site in src into a Folio site in dst:
//
//   - pages (.md, .markdown with front matter) go under content/; a page
//     X.md beside a folder X/ with no index page of its own becomes that
//     folder's page, X/_index.md, as Jekyll builds it;
//   - _posts/YYYY-MM-DD-name.md becomes content/posts/name.md dated from
//     its name, and _drafts/ pages become drafts;
//   - front matter: permalink becomes url, redirect_from aliases,
//     published: false draft: true; layout is dropped, noted once per name;
//   - Liquid: {% include f %} becomes the include shortcode with f copied
//     to content/_snippets/, {% raw %} and {% endraw %} go, {% link %}
//     and {% post_url %} become relative .md links, {% highlight %}
//     fenced code, {{ site.x }} and {{ page.x }} their values, and custom
//     block tags the shortcodes opts.Blocks names;
//   - _config.yml's title, url and baseurl (and lang, timezone) become
//     folio.toml; _data/ is copied to content/_data/ (never published);
//     assets/ and other files are copied beside the pages, so relative
//     links to them still work.
//
// Every construct left unconverted is a Note.
func Jekyll(src fs.FS, dst string, opts JekyllOptions) (*Result, error) {
	j := &jekyll{src: src, w: writer{dst}, res: &Result{}, blocks: map[string]string{}, dst: map[string]string{}, snippets: map[string]bool{}, layouts: map[string]bool{}}
	for k, v := range DefaultBlocks {
		j.blocks[k] = v
	}
	for k, v := range opts.Blocks {
		j.blocks[k] = v
	}
	if err := j.readConfig(); err != nil {
		return nil, err
	}
	files, err := walkFiles(src, j.res, func(dir string) bool {
		base := path.Base(dir)
		return strings.HasPrefix(base, ".") || j.excluded(dir) || base == "_site" || base == "node_modules" || base == "vendor"
	})
	if err != nil {
		return nil, err
	}
	j.files = map[string]bool{}
	for _, f := range files {
		j.files[f] = true
	}
	if err := j.plan(files); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := j.convert(f); err != nil {
			return nil, err
		}
	}
	if err := j.w.write("folio.toml", j.cfg.toml("a Jekyll site")); err != nil {
		return nil, err
	}
	j.res.sortNotes()
	return j.res, nil
}

type jekyll struct {
	src      fs.FS
	w        writer
	res      *Result
	blocks   map[string]string
	config   mapSlice
	cfg      siteConfig
	exclude  []string
	files    map[string]bool
	dst      map[string]string // source page -> path under content/
	snippets map[string]bool   // includes already copied
	layouts  map[string]bool   // layout names already noted
	urls     map[string]pageURLs
	byOld    map[string]string // an old URL, in every form links use -> source page
	taken    map[string]string // new URL -> source page
}

// configKeys are _config.yml keys that have no effect on a Folio site and
// need no note: Jekyll's own machinery.
var configKeys = map[string]bool{
	"title": true, "url": true, "baseurl": true, "lang": true, "timezone": true, "description": true,
	"markdown": true, "kramdown": true, "highlighter": true, "exclude": true, "include": true,
	"source": true, "destination": true, "encoding": true, "sass": true, "keep_files": true,
	"permalink": true, // kept as each page's alias
}

func (j *jekyll) readConfig() error {
	data, err := readFile(j.src, "_config.yml")
	if err != nil {
		return nil // a site without one builds with Jekyll's defaults
	}
	if j.config, err = readYAML(data); err != nil {
		j.res.note("_config.yml", 0, "not read: %v", err)
		return nil
	}
	str := func(k string) string {
		v, _ := get(j.config, k)
		s, _ := v.(string)
		return strings.TrimSpace(s)
	}
	j.cfg.title = str("title")
	j.cfg.language = str("lang")
	j.cfg.timezone = str("timezone")
	if u := str("url"); u != "" {
		j.cfg.baseURL = strings.TrimSuffix(u, "/") + "/" + strings.Trim(str("baseurl"), "/")
		if !strings.HasSuffix(j.cfg.baseURL, "/") {
			j.cfg.baseURL += "/"
		}
	} else if str("baseurl") != "" {
		j.res.note("_config.yml", keyLine(data, 1, "baseurl"), "baseurl without url not converted: set baseURL in folio.toml to the site's full address")
	}
	if v, ok := get(j.config, "exclude"); ok {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if s, ok := e.(string); ok {
					j.exclude = append(j.exclude, strings.Trim(s, "/"))
				}
			}
		}
	}
	for _, it := range j.config {
		k, _ := it.Key.(string)
		if !configKeys[k] {
			j.res.note("_config.yml", keyLine(data, 1, k), "%s not converted", k)
		}
	}
	return nil
}

func (j *jekyll) excluded(p string) bool {
	for _, e := range j.exclude {
		if ok, _ := path.Match(e, p); ok || p == e {
			return true
		}
	}
	return false
}

func isMarkdown(p string) bool {
	ext := path.Ext(p)
	return ext == ".md" || ext == ".markdown"
}

// hasFrontMatter reports whether Jekyll would treat the file as a page.
func (j *jekyll) hasFrontMatter(p string) bool {
	data, err := readFile(j.src, p)
	if err != nil {
		return false
	}
	_, delim, _, _ := splitFrontMatter(data)
	return delim == "---"
}

var postName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)$`)

// plan decides where every page goes before any is converted, so links
// between pages point at their new places.
func (j *jekyll) plan(files []string) error {
	dirs := map[string]bool{}  // folders that hold files
	index := map[string]bool{} // folders with an index page of their own
	for _, f := range files {
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
		stem := strings.TrimSuffix(path.Base(f), path.Ext(f))
		if isMarkdown(f) && (stem == "index" || stem == "_index") {
			index[path.Dir(f)] = true
		}
	}
	posts := map[string]string{}
	for _, f := range files {
		if !isMarkdown(f) || !j.hasFrontMatter(f) {
			continue
		}
		pdir, _, post := postDir(f)
		switch {
		case post && !strings.HasPrefix(pdir, "_"):
			// _posts/ at any depth becomes posts/ there.
			if pdir != "" {
				pdir += "/"
			}
			stem := strings.TrimSuffix(path.Base(f), path.Ext(f))
			if m := postName.FindStringSubmatch(stem); m != nil {
				stem = m[2]
			}
			to := pdir + "posts/" + stem + path.Ext(f)
			if other, ok := posts[to]; ok {
				// Two posts of one name on different days keep their dates.
				to = pdir + "posts/" + strings.TrimSuffix(path.Base(f), path.Ext(f)) + path.Ext(f)
				j.res.note(f, 0, "post has the same name as %s: written as %s", other, to)
			}
			posts[to] = f
			j.dst[f] = to
		case strings.HasPrefix(f, "_"):
			// Collections and Jekyll's own folders: noted as they come.
		default:
			stem := strings.TrimSuffix(f, path.Ext(f))
			if dirs[stem] && !index[stem] {
				j.dst[f] = stem + "/_index" + path.Ext(f)
			} else {
				j.dst[f] = f
			}
		}
	}
	j.planURLs()
	return nil
}

func (j *jekyll) convert(f string) error {
	top, rest, _ := strings.Cut(f, "/")
	switch {
	case f == "_config.yml" || f == "Gemfile" || f == "Gemfile.lock":
		return nil
	case j.dst[f] != "":
		return j.page(f)
	case top == "_includes":
		return nil // copied when a page includes it
	case top == "_data":
		return j.copy(f, "content/_data/"+rest)
	case top == "_layouts" || top == "_sass" || top == "_plugins":
		if !j.layouts["dir:"+top] {
			j.layouts["dir:"+top] = true
			j.res.note(top, 0, "not converted: Folio's theme lays out the pages (see layouts/ in the README)")
		}
		return nil
	case strings.HasPrefix(top, "_") && rest != "":
		if !j.layouts["dir:"+top] {
			j.layouts["dir:"+top] = true
			j.res.note(top, 0, "collection not converted: move its pages into a folder without the _")
		}
		return nil
	case top == "assets" && rest != "":
		if (path.Ext(f) == ".scss" || path.Ext(f) == ".sass") && j.hasFrontMatter(f) {
			j.res.note(f, 1, "Sass not converted: write the CSS it makes into static/ or a theme")
			return nil
		}
		return j.copy(f, "content/"+f)
	case isMarkdown(f):
		j.res.note(f, 0, "no front matter, so Jekyll copies it as a file: not imported")
		return nil
	case (path.Ext(f) == ".html" || path.Ext(f) == ".xml") && j.hasFrontMatter(f):
		j.res.note(f, 1, "Liquid template page not converted: Folio makes the home page, feed and sitemap itself")
		return nil
	}
	return j.copy(f, "content/"+f)
}

func (j *jekyll) copy(from, to string) error {
	data, err := readFile(j.src, from)
	if err != nil {
		return err
	}
	j.res.Files++
	return j.w.write(to, data)
}

func (j *jekyll) page(f string) error {
	src, err := readFile(j.src, f)
	if err != nil {
		return err
	}
	to := j.dst[f]
	fmText, _, body, bodyLine := splitFrontMatter(src)
	fm, err := readYAML(fmText)
	if err != nil {
		j.res.note(f, 1, "front matter not read: %v", err)
		return nil
	}
	fm = j.frontMatter(f, fmText, fm)
	body = j.liquid(f, to, body, bodyLine, fm)
	body = j.relink(f, to, body, bodyLine)
	head, err := yamlFrontMatter(fm)
	if err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	j.res.Pages++
	return j.w.write("content/"+to, append(head, body...))
}

func (j *jekyll) frontMatter(f string, text []byte, fm mapSlice) mapSlice {
	line := func(k string) int { return keyLine(text, 2, k) }
	if v, ok := get(fm, "layout"); ok {
		name := fmt.Sprint(v)
		if !j.layouts[name] {
			j.layouts[name] = true
			j.res.note(f, line("layout"), "layout %q not converted: Folio's theme lays out every page (noted once per layout)", name)
		}
		fm = del(fm, "layout")
	}
	u := j.urls[f]
	if u.err != nil {
		j.res.note(f, line("permalink"), "old URL not kept: %v", u.err)
	}
	if _, ok := get(fm, "permalink"); ok {
		fm = del(fm, "permalink")
		if u.url != "" {
			fm = set(fm, "url", u.url)
		}
	}
	var aliases []any
	for _, key := range []string{"aliases", "redirect_from"} {
		switch v := valueOf(fm, key).(type) {
		case string:
			aliases = append(aliases, v)
		case []any:
			aliases = append(aliases, v...)
		}
		fm = del(fm, key)
	}
	if alias := j.oldAlias(f); alias != "" && !slices.ContainsFunc(aliases, func(a any) bool { return cleanURL(fmt.Sprint(a)) == alias }) {
		aliases = append(aliases, alias)
	}
	if len(aliases) > 0 {
		fm = set(fm, "aliases", aliases)
	}
	if v, ok := get(fm, "published"); ok {
		fm = del(fm, "published")
		if v == false {
			fm = set(fm, "draft", true)
		}
	}
	if _, kind, post := postDir(f); post {
		if _, ok := get(fm, "date"); !ok {
			if m := postName.FindStringSubmatch(strings.TrimSuffix(path.Base(f), path.Ext(f))); m != nil {
				fm = set(fm, "date", m[1])
			}
		}
		if kind == "_drafts" {
			fm = set(fm, "draft", true)
		}
	}
	return fm
}

// liquidTag finds Liquid tags and outputs. A tag longer than a few
// hundred characters is not Liquid a person wrote.
var liquidTag = regexp.MustCompile(`\{%-?\s*([^%]{0,400}?)\s*-?%\}|\{\{-?\s*([^{}]{0,400}?)\s*-?\}\}`)

// liquid converts the Liquid in a page's body, noting what it leaves.
func (j *jekyll) liquid(f, to string, body []byte, first int, fm mapSlice) []byte {
	var out bytes.Buffer
	raw := false
	last := 0
	unmapped := map[string]bool{} // block tags noted, whose end tags need no note
	for _, m := range liquidTag.FindAllSubmatchIndex(body, -1) {
		out.Write(body[last:m[0]])
		last = m[1]
		whole := string(body[m[0]:m[1]])
		line := lineAt(body, m[0], first)
		if m[2] < 0 { // {{ output }}
			if raw {
				out.WriteString(literal(out.Bytes(), whole))
				continue
			}
			expr := string(body[m[4]:m[5]])
			if v, ok := j.value(expr, fm); ok {
				out.WriteString(v)
				continue
			}
			j.res.note(f, line, "Liquid output %s not converted", whole)
			out.WriteString(whole)
			continue
		}
		tag := strings.Fields(string(body[m[2]:m[3]]))
		if len(tag) == 0 {
			out.WriteString(whole)
			continue
		}
		name, args := tag[0], tag[1:]
		if raw {
			if name == "endraw" {
				raw = false
			} else {
				out.WriteString(literal(out.Bytes(), whole))
			}
			continue
		}
		switch {
		case name == "raw":
			raw = true
		case name == "endraw":
		case name == "include" && len(args) > 0 && !aloneOnLine(body, m[0], m[1]):
			if s, ok := j.inlineInclude(f, to, line, args); ok {
				out.WriteString(s)
			} else {
				out.WriteString(whole)
			}
		case name == "include" && len(args) > 0:
			if s, ok := j.include(f, line, args); ok {
				out.WriteString(s)
			} else {
				out.WriteString(whole)
			}
		case (name == "link" || name == "post_url") && len(args) == 1:
			target := j.linkTarget(name, args[0])
			if target == "" {
				j.res.note(f, line, "%s to a page that was not imported: %s", name, args[0])
				out.WriteString(whole)
				continue
			}
			out.WriteString(relLink(to, target))
		case name == "highlight" && len(args) > 0:
			out.WriteString("```" + args[0])
			if len(args) > 1 {
				j.res.note(f, line, "highlight options %s dropped", strings.Join(args[1:], " "))
			}
		case name == "endhighlight":
			out.WriteString("```")
		case j.blocks[name] != "" && j.closes(body[m[1]:], name):
			out.WriteString("{{< " + j.blocks[name])
			if len(args) > 0 {
				out.WriteString(" title=" + quoteArg(strings.Trim(strings.Join(args, " "), `"'`)))
			}
			out.WriteString(" >}}")
		case strings.HasPrefix(name, "end") && j.blocks[name[3:]] != "":
			out.WriteString("{{< /" + j.blocks[name[3:]] + " >}}")
		case strings.HasPrefix(name, "end") && unmapped[name[3:]]:
			out.WriteString(whole) // noted with the tag that opened it
		case isBlockName(name) && j.closes(body[m[1]:], name):
			unmapped[name] = true
			j.res.note(f, line, "block tag {%% %s %%} not converted: map it to a shortcode with import -block %s=SHORTCODE", name, name)
			out.WriteString(whole)
		default:
			j.res.note(f, line, "Liquid tag {%% %s %%} not converted", strings.Join(tag, " "))
			out.WriteString(whole)
		}
	}
	out.Write(body[last:])
	return out.Bytes()
}

// liquidControl are Liquid's own block tags, which no shortcode replaces.
var liquidControl = map[string]bool{
	"if": true, "unless": true, "case": true, "for": true, "capture": true,
	"comment": true, "tablerow": true, "raw": true, "highlight": true,
}

// isBlockName reports whether name can be a custom block tag: a plain
// name that is not one of Liquid's own.
func isBlockName(name string) bool {
	return validName(name) && !liquidControl[name]
}

// validName reports whether s is a tag or shortcode name: letters,
// digits, - and _.
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// ParseBlock reads a block tag mapping written TAG=SHORTCODE, as the
// import command takes it.
func ParseBlock(s string) (tag, shortcode string, err error) {
	tag, shortcode, ok := strings.Cut(s, "=")
	if !ok || !validName(tag) || !validName(shortcode) {
		return "", "", fmt.Errorf("block %q: want TAG=SHORTCODE, such as callout=warning", s)
	}
	return tag, shortcode, nil
}

// literal is Liquid that a {% raw %} block showed as text, written after
// done: as it is inside code, where markdown shows it as written, and
// elsewhere with its first brace as an entity, so that it reads the same
// and a build does not take it for Liquid left unconverted.
func literal(done []byte, liquid string) string {
	lineStart := bytes.LastIndexByte(done, '\n') + 1
	inSpan := bytes.Count(done[lineStart:], []byte("`"))%2 == 1
	inFence := len(fenceLine.FindAll(done, -1))%2 == 1
	if inSpan || inFence || bytes.HasPrefix(done[lineStart:], []byte("    ")) || bytes.HasPrefix(done[lineStart:], []byte("\t")) {
		return liquid
	}
	return "&#123;" + liquid[1:]
}

// fenceLine finds the lines that open or close fenced code.
var fenceLine = regexp.MustCompile("(?m)^ {0,3}(?:```|~~~)")

// closes reports whether the rest of a body closes block tag name.
func (j *jekyll) closes(rest []byte, name string) bool {
	return regexp.MustCompile(`\{%-?\s*end` + regexp.QuoteMeta(name) + `\s*-?%\}`).Match(rest)
}

func quoteArg(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// urlFilter is a path through Jekyll's relative_url or absolute_url.
var urlFilter = regexp.MustCompile(`^["'](/[^"'{}]*)["']\s*\|\s*(?:relative_url|absolute_url)$`)

// value is the value of {{ site.x }} or {{ page.x }}, when it is plain.
func (j *jekyll) value(expr string, fm mapSlice) (string, bool) {
	if m := urlFilter.FindStringSubmatch(expr); m != nil {
		// The site's own address, which links are written without; the
		// links are then followed like any other.
		return m[1], true
	}
	var v any
	var ok bool
	switch {
	case strings.ContainsAny(expr, "| "):
		return "", false
	case strings.HasPrefix(expr, "site."):
		v, ok = get(j.config, strings.TrimPrefix(expr, "site."))
	case strings.HasPrefix(expr, "page."):
		v, ok = get(fm, strings.TrimPrefix(expr, "page."))
	}
	switch v.(type) {
	case string, int, float64, bool:
		return fmt.Sprint(v), ok
	}
	return "", false
}

// linkTarget is where a {% link %} or {% post_url %} leads in content/.
func (j *jekyll) linkTarget(tag, arg string) string {
	arg = strings.Trim(arg, `"'`)
	if tag == "link" {
		return j.dst[strings.TrimPrefix(arg, "/")]
	}
	for _, ext := range []string{".md", ".markdown"} {
		if to := j.dst["_posts/"+arg+ext]; to != "" {
			return to
		}
	}
	return ""
}

// include copies an included file into content/_snippets/, converted
// itself, and returns the include shortcode that replaces the tag.
func (j *jekyll) include(f string, line int, args []string) (string, bool) {
	name := args[0]
	to := "_snippets/" + name
	if !j.snippets[name] {
		data, ok := j.includeSource(f, line, name)
		if !ok {
			return "", false
		}
		j.snippets[name] = true
		if ext := path.Ext(name); ext != ".md" && ext != ".markdown" {
			j.res.note("_includes/"+name, 1, "included as markdown: raw HTML in it is dropped unless [markdown] unsafe = true")
		}
		data = j.liquid("_includes/"+name, to, data, 1, nil)
		if err := j.w.write("content/"+to, data); err != nil {
			j.res.note(f, line, "include %s not written: %v", name, err)
			return "", false
		}
		j.res.Files++
	}
	if len(args) > 1 {
		j.res.note(f, line, "include parameters %s dropped: a Folio include takes none", strings.Join(args[1:], " "))
	}
	return `{{< include "` + to + `" >}}`, true
}

// includeSource reads the file of _includes/ that an include names.
func (j *jekyll) includeSource(f string, line int, name string) ([]byte, bool) {
	if strings.ContainsAny(name, "{}") || !j.files["_includes/"+name] {
		j.res.note(f, line, "include %s not converted: no such file in _includes/", name)
		return nil, false
	}
	data, err := readFile(j.src, "_includes/"+name)
	if err != nil {
		j.res.note(f, line, "include %s not read: %v", name, err)
		return nil, false
	}
	return data, true
}

// aloneOnLine reports whether body[start:end] has nothing but spaces
// beside it on its line.
func aloneOnLine(body []byte, start, end int) bool {
	before := body[bytes.LastIndexByte(body[:start], '\n')+1 : start]
	after, _, _ := bytes.Cut(body[end:], []byte("\n"))
	return len(bytes.TrimSpace(before)) == 0 && len(bytes.TrimSpace(after)) == 0
}

// inlineInclude is the text of an include written inside a line, which
// Folio's include shortcode, a block of its own, cannot replace: a file
// of one line is put in its place, as Jekyll does.
func (j *jekyll) inlineInclude(f, to string, line int, args []string) (string, bool) {
	name := args[0]
	data, ok := j.includeSource(f, line, name)
	if !ok {
		return "", false
	}
	text := bytes.TrimSpace(data)
	if bytes.Contains(text, []byte("\n")) {
		j.res.note(f, line, "include %s inside a line of text not converted: put it on a line of its own", name)
		return "", false
	}
	if len(args) > 1 {
		j.res.note(f, line, "include parameters %s dropped: its text is put in place as it is", strings.Join(args[1:], " "))
	}
	return string(j.liquid("_includes/"+name, to, text, 1, nil)), true
}

// mdLink finds the targets of inline links and images; mdRef those of
// link reference definitions.
var (
	mdLink = regexp.MustCompile(`\]\(([^)\s]+)`)
	mdRef  = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:[ \t]*(\S+)`)
)

// relink points links at the new places of the pages they lead to:
// relative links to files, for pages that moved and pages that link to
// them, and links to the URLs Jekyll served, /docs/x.html, which become
// relative links to the pages' files. A link to a page URL that no page
// had is noted: the build will report it broken.
func (j *jekyll) relink(f, to string, body []byte, first int) []byte {
	for _, re := range []*regexp.Regexp{mdLink, mdRef} {
		var out bytes.Buffer
		last := 0
		for _, m := range re.FindAllSubmatchIndex(body, -1) {
			target := string(body[m[2]:m[3]])
			link, ok := j.newLink(f, to, target)
			if !ok {
				if j.pageURL(target) {
					j.res.note(f, lineAt(body, m[2], first), "link to %s: Jekyll published no page there", target)
				}
				continue
			}
			out.Write(body[last:m[2]])
			out.WriteString(link)
			last = m[3]
		}
		out.Write(body[last:])
		body = out.Bytes()
	}
	return body
}

// pageURL reports whether a link target that leads nowhere was meant for
// a page of the site: an .html path that names no file of it.
func (j *jekyll) pageURL(target string) bool {
	file, _, _ := strings.Cut(target, "#")
	if file == "" || strings.HasPrefix(file, "//") || strings.Contains(file, ":") {
		return false
	}
	if !strings.HasPrefix(file, "/") {
		return path.Ext(file) == ".html"
	}
	if base := "/" + strings.Trim(j.baseurl(), "/"); base != "/" {
		file = strings.TrimPrefix(file, base)
	}
	return path.Ext(file) == ".html" && !j.files[strings.TrimPrefix(file, "/")]
}

// newLink is what a link to target in page f, now at content/to, becomes.
func (j *jekyll) newLink(f, to, target string) (string, bool) {
	file, frag, _ := strings.Cut(target, "#")
	if file == "" {
		return "", false
	}
	if frag != "" {
		frag = "#" + frag
	}
	if !strings.HasPrefix(file, "/") && !strings.Contains(file, ":") {
		if src := path.Join(path.Dir(f), file); j.files[src] {
			dst := "content/" + src
			if d := j.dst[src]; d != "" {
				dst = "content/" + d
			}
			if link := relLink("content/"+to, dst); link != file {
				return link + frag, true
			}
			return "", false
		}
	}
	if p, ok := j.oldTarget(f, file); ok {
		return relLink("content/"+to, "content/"+j.dst[p]) + frag, true
	}
	if base := "/" + strings.Trim(j.baseurl(), "/"); base != "/" && strings.HasPrefix(file, base+"/") {
		// A file of the site, {{ site.baseurl }}/assets/x.png: Folio
		// links are from the site's root, which the build places.
		return strings.TrimPrefix(file, base) + frag, true
	}
	return "", false
}
