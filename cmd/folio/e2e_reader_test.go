package main

// End-to-end tests of the default theme's reading aids in a real browser:
// the header stays in reach, the table of contents follows the reader,
// "/" goes to search, search forgives a typo and marks the words it found
// on the page it opens, code blocks copy their code, diagrams and math are
// drawn only where a page has them, and links to a page carry its title,
// description and image when shared. Each waits for what it checks to be
// true in the page, never for the network to go quiet.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// open loads path in the tab (Navigate returns once the page's load event
// has fired, so deferred scripts have run) and waits for cond, a
// JavaScript condition that says the page is ready for the test.
func open(t *testing.T, tab *e2eTab, s *e2eServer, path, cond string) {
	t.Helper()
	openWithin(t, tab, s, path, cond, 20*time.Second)
}

// openWithin is open for a page whose scripts take long on a busy machine.
func openWithin(t *testing.T, tab *e2eTab, s *e2eServer, path, cond string, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+path)); err != nil {
		t.Fatalf("open %s: %v\nserve said:\n%s", path, err, s.log.String())
	}
	if cond != "" {
		tab.waitTrueWithin(t, path+": "+cond, cond, within)
	}
}

// windowSize makes the page's window w by h CSS pixels, as a phone's or
// a laptop's.
func windowSize(t *testing.T, tab *e2eTab, w, h int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 1, Mobile: w < 600}); err != nil {
		t.Fatalf("set the window to %dx%d: %v", w, h, err)
	}
}

// pressSlash presses "/" as a keyboard does: one key-down that carries
// its text, so that a handler that cancels the key-down also stops the
// character. (chromedp's KeyEvent sends the character as an event of its
// own, which no page can cancel.)
func pressSlash(t *testing.T, tab *e2eTab) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	for _, p := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash", Text: "/", UnmodifiedText: "/", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191},
	} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("press /: %v", err)
		}
	}
}

// searchFor puts q in the search box as one edit, so that exactly one
// search runs, and returns its results once they show.
func searchFor(t *testing.T, tab *e2eTab, q string) searchFacts {
	t.Helper()
	tab.do(t, "focus the search box", chromedp.Focus(chromedp.ID("search-q")))
	eval[chromedp.Void](t, tab, fmt.Sprintf(`(() => {
		const box = document.getElementById("search-q");
		document.querySelector("#search [aria-live]").textContent = "";
		box.value = %q;
		box.dispatchEvent(new Event("input"));
	})()`, q))
	tab.waitTrueWithin(t, "results for "+q, `document.querySelector("#search [aria-live]").textContent !== ""`, 20*time.Second)
	return eval[searchFacts](t, tab, searchFactsJS)
}

// viewShot saves what the window shows, as dir/name.png: with the page
// scrolled, a whole-page screenshot would draw the sticky header midway.
func viewShot(t *testing.T, tab *e2eTab, dir, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// checkAxe runs axe-core in the open page and fails for any violation.
func checkAxe(t *testing.T, tab *e2eTab, axe, what string) {
	t.Helper()
	eval[chromedp.Void](t, tab, axe)
	res := eval[axeResult](t, tab, axeRunJS)
	t.Logf("axe-core %s on %s: %d rules pass, %d violations, needs review: %v", res.Version, what, res.Passes, len(res.Violations), res.Incomplete)
	for _, v := range res.Violations {
		t.Errorf("%s: axe %s [%s] %s\n\ton %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "), strings.ReplaceAll(v.Summary, "\n", "\n\t"))
	}
}

// checkQuiet fails for any error the page reported, a refusal of the
// Content-Security-Policy among them.
func checkQuiet(t *testing.T, tab *e2eTab, what string) {
	t.Helper()
	if p := tab.net.takeProblems(); len(p) > 0 {
		t.Errorf("%s: the browser reported errors:\n\t%s", what, strings.Join(p, "\n\t"))
	}
}

const readerReady = `document.readyState === "complete" && !!document.querySelector("main pre > button.copy")`

