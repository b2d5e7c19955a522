package markdown

import (
	"bufio"
	"bytes"
	"html/template"
	"strings"
	"testing"

	"folio/generator"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// TestWriteTokensMatchesChroma holds writeTokens to chroma's own HTML
// formatter with classes, on code in several languages with the
// characters HTML escapes and lines that split tokens.
func TestWriteTokensMatchesChroma(t *testing.T) {
	snippets := map[string]string{
		"go":         "package main\n\nimport \"fmt\"\n\n// Say <hi> & 'bye'.\nfunc main() {\n\tfmt.Println(\"a < b && c > \\\"d\\\"\", `raw\nstring`)\n}\n",
		"yaml":       "integration:\n  name: \"x & y\"\n  token: !secret token\n  list: [a, 'b']\n# comment <here>\n",
		"bash":       "#!/bin/sh\nif [ \"$1\" != '' ]; then\n  echo \"<$1>\" && exit 1\nfi\ncat <<EOF\nheredoc & more\nEOF\n",
		"json":       "{\"a\": [1, 2.5, true, null], \"b\": \"<&>\\u00e9\"}\n",
		"html":       "<!doctype html>\n<p class=\"x\">a &amp; b</p>\n<script>if (a < b) alert('x')</script>\n",
		"python":     "def f(x):\n    \"\"\"Doc 'string'.\"\"\"\n    return x < 3 and x > 1  # é\n",
		"javascript": "const s = `a ${b} <c>`;\n/* multi\nline */ x => x && y;\n",
		"toml":       "title = \"Folio\"\n[build]\nkeep = ['.git', \"CNAME\"]\n",
		"diff":       "--- a\n+++ b\n@@ -1 +1 @@\n-old <x>\n+new & y\n",
		"css":        "a:hover > b::after { content: \"\\201C\"; color: #fff; }\n",
	}
	tokens := map[string][]chroma.Token{}
	for lang, code := range snippets {
		lx := lexerFor(lang)
		if lx == nil {
			t.Fatalf("no lexer for %s", lang)
		}
		it, err := lx.Tokenise(nil, code)
		if err != nil {
			t.Fatal(err)
		}
		tokens[lang] = it.Tokens()
	}
	// Lexers seldom make empty tokens or tokens of newlines alone; the
	// formatter drops an empty token alone on the last line only.
	k, s, c := chroma.Keyword, chroma.LiteralString, chroma.Comment
	tokens["empty tokens"] = []chroma.Token{{Type: k, Value: ""}, {Type: s, Value: "a\n\nb"}, {Type: c, Value: ""}, {Type: k, Value: "\n"}, {Type: c, Value: ""}, {Type: s, Value: "x"}, {Type: k, Value: "y\n"}, {Type: c, Value: ""}}
	tokens["newlines only"] = []chroma.Token{{Type: s, Value: "\n\n"}, {Type: c, Value: ""}, {Type: k, Value: ""}}
	tokens["one empty token"] = []chroma.Token{{Type: k, Value: ""}}
	tokens["no tokens"] = nil
	ref := chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))
	for name, list := range tokens {
		var want bytes.Buffer
		if err := ref.Format(&want, styles.Fallback, chroma.Literator(list...)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		writeTokens(w, chroma.Literator(list...))
		w.Flush()
		if got.String() != want.String() {
			t.Errorf("%s:\n got %q\nwant %q", name, got.String(), want.String())
		}
	}
}

// TestTableOfContentsMatchesTemplate holds Page.TableOfContents to the
// HTML the same list makes through html/template, escaping included.
func TestTableOfContentsMatchesTemplate(t *testing.T) {
	tmpl := template.Must(template.New("toc").Parse(`{{ define "list" }}<ul>{{ range . }}<li><a href="#{{ .ID }}">{{ .Text }}</a>{{ with .Children }}{{ template "list" . }}{{ end }}</li>{{ end }}</ul>{{ end }}{{ template "list" . }}`))
	toc := []*generator.Heading{
		{Level: 2, ID: "café-crème", Text: "Café & crème", Children: []*generator.Heading{
			{Level: 3, ID: "a-b", Text: `<a> "quoted" 'single'`},
			{Level: 3, ID: "100%-sure?", Text: "100% sure?"},
		}},
		{Level: 2, ID: "日本語", Text: "日本語"},
		{Level: 2, ID: "x\x00y", Text: "nul\x00byte"},
	}
	var want strings.Builder
	if err := tmpl.Execute(&want, toc); err != nil {
		t.Fatal(err)
	}
	p := &generator.Page{TOC: toc}
	if got := string(p.TableOfContents()); got != want.String() {
		t.Errorf("TableOfContents:\n got %s\nwant %s", got, want.String())
	}
	for _, short := range [][]*generator.Heading{nil, toc[1:2]} {
		if got := (&generator.Page{TOC: short}).TableOfContents(); got != "" {
			t.Errorf("TableOfContents of %d heading(s) = %q, want none", len(short), got)
		}
	}
	if got := (&generator.Page{TOC: toc[:1]}).TableOfContents(); got == "" {
		t.Error("one heading with subheadings has no table of contents")
	}
}
