package markdown

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// renderWith renders src with a MathFunc that shows what it was given.
func renderWith(t *testing.T, src string) string {
	t.Helper()
	md, x := New(false, nil)
	x.SetMath(func(tex string, display bool) (string, error) {
		if tex == "bad" {
			return "", errors.New("bad TeX")
		}
		if display {
			return "[D:" + tex + "]", nil
		}
		return "[I:" + tex + "]", nil
	})
	var out bytes.Buffer
	if err := md.Convert([]byte(src), &out); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

// TestMathDelimiters holds the rules that tell a formula from a dollar
// sign in prose.
func TestMathDelimiters(t *testing.T) {
	tests := []struct{ src, want string }{
		{`Area $\pi r^2$ here.`, `<p>Area [I:\pi r^2] here.</p>`},
		{`It costs $5 and $10.`, `<p>It costs $5 and $10.</p>`},
		{`From $5 to $10, or $20$ less.`, `<p>From $5 to $10, or [I:20] less.</p>`},
		{`A $ sign, and $x $ no.`, `<p>A $ sign, and $x $ no.</p>`},
		{`Not $x$5 and $y$.`, `<p>Not $x$5 and [I:y].</p>`},
		{`Escaped \$x\$ and \$5.`, `<p>Escaped $x$ and $5.</p>`},
		{`A dollar in TeX: $a\$b$.`, `<p>A dollar in TeX: [I:a\$b].</p>`},
		{"Code `$x$` stays.", `<p>Code <code>$x$</code> stays.</p>`},
		{"Over $a\nb$ lines.", "<p>Over [I:a\nb] lines.</p>"},
		{`Display $$\sum_k k$$ inline.`, `<p>Display [D:\sum_k k] inline.</p>`},
		{"$$\nx = 1\n$$", "<p>[D:x = 1]</p>"},
		{`Empty $$$$ and $ $.`, `<p>Empty $$$$ and $ $.</p>`},
		{"```math\n\\frac{a}{b}\n```", "[D:\\frac{a}{b}]"},
		{"    $x$", "<pre class=\"chroma\"><code>$x$\n</code></pre>"},
		{"A $x$ then `bad`: $bad$.", `<p>A [I:x] then <code>bad</code>: <code class="math">bad</code>.</p>`},
	}
	for _, tt := range tests {
		if got := renderWith(t, tt.src); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestMathUnbounded checks that a page full of dollar signs is read in
// time linear in its length: no opening sign searches past its bound.
func TestMathUnbounded(t *testing.T) {
	src := strings.Repeat("$5 ", 20000) + "\n\n" + strings.Repeat("$$", 20000)
	got := renderWith(t, src)
	if strings.Contains(got, "[I:") || strings.Contains(got, "[D:") {
		t.Errorf("prices became formulas: %.200s", got)
	}
	long := "$" + strings.Repeat("x", maxInlineMath+10) + "$"
	if got := renderWith(t, long); strings.Contains(got, "[I:") {
		t.Error("an inline formula past its bound was read")
	}
}

// TestDiagramFence writes a mermaid fence as its source, escaped, in the
// element the theme draws from, and notes that the page has a diagram.
func TestDiagramFence(t *testing.T) {
	got := renderWith(t, "```mermaid\nflowchart LR\n  a[\"<b>\"] --> b & c\n```")
	want := `<pre class="mermaid" data-lang="mermaid"><code>flowchart LR` + "\n" + `  a[&quot;&lt;b&gt;&quot;] --&gt; b &amp; c` + "\n</code></pre>"
	if got != want {
		t.Errorf("mermaid fence:\n got %s\nwant %s", got, want)
	}
}

// TestHeadingAttributes: a custom id and the attributes HTML allows on
// any element; style and event handlers are dropped.
func TestHeadingAttributes(t *testing.T) {
	got := renderWith(t, `## Install {#setup .wide lang=fr data-x="1" style="color:red" onclick="alert(1)"}`)
	want := `<h2 id="setup" class="wide" lang="fr" data-x="1">Install<a class="anchor" href="#setup" aria-label="Link to this section">#</a></h2>`
	if got != want {
		t.Errorf("heading:\n got %s\nwant %s", got, want)
	}
}

// TestMathTooMany bounds the formulas of a page: past the bound they stay
// text, and a page being built gets an error.
func TestMathTooMany(t *testing.T) {
	got := renderWith(t, strings.Repeat("$x$ ", MaxFormulas+5))
	if n, text := strings.Count(got, "[I:x]"), strings.Count(got, "$x$"); n != MaxFormulas || text != 5 {
		t.Errorf("%d formulas set and %d left as text, want %d and 5", n, text, MaxFormulas)
	}
}

// TestMathInHeading: a formula in a heading is in its id and its text in
// the table of contents, as its TeX.
func TestMathInHeading(t *testing.T) {
	md, _ := New(false, nil)
	src := []byte("## Area $\\pi r^2$ of a disc\n")
	toc, _ := HeadingIDs(Parse(md, src), src)
	if len(toc) != 1 || toc[0].ID != "area-pi-r2-of-a-disc" || toc[0].Text != "Area \\pi r^2 of a disc" {
		t.Errorf("heading = %+v", toc[0])
	}
}