// TestE2EReaderHeaderAndContents scrolls a long doc page: the header stays
// at the top of the window, a heading reached through a link is not
// hidden under it, and the table of contents marks the section in view.
func TestE2EReaderHeaderAndContents(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	shots := shotDir(t)
	for _, size := range []struct{ w, h int64 }{{1280, 900}, {390, 844}} {
		windowSize(t, tab, size.w, size.h)
		open(t, tab, s, "/docs/writing/", readerReady)
		eval[chromedp.Void](t, tab, `window.scrollTo(0, document.documentElement.scrollHeight)`)
		tab.waitTrueWithin(t, "scrolled to the end", `scrollY > 500`, 10*time.Second)
		if top := eval[float64](t, tab, `(() => { const r = document.querySelector("header.top").getBoundingClientRect(); return r.bottom > 0 ? r.top : -1 })()`); top != 0 {
			t.Errorf("%dpx: at the end of the page the header's top is at %v, want 0 (in view)", size.w, top)
		}

		// A heading reached by its link lands below the header.
		for _, id := range []string{"links-to-other-pages", "tables"} {
			eval[chromedp.Void](t, tab, fmt.Sprintf(`location.hash = %q`, "#"+id))
			tab.waitTrueWithin(t, "scrolled to #"+id, fmt.Sprintf(`Math.abs(document.getElementById(%q).getBoundingClientRect().top - document.querySelector("header.top").getBoundingClientRect().bottom) < 40`, id), 10*time.Second)
			if gap := eval[float64](t, tab, fmt.Sprintf(`document.getElementById(%q).getBoundingClientRect().top - document.querySelector("header.top").getBoundingClientRect().bottom`, id)); gap < 0 {
				t.Errorf("%dpx: #%s is %.0f px under the header", size.w, id, -gap)
			}
			// The table of contents marks that section, and only it.
			tab.waitTrueWithin(t, "the contents mark #"+id, fmt.Sprintf(`(() => {
				const cur = [...document.querySelectorAll(".toc [aria-current]")];
				return cur.length === 1 && cur[0].getAttribute("href") === %q && cur[0].getAttribute("aria-current") === "location";
			})()`, "#"+id), 10*time.Second)
		}
		viewShot(t, tab, shots, fmt.Sprintf("reader-writing-%d", size.w))
		eval[chromedp.Void](t, tab, `window.scrollTo(0, 0)`)
		tab.waitTrueWithin(t, "back at the top, no section is marked", `scrollY === 0 && !document.querySelector(".toc [aria-current]")`, 10*time.Second)
		checkQuiet(t, tab, fmt.Sprintf("/docs/writing/ at %dpx", size.w))
	}
}

// TestE2EReaderSlashFocusesSearch presses "/" on a page: the search box
// takes the focus, without the slash in it; in the box, "/" is typed.
func TestE2EReaderSlashFocusesSearch(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	open(t, tab, s, "/docs/writing/", readerReady)
	if got := eval[string](t, tab, `document.getElementById("search-q").getAttribute("aria-keyshortcuts")`); got != "/" {
		t.Errorf("the search box's aria-keyshortcuts = %q, want \"/\"", got)
	}
	if eval[string](t, tab, `document.activeElement.id`) == "search-q" {
		t.Fatal("the search box has the focus before / is pressed")
	}
	pressSlash(t, tab)
	tab.waitTrueWithin(t, "the search box has the focus", `document.activeElement && document.activeElement.id === "search-q"`, 10*time.Second)
	if v := eval[string](t, tab, `document.getElementById("search-q").value`); v != "" {
		t.Errorf("after / the box holds %q, want it empty", v)
	}
	// In the box, and in any other field, "/" is a character.
	pressSlash(t, tab)
	tab.waitTrueWithin(t, "/ typed in the box", `document.getElementById("search-q").value === "/"`, 10*time.Second)
	checkQuiet(t, tab, "/docs/writing/")
}

