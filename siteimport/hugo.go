package siteimport

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// folioShortcodes are the default theme's shortcodes, which Hugo pages
// may use under the same names.
var folioShortcodes = map[string]bool{"note": true, "tip": true, "important": true, "warning": true, "details": true, "include": true}

// Hugo converts the Hugo site in src into a Folio site in dst:
//
//   - content/ keeps its shape (_index.md pages are section pages in both);
//     static/ stays static/, data/ goes to content/_data/ (never published);
//   - {{< ref >}} and {{< relref >}} become relative .md links, highlight
//     fenced code, figure Folio's figure, and {{% x %}} becomes {{< x >}}
//     for the shortcodes Folio has;
//   - front matter: aliases, weight, publishDate and expiryDate are kept
//     as they are, a page without a date is dated by its publishDate, and
//     layout is dropped;
//   - the configuration's title, baseURL and languageCode become folio.toml.
//
// Other shortcodes are escaped, so they show as written, and every
// construct left unconverted is a Note.
func Hugo(src fs.FS, dst string) (*Result, error) {
	h := &hugo{src: src, w: writer{dst}, res: &Result{}, noted: map[string]bool{}}
	if err := h.readConfig(); err != nil {
		return nil, err
	}
	files, err := walkFiles(src, h.res, func(dir string) bool {
		base := path.Base(dir)
		return strings.HasPrefix(base, ".") || dir == "public" || dir == "resources" || base == "node_modules"
	})
	if err != nil {
		return nil, err
	}
	h.content = map[string]bool{}
	for _, f := range files {
		if rest, ok := strings.CutPrefix(f, "content/"); ok {
			h.content[rest] = true
		}
	}
	for _, f := range files {
		if err := h.convert(f); err != nil {
			return nil, err
		}
	}
	if err := h.w.write("folio.toml", h.cfg.toml("a Hugo site")); err != nil {
		return nil, err
	}
	h.res.sortNotes()
	return h.res, nil
}

type hugo struct {
	src     fs.FS
	w       writer
	res     *Result
	cfg     siteConfig
	content map[string]bool // files under content/, without the prefix
	noted   map[string]bool
}

// hugoConfigKeys need no note: Folio does what they ask, or they only
// tune Hugo's own machinery.
var hugoConfigKeys = map[string]bool{
	"baseURL": true, "baseurl": true, "title": true, "languageCode": true, "timeZone": true,
	"defaultContentLanguage": true, "enableRobotsTXT": true, "pygmentsUseClasses": true, "markup": true,
	"enableGitInfo": true, "canonifyURLs": true, "relativeURLs": true, "summaryLength": true,
}

func (h *hugo) readConfig() error {
	var name string
	var cfg map[string]any
	for _, n := range []string{"hugo.toml", "config.toml", "hugo.yaml", "config.yaml", "hugo.yml", "config.yml"} {
		data, err := readFile(h.src, n)
		if err != nil {
			continue
		}
		name = n
		if strings.HasSuffix(n, ".toml") {
			err = toml.Unmarshal(data, &cfg)
		} else {
			err = yaml.Unmarshal(data, &cfg)
		}
		if err != nil {
			h.res.note(n, 0, "not read: %v", err)
			return nil
		}
		str := func(k string) string { s, _ := cfg[k].(string); return s }
		h.cfg.title = str("title")
		h.cfg.language = str("languageCode")
		h.cfg.timezone = str("timeZone")
		if u := str("baseURL"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			h.cfg.baseURL = strings.TrimSuffix(u, "/") + "/"
		}
		keys := make([]string, 0, len(cfg))
		for k := range cfg {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !hugoConfigKeys[k] {
				h.res.note(name, keyLine(data, 1, k), "%s not converted", k)
			}
		}
		break
	}
	return nil
}

func (h *hugo) once(file, what string) {
	if !h.noted[file] {
		h.noted[file] = true
		h.res.note(file, 0, "%s", what)
	}
}

func (h *hugo) convert(f string) error {
	top, rest, _ := strings.Cut(f, "/")
	switch {
	case top == "content" && isMarkdown(f):
		return h.page(rest)
	case top == "content" || top == "static":
		return h.copy(f, f)
	case top == "data" && rest != "":
		return h.copy(f, "content/_data/"+rest)
	case top == "layouts" && strings.HasPrefix(rest, "shortcodes/"):
		h.res.note(f, 0, "site shortcode not converted: its uses are escaped; rewrite it as layouts/shortcodes/%s for Folio", path.Base(f))
	case top == "layouts" || top == "themes" || top == "assets" || top == "i18n" || top == "archetypes":
		h.once(top, "not converted: Folio's theme lays out the pages (see Themes in the README)")
	}
	return nil
}

