package markdown

import (
	"bytes"
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// liquidRE finds what Jekyll's Liquid would have run: tags, and the site
// and page variables. Folio shortcodes ({{< >}}) are not Liquid.
var liquidRE = regexp.MustCompile(`\{%-?\s*[a-z_]+[^%]*%\}|\{\{-?\s*(?:site|page)\.[^}]*\}\}`)

// LiquidAt is Liquid left in markdown: Folio publishes it as text.
type LiquidAt struct {
	Line int    // 1-based line in the text scanned
	Text string // the tag as written, shortened
}

// Liquid finds Liquid in src[:n] outside code spans and code blocks of
// doc, the tree parsed from src: what Jekyll would have run and a reader
// of a Folio page would see as text.
func Liquid(doc ast.Node, src []byte, n int) []LiquidAt {
	text := src[:n]
	if !bytes.Contains(text, []byte("{%")) && !bytes.Contains(text, []byte("{{")) {
		return nil
	}
	found := liquidRE.FindAllIndex(text, -1)
	if found == nil {
		return nil
	}
	// Code is where Liquid is shown, not run: its byte ranges.
	type span struct{ start, end int }
	var code []span
	_ = ast.Walk(doc, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c.Kind() {
		case ast.KindFencedCodeBlock, ast.KindCodeBlock:
			lines := c.Lines()
			if lines.Len() > 0 {
				code = append(code, span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop})
			}
			return ast.WalkSkipChildren, nil
		case ast.KindCodeSpan:
			start, end := -1, -1
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					if start < 0 {
						start = tx.Segment.Start
					}
					end = tx.Segment.Stop
				}
			}
			if start >= 0 {
				code = append(code, span{start, end})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	sort.Slice(code, func(i, j int) bool { return code[i].start < code[j].start })
	lines := NewLineIndex(text)
	var out []LiquidAt
	for _, m := range found {
		i := sort.Search(len(code), func(i int) bool { return code[i].end > m[0] })
		if i < len(code) && code[i].start <= m[0] {
			continue
		}
		tag := string(text[m[0]:m[1]])
		if len(tag) > 60 {
			tag = strings.ToValidUTF8(tag[:57], "") + "..."
		}
		out = append(out, LiquidAt{Line: lines.Line(m[0]), Text: tag})
	}
	return out
}