// TestE2EReaderSearchTypo searches for misspelt words, opens a result and
// finds the words marked on the page it lands on, with an address that is
// the page's own again.
func TestE2EReaderSearchTypo(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	open(t, tab, s, "/docs/writing/", readerReady)
	// Not the examples the docs give: those are words of the site now.
	for _, q := range []struct{ typed, word string }{
		{"privcy", "privacy"},     // a letter left out
		{"anlaytics", "analyt"},   // two swapped
		{"shortcodez", "shortc"},  // one changed
		{"deploymment", "deploy"}, // one added
	} {
		f := searchFor(t, tab, q.typed)
		if !f.Open || len(f.Hrefs) == 0 {
			t.Fatalf("search(%q): %+v; want results for %q", q.typed, f, q.word)
		}
		// A passage marks nothing when its match lies past the text the
		// index keeps (the search reference says so); every mark there is
		// must be the word meant, and the best result must have one.
		for i, m := range f.Marks {
			if m != "" && !strings.Contains(strings.ToLower(m), q.word) {
				t.Errorf("search(%q): result %d (%s) marks %q, want %q", q.typed, i, f.Hrefs[i], m, q.word)
			}
		}
		if len(f.Marks) == 0 || !strings.Contains(strings.ToLower(f.Marks[0]), q.word) {
			t.Errorf("search(%q): the first result marks %q, want %q", q.typed, f.Marks, q.word)
		}
	}
	// A word that is there is not taken for a typo of another.
	if f := searchFor(t, tab, "build"); len(f.Marks) == 0 || strings.Contains(strings.ToLower(strings.Join(f.Marks, " ")), "built") {
		t.Errorf("search(\"build\") marks %q, want only words that begin with build", f.Marks)
	}

	f := searchFor(t, tab, "privcy")
	first := f.Hrefs[0]
	tab.do(t, "press Enter", chromedp.KeyEvent(kb.Enter))
	tab.waitTrueWithin(t, "the result opens with its words marked", fmt.Sprintf(`location.pathname + location.hash === %q && document.querySelectorAll("main mark").length > 0`, first), 10*time.Second)
	marks := eval[[]string](t, tab, `[...document.querySelectorAll("main mark")].map(m => m.textContent)`)
	for _, m := range marks {
		if !strings.HasPrefix(strings.ToLower(m), "privacy") {
			t.Errorf("the page marks %q, want only words found for \"privcy\"", m)
		}
	}
	if search := eval[string](t, tab, `location.search`); search != "" {
		t.Errorf("the address keeps %q after the page marked the words", search)
	}
	checkQuiet(t, tab, first)
	checkNoCookies(t, tab, s)
	checkSameOrigin(t, tab.net.requests(), s)
	checkAxe(t, tab, axe, first+" with the words found marked")
	tab.screenshot(t, shotDir(t), "reader-search-marks")

	// Mistyped in the address itself: nothing breaks, nothing is marked.
	open(t, tab, s, "/docs/writing/?h=%3Cscript%3E", readerReady)
	if n := eval[int](t, tab, `document.querySelectorAll("main mark, main script").length`); n != 0 {
		t.Errorf("?h=<script> left %d marks or scripts in the page", n)
	}
	checkQuiet(t, tab, "/docs/writing/?h=<script>")
}

// TestE2EReaderCopyCode presses the copy button of code blocks and reads
// the clipboard: the code, without a shell session's prompts and output.
func TestE2EReaderCopyCode(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	open(t, tab, s, "/docs/writing/", readerReady)
	ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
	for _, p := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(ctx, browser.SetPermission, browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: p}, Setting: browser.PermissionSettingGranted, Origin: s.url}); err != nil {
			t.Fatalf("grant %s: %v", p, err)
		}
	}
	cancel()
	if n := eval[int](t, tab, `[...document.querySelectorAll("main pre")].filter(p => !p.querySelector(":scope > button.copy")).length`); n != 0 {
		t.Errorf("%d code blocks have no copy button", n)
	}
	if name := eval[string](t, tab, `document.querySelector("main pre > button.copy").getAttribute("aria-label")`); name != "Copy code" {
		t.Errorf("the copy button is named %q, want \"Copy code\"", name)
	}
	for _, c := range []struct{ lang, want string }{
		{"go", "// Greet returns a greeting for name.\nfunc Greet(name string) string {"},
		{"console", "folio build\nfolio serve\n"},
	} {
		sel := fmt.Sprintf(`main pre[data-lang=%s] > button.copy`, c.lang)
		if !eval[bool](t, tab, fmt.Sprintf(`!!document.querySelector(%q)`, sel)) {
			t.Fatalf("/docs/writing/ has no %s block with a copy button", c.lang)
		}
		tab.do(t, "press the copy button of the "+c.lang+" block", chromedp.Click(chromedp.CSS(sel)))
		tab.waitTrueWithin(t, "the button says it copied", fmt.Sprintf(`document.querySelector(%q).textContent === "Copied" && document.querySelector("[role=status]").textContent === "Code copied"`, sel), 10*time.Second)
		got := eval[string](t, tab, `navigator.clipboard.readText()`)
		if !strings.HasPrefix(got, c.want) || strings.Contains(got, "Copy") || strings.Contains(got, "$ ") {
			t.Errorf("the %s block copied %q, want it to begin %q, without prompts or the button's text", c.lang, got, c.want)
		}
		if c.lang == "console" && got != c.want {
			t.Errorf("the console block copied %q, want the commands alone: %q", got, c.want)
		}
	}
	checkQuiet(t, tab, "/docs/writing/")
}

