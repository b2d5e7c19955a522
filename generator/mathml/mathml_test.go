package mathml_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/generator/mathml"
	"folio/themes"
)

// engine is shared by the tests that use the default bounds: compiling
// KaTeX is the slow part.
var engine = sync.OnceValue(func() *mathml.Engine { return mathml.New(mathml.Options{Source: themes.KaTeX}) })

func TestRender(t *testing.T) {
	cases := []struct {
		tex     string
		display bool
		want    []string
	}{
		{`\frac{n(n+1)}{2}`, false, []string{`<math xmlns="http://www.w3.org/1998/Math/MathML">`, `<mfrac>`, `<annotation encoding="application/x-tex">\frac{n(n+1)}{2}</annotation>`}},
		{`\sum_{k=1}^{n} k`, true, []string{`display="block"`, `<munderover><mo>∑</mo>`}},
		{`x < y \text{ \& } a > b`, false, []string{`<mo>&lt;</mo>`, `&amp;`}},
		// Colour is an attribute of MathML: a strict policy allows it.
		{`\color{red}{x} \begin{pmatrix}a&b\\c&d\end{pmatrix}`, false, []string{`mathcolor="red"`, `<mtable`}},
		// Untrusted commands show as text instead of links.
		{`\href{javascript:alert(1)}{x}`, false, []string{`<mtext`}},
	}
	for _, c := range cases {
		got, err := engine().Render(c.tex, c.display)
		if err != nil {
			t.Errorf("Render(%q) error: %v", c.tex, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("Render(%q) = %s\nwant it to hold %s", c.tex, got, w)
			}
		}
		if !strings.HasPrefix(got, "<math") || !strings.HasSuffix(got, "</math>") || strings.Contains(got, " style=") || strings.Contains(got, "href=") {
			t.Errorf("Render(%q) = %s: want one <math> element, no style, no link", c.tex, got)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	cases := []struct{ tex, want string }{
		{`\frac{`, "KaTeX parse error: "},
		{`\notacommand`, "Undefined control sequence: \\notacommand"},
		{strings.Repeat("x", 33<<10), "at most 32768"},
		// A macro that doubles itself is stopped by maxExpand.
		{`\def\a{\b\b}\def\b{\c\c}\def\c{\d\d}\def\d{\e\e}\def\e{\f\f}\def\f{\g\g}\def\g{\h\h}\def\h{\i\i}\def\i{\j\j}\def\j{\k\k}\def\k{xx}\a`, "Too many expansions"},
		// Deep nesting ends in an error, not in a crash.
		{strings.Repeat("{", 20000) + strings.Repeat("}", 20000), ""},
	}
	for _, c := range cases {
		out, err := engine().Render(c.tex, false)
		if err == nil {
			t.Errorf("Render(%.40q) = %.80s, want an error", c.tex, out)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "katex.min.js") {
			t.Errorf("Render(%.40q) error %q, want it to say %q and not where in KaTeX", c.tex, err, c.want)
		}
	}
	// The engine still works after its errors.
	if _, err := engine().Render("a+b", false); err != nil {
		t.Errorf("Render after errors: %v", err)
	}
}

// TestRenderDeadline sets a deadline no formula can meet: the formula is
// interrupted and reported, and the engine goes on with a fresh
// interpreter.
func TestRenderDeadline(t *testing.T) {
	e := mathml.New(mathml.Options{Source: themes.KaTeX, Timeout: time.Nanosecond, Runtimes: 1})
	_, err := e.Render(`\int_0^1 x^2\,dx`, true)
	if err == nil || !strings.Contains(err.Error(), "took longer than") {
		t.Fatalf("Render under a deadline: error %v, want a timeout", err)
	}
	if _, err := e.Render(`\int_0^1 x^2\,dx`, true); err == nil {
		t.Fatal("the second formula met an impossible deadline")
	}
}

func TestRenderOutputBound(t *testing.T) {
	e := mathml.New(mathml.Options{Source: themes.KaTeX, MaxOutput: 200})
	if _, err := e.Render(`\sum_{k=1}^{n} k = \frac{n(n+1)}{2}`, true); err == nil || !strings.Contains(err.Error(), "at most 200") {
		t.Fatalf("Render past MaxOutput: error %v", err)
	}
}

func TestRenderConcurrent(t *testing.T) {
	e := mathml.New(mathml.Options{Source: themes.KaTeX, Runtimes: 2})
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([]string, 8)
	for i := range 8 {
		wg.Go(func() { outs[i], errs[i] = e.Render(fmt.Sprintf("x_{%d}", i%4), false) })
	}
	wg.Wait()
	for i := range 8 {
		if errs[i] != nil || !strings.Contains(outs[i], fmt.Sprintf("<mn>%d</mn>", i%4)) {
			t.Errorf("formula %d: %s, %v", i, outs[i], errs[i])
		}
	}
}

func TestNoSource(t *testing.T) {
	if _, err := mathml.New(mathml.Options{}).Render("x", false); err == nil {
		t.Fatal("an engine without KaTeX rendered a formula")
	}
}

// BenchmarkRenderDistinct sets a new formula each time: KaTeX's own cost
// in the interpreter, once it is loaded.
func BenchmarkRenderDistinct(b *testing.B) {
	e := mathml.New(mathml.Options{Source: themes.KaTeX, CacheBytes: 1})
	if _, err := e.Render("x", false); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Render(fmt.Sprintf(`\sum_{k=1}^{%d} k^2 = \frac{n(n+1)(2n+1)}{6}`, i), true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderCached sets the same formula again: a map lookup.
func BenchmarkRenderCached(b *testing.B) {
	e := mathml.New(mathml.Options{Source: themes.KaTeX})
	if _, err := e.Render(`\frac{a}{b}`, false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Render(`\frac{a}{b}`, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStart is the one-off cost of a build's first formula:
// compiling KaTeX and loading it into an interpreter.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		e := mathml.New(mathml.Options{Source: themes.KaTeX, Runtimes: 1})
		if _, err := e.Render("x", false); err != nil {
			b.Fatal(err)
		}
	}
}
