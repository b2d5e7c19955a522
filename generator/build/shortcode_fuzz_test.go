package build

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"folio/generator"
	"folio/generator/markdown"
	"folio/themes"
)

// FuzzShortcodes parses and renders any page body with the default
// theme's shortcodes, a site shortcode and snippets that include each
// other: it must never panic, and every error it reports must name a
// file of the site and a line in it.
func FuzzShortcodes(f *testing.F) {
	siteFS := txtarFS(f, []byte(`
-- layouts/shortcodes/badge.html --
<span>{{ .Get 0 }}{{ .Get "tone" }}</span>
-- layouts/shortcodes/box.html --
<div>{{ .Inner }}{{ .Page.Title }}</div>
-- content/_s/a.md --
## A
{{< include "_s/b.md" >}}
-- content/_s/b.md --
{{< note >}}
[b](../x.md) {{< badge "b" >}}
{{< /note >}}
-- content/_s/loop.md --
{{< include "_s/loop.md" >}}
-- content/x.md --
X
`))
	b, err := newBuilder(Options{FS: siteFS, Theme: themes.DefaultFS(), NoMinify: true})
	if err != nil {
		f.Fatal(err)
	}
	if err := b.load(); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"{{< note >}}\ntext\n{{< /note >}}\n",
		"{{< note title=\"t\" >}}One{{< /note >}}",
		"{{< note >}}\n{{< tip >}}\nx\n{{< /note >}}\n{{< /tip >}}\n",
		"- a\n  {{< details summary=x >}}\n  ## h\n  {{< /details >}}\n",
		"{{< include \"_s/a.md\" >}}\n{{< include \"_s/loop.md\" >}}\n{{< include \"../x\" >}}\n",
		"a {{< badge `x` tone=\"y\" >}} {{</* note */>}} \\{{< b >}} {{< box >}}*i*{{< /box >}}",
		"{{< figure src=\"x.md#a\" alt=\"\" caption=\"c\" link=\"//h\" >}}\n",
		"```\n{{< /note >}}\n```\n{{< note />}}\n{{< /note >}}\n{{<\n{{< x \"\\",
		"> {{< warning >}}\n> quoted\n{{< /warning >}}\n\n| a | {{< badge 1 >}} |\n|---|---|\n| {{< box >}}c{{< /box >}} | d |\n",
		"{{< note >}}\r\nCRLF\r\n{{< /note >}}\r\n[^1]\n\n[^1]: {{< badge f >}}\n",
	} {
		f.Add([]byte(seed))
	}
	files := map[string]bool{"content/fuzz.md": true, "content/_s/a.md": true, "content/_s/b.md": true, "content/_s/loop.md": true}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !utf8.Valid(src) || len(src) > 1<<16 {
			return // pages are checked for both before they are parsed
		}
		p := &generator.Page{File: "content/fuzz.md", Title: "Fuzz", Src: src, Path: "/fuzz/", Params: map[string]any{}}
		body := b.shortcodes.ParseBody(p)
		if !bytes.HasPrefix(body.Src, src) {
			t.Fatalf("the parsed source does not start with the page's body")
		}
		markdown.HeadingIDs(body.Doc, body.Src)
		markdown.ResolveLinks(p, body.Doc, b.resolveLink)
		var buf bytes.Buffer
		if err := b.md.Renderer().Render(&buf, body.Src, body.Doc); err != nil {
			t.Fatalf("Render() error: %v", err)
		}
		for _, e := range body.Errs {
			if !files[e.File] || e.Line < 1 {
				t.Errorf("error %q names no file and line of the site", e.Error())
			}
			if (e.File == "content/fuzz.md") != (e.Via == "") || (e.Via != "" && !strings.HasPrefix(e.Via, "included from content/")) {
				t.Errorf("error %q: wrong included-from part", e.Error())
			}
		}
	})
}
