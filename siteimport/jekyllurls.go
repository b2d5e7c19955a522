package siteimport

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// A Jekyll site's old URLs keep working after an import: each page gets
// the URL Jekyll served it at as an alias (a redirect page), and links to
// those URLs, /docs/x.html and the like, become links to the pages' new
// files, which the build checks.

// permalinkStyles are Jekyll's named permalink styles, as templates for
// posts.
var permalinkStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// postTemplate is the site's permalink template for posts.
func (j *jekyll) postTemplate() string {
	v, _ := get(j.config, "permalink")
	s, _ := v.(string)
	s = strings.TrimSpace(s)
	if s == "" {
		s = "date"
	}
	if t, ok := permalinkStyles[s]; ok {
		return t
	}
	return s
}

// pageTemplate is the template of a page that is not a post, as Jekyll
// derives it from the site's permalink style: pretty URLs end in /, the
// others in .html.
func (j *jekyll) pageTemplate() string {
	if strings.HasSuffix(j.postTemplate(), "/") {
		return "/:path/:basename/"
	}
	return "/:path/:basename:output_ext"
}

// postDir is the folder holding a _posts or _drafts folder in f, and
// which of the two, or ok false when f is no post.
func postDir(f string) (dir, kind string, ok bool) {
	parts := strings.Split(f, "/")
	for i, p := range parts[:len(parts)-1] {
		if p == "_posts" || p == "_drafts" {
			return strings.Join(parts[:i], "/"), p, true
		}
	}
	return "", "", false
}

// oldURL is the URL Jekyll published page f at, or "" when it published
// none (drafts, published: false) or the URL cannot be told.
func (j *jekyll) oldURL(f string, fm mapSlice) (string, error) {
	if v, ok := get(fm, "published"); ok && v == false {
		return "", nil
	}
	dir, kind, post := postDir(f)
	if kind == "_drafts" {
		return "", nil
	}
	stem := strings.TrimSuffix(path.Base(f), path.Ext(f))
	vars := map[string]string{"output_ext": ".html", "basename": stem, "path": path.Dir(f)}
	if vars["path"] == "." {
		vars["path"] = ""
	}
	template := j.pageTemplate()
	if stem == "index" {
		template = "/:path/"
	}
	if post {
		template = j.postTemplate()
		date, title := "", stem
		if m := postName.FindStringSubmatch(stem); m != nil {
			date, title = m[1], m[2]
		}
		if v, ok := get(fm, "date"); ok {
			if s := fmt.Sprint(v); len(s) >= 10 {
				date = s[:10]
			}
		}
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			return "", fmt.Errorf("no date in its name or front matter")
		}
		if s, ok := get(fm, "slug"); ok {
			title = fmt.Sprint(s)
		}
		_, week := t.ISOWeek()
		vars["year"] = t.Format("2006")
		vars["short_year"] = t.Format("06")
		vars["month"] = t.Format("01")
		vars["i_month"] = strconv.Itoa(int(t.Month()))
		vars["short_month"] = t.Format("Jan")
		vars["long_month"] = t.Format("January")
		vars["day"] = t.Format("02")
		vars["i_day"] = strconv.Itoa(t.Day())
		vars["y_day"] = fmt.Sprintf("%03d", t.YearDay())
		vars["week"] = fmt.Sprintf("%02d", week)
		vars["short_day"] = t.Format("Mon")
		vars["long_day"] = t.Format("Monday")
		vars["title"] = title
		vars["slug"] = title
		vars["name"] = title
		vars["categories"] = strings.Join(categories(dir, fm), "/")
	}
	if v, ok := get(fm, "permalink"); ok {
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("permalink %v is not a path", v)
		}
		template = strings.TrimSpace(s)
	}
	return expandPermalink(template, vars)
}

// categories are a post's categories as Jekyll puts them in its URL: the
// folders above _posts/, then those of its front matter, lower-cased.
func categories(dir string, fm mapSlice) []string {
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		c = strings.ToLower(strings.TrimSpace(c))
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if dir != "" {
		for _, d := range strings.Split(dir, "/") {
			add(d)
		}
	}
	for _, key := range []string{"category", "categories"} {
		switch v := valueOf(fm, key).(type) {
		case string:
			for _, c := range strings.Fields(v) {
				add(c)
			}
		case []any:
			for _, c := range v {
				add(fmt.Sprint(c))
			}
		}
	}
	return out
}

func valueOf(fm mapSlice, key string) any {
	v, _ := get(fm, key)
	return v
}

// expandPermalink fills a permalink template's placeholders, longest
// name first so :short_year is not read as :short and year. An empty
// one takes its slash with it, as in Jekyll.
func expandPermalink(template string, vars map[string]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(template); {
		if template[i] != ':' {
			b.WriteByte(template[i])
			i++
			continue
		}
		end := i + 1
		for end < len(template) && (template[end] == '_' || template[end] >= 'a' && template[end] <= 'z') {
			end++
		}
		name := template[i+1 : end]
		v, ok := "", false
		for n := len(name); n > 0; n-- {
			if v, ok = vars[name[:n]]; ok {
				end = i + 1 + n
				break
			}
		}
		if !ok {
			return "", fmt.Errorf("permalink %s: placeholder :%s not known", template, name)
		}
		if v == "" && strings.HasSuffix(b.String(), "/") && end < len(template) && template[end] == '/' {
			end++ // "/:categories/" with no categories is "/"
		}
		b.WriteString(v)
		i = end
	}
	u := path.Clean("/" + b.String())
	if strings.HasSuffix(b.String(), "/") && u != "/" {
		u += "/"
	}
	return u, nil
}

