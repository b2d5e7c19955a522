package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Math and diagrams
//
// TeX between dollar signs is math: $x^2$ inline, $$\sum_k k$$ set on a
// line of its own (it may span lines of its paragraph), and a ```math
// fence holds one displayed formula. Prices in prose stay text, by the
// rules Pandoc uses: the opening $ has no space after it, the closing one
// has none before it and no digit after it, and \$ is a dollar sign; and
// an inline formula holds no other $. So "costs $5 and $10" is no formula. Code spans and code blocks are never
// read for math.
//
// A ```mermaid fence is a diagram: its source is written as a <pre> of
// class "mermaid", which the theme draws in the browser and which stays
// readable as text without script.
//
// Formulas are turned into HTML by the build's MathFunc, once the page
// is rendered; a formula it refuses is an error at the formula's line.

// MathFunc turns one formula in TeX into the HTML that shows it: display
// is true for a formula set on a line of its own.
type MathFunc func(tex string, display bool) (string, error)

// Bounds on one formula: a dollar sign with no closing one within them is
// text, so a page full of prices is read in time linear in its size.
const (
	maxInlineMath  = 2 << 10
	MaxDisplayMath = 32 << 10
)

// MaxFormulas bounds the formulas of a page, with its includes: each
// costs KaTeX a millisecond or more the first time it is set.
const MaxFormulas = 2000

var kindMath = ast.NewNodeKind("Math")

// mathNode is one formula, inline or displayed.
type mathNode struct {
	ast.BaseInline
	tex     string
	display bool
	fr      *frame // nil outside a page build
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }
func (n *mathNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": n.tex}, nil)
}

var kindMathBlock = ast.NewNodeKind("MathBlock")

// mathBlock is a ```math fence.
type mathBlock struct {
	ast.BaseBlock
	math mathNode
}

func (n *mathBlock) Kind() ast.NodeKind { return kindMathBlock }
func (n *mathBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": n.math.tex}, nil)
}

// mathExt parses formulas and diagrams and renders formulas with the
// build's MathFunc, which SetMath hands it.
type mathExt struct{ fn MathFunc }

// SetMath gives the build's markdown the function that renders formulas.
// It is called once, before any page is rendered; without it a formula
// shows as its TeX.
func (x *Shortcodes) SetMath(fn MathFunc) { x.math.fn = fn }

func (m *mathExt) Extend(md goldmark.Markdown) {
	md.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(mathParser{}, 150)),
		parser.WithASTTransformers(util.Prioritized(fenceTransformer{}, 60)),
	)
	md.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(m, 100)))
}

// mathParser reads $...$ and $$...$$ in a paragraph.
type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func (mathParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	display := len(line) > 1 && line[1] == '$'
	open, limit := 1, maxInlineMath
	if display {
		open, limit = 2, MaxDisplayMath
	} else if len(line) < 2 || util.IsSpace(line[1]) {
		return nil
	}
	l, pos := block.Position()
	block.Advance(open)
	var tex []byte
	for {
		line, _ := block.PeekLine()
		if line == nil || len(tex) > limit {
			block.SetPosition(l, pos)
			return nil
		}
		end, next, found := mathEnd(line, tex, display)
		if next < 0 {
			block.SetPosition(l, pos)
			return nil
		}
		if found {
			tex = append(tex, line[:end]...)
			block.Advance(next)
			break
		}
		tex = append(tex, line...)
		block.AdvanceLine()
	}
	src := strings.TrimSpace(string(tex))
	if src == "" || len(tex) > limit {
		block.SetPosition(l, pos)
		return nil
	}
	if !countFormula(pc, seg.Start) {
		block.SetPosition(l, pos)
		return nil
	}
	n := &mathNode{tex: src, display: display, fr: frameOf(pc)}
	n.SetPos(seg.Start)
	return n
}

// countFormula counts one more formula on the page, at offset off, and
// reports whether it is within the bound; past it, the formula stays text
// and the page has an error.
func countFormula(pc parser.Context, off int) bool {
	l := limitsOf(pc)
	if l.formulas >= MaxFormulas {
		l.exceeded(pc, off, "too many formulas: a page may have at most 2000")
		return false
	}
	l.formulas++
	return true
}

// mathEnd finds the closing dollar sign(s) of a formula in line, which
// follows the formula's text so far: end is where the TeX stops and next
// where the text after the closing sign starts. next is -1 when the line
// shows that there is no formula.
func mathEnd(line, before []byte, display bool) (end, next int, ok bool) {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\':
			i++ // \$ is TeX's dollar sign
		case c != '$':
		case display:
			if i+1 < len(line) && line[i+1] == '$' {
				return i, i + 2, true
			}
		default:
			prev := byte(' ')
			if i > 0 {
				prev = line[i-1]
			} else if len(before) > 0 {
				prev = before[len(before)-1]
			}
			if util.IsSpace(prev) || i+1 < len(line) && '0' <= line[i+1] && line[i+1] <= '9' {
				// No formula holds a bare $: "$5 and $10" is prose.
				return 0, -1, false
			}
			return i, i + 1, true
		}
	}
	return 0, 0, false
}

// fenceTransformer turns ```math fences into formulas, which need the
// file they were written in for their errors, and notes diagrams.
type fenceTransformer struct{}

func (fenceTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	fr := frameOf(pc)
	var fences []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fc, ok := n.(*ast.FencedCodeBlock); ok && entering {
			switch fenceLang(fc, src) {
			case "math":
				fences = append(fences, fc)
			case "mermaid":
				if fr != nil && fr.pb != nil {
					fr.pb.Diagrams = true
				}
			}
		}
		return ast.WalkContinue, nil
	})
	for _, fc := range fences {
		var tex bytes.Buffer
		lines := fc.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			tex.Write(seg.Value(src))
		}
		pos := fc.Pos()
		if lines.Len() > 0 {
			pos = lines.At(0).Start
		}
		if !countFormula(pc, pos) {
			break
		}
		n := &mathBlock{math: mathNode{tex: strings.TrimSpace(tex.String()), display: true, fr: fr}}
		n.SetPos(pos)
		fc.Parent().ReplaceChild(fc.Parent(), fc, n)
	}
}

// fenceLang is a fence's language, lower-cased, escapes decoded.
func fenceLang(fc *ast.FencedCodeBlock, src []byte) string {
	return strings.ToLower(string(util.UnescapePunctuations(fc.Language(src))))
}

func (m *mathExt) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, m.render)
	reg.Register(kindMathBlock, m.render)
}

func (m *mathExt) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var n *mathNode
	switch v := node.(type) {
	case *mathNode:
		n = v
	case *mathBlock:
		n = &v.math
	}
	if m.fn != nil {
		out, err := m.fn(n.tex, n.display)
		if err == nil {
			w.WriteString(out)
			if node.Type() == ast.TypeBlock {
				w.WriteByte('\n')
			}
			return ast.WalkSkipChildren, nil
		}
		n.fr.errorf(node.Pos(), "math: %v", err)
	}
	// Without a renderer, or for a formula it refused, the TeX as code.
	if node.Type() == ast.TypeBlock {
		w.WriteString(`<pre class="math" data-lang="math"><code>`)
		writeEscaped(w, n.tex)
		w.WriteString("</code></pre>\n")
	} else {
		w.WriteString(`<code class="math">`)
		writeEscaped(w, n.tex)
		w.WriteString(`</code>`)
	}
	return ast.WalkSkipChildren, nil
}
