package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/generator/output"
	"folio/themes"
)

// TestMarkupGolden builds formulas (as MathML), a diagram (its source,
// and the page marked to load the library), tabs and heading attributes.
func TestMarkupGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/markup.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, err := buildWithDefaultTheme(t, string(data))
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	golden(t, "markup.golden", archive(pagesOnly(out, "diagram/index.html", "math/index.html", "tabs/index.html")))
}

// TestVendorOnlyWhenUsed: the theme's mermaid is copied into a site only
// when a page has a diagram, or asks for the library in front matter.
func TestVendorOnlyWhenUsed(t *testing.T) {
	const lib = "vendor/mermaid-12.3.0/mermaid.esm.min.mjs"
	sites := []struct {
		name, page string
		want       bool
	}{
		{"none", "Text and $x$.\n", false},
		{"diagram", "```mermaid\nflowchart LR\n  a --> b\n```\n", true},
		{"front matter", "---\nmermaid: true\n---\nText.\n", true},
		{"code that is not a diagram", "```\nmermaid\n```\n", false},
	}
	for _, s := range sites {
		out, err := buildWithDefaultTheme(t, "-- content/a.md --\n"+s.page+"-- content/b.md --\nOther.\n")
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		var vendor int
		for name := range out.Files {
			if strings.HasPrefix(name, "vendor/") {
				vendor++
			}
		}
		if _, got := out.Files[lib]; got != s.want || (vendor > 0) != s.want {
			t.Errorf("%s: %s written %v (%d vendor files), want %v", s.name, lib, got, vendor, s.want)
		}
		page := string(out.Files["a/index.html"])
		if got := strings.Contains(page, "mermaid.esm.min.mjs"); got != s.want {
			t.Errorf("%s: the page loads the library %v, want %v", s.name, got, s.want)
		}
		if strings.Contains(string(out.Files["b/index.html"]), "mermaid.esm.min.mjs") {
			t.Errorf("%s: a page without a diagram loads the library", s.name)
		}
	}
}

// TestVendorWarmBuild: a build that renders no page again, because none
// changed, keeps the library its pages load, and a build after the last
// diagram is gone removes it.
func TestVendorWarmBuild(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"folio.toml":   "title = \"Warm\"\n",
		"content/a.md": "```mermaid\nflowchart LR\n  a --> b\n```\n",
		"content/b.md": "Other.\n",
	})
	lib := filepath.Join(root, "public", "vendor", "mermaid-12.3.0", "mermaid.esm.min.mjs")
	opts := Options{Root: root, Theme: themes.DefaultFS(), Cache: NewCache()}
	build := func(wantLib bool, wantRendered int) {
		t.Helper()
		res, err := BuildDir(t.Context(), opts, filepath.Join(root, "public"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(lib); (err == nil) != wantLib {
			t.Errorf("library in the output: %v, want %v (stat: %v)", err == nil, wantLib, err)
		}
		if res.Rendered != wantRendered {
			t.Errorf("rendered %d pages, want %d", res.Rendered, wantRendered)
		}
	}
	build(true, 3)
	build(true, 1) // the home page, made by the build, is always made again
	writeFiles(t, root, map[string]string{"content/a.md": "No diagram now.\n"})
	build(false, 2)
	// A quick render of one edited page cannot add the library: that
	// waits for the full build.
	writeFiles(t, root, map[string]string{"content/b.md": "```mermaid\nflowchart LR\n  c --> d\n```\n"})
	if _, _, ok := opts.Cache.RenderOne("content/b.md"); ok {
		t.Error("RenderOne rendered a page that needs a library the site lacks")
	}
	build(true, 2)
}

// TestMarkupErrors: a formula KaTeX cannot read and a tab out of place
// fail the build at the line the editor wrote them on.
func TestMarkupErrors(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"bad formula", "---\ntitle: A\n---\nText.\n\nThe $\\frac{1}{$ here.\n", `content/a.md:6: math: KaTeX parse error: `},
		{"bad math fence", "Text.\n\n```math\n\\undefinedcommand\n```\n", `content/a.md:4: math: KaTeX parse error: Undefined control sequence: \undefinedcommand`},
		{"too many formulas", "Text.\n\n" + strings.Repeat("$x$ ", 2001) + "\n", `content/a.md:3: too many formulas: a page may have at most 2000`},
		{"tab alone", "Text.\n\n{{< tab \"A\" >}}\nx\n{{< /tab >}}\n", `content/a.md:3: shortcode "tab": must be inside {{< tabs >}}`},
		{"tab without a title", "{{< tabs >}}\n{{< tab >}}\nx\n{{< /tab >}}\n{{< /tabs >}}\n", `content/a.md:2: shortcode "tab": missing argument 1 (written without a name)`},
	}
	for _, tt := range tests {
		_, err := buildWithDefaultTheme(t, "-- content/a.md --\n"+tt.page)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// BenchmarkBuildFormulas builds 100 pages of ten formulas each, against
// the same pages with the formulas written as code: the cost of formulas
// in a build once KaTeX has set them (the engine keeps its results across
// builds of one process, as under folio serve). What setting a new
// formula costs is mathml's BenchmarkRenderDistinct.
func BenchmarkBuildFormulas(b *testing.B) {
	for _, kind := range []string{"code", "formulas"} {
		b.Run(kind, func(b *testing.B) {
			var site strings.Builder
			for i := range 100 {
				fmt.Fprintf(&site, "-- content/p%d.md --\n# Page %d\n\n", i, i)
				for j := range 10 {
					f := fmt.Sprintf(`\frac{%d}{x_{%d}} + \sum_{k=1}^{n} k^{%d}`, i, j, j)
					if kind == "code" {
						fmt.Fprintf(&site, "Formula `%s` here.\n\n", f)
					} else {
						fmt.Fprintf(&site, "Formula $%s$ here.\n\n", f)
					}
				}
			}
			fsys := txtarFS(b, []byte(site.String()))
			opts := Options{FS: fsys, Theme: themes.DefaultFS()}
			// The first build sets the formulas; b.Loop times the others.
			if _, err := Build(b.Context(), opts, &output.MapOutput{}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := Build(b.Context(), opts, &output.MapOutput{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
