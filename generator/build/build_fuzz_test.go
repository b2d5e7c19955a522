package build

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/history"
	"folio/generator/output"
	"folio/themes"
)

// fuzzSite is a site around one fuzzed page: a home page, a page to link
// to and a snippet to include, with the default theme.
func fuzzSite(page []byte) fstest.MapFS {
	return fstest.MapFS{
		config.ConfigFile:           {Data: []byte("title = \"Fuzz\"\nbaseURL = \"https://example.org/\"\n")},
		"content/_index.md":         {Data: []byte("---\ntitle: Home\n---\nHome.\n")},
		"content/docs/other.md":     {Data: []byte("---\ntitle: Other\n---\n## Part\n")},
		"content/_snippets/s.md":    {Data: []byte("A *snippet*.\n")},
		"content/docs/fuzz.md":      {Data: page},
		"static/img/picture.png":    {Data: []byte("png")},
		"layouts/shortcodes/x.html": {Data: []byte("<b>{{ .Get 0 }}</b>")},
	}
}

// checkLocated fails unless err is nil or a list of input errors, each
// naming a file of the site or theme and a line that exists in it.
func checkLocated(t *testing.T, err error, siteFS fstest.MapFS) {
	t.Helper()
	if err == nil {
		return
	}
	list, ok := generator.AsErrorList(err)
	if !ok {
		t.Fatalf("Build() = %v (%T), want an error with a file and line", err, err)
	}
	if len(list) == 0 {
		t.Fatal("Build() returned an empty error list")
	}
	for _, e := range list {
		if e.File == "" || e.Line < 0 || e.Msg == "" {
			t.Fatalf("error without file, line or message: %#v", e)
		}
		f, ok := siteFS[e.File]
		if !ok {
			// Template errors name the theme's file, or "layouts" for
			// the theme as a whole.
			if e.File != "layouts" && !strings.HasPrefix(e.File, "layouts/") && !strings.HasPrefix(e.File, "themes/") {
				t.Fatalf("error names %q, not a file of the site: %v", e.File, e)
			}
			continue
		}
		if lines := bytes.Count(f.Data, []byte("\n")) + 1; e.Line > lines {
			t.Fatalf("error at line %d of %s, which has %d lines: %v", e.Line, e.File, lines, e)
		}
	}
}

// FuzzBuildPage builds a site whose one page is the fuzz input, front
// matter and markdown together: the build must never panic, and every
// failure must be an input error that names a file and a line in it.
func FuzzBuildPage(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: A\ndate: 2024-03-01\nweight: 3\naliases: [/old/]\n---\n# A\n\nText [link](other.md#part).\n",
		"+++\ntitle = \"T\"\ndraft = false\nlastmod = 2024-03-01T10:00:00Z\n+++\n## H {#id}\n| a | b |\n|:-|-:|\n| 1 | 2 |\n",
		"{\n\"title\": \"J\", \"sidebar\": false, \"layout\": \"page\"\n}\nBody\n",
		"---\ntitle: [unclosed\n---\n",
		"---\ntitle: no end\n",
		"---\ndate: 31/02/2024\nweight: heavy\nchangelog: 3\n---\n",
		"---\nchangelog:\n  - date: 2024-01-02\n    note: First\n  - note: no date\n  - date: yesterday\n    note: x\n---\n## Change log\n\n- January 5, 2024: Second\n- not an entry\n",
		"---\ntitle: T\nlayout: missing\n---\n",
		"- [ ] task\n- [x] done\n\n```go\nfunc main() {}\n```\n\n> quote\n\n[^1]\n\n[^1]: note\n",
		"{{< note >}}\n**x**\n{{< /note >}}\n{{< include \"_snippets/s.md\" >}}\n{{< x \"y\" >}}\n{{< figure src=\"/img/picture.png\" alt=\"p\" >}}\n",
		"{{< collected \"retention\" >}}\n[broken](/nowhere/)\n![img](missing.png)\n<script>alert(1)</script>\n",
		"\ufeff---\r\ntitle: CRLF\r\n---\r\nBody\r\n",
		"---\n---\n",
		"",
		// Front matter bombs: aliases that expand to millions of nodes,
		// and nesting deeper than a decoder's stack.
		"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
			"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
			"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\nx\n",
		"---\na: " + strings.Repeat("[", 20000) + "\n---\n",
		"+++\na = " + strings.Repeat("[", 20000) + "\n+++\n",
		"{\"a\":" + strings.Repeat("[", 20000) + "\n}\n",
	} {
		f.Add([]byte(seed))
	}
	theme := themes.DefaultFS()
	f.Fuzz(func(t *testing.T, page []byte) {
		siteFS := fuzzSite(page)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out := &output.MapOutput{}
		_, err := Build(ctx, Options{FS: siteFS, Theme: theme, Workers: 1}, out)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Build() took more than a minute on a %d-byte page", len(page))
		}
		checkLocated(t, err, siteFS)
		if err == nil && utf8.Valid(page) {
			if _, ok := out.Files["index.html"]; !ok {
				t.Fatal("Build() = nil but wrote no home page")
			}
		}
	})
}

