package build

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"folio/generator/output"
	"folio/generator/search"
	"folio/themes"
)

// These tests run the theme's search.js under node against indexes the
// generator built (testdata/search_harness.js does the node side). They
// skip when node is missing, except in CI, which must run them.

const searchScript = "../../themes/default/assets/search.js"

func nodeOrSkip(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node is needed to test search.js in CI: %v", err)
		}
		t.Skip("node is not installed; search.js is not tested")
	}
	return node
}

// runSearchJS runs the harness in mode with script against the built site
// in dir and decodes what it prints into out.
func runSearchJS(t testing.TB, mode, script, dir string, input, out any) {
	t.Helper()
	node := nodeOrSkip(t)
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, "testdata/search_harness.js", mode, script, dir, string(in))
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("node search_harness.js %s %s: %v\n%s", mode, script, err, stderr.String())
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("harness output %q: %v", data, err)
	}
}

// searchSite builds testdata/search.txtar with the default theme into a
// folder and returns it with the minified search.js the build wrote.
func searchSite(t *testing.T) (dir, minified string) {
	t.Helper()
	data, err := os.ReadFile("testdata/search.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := buildSite(t, string(data), Options{Theme: themes.DefaultFS()})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	o := &output.DirOutput{Dir: dir}
	for name, data := range out.Files {
		if err := o.WriteFile(name, data); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "assets/search.") {
			minified = filepath.Join(dir, name)
		}
	}
	if minified == "" {
		t.Fatal("the default theme wrote no assets/search.*.js")
	}
	page := string(out.Files["docs/renew/index.html"])
	for _, want := range []string{`<script src="/assets/search.`, `id="search"`, `data-index="/search/index.json" hidden>`, `<label class="vh" for="search-q">`, `<input id="search-q" type="search"`, `aria-live="polite"`} {
		if !strings.Contains(page, want) {
			t.Errorf("default theme page lacks %q", want)
		}
	}
	return dir, minified
}

type searchAnswer struct {
	Total   int
	Results []string
	Loaded  []string
}

// TestSearchJS types queries into search.js's search function, both as
// written and as the build minified it, and checks the ranked results:
// title matches, then heading matches, then text matches, each linking
// to the section that matched, with the matches marked in [brackets].
func TestSearchJS(t *testing.T) {
	dir, minified := searchSite(t)
	errorsSnippet := "…it is in this paragraph about an expired [token] that needs renewing before anything else works again, and then the paragraph goes on for a while longer so that…"
	tests := []struct {
		query string
		total int
		want  []string
	}{
		{"token", 4, []string{
			"/docs/tokens/ | [Tokens] | A [token] lets a script act for you.",
			"/docs/renew/#renew-the-token | Keeping access › Renew the [token] | Open the settings and press Renew. The old one stops working at once.",
			"/docs/errors/#expired | Errors › Expired | " + errorsSnippet,
			"/ | Home | Welcome to the docs. Start with [tokens].",
		}},
		// More of the words first; a word being typed matches as a prefix.
		{"renew tok", 4, []string{
			"/docs/renew/#renew-the-token | Keeping access › [Renew] the [token] | Open the settings and press [Renew]. The old one stops working at once.",
			"/docs/errors/#expired | Errors › Expired | …it is in this paragraph about an expired [token] that needs [renewing] before anything else works again, and then the paragraph goes on for a while longer so that…",
			"/docs/tokens/ | [Tokens] | A [token] lets a script act for you.",
			"/ | Home | Welcome to the docs. Start with [tokens].",
		}},
		{"Über", 1, []string{
			"/docs/renew/#%C3%BCber-%C3%BCn%C3%AFcode--more | Keeping access › [Über] Ünïcode & more | Café crème, naïve coöperation and “curly quotes” don’t break search.",
		}},
		{"uber UNICODE", 1, []string{
			"/docs/renew/#%C3%BCber-%C3%BCn%C3%AFcode--more | Keeping access › [Über] [Ünïcode] & more | Café crème, naïve coöperation and “curly quotes” don’t break search.",
		}},
		{"cafe", 1, []string{
			"/docs/renew/#%C3%BCber-%C3%BCn%C3%AFcode--more | Keeping access › Über Ünïcode & more | [Café] crème, naïve coöperation and “curly quotes” don’t break search.",
		}},
		{"scopes", 1, []string{"/docs/tokens/#scopes | Tokens › [Scopes] | Each token has [scopes]: read and write."}},
		{"zzz", 0, nil},
		{"hunter2", 0, nil}, // a draft
		{"vault", 0, nil},   // search: false
		{"a", 0, nil},       // too short to search
	}
	var queries []string
	for _, tt := range tests {
		queries = append(queries, tt.query)
	}
	for _, script := range []string{searchScript, minified} {
		var got []searchAnswer
		runSearchJS(t, "query", script, dir, queries, &got)
		for i, tt := range tests {
			if got[i].Total != tt.total || !slices.Equal(got[i].Results, tt.want) {
				t.Errorf("%s: search(%q) = %d results\n%s\nwant %d\n%s", filepath.Base(script), tt.query, got[i].Total, strings.Join(got[i].Results, "\n"), tt.total, strings.Join(tt.want, "\n"))
			}
		}
		if want := []string{"/search/index.json"}; !slices.Equal(got[0].Loaded, want) {
			t.Errorf("first query loaded %q, want %q: a small site's index is one file", got[0].Loaded, want)
		}
		if len(got[1].Loaded) != 0 {
			t.Errorf("second query loaded %q again", got[1].Loaded)
		}
	}
}