// TestE2EReaderDiagramsAndMath opens the page with a diagram and formulas:
// the diagram is drawn from the site itself, the formulas are MathML the
// build made, with no script, and the browser sets them; the strict
// Content-Security-Policy is in force and nothing is refused. A page
// without a diagram loads no library.
func TestE2EReaderDiagramsAndMath(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	shots := shotDir(t)
	const path = "/docs/diagrams/"

	// Without script, the diagram's source is in the page as code, and
	// the formulas are there already.
	raw := string(fetch(t, s.url+path))
	for _, want := range []string{`<pre class="mermaid" data-lang="mermaid"><code>flowchart LR`, `<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">`, `<annotation encoding="application/x-tex">\sum_{k=1}^{n}`, `it costs $5, or $10 with support`} {
		if !strings.Contains(raw, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
	if strings.Contains(raw, "/vendor/katex") || strings.Contains(raw, "math.js") {
		t.Errorf("%s still loads KaTeX in the browser", path)
	}
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("serve's Content-Security-Policy is %q, want the strict one", csp)
	}

	for _, scheme := range []string{"light", "dark"} {
		tab.colorScheme(t, scheme)
		// mermaid is megabytes of script: on a busy machine the page takes
		// long to parse it, and to answer while it does.
		openWithin(t, tab, s, path, `!!document.querySelector("main figure.diagram > svg")`, 2*time.Minute)
		facts := eval[map[string]any](t, tab, `(() => {
			const svg = document.querySelector("figure.diagram > svg"), box = svg.getBoundingClientRect();
			const node = svg.querySelector(".node rect, .node polygon, rect");
			const block = document.querySelector("main math[display=block]").getBoundingClientRect();
			const frac = document.querySelector("main math[display=block] mfrac");
			const [num, den] = [...frac.children].map(e => e.getBoundingClientRect().height);
			return {
				width: box.width, height: box.height,
				texts: [...svg.querySelectorAll("text")].map(t => t.textContent).join(" | "),
				styled: !!node && getComputedStyle(node).fill !== "rgb(0, 0, 0)",
				source: !!document.querySelector("figure.diagram details pre[data-lang=mermaid]"),
				formulas: document.querySelectorAll("main math").length,
				// A fraction set as math stacks its numerator over its
				// denominator.
				mathHeight: block.height, stacked: frac.getBoundingClientRect().height >= num + den,
				inlineStyles: [...document.querySelectorAll("style")].length,
			};
		})()`)
		t.Logf("%s: %v", scheme, facts)
		if facts["width"].(float64) < 100 || facts["height"].(float64) < 20 {
			t.Errorf("%s: the diagram is %vx%v px", scheme, facts["width"], facts["height"])
		}
		if !strings.Contains(facts["texts"].(string), "folio build") {
			t.Errorf("%s: the diagram's labels are %q, want its nodes' names", scheme, facts["texts"])
		}
		if facts["styled"] != true {
			t.Errorf("%s: the diagram's shapes are not styled: mermaid's style did not reach them", scheme)
		}
		if facts["source"] != true || facts["inlineStyles"].(float64) != 0 {
			t.Errorf("%s: source kept %v, <style> elements %v", scheme, facts["source"], facts["inlineStyles"])
		}
		if facts["formulas"].(float64) < 3 || facts["stacked"] != true {
			t.Errorf("%s: %v formulas, the displayed fraction stacked %v: want MathML set by the browser", scheme, facts["formulas"], facts["stacked"])
		}
		checkQuiet(t, tab, path+" ("+scheme+")")
		checkSameOrigin(t, tab.net.requests(), s)
		checkAxe(t, tab, axe, path+" ("+scheme+")")
		tab.screenshot(t, shots, "reader-diagrams-"+scheme)
	}

	// What the page weighed, for the documentation's figures.
	var total, vendor int
	seen := map[string]bool{}
	for _, r := range tab.net.requests() {
		if r.method == http.MethodGet && originOf(r.url) == s.url && !strings.Contains(r.url, "/_folio/") && r.status == http.StatusOK && !seen[r.url] {
			seen[r.url] = true
			n := gzipSize(t, fetch(t, r.url))
			total += n
			if strings.Contains(r.url, "/vendor/") {
				vendor += n
			}
		}
	}
	t.Logf("%s with its diagram and formulas weighs %d bytes gzip, %d of them the diagram library; the HTML alone %d", path, total, vendor, gzipSize(t, []byte(raw)))

	// A page without a diagram loads no library.
	tab.colorScheme(t, "light")
	open(t, tab, s, "/docs/writing/", readerReady)
	if n := eval[int](t, tab, `document.querySelectorAll("script[src*='/vendor/'], script[src*='diagrams.'], link[href*='/vendor/']").length`); n != 0 {
		t.Errorf("/docs/writing/ has %d diagram scripts or styles, want none", n)
	}
}

// TestE2EReaderTabs chooses tabs on the shortcodes page: with script off
// the radio buttons and the style sheet alone show the chosen panel, by
// mouse and by keyboard; with script on, groups with the same titles
// follow each other.
func TestE2EReaderTabs(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	axe := axeSource(t)
	const path = "/docs/shortcodes/"
	// shown lists, for each tabs group, the title of the tab whose panel
	// shows, or "" when none or more than one do.
	const shown = `[...document.querySelectorAll("main .tabs")].map(g => {
		const open = [...g.querySelectorAll(":scope > .tab-panel")].filter(p => p.getClientRects().length > 0);
		return open.length === 1 ? open[0].previousElementSibling.textContent : "";
	}).join(",")`

	for _, script := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(tab.ctx, e2eTimeout)
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !script}); err != nil {
			t.Fatalf("script %v: %v", script, err)
		}
		cancel()
		open(t, tab, s, path, `document.readyState === "complete" && document.querySelectorAll("main .tabs").length === 2`)
		if got := eval[string](t, tab, shown); got != "macOS,macOS" {
			t.Fatalf("script %v: panels shown at first %q, want the first of each group", script, got)
		}
		tab.do(t, "click the second group's Linux tab", chromedp.Click(chromedp.CSS(`main .tabs:nth-of-type(2) > label:nth-of-type(2)`)))
		want := "macOS,Linux"
		if script {
			want = "Linux,Linux"
		}
		tab.waitTrue(t, fmt.Sprintf("script %v: panels %s after a click", script, want), shown+` === "`+want+`"`)

		// The keyboard: the first group's chosen radio button, then an
		// arrow to the next.
		tab.do(t, "focus the first group", chromedp.Focus(chromedp.CSS(`main .tabs:first-of-type > input:checked`)))
		tab.do(t, "arrow right", chromedp.KeyEvent(kb.ArrowRight))
		// Without script the first group moves from macOS to Linux on its
		// own; with script both groups were on Linux and move to Windows.
		want = "Linux,Linux"
		if script {
			want = "Windows,Windows"
		}
		tab.waitTrue(t, fmt.Sprintf("script %v: panels %s after an arrow key", script, want), shown+` === "`+want+`"`)
		if !eval[bool](t, tab, `document.activeElement.matches("main .tabs > input:focus-visible")`) {
			t.Errorf("script %v: the chosen tab does not show keyboard focus", script)
		}
		if script {
			checkAxe(t, tab, axe, path+" (tabs)")
			checkQuiet(t, tab, path)
		}
	}
}