// FuzzChangelog feeds the change-log parser from both ends: the fuzz
// input becomes the items of a page's "Change log" section and the note
// of a front matter entry. The build must never panic, locate every
// error, and list on /changelog/ every item it accepted.
func FuzzChangelog(f *testing.F) {
	for _, seed := range []string{
		"- October 19, 2017: Initial version\n- 2018-05-25: GDPR\n",
		"- 2 Jan 2020 10:00: a time: and a colon\n- Jan 2, 2006:\n- :x\n- 2020-13-45: bad\n",
		"1. March 3, 2020: ordered\n   - nested: 2021-01-01: inner\n",
		"- **May 1, 2021**: bold [link](/x/) `code`\n\n  Second paragraph.\n",
		"- 2024-02-29T25:00:00Z: leap\n- 0000-01-01: zero\n- 9999-12-31: far\n",
		"not a list\n",
		"- \"quoted\": 'note'\n- date: 2020-01-01\n",
	} {
		f.Add([]byte(seed))
	}
	theme := themes.DefaultFS()
	f.Fuzz(func(t *testing.T, items []byte) {
		if !utf8.Valid(items) {
			return
		}
		// A YAML-quoted note with the first item line, so front matter
		// entries see the fuzz input too.
		firstLine, _, _ := strings.Cut(string(items), "\n")
		note := strings.ReplaceAll(strings.ReplaceAll(firstLine, `\`, `\\`), `"`, `\"`)
		page := "---\ntitle: Policy\nchangelog:\n  - date: 2020-01-01\n    note: \"" + note + "\"\n---\nText.\n\n## Change log\n\n" + string(items)
		siteFS := fuzzSite([]byte(page))
		out := &output.MapOutput{}
		_, err := Build(context.Background(), Options{FS: siteFS, Theme: theme, Workers: 1}, out)
		checkLocated(t, err, siteFS)
		if err != nil {
			return
		}
		// When the input is a plain list, every item ParseChangeItem
		// accepts is on the site's change-log page.
		var texts []string
		for _, line := range strings.Split(strings.TrimSpace(string(items)), "\n") {
			text, ok := strings.CutPrefix(line, "- ")
			if !ok || strings.ContainsAny(text, "*_`[]<>&\\!#{}|~'\"\r\t") {
				return // not a plain list: markup changes the items' text
			}
			texts = append(texts, text)
		}
		log := string(out.Files["changelog/index.html"])
		for _, text := range texts {
			// A NUL is shown as U+FFFD, as CommonMark and html/template
			// both have it.
			if _, n, err := history.ParseChangeItem(strings.TrimSpace(text), time.UTC); err == nil && !strings.Contains(log, strings.ReplaceAll(firstWord(n), "\x00", "\uFFFD")) {
				t.Fatalf("item %q accepted but %q is not on /changelog/", text, firstWord(n))
			}
		}
	})
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