func (h *hugo) copy(from, to string) error {
	data, err := readFile(h.src, from)
	if err != nil {
		return err
	}
	h.res.Files++
	return h.w.write(to, data)
}

func (h *hugo) page(rel string) error {
	f := "content/" + rel
	src, err := readFile(h.src, f)
	if err != nil {
		return err
	}
	fmText, delim, body, bodyLine := splitFrontMatter(src)
	var fm mapSlice
	switch delim {
	case "---":
		fm, err = readYAML(fmText)
	case "+++":
		var m map[string]any
		if err = toml.Unmarshal(fmText, &m); err == nil {
			fm = tomlFrontMatter(m)
		}
	default:
		if bytes.HasPrefix(bytes.TrimSpace(src), []byte("{")) {
			h.res.note(f, 1, "JSON front matter not converted: copied as it is")
			h.res.Pages++
			return h.w.write(f, src)
		}
	}
	if err != nil {
		h.res.note(f, 1, "front matter not read: %v", err)
		return nil
	}
	fm = h.frontMatter(f, fmText, fm)
	body = h.shortcodes(f, rel, body, bodyLine)
	head, err := yamlFrontMatter(fm)
	if err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	h.res.Pages++
	return h.w.write(f, append(head, body...))
}

// tomlFrontMatter orders TOML front matter as people write it: title
// first.
func tomlFrontMatter(m map[string]any) mapSlice {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := map[string]int{"title": 1, "description": 2, "date": 3, "weight": 4}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank[keys[i]], rank[keys[j]]
		if ri == 0 {
			ri = 99
		}
		if rj == 0 {
			rj = 99
		}
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	var out mapSlice
	for _, k := range keys {
		v := m[k]
		switch d := v.(type) {
		case toml.LocalDate, toml.LocalDateTime:
			v = fmt.Sprint(d)
		case time.Time:
			v = d.Format(time.RFC3339)
		}
		out = append(out, mapItem{Key: k, Value: v})
	}
	return out
}

func (h *hugo) frontMatter(f string, text []byte, fm mapSlice) mapSlice {
	line := func(k string) int { return keyLine(text, 2, k) }
	if v, ok := get(fm, "layout"); ok {
		h.res.note(f, line("layout"), "layout %q not converted: Folio's theme lays out every page", fmt.Sprint(v))
		fm = del(fm, "layout")
	}
	// Folio reads publishDate and expiryDate as Hugo does: a page waits
	// for the one and is gone after the other, unless the build is told
	// otherwise (-future, -expired). A page without a date is dated by
	// its publishDate, as Hugo dates it.
	if v, ok := get(fm, "publishDate"); ok {
		if _, ok := dateOf(v); ok {
			if _, has := get(fm, "date"); !has {
				fm = set(fm, "date", fmt.Sprint(v))
			}
		}
	}
	if v, ok := get(fm, "headless"); ok && v == true {
		h.res.note(f, line("headless"), "headless not converted: the bundle is published as a page")
	}
	return fm
}

// hugoShortcode finds {{< ... >}} and {{% ... %}}; the limit keeps a
// stray "{{<" from reaching far.
var hugoShortcode = regexp.MustCompile(`(?s)\{\{([<%])(.{0,1000}?)([>%])\}\}`)

