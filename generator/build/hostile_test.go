package build

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"folio/generator/markdown"
	"folio/generator/output"
)

// page is a home page with front matter of three lines, so its body
// starts on line 4.
func page(body string) string {
	return "-- content/_index.md --\n---\ntitle: Home\n---\n" + body
}

// TestHostileMarkdownBounds checks that shapes of markdown whose cost in
// goldmark grows with the square of their size stop at a bound, with an
// error at the line that crossed it.
func TestHostileMarkdownBounds(t *testing.T) {
	lines := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, body, want string
	}{{
		name: "block quotes",
		body: "Text.\n\n" + strings.Repeat(">", 200) + " deep\n",
		want: "content/_index.md:6: blocks nested too deep",
	}, {
		name: "lists",
		body: strings.Repeat("- ", 100) + "deep\n",
		want: "content/_index.md:4: blocks nested too deep",
	}, {
		name: "block quotes in lists",
		body: strings.Repeat("- > ", 40) + "deep\n",
		want: "content/_index.md:4: blocks nested too deep",
	}, {
		name: "emphasis",
		body: strings.Repeat("*a ", 300) + "b" + strings.Repeat(" a*", 300) + "\n",
		want: "content/_index.md:4: text nested too deep",
	}, {
		name: "footnotes",
		body: "Text.\n\n" + lines(markdown.MaxFootnotes+1, func(i int) string { return fmt.Sprintf("[^%d]: note\n\n", i) }),
		want: fmt.Sprintf("content/_index.md:%d: too many footnotes", 4+2+2*markdown.MaxFootnotes),
	}, {
		name: "footnote references",
		body: "[^a]: note\n\n" + lines(markdown.MaxFootnoteRefs+1, func(i int) string { return "x[^a]\n\n" }),
		want: fmt.Sprintf("content/_index.md:%d: too many footnote references", 4+2+2*markdown.MaxFootnoteRefs),
	}, {
		name: "link reference definitions",
		body: lines(markdown.MaxLinkRefs+1, func(i int) string { return fmt.Sprintf("[r%d]: https://example.org/\n\n", i) }),
		want: fmt.Sprintf("content/_index.md:%d: too many link reference definitions: a page may have at most", 4+2*markdown.MaxLinkRefs),
	}, {
		name: "link reference definitions in one paragraph",
		body: "Text.\n\n" + lines(2100, func(i int) string { return fmt.Sprintf("[r%d]: https://example.org/\n", i) }),
		want: "content/_index.md:6: too many link reference definitions in one paragraph",
	}, {
		name: "links in one long paragraph",
		body: "Text.\n\n" + lines(2100, func(i int) string { return "[a] b\n" }),
		want: "content/_index.md:6: paragraph too long for its links",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := buildSite(t, page(tc.body), Options{NoMinify: true})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				got := fmt.Sprint(err)
				if len(got) > 300 {
					got = got[:300] + "..."
				}
				t.Errorf("Build() = %s, want %q", got, tc.want)
			}
			if err != nil && strings.Count(err.Error(), "\n") > 2 {
				t.Errorf("Build() reports a bound more than once:\n%.500s", err)
			}
		})
	}
}

// TestBoundsInIncludes checks that a page and the files it includes
// share one count.
func TestBoundsInIncludes(t *testing.T) {
	defs := func(from int) string {
		var b strings.Builder
		for i := range markdown.MaxFootnotes/2 + 1 {
			fmt.Fprintf(&b, "[^%d]: note\n\n", from+i)
		}
		return b.String()
	}
	site := page("{{< include \"_snippets/a.md\" >}}\n\n{{< include \"_snippets/b.md\" >}}\n") +
		"-- content/_snippets/a.md --\n" + defs(0) + "-- content/_snippets/b.md --\n" + defs(markdown.MaxFootnotes)
	_, _, err := buildSite(t, site, Options{NoMinify: true})
	if err == nil || !strings.Contains(err.Error(), "content/_snippets/b.md:") || !strings.Contains(err.Error(), "too many footnotes") {
		t.Errorf("Build() = %v, want too many footnotes in content/_snippets/b.md", err)
	}
}

// TestMinifyEntityBound checks that a page whose character references
// would cost the minifier the square of their number is written as it
// was rendered, and that ordinary pages are still minified.
func TestMinifyEntityBound(t *testing.T) {
	site := page("`"+strings.Repeat(`"&`, 20000)+"`\n") + "-- content/plain.md --\n# Plain\n\nTom &amp; \"Jerry\"\n"
	out, _, err := buildSite(t, site, Options{})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	if got := string(out.Files["index.html"]); !strings.Contains(got, strings.Repeat("&#34;&amp;", 100)) && !strings.Contains(got, strings.Repeat("&quot;&amp;", 100)) {
		t.Errorf("index.html was minified: %.300s", got)
	}
	// The minifier writes &amp; as & where that is unambiguous.
	if got := string(out.Files["plain/index.html"]); !strings.Contains(got, "<p>Tom & ") {
		t.Errorf("plain/index.html was not minified: %s", got)
	}
}

// hostileShapes are the shapes whose cost grew with the square of their
// size, each repeated to any size.
var hostileShapes = []struct{ name, unit, tail string }{
	{"blockquotes", ">", ""},
	{"lists", "- ", ""},
	{"emphasis", "*a ", ""},
	{"footnotes", "x[^1]\n\n[^1]: n\n\n", ""},
	{"linkrefs", "[r]: /u\n", ""},
	{"brackets", "[a] b\n", ""},
	{"angles", "<", ""},
	{"entities", "&amp;", ""},
	{"quotes", `"`, ""},
	{"codeentities", `"&`, "`"},
	{"backticks", "``a`", ""},
}

// BenchmarkHostileMarkdown builds one page of each hostile shape at sizes
// up to the 8 MB limit; cpu-ns/B stays flat when the cost is linear.
// Run it with -benchtime=1x: an 8 MB page takes seconds.
func BenchmarkHostileMarkdown(b *testing.B) {
	theme := testTheme(b)
	for _, shape := range hostileShapes {
		for _, size := range []int{512 << 10, 2 << 20, 8<<20 - 1024} {
			body := shape.tail + strings.Repeat(shape.unit, (size-2*len(shape.tail))/len(shape.unit)) + shape.tail
			fsys := fstest.MapFS{"content/_index.md": {Data: []byte("---\ntitle: x\n---\n" + body + "\n")}}
			b.Run(fmt.Sprintf("%s/%dKB", shape.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				cpu0, cpuOK := cpuTime()
				for b.Loop() {
					// Errors are expected: the page stops at a bound.
					_, _ = Build(context.Background(), Options{FS: fsys, Theme: theme}, &output.MapOutput{})
				}
				if cpu1, ok := cpuTime(); ok && cpuOK {
					b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N)/float64(len(body)), "cpu-ns/B")
				}
			})
		}
	}
}