// TestE2EReaderShareMetadata reads what a link to a page shows when it is
// shared or found: Open Graph and card tags, and breadcrumbs as JSON-LD.
func TestE2EReaderShareMetadata(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join("..", "..", "folio.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// A site-wide image, and a page with its own.
	cfg = append(cfg, "\n[params]\nimage = \"/favicon.svg\"\n"...)
	if err := os.WriteFile(filepath.Join(root, "folio.toml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	page := "---\ntitle: Sharing\ndescription: A page with its own card.\nimage: /docs/card.png\n---\n\nText.\n\n## One\n\nA.\n\n## Two\n\nB.\n"
	if err := os.WriteFile(filepath.Join(root, "content", "docs", "sharing.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServeAt(t, root)
	tab := startBrowser(t)

	type meta struct {
		OG        map[string]string `json:"og"`
		Card      string            `json:"card"`
		Canonical string            `json:"canonical"`
		LD        []string          `json:"ld"`
	}
	const metaJS = `(() => ({
		og: Object.fromEntries([...document.querySelectorAll("meta[property^='og:']")].map(m => [m.getAttribute("property"), m.content])),
		card: (document.querySelector("meta[name='twitter:card']") || {}).content || "",
		canonical: document.querySelector("link[rel=canonical]").href,
		ld: [...document.querySelectorAll("script[type='application/ld+json']")].map(s => s.textContent),
	}))()`
	for _, c := range []struct {
		path, title, desc, image, card string
		crumbs                         []string
	}{
		{"/docs/writing/", "Writing pages", "Where pages live, how they become addresses, and the markdown Folio understands.", s.url + "/favicon.svg", "summary_large_image", []string{"Folio", "Documentation", "Writing pages"}},
		{"/docs/sharing/", "Sharing", "A page with its own card.", s.url + "/docs/card.png", "summary_large_image", []string{"Folio", "Documentation", "Sharing"}},
	} {
		open(t, tab, s, c.path, `document.readyState === "complete"`)
		m := eval[meta](t, tab, metaJS)
		want := map[string]string{"og:type": "article", "og:site_name": "Folio", "og:title": c.title, "og:description": c.desc, "og:url": s.url + c.path, "og:image": c.image}
		for k, v := range want {
			if m.OG[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.path, k, m.OG[k], v)
			}
		}
		if m.Card != c.card || m.Canonical != s.url+c.path {
			t.Errorf("%s: twitter:card %q, canonical %q", c.path, m.Card, m.Canonical)
		}
		if len(m.LD) != 1 {
			t.Fatalf("%s: %d JSON-LD blocks, want 1", c.path, len(m.LD))
		}
		var ld struct {
			Context string `json:"@context"`
			Type    string `json:"@type"`
			Items   []struct {
				Type     string `json:"@type"`
				Position int    `json:"position"`
				Name     string `json:"name"`
				Item     string `json:"item"`
			} `json:"itemListElement"`
		}
		if err := json.Unmarshal([]byte(m.LD[0]), &ld); err != nil {
			t.Fatalf("%s: JSON-LD %q: %v", c.path, m.LD[0], err)
		}
		if ld.Context != "https://schema.org" || ld.Type != "BreadcrumbList" || len(ld.Items) != len(c.crumbs) {
			t.Fatalf("%s: JSON-LD %s", c.path, m.LD[0])
		}
		for i, it := range ld.Items {
			if it.Type != "ListItem" || it.Position != i+1 || it.Name != c.crumbs[i] || !strings.HasPrefix(it.Item, s.url+"/") {
				t.Errorf("%s: breadcrumb %d = %+v, want %q at position %d", c.path, i, it, c.crumbs[i], i+1)
			}
		}
		if ld.Items[len(ld.Items)-1].Item != s.url+c.path {
			t.Errorf("%s: the last breadcrumb is %q, want the page", c.path, ld.Items[len(ld.Items)-1].Item)
		}
		// JSON-LD is data: the policy that refuses inline script lets it be.
		checkQuiet(t, tab, c.path)
	}
	open(t, tab, s, "/", `document.readyState === "complete"`)
	if m := eval[meta](t, tab, metaJS); m.OG["og:type"] != "website" || len(m.LD) != 0 {
		t.Errorf("home page: og:type %q and %d JSON-LD blocks, want website and none (it has no breadcrumbs)", m.OG["og:type"], len(m.LD))
	}
}