// TestSearchBox types into the default theme's search box in a fake
// document: the box shows, results appear as links with <mark>ed
// matches and page text as text, the count is announced, and the
// keyboard reaches and opens the results.
func TestSearchBox(t *testing.T) {
	dir, minified := searchSite(t)
	type step struct {
		Shown       bool
		Query       string
		Status      string
		Open        bool
		ListHidden  bool
		List        string
		Focused     string
		Enter       string
		AfterEscape struct{ Open, ListHidden bool }
	}
	want := []step{
		{Shown: true},
		{Query: "scope", Status: "1 result", Open: true, List: `<ol><li><a href="/docs/tokens/#scopes"><span class="t">Tokens<span> › <mark>Scopes</mark></span></span><span>Each token has <mark>scopes</mark>: read and write.</span></a></li></ol>`,
			Focused: "/docs/tokens/#scopes", Enter: "/docs/tokens/#scopes"},
		{Query: "alert", Status: "1 result", Open: true, List: `<ol><li><a href="/docs/errors/#expired"><span class="t">Errors<span> › Expired</span></span><span>When the log says &lt;script><mark>alert</mark>(1)&lt;/script>, read on: this sentence is long so that the snippet has to be cut somewhere before the match, and shows an ellipsis…</span></a></li></ol>`,
			Focused: "/docs/errors/#expired", Enter: "/docs/errors/#expired"},
		{Query: "zzz", Status: "No results for “zzz”", Open: true, ListHidden: true, List: "<ol></ol>"},
		{Query: "z", ListHidden: true, List: "<ol></ol>"},
	}
	for i := range want[1:] {
		want[i+1].AfterEscape.ListHidden = true
	}
	var queries []string
	for _, s := range want[1:] {
		queries = append(queries, s.Query)
	}
	for _, script := range []string{searchScript, minified} {
		var got []step
		runSearchJS(t, "dom", script, dir, queries, &got)
		if !slices.Equal(got, want) {
			for i := range max(len(got), len(want)) {
				var g, w step
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Errorf("%s: step %d\n got %+v\nwant %+v", filepath.Base(script), i, g, w)
				}
			}
		}
	}
}

// TestSearchJSTerms checks that search.js splits and folds text as the
// index does, or a query would miss words that are there.
func TestSearchJSTerms(t *testing.T) {
	texts := []string{
		"Über Ünïcode & more", "ΣΟΦΟΣ σοφός ΟΔΟΣ", "don’t stop", "scan_interval=30",
		"İstanbul ISTANBUL", "a b cd", strings.Repeat("x", 50) + " " + strings.Repeat("é", 45),
		"日本語のテキスト デジタル", "naïve café", "ǅemal", "Ⅻ roman ½ 33", "🙂 emoji", "𝒳𝒴 math",
		"ﬁle", "Straße STRASSE", "ῼ ᾳ ᾼι", "Ǆ ǈ", "ÅNGSTRÖM Ångström", "x\u0301y",
	}
	var got [][]string
	runSearchJS(t, "terms", searchScript, t.TempDir(), texts, &got)
	for i, text := range texts {
		want := search.Terms(text)
		if !slices.Equal(got[i], want) {
			t.Errorf("terms(%q): search.js %q, Go %q", text, got[i], want)
		}
	}
}

// BenchmarkSearchQuery reports how long search.js takes to answer a query
// on the index of a 10,000-page site once the parts it needs are loaded.
func BenchmarkSearchQuery(b *testing.B) {
	root := benchSite(b, 10000)
	out := filepath.Join(b.TempDir(), "public")
	if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
		b.Fatal(err)
	}
	queries := []string{"integration", "token expired", "configuring integration 4321", "th", "troubleshooting network port", "scan_interval"}
	b.ResetTimer()
	var times map[string]float64
	runSearchJS(b, "bench", searchScript, out, map[string]any{"queries": queries, "runs": 10 * b.N}, &times)
	worst := 0.0
	for _, q := range queries {
		b.Logf("%-30q %6.2f ms", q, times[q])
		worst = max(worst, times[q])
	}
	b.ReportMetric(worst, "worst-ms/query")
}