// newURL is the URL a Folio build gives the page written to content/to
// with front matter fm.
func newURL(to string, fm mapSlice) string {
	if u, ok := valueOf(fm, "url").(string); ok && u != "" {
		return cleanURL(u)
	}
	stem := strings.TrimSuffix(to, path.Ext(to))
	dir, base := path.Split(stem)
	if base == "index" || base == "_index" {
		return cleanURL(dir)
	}
	if s, ok := valueOf(fm, "slug").(string); ok && s != "" {
		base = s
	}
	return cleanURL(dir + base)
}

// cleanURL is a URL path as a Folio build compares them: a leading
// slash, and a trailing one unless it names a file.
func cleanURL(u string) string {
	u = path.Clean("/" + u)
	if u != "/" && path.Ext(u) == "" {
		u += "/"
	}
	return u
}

// folioURLFor is the URL a page keeps when its permalink named a file,
// /install.html: the same address as a folder, /install/.
func folioURLFor(permalink string) string {
	return cleanURL(strings.TrimSuffix(permalink, ".html"))
}

// urlKeys are the forms in which a link may name the page Jekyll served
// at u: /x.html also as /x, and /x/ also as /x/index.html and /x.
func urlKeys(u string) []string {
	keys := []string{u}
	switch {
	case strings.HasSuffix(u, ".html"):
		keys = append(keys, strings.TrimSuffix(u, ".html"))
	case strings.HasSuffix(u, "/"):
		keys = append(keys, u+"index.html")
		if u != "/" {
			keys = append(keys, strings.TrimSuffix(u, "/"))
		}
	}
	return keys
}

// pageURLs are a page's URLs before and after an import.
type pageURLs struct {
	old string // where Jekyll published it, or ""
	url string // the url its front matter sets in Folio, or "" for the one its path gives
	new string // where Folio publishes it
	err error  // why old is "", when it should not be
}

// planURLs works out every page's old and new URL, so that each page
// can keep its old one as an alias and links to old URLs (and to its
// redirect_from ones) can be followed.
func (j *jekyll) planURLs() {
	j.urls = map[string]pageURLs{}
	j.byOld = map[string]string{}
	j.taken = map[string]string{}
	for f, to := range j.dst {
		data, err := readFile(j.src, f)
		if err != nil {
			continue
		}
		text, _, _, _ := splitFrontMatter(data)
		fm, err := readYAML(text)
		if err != nil {
			continue // noted when the page is converted
		}
		var u pageURLs
		u.old, u.err = j.oldURL(f, fm)
		if p, ok := valueOf(fm, "permalink").(string); ok && u.old != "" {
			switch ext := path.Ext(u.old); {
			case u.old == "/404.html":
				u.url = u.old // the page servers answer a missing URL with
			case strings.HasSuffix(u.old, "/"):
				u.url = u.old
			case ext == ".html" || ext == "":
				u.url = folioURLFor(u.old)
			default:
				u.err = fmt.Errorf("permalink %s names a %s file, which a page cannot be", p, ext)
			}
		}
		if u.url != "" {
			u.new = u.url
		} else {
			u.new = newURL(to, fm)
		}
		j.urls[f] = u
		j.taken[u.new] = f
		olds := []string{u.old}
		switch r := valueOf(fm, "redirect_from").(type) {
		case string:
			olds = append(olds, r)
		case []any:
			for _, a := range r {
				olds = append(olds, fmt.Sprint(a))
			}
		}
		for _, old := range olds {
			if old == "" {
				continue
			}
			for _, k := range urlKeys(old) {
				if other, ok := j.byOld[k]; !ok || other > f {
					j.byOld[k] = f
				}
			}
		}
	}
}

// oldAlias is the alias that keeps page f's old URL working, or "" when
// its new URL is the same or another page now lives there.
func (j *jekyll) oldAlias(f string) string {
	u := j.urls[f]
	if u.old == "" {
		return ""
	}
	old := cleanURL(u.old)
	if old == u.new {
		return ""
	}
	if other, ok := j.taken[old]; ok && other != f {
		return ""
	}
	if strings.HasSuffix(u.old, "/") || path.Ext(u.old) != "" {
		return old
	}
	// /about, which Jekyll wrote as about.html: the file is the alias,
	// and a server answers /about with the folder /about/.
	return old[:len(old)-1] + ".html"
}

// oldTarget is the page a link to an old URL leads to: target is the
// link as written, with no fragment, in page from; site-relative links
// may carry the site's baseurl.
func (j *jekyll) oldTarget(from, target string) (string, bool) {
	var u string
	switch {
	case strings.HasPrefix(target, "//") || strings.Contains(target, ":"):
		return "", false
	case strings.HasPrefix(target, "/"):
		u = target
		if base := "/" + strings.Trim(j.baseurl(), "/"); base != "/" && (u == base || strings.HasPrefix(u, base+"/")) {
			u = strings.TrimPrefix(u, base)
		}
	default:
		dir := "/"
		if old := j.urls[from].old; old != "" {
			dir = old[:strings.LastIndex(old, "/")+1]
		}
		u = path.Join(dir, target)
		if strings.HasSuffix(target, "/") && u != "/" {
			u += "/"
		}
	}
	if u == "" {
		u = "/"
	}
	f, ok := j.byOld[u]
	return f, ok
}

func (j *jekyll) baseurl() string {
	s, _ := valueOf(j.config, "baseurl").(string)
	return strings.TrimSpace(s)
}
