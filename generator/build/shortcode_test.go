package build

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"folio/generator/markdown"
	"folio/generator/output"
	"folio/themes"

	"golang.org/x/tools/txtar"
)

// buildWithDefaultTheme builds a txtar site with the default theme, whose
// shortcodes are the built-in ones.
func buildWithDefaultTheme(t testing.TB, site string) (*output.MapOutput, error) {
	t.Helper()
	out, _, err := buildSite(t, site, Options{Theme: themes.DefaultFS(), NoMinify: true})
	return out, err
}

// pagesOnly keeps the pages of a build: the golden file is about content,
// not about the theme's assets.
func pagesOnly(out *output.MapOutput, names ...string) *output.MapOutput {
	kept := &output.MapOutput{Files: map[string][]byte{}}
	for _, n := range names {
		if data, ok := out.Files[n]; ok {
			kept.Files[n] = data
		}
	}
	return kept
}

func TestShortcodesGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/shortcodes.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, err := buildWithDefaultTheme(t, string(data))
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	var names []string
	for _, f := range txtar.Parse(data).Files {
		if rest, ok := strings.CutPrefix(f.Name, "content/"); ok && !strings.HasPrefix(rest, "_") && strings.HasSuffix(rest, ".md") {
			names = append(names, strings.TrimSuffix(rest, ".md")+"/index.html")
		}
	}
	sort.Strings(names)
	golden(t, "shortcodes.golden", archive(pagesOnly(out, names...)))
	for name := range out.Files {
		if strings.Contains(name, "_snippets") {
			t.Errorf("snippet written as %s", name)
		}
	}
}