func (h *hugo) shortcodes(f, rel string, body []byte, first int) []byte {
	var out bytes.Buffer
	last := 0
	for _, m := range hugoShortcode.FindAllSubmatchIndex(body, -1) {
		out.Write(body[last:m[0]])
		last = m[1]
		whole := string(body[m[0]:m[1]])
		inner := strings.TrimSpace(string(body[m[4]:m[5]]))
		line := lineAt(body, m[0], first)
		if strings.HasPrefix(inner, "/*") {
			out.WriteString(whole) // written to show a tag: Folio reads it the same way
			continue
		}
		closing := strings.HasPrefix(inner, "/")
		args := shortcodeArgs(strings.TrimSpace(strings.TrimPrefix(inner, "/")))
		if len(args) == 0 {
			out.WriteString(whole)
			continue
		}
		name := args[0].value
		args = args[1:]
		switch {
		case (name == "ref" || name == "relref") && !closing && len(args) == 1:
			if to := h.resolve(rel, args[0].value); to != "" {
				out.WriteString(to)
			} else {
				h.res.note(f, line, "%s %q: no such page; the link is left as written", name, args[0].value)
				out.WriteString(args[0].value)
			}
		case name == "highlight" && closing:
			out.WriteString("```")
		case name == "highlight" && len(args) > 0:
			out.WriteString("```" + args[0].value)
			if len(args) > 1 {
				h.res.note(f, line, "highlight options %s dropped", args[1].value)
			}
		case name == "figure" && !closing:
			out.WriteString(h.figure(f, line, args))
		case folioShortcodes[name]:
			// {{% %}} rendered its inner text as markdown; Folio's
			// shortcodes always do.
			out.WriteString("{{< " + inner + " >}}")
		default:
			if !closing {
				h.res.note(f, line, "shortcode %s not converted: shown as written", name)
			}
			out.WriteString("{{" + string(body[m[2]:m[3]]) + "/* " + inner + " */" + string(body[m[6]:m[7]]) + "}}")
		}
	}
	out.Write(body[last:])
	return out.Bytes()
}

type scArg struct{ name, value string }

// shortcodeArgs splits a tag's inside into its name and arguments:
// name="quoted", name=bare, "quoted", `raw` or bare.
func shortcodeArgs(s string) []scArg {
	var out []scArg
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var a scArg
		if i := strings.IndexAny(s, "= \t\n\"`"); i > 0 && s[i] == '=' {
			a.name, s = s[:i], s[i+1:]
		}
		switch {
		case s == "":
		case s[0] == '"' || s[0] == '`':
			q := s[0]
			end := 1
			for end < len(s) && s[end] != q {
				if s[end] == '\\' && q == '"' {
					end++
				}
				end++
			}
			a.value = strings.ReplaceAll(s[1:min(end, len(s))], `\"`, `"`)
			s = s[min(end+1, len(s)):]
		default:
			end := strings.IndexAny(s, " \t\n")
			if end < 0 {
				end = len(s)
			}
			a.value, s = s[:end], s[end:]
		}
		out = append(out, a)
	}
	return out
}

// resolve finds the page a ref names, as Hugo does: relative to the page,
// then to content/, with or without its extension, or by a unique file
// name; it returns the link from the page at rel, with its fragment.
func (h *hugo) resolve(rel, ref string) string {
	ref, frag, _ := strings.Cut(ref, "#")
	if frag != "" {
		frag = "#" + frag
	}
	if ref == "" {
		return frag
	}
	var candidates []string
	for _, base := range []string{path.Dir(rel), "."} {
		p := path.Join(base, strings.TrimPrefix(ref, "/"))
		if strings.HasPrefix(ref, "/") {
			p = path.Clean(strings.TrimPrefix(ref, "/"))
		}
		candidates = append(candidates, p, p+".md", p+".markdown", p+"/_index.md", p+"/index.md")
	}
	for _, c := range candidates {
		if h.content[c] && isMarkdown(c) {
			return relLink(rel, c) + frag
		}
	}
	var found []string
	for c := range h.content {
		stem := strings.TrimSuffix(path.Base(c), path.Ext(c))
		if isMarkdown(c) && (path.Base(c) == ref || stem == ref) {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return relLink(rel, found[0]) + frag
	}
	return ""
}

// figure maps Hugo's figure to Folio's, which needs alt text.
func (h *hugo) figure(f string, line int, args []scArg) string {
	named := map[string]string{}
	for _, a := range args {
		if a.name == "" {
			continue
		}
		switch a.name {
		case "src", "alt", "caption", "link", "title":
			named[a.name] = a.value
		default:
			h.res.note(f, line, "figure %s dropped", a.name)
		}
	}
	if named["caption"] == "" {
		named["caption"] = named["title"]
	}
	alt := named["alt"]
	if alt == "" {
		alt = named["caption"]
	}
	if alt == "" {
		alt = path.Base(named["src"])
		h.res.note(f, line, "figure has no alt text: its file name stands in; write one")
	}
	out := "{{< figure src=" + quoteArg(named["src"]) + " alt=" + quoteArg(alt)
	if c := named["caption"]; c != "" {
		out += " caption=" + quoteArg(c)
	}
	if l := named["link"]; l != "" {
		out += " link=" + quoteArg(l)
	}
	return out + " >}}"
}
