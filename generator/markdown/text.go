package markdown

import (
	"html"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

func textReader(src []byte) text.Reader { return text.NewReader(src) }

// LineIndex turns byte offsets of a body into 1-based lines.
type LineIndex []int

// NewLineIndex indexes the lines of src.
func NewLineIndex(src []byte) LineIndex {
	idx := LineIndex{0}
	for i, c := range src {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// Line returns the 1-based line of offset off.
func (l LineIndex) Line(off int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off })
}

// PlainText is the text of a node as a reader sees it, with entities and
// the typographer's quotes decoded.
func PlainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *mathNode:
			b.WriteString(t.tex) // a formula reads as its TeX
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return html.UnescapeString(b.String())
}