// TestShortcodeErrors checks that every mistake with a shortcode or an
// include fails the build with the file and line the editor wrote it on,
// and the page that included it.
func TestShortcodeErrors(t *testing.T) {
	tests := []struct {
		name string
		site string
		want string // the whole error text
	}{
		{"unknown shortcode", `
-- content/a.md --
Text.

{{< nope >}}
`, `content/a.md:3: unknown shortcode "nope"`},
		{"unknown shortcode in an include", `
-- content/docs/x.md --
---
title: X
---
One.

Two.

Three.

Four.

{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
Snippet.

{{< nope >}}
`, `content/_snippets/a.md:3 (included from content/docs/x.md:12): unknown shortcode "nope"`},
		{"unknown inline shortcode with a closing tag", `
-- content/a.md --
A {{< nope >}}b{{< /nope >}}.
`, `content/a.md:1: unknown shortcode "nope"`},
		{"unclosed block", `
-- content/a.md --
Text.
{{< note >}}
Never closed.
`, `content/a.md:2: unclosed shortcode "note": no {{< /note >}} line at the same indentation`},
		{"closing tag outside the list item", `
-- content/a.md --
- item

  {{< note >}}
  text
{{< /note >}}
`, "content/a.md:3: unclosed shortcode \"note\": no {{< /note >}} line at the same indentation\ncontent/a.md:5: {{< /note >}} has no opening {{< note >}}"},
		{"unclosed inline", `
-- content/a.md --
Some {{< tip >}}text
`, `content/a.md:1: unclosed shortcode "tip": no {{< /tip >}} in the same paragraph`},
		{"closing tag without opening", `
-- content/a.md --
Text.

{{< /note >}}
`, `content/a.md:3: {{< /note >}} has no opening {{< note >}}`},
		{"closing tag of the wrong shortcode", `
-- content/a.md --
{{< note >}}
{{< tip >}}
Text.
{{< /note >}}
{{< /tip >}}
`, "content/a.md:4: {{< /note >}} where {{< /tip >}} (line 2) was expected\ncontent/a.md:5: {{< /tip >}} where {{< /note >}} (line 1) was expected"},
		{"closing tag of a shortcode without content", `
-- content/a.md --
{{< figure src="a.png" alt="" >}}
{{< /figure >}}
-- content/a.png --
PNG
`, `content/a.md:2: {{< /figure >}}: figure takes no content, so it has no closing tag`},
		{"unterminated quote", `
-- content/a.md --
{{< note title="open >}}
`, `content/a.md:1: shortcode "note": no closing " after a quoted argument`},
		{"no end of tag", `
-- content/a.md --
{{< note title="x"
`, `content/a.md:1: shortcode "note": no >}} ends the tag on its line`},
		{"argument given twice", `
-- content/a.md --
{{< note title="a" title="b" >}}x{{< /note >}}
`, `content/a.md:1: shortcode "note": argument "title" given twice`},
		{"misspelt argument", `
-- content/a.md --
{{< figure src="a.png" alt="A" captoin="C" >}}
-- content/a.png --
PNG
`, `content/a.md:1: shortcode "figure": unknown argument "captoin" (it takes alt, caption, link, src, width)`},
		{"positional argument to a shortcode that takes none", `
-- content/a.md --
{{< note "Title" >}}
x
{{< /note >}}
`, `content/a.md:1: shortcode "note": takes no positional arguments, got "Title"`},
		{"missing required argument", `
-- content/a.md --
Para.

{{< figure src="a.png" >}}
-- content/a.png --
PNG
`, `content/a.md:3: shortcode "figure": missing argument "alt"`},
		{"tag without a name", `
-- content/a.md --
{{< >}}
`, `content/a.md:1: a shortcode tag needs a name: {{< name >}}`},
		{"unended escape", `
-- content/a.md --
Show {{</* note >}} here.
`, `content/a.md:1: no */>}} ends the escaped shortcode {{</* on its line`},
		{"missing include", `
-- content/a.md --
---
title: A
---
{{< include "_snippets/nope.md" >}}
`, `content/a.md:4: include "_snippets/nope.md": no such file in content/`},
		{"include outside content", `
-- content/a.md --
{{< include "../folio.toml" >}}
-- folio.toml --
title = "x"
`, `content/a.md:1: include "../folio.toml": not a file under content/`},
		{"include without a path", `
-- content/a.md --
{{< include >}}
`, `content/a.md:1: include takes one argument, the path of a file under content/: {{< include "_snippets/x.md" >}}`},
		{"include inside a paragraph", `
-- content/a.md --
See {{< include "_snippets/a.md" >}} here.
-- content/_snippets/a.md --
A.
`, `content/a.md:1: include must stand on a line of its own`},
		{"include cycle", `
-- content/x.md --
{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
A.

{{< include "_snippets/b.md" >}}
-- content/_snippets/b.md --
{{< include "_snippets/a.md" >}}
`, `content/_snippets/b.md:1 (included from content/_snippets/a.md:3, content/x.md:1): include cycle: content/_snippets/a.md -> content/_snippets/b.md -> content/_snippets/a.md`},
		{"page that includes itself", `
-- content/x.md --
Text.
{{< include "x.md" >}}
`, `content/x.md:2: include cycle: content/x.md -> content/x.md`},
		{"broken front matter in an include", `
-- content/x.md --
{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
---
title: never closed
`, `content/_snippets/a.md:1 (included from content/x.md:1): front matter: no closing --- line`},
		{"broken link in an include", `
-- content/x.md --
---
title: X
---
{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
---
title: lines count from the top of the file
---
See [the guide](../guide.md).
`, `content/_snippets/a.md:4 (included from content/x.md:4): broken link ../guide.md: no such file in content/`},
		{"broken fragment in an include", `
-- content/x.md --
## Real

{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
[up](#real) and [gone](#gone)
`, `content/_snippets/a.md:1 (included from content/x.md:3): broken link #gone: content/x.md has no heading #gone`},
		{"broken link inside a shortcode", `
-- content/x.md --
{{< note >}}
Text.

[x](missing.md)
{{< /note >}}
`, `content/x.md:4: broken link missing.md: no such file in content/`},
		{"broken figure source", `
-- content/x.md --
{{< figure src="img/none.png" alt="None" >}}
`, `content/x.md:1: broken link img/none.png: no page or file at /img/none.png`},
		{"template fails", `
-- layouts/shortcodes/bad.html --
{{ .Page.Nope }}
-- content/x.md --
{{< bad >}}
`, `content/x.md:1: shortcode "bad": layouts/shortcodes/bad.html:1: executing "shortcodes/bad.html" at <.Page.Nope>: can't evaluate field Nope in type *generator.Page`},
		{"template does not parse", `
-- layouts/shortcodes/bad.html --
{{ if .Inner }}
-- content/x.md --
X.
`, `layouts/shortcodes/bad.html:2: unexpected EOF`},
		{"a template for include", `
-- layouts/shortcodes/include.html --
{{ .Inner }}
-- content/x.md --
X.
`, `layouts/shortcodes/include.html: include is built in: a template cannot replace it`},
		{"a shortcode as a page layout", `
-- content/x.md --
---
layout: shortcodes/note
---
X.
`, `content/x.md:2: front matter: layout "shortcodes/note": want the name of a layout, such as page`},
		{"errors of a snippet for each page that includes it", `
-- content/x.md --
{{< include "_snippets/a.md" >}}
-- content/y.md --
Y.

{{< include "_snippets/a.md" >}}
-- content/_snippets/a.md --
{{< nope >}}
`, "content/_snippets/a.md:1 (included from content/x.md:1): unknown shortcode \"nope\"\ncontent/_snippets/a.md:1 (included from content/y.md:3): unknown shortcode \"nope\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildWithDefaultTheme(t, tt.site)
			if err == nil {
				t.Fatalf("Build() succeeded, want error %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Build() error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestSiteShortcodes(t *testing.T) {
	site := `
-- layouts/base.html --
{{ .Content }}
-- layouts/shortcodes/note.html --
<div class="my-note">{{ .Inner }}</div>
-- layouts/shortcodes/args.html --
{{- /* Reads its arguments through .Params and .Positional, so any are accepted. */ -}}
<dl>{{ range $k, $v := .Params }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl><ol>{{ range .Positional }}<li>{{ . }}</li>{{ end }}</ol>[{{ .Get 7 }}]
-- layouts/shortcodes/sub/hidden.html --
not a shortcode
-- content/a.md --
{{< note >}}
Mine.
{{< /note >}}

{{< args one "two words" b=2 a=1 >}}
`
	out, err := buildWithDefaultTheme(t, site)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out.Files["a/index.html"])
	want := "<div class=\"my-note\"><p>Mine.</p>\n</div>\n<dl><dt>a</dt><dd>1</dd><dt>b</dt><dd>2</dd></dl><ol><li>one</li><li>two words</li></ol>[]\n\n"
	if got != want {
		t.Errorf("a/index.html =\n%q\nwant\n%q", got, want)
	}
	if _, err := buildWithDefaultTheme(t, site+"\n{{< sub/hidden >}}\n"); err == nil || !strings.Contains(err.Error(), "want a space before \"/\"") {
		t.Errorf("a template in a subfolder of shortcodes/ could be called: %v", err)
	}
}

func TestIncludeHeadingsAndLinks(t *testing.T) {
	site := `
-- layouts/base.html --
toc:{{ range .TOC }} {{ .ID }}{{ end }}
{{ .Content }}
-- content/docs/x.md --
## Setup

{{< include "docs/_parts/setup.md" >}}

[to the snippet's heading](#setup-1)
-- content/docs/_parts/setup.md --
## Setup

A [sibling](../other.md), an [image](img/a.png) and [up](#setup).
-- content/docs/other.md --
Other.
-- content/docs/_parts/img/a.png --
PNG
`
	out, err := buildWithDefaultTheme(t, strings.Replace(site, "img/a.png", "../../img/a.png", 1)+"-- content/img/a.png --\nPNG\n")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out.Files["docs/x/index.html"])
	for _, want := range []string{
		"toc: setup setup-1\n",
		`<h2 id="setup-1">`,
		`<a href="/docs/other/">sibling</a>`,
		`<a href="/img/a.png">image</a>`,
		`<a href="#setup">up</a>`,
		`<a href="#setup-1">to the snippet&rsquo;s heading</a>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("docs/x/index.html lacks %q:\n%s", want, got)
		}
	}
	// A link relative to the page instead of to the snippet is broken:
	// the editor's preview on a code host would show it broken too.
	_, err = buildWithDefaultTheme(t, site)
	want := "content/docs/_parts/setup.md:3 (included from content/docs/x.md:3): broken link img/a.png: no page or file at /docs/_parts/img/a.png"
	if err == nil || err.Error() != want {
		t.Errorf("Build() error = %v, want %q", err, want)
	}
}

func TestIncludeLimits(t *testing.T) {
	var deep strings.Builder
	deep.WriteString("-- content/x.md --\n{{< include \"_s/1.md\" >}}\n")
	for i := 1; i <= markdown.MaxIncludeDepth+1; i++ {
		fmt.Fprintf(&deep, "-- content/_s/%d.md --\n{{< include \"_s/%d.md\" >}}\n", i, i+1)
	}
	fmt.Fprintf(&deep, "-- content/_s/%d.md --\nbottom\n", markdown.MaxIncludeDepth+2)
	_, err := buildWithDefaultTheme(t, deep.String())
	wantEnd := fmt.Sprintf(`: include "_s/%d.md": includes nested more than %d deep`, markdown.MaxIncludeDepth+1, markdown.MaxIncludeDepth)
	if err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("content/_s/%d.md:1 (included from content/_s/%d.md:1, ", markdown.MaxIncludeDepth, markdown.MaxIncludeDepth-1)) ||
		!strings.HasSuffix(err.Error(), wantEnd) || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("Build() error = %v, want one error ending %q", err, wantEnd)
	}

	many := "-- content/x.md --\n" + strings.Repeat("{{< include \"_s/a.md\" >}}\n", markdown.MaxIncludes+5) + "-- content/_s/a.md --\nA.\n"
	_, err = buildWithDefaultTheme(t, many)
	want := fmt.Sprintf(`content/x.md:%d: include "_s/a.md": a page may include at most %d files and %d bytes`, markdown.MaxIncludes+1, markdown.MaxIncludes, markdown.MaxIncludeBytes)
	if err == nil || err.Error() != want {
		t.Errorf("Build() error = %v, want only %q", err, want)
	}
}

func TestBrokenLinkInIncludeWarns(t *testing.T) {
	site := `
-- folio.toml --
title = "x"
baseURL = "https://example.org/"
[build]
brokenLinks = "warn"
-- content/a.md --
{{< include "_s/a.md" >}}
-- content/_s/a.md --
[x](/missing/)
`
	_, res, err := buildSite(t, site, Options{Theme: themes.DefaultFS()})
	if err != nil {
		t.Fatalf("Build() = %v, want success with a warning", err)
	}
	want := "content/_s/a.md:1 (included from content/a.md:1): broken link /missing/: no page or file at /missing/"
	if len(res.Warnings) != 1 || res.Warnings[0] != want {
		t.Errorf("Warnings = %q, want [%q]", res.Warnings, want)
	}
}

// TestShortcodesNestedTooDeep: shortcode blocks nest at most
// MaxShortcodeDepth deep, reported once, so that a page of thousands of
// unclosed tags parses in linear time.
func TestShortcodesNestedTooDeep(t *testing.T) {
	var site strings.Builder
	site.WriteString("-- content/a.md --\n")
	for range markdown.MaxShortcodeDepth + 2 {
		site.WriteString("{{< note >}}\n")
	}
	site.WriteString("Deep.\n")
	for range markdown.MaxShortcodeDepth + 2 {
		site.WriteString("{{< /note >}}\n")
	}
	_, err := buildWithDefaultTheme(t, site.String())
	want := fmt.Sprintf(`content/a.md:%d: shortcode "note": shortcodes nested more than %d deep`, markdown.MaxShortcodeDepth+1, markdown.MaxShortcodeDepth)
	if err == nil || !strings.HasPrefix(err.Error(), want+"\n") && err.Error() != want {
		t.Fatalf("Build() error =\n%v\nwant it to begin with\n%s", err, want)
	}
	if n := strings.Count(err.Error(), "nested more than"); n != 1 {
		t.Errorf("the depth is reported %d times, want once", n)
	}

	// Thousands of unclosed tags: one depth error, and an unclosed error
	// for each of the blocks that did open.
	site.Reset()
	site.WriteString("-- content/a.md --\n")
	for range 5000 {
		site.WriteString("{{< note >}}\n")
	}
	_, err = buildWithDefaultTheme(t, site.String())
	if err == nil {
		t.Fatal("5,000 unclosed shortcodes built")
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != markdown.MaxShortcodeDepth+1 {
		t.Errorf("%d errors for 5,000 unclosed shortcodes, want %d", got, markdown.MaxShortcodeDepth+1)
	}
}
