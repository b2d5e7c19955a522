package markdown

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"folio/generator"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// New returns the goldmark converter of one build and its shortcode
// extension, which reads included snippets from fsys.
func New(unsafe bool, fsys fs.FS) (goldmark.Markdown, *Shortcodes) {
	x := &Shortcodes{fsys: fsys, math: &mathExt{}}
	x.md = newMarkdown(unsafe, x, x.math)
	return x.md, x
}

// newMarkdown returns the goldmark converter every page goes through:
// GitHub Flavored Markdown, footnotes, definition lists and typographic
// quotes, headings with a visible anchor, and fenced code highlighted with
// CSS classes, so a strict Content-Security-Policy needs no inline styles.
// exts are the build's own extensions, such as shortcodes.
func newMarkdown(unsafe bool, exts ...goldmark.Extender) goldmark.Markdown {
	opts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&folioRenderer{}, 100)),
	}
	if unsafe {
		opts = append(opts, html.WithUnsafe())
	}
	return goldmark.New(
		goldmark.WithExtensions(
			// GFM, with table alignment as an attribute: goldmark's
			// default writes style="", which a strict CSP blocks.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.Linkify, extension.TaskList,
			extension.Footnote, extension.DefinitionList, typographer{},
		),
		goldmark.WithExtensions(limitsExtension{}),
		goldmark.WithExtensions(exts...),
		// Attributes, which goldmark reads on headings only, give a
		// heading a custom id: ## Title {#my-id}.
		goldmark.WithParserOptions(parser.WithAttribute()),
		goldmark.WithRendererOptions(opts...),
	)
}

// folioRenderer renders headings with their anchor and code with chroma.
type folioRenderer struct{}

func (r *folioRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(ast.KindFencedCodeBlock, r.code)
	reg.Register(ast.KindCodeBlock, r.code)
	reg.Register(east.KindTaskCheckBox, r.taskCheckBox)
}

// taskCheckBox gives task list boxes a name, which assistive technology
// needs for a form control, and keeps them read-only.
func (r *folioRenderer) taskCheckBox(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if node.(*east.TaskCheckBox).IsChecked {
		w.WriteString(`<input type="checkbox" checked disabled aria-label="Done"> `)
	} else {
		w.WriteString(`<input type="checkbox" disabled aria-label="To do"> `)
	}
	return ast.WalkContinue, nil
}

func (r *folioRenderer) heading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := strconv.Itoa(n.Level)
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	if entering {
		w.WriteString("<h" + level)
		if len(idb) > 0 {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(idb))
			w.WriteByte('"')
		}
		writeHeadingAttributes(w, n)
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if len(idb) > 0 {
		w.WriteString(`<a class="anchor" href="#`)
		w.Write(util.EscapeHTML(idb))
		w.WriteString(`" aria-label="Link to this section">#</a>`)
	}
	w.WriteString("</h" + level + ">\n")
	return ast.WalkContinue, nil
}

// writeHeadingAttributes writes the attributes an editor gave a heading
// besides its id, ## Title {#id .class lang=fr}: the global attributes of
// HTML and data-*, but for style, which a strict Content-Security-Policy
// refuses. Event handlers are not global attributes.
func writeHeadingAttributes(w util.BufWriter, n *ast.Heading) {
	for _, a := range n.Attributes() {
		name := string(a.Name)
		if name == "id" || name == "style" || !html.GlobalAttributeFilter.Contains(a.Name) && !strings.HasPrefix(name, "data-") {
			continue
		}
		w.WriteByte(' ')
		w.Write(a.Name)
		w.WriteString(`="`)
		switch v := a.Value.(type) {
		case []byte:
			w.Write(util.EscapeHTML(v))
		default:
			w.Write(util.EscapeHTML([]byte(fmt.Sprint(v))))
		}
		w.WriteByte('"')
	}
}

// writeTokens writes highlighted code as chroma's HTML formatter does with
// classes and without the surrounding pre (a test holds them together),
// but straight from the lexer: without the formatter's fmt on every token,
// which made a third of a build's allocations, and without a list of the
// tokens or of their lines. Like the formatter, it cuts tokens after each
// newline, each piece in its own span, and leaves out an empty token that
// is alone on the last line.
func writeTokens(w util.BufWriter, next chroma.Iterator) {
	lineStart, holding := true, false
	var held chroma.TokenType // an empty token that began a line: written once another token follows
	for t := next(); t != chroma.EOF; t = next() {
		if holding {
			writeToken(w, held, "")
			holding, lineStart = false, false
		}
		if t.Value == "" && lineStart {
			held, holding = t.Type, true
			continue
		}
		v := t.Value
		for i := strings.IndexByte(v, '\n'); i >= 0; i = strings.IndexByte(v, '\n') {
			writeToken(w, t.Type, v[:i+1])
			v = v[i+1:]
			lineStart = true
		}
		if v != "" || t.Value == "" {
			writeToken(w, t.Type, v)
			lineStart = false
		}
	}
}

func writeToken(w util.BufWriter, tt chroma.TokenType, v string) {
	cls := tokenClass(tt)
	if cls != "" {
		w.WriteString(`<span class="`)
		w.WriteString(cls)
		w.WriteString(`">`)
	}
	writeEscaped(w, v)
	if cls != "" {
		w.WriteString("</span>")
	}
}

// tokenClass is the CSS class of a token type: its own, else its
// nearest parent's, as chroma's formatter finds it.
func tokenClass(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return chroma.StandardTypes[t]
}

// writeEscaped writes s escaped as html.EscapeString escapes it.
func writeEscaped(w util.BufWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// lexerCache keeps chroma's lexers by name: looking one up by alias scans
// every registered lexer, which would otherwise run once per code block.
var lexerCache sync.Map

func lexerFor(lang string) chroma.Lexer {
	if lang == "" {
		return nil
	}
	if l, ok := lexerCache.Load(lang); ok {
		lx, _ := l.(chroma.Lexer)
		return lx
	}
	var lx chroma.Lexer
	if l := lexers.Get(lang); l != nil {
		lx = chroma.Coalesce(l)
	}
	lexerCache.Store(lang, lx)
	return lx
}

func (r *folioRenderer) code(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var lang string
	if fc, ok := node.(*ast.FencedCodeBlock); ok {
		// Escapes in the info string are markdown's, not the language's.
		lang = fenceLang(fc, src)
	}
	var code bytes.Buffer
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(src))
	}
	if lang == "mermaid" {
		// The theme draws it; until then, and without script, it reads
		// as the text it is.
		w.WriteString(`<pre class="mermaid" data-lang="mermaid"><code>`)
		w.Write(util.EscapeHTML(code.Bytes()))
		w.WriteString("</code></pre>\n")
		return ast.WalkSkipChildren, nil
	}
	lx := lexerFor(lang)
	if lang != "" {
		w.WriteString(`<pre class="chroma" data-lang="` + string(util.EscapeHTML([]byte(lang))) + `"><code>`)
	} else {
		w.WriteString(`<pre class="chroma"><code>`)
	}
	if lx != nil {
		if it, err := lx.Tokenise(nil, code.String()); err == nil {
			writeTokens(w, it)
			w.WriteString("</code></pre>\n")
			return ast.WalkSkipChildren, nil
		}
	}
	w.Write(util.EscapeHTML(code.Bytes()))
	w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// IDSet is a page's heading ids, sorted: kept for every page until links
// are checked, and by the build cache, in less room than a map.
type IDSet []string

// NewIDSet makes the set of the ids in m.
func NewIDSet(m map[string]bool) IDSet {
	return IDSet(slices.Sorted(maps.Keys(m)))
}

// Has reports whether id is in the set.
func (s IDSet) Has(id string) bool {
	_, ok := slices.BinarySearch(s, id)
	return ok
}

// HeadingIDs assigns GitHub-style ids to every heading of doc and returns
// the table of contents (levels 2 to 4) and the set of ids.
func HeadingIDs(doc ast.Node, src []byte) ([]*generator.Heading, map[string]bool) {
	ids := map[string]bool{}
	counts := map[string]int{}
	var toc []*generator.Heading
	var stack []*generator.Heading
	// Custom ids ({#my-id}) are taken first: a generated id steps
	// around them, as it steps around its own repeats.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := customID(h); ok {
				ids[id] = true
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		text := strings.TrimSpace(PlainText(h, src))
		id, custom := customID(h)
		if !custom {
			base := headingID(headingSource(h, src))
			if base == "" {
				base = "section"
			}
			id = base
			// GitHub numbers repeats -1, -2; an id an editor wrote
			// that happens to look like a repeat is skipped over.
			for ids[id] {
				counts[base]++
				id = base + "-" + strconv.Itoa(counts[base])
			}
			ids[id] = true
			h.SetAttributeString("id", []byte(id))
		}
		if h.Level < 2 || h.Level > 4 {
			return ast.WalkSkipChildren, nil
		}
		e := &generator.Heading{Level: h.Level, ID: id, Text: text}
		for len(stack) > 0 && stack[len(stack)-1].Level >= h.Level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			toc = append(toc, e)
		} else {
			top := stack[len(stack)-1]
			top.Children = append(top.Children, e)
		}
		stack = append(stack, e)
		return ast.WalkSkipChildren, nil
	})
	return toc, ids
}

// customID is the id an editor gave heading h ({#my-id}), if any.
func customID(h *ast.Heading) (string, bool) {
	v, ok := h.AttributeString("id")
	if !ok {
		return "", false
	}
	b, ok := v.([]byte)
	if !ok || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

// NodeOffset finds a byte offset in src for an inline node, for error
// lines. -1 when the node has none.
func NodeOffset(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	var off = -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return -1
}

// Parse parses src with a fresh context, so heading ids of one page
// never leak into another when pages are parsed in parallel.
func Parse(md goldmark.Markdown, src []byte) ast.Node {
	return md.Parser().Parse(textReader(src), parser.WithContext(parser.NewContext()))
}
