package markdown

import (
	"html"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// headingID makes an id the way GitHub does, so that fragments written for
// a code host keep working: the text lower-cased with Unicode's full
// mapping, every character dropped but letters and other alphabetic
// characters, marks, decimal digits, connector punctuation, hyphens and
// spaces, and spaces made hyphens.
func headingID(text string) string {
	var b strings.Builder
	for _, r := range text {
		if r == 'İ' {
			// Full case mapping: a dotted i, where unicode.ToLower
			// has a plain one.
			b.WriteString("i\u0307")
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || isWordRune(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isWordRune reports whether GitHub keeps r in an id: what Unicode calls
// alphabetic (letters, letter numbers and letter-like symbols such as Ⓐ),
// marks of every kind, decimal digits and connector punctuation.
func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Nl, unicode.Pc, unicode.Other_Alphabetic)
}

// sourceAttr holds on a typographer's string the source it replaced, so a
// heading's id is made from what the editor wrote, as GitHub makes it:
// "foo -- bar" is foo----bar, not foo--bar.
var sourceAttr = []byte("data-folio-src")

// headingSource is the text of heading h for its id: its source text with
// entities and backslash escapes decoded, before the typographer.
func headingSource(h ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(h, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
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
			if v, ok := t.AttributeString(string(sourceAttr)); ok {
				b.Write(v.([]byte))
			} else {
				b.Write(t.Value)
			}
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *mathNode:
			b.WriteString(t.tex) // a formula reads as its TeX
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	// Space the editor typed around the text is not the heading's; space
	// written as an entity is, as on GitHub.
	s := strings.TrimSpace(b.String())
	return html.UnescapeString(string(util.UnescapePunctuations([]byte(s))))
}

// typographer is goldmark's typographer, with the source of each
// substitution kept on its node for headingSource.
type typographer struct{}

func (typographer) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(&keepSource{extension.NewTypographerParser()}, 9999),
	))
}

type keepSource struct{ parser.InlineParser }

func (k *keepSource) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before, _ := block.PeekLine()
	n := k.InlineParser.Parse(parent, block, pc)
	if n == nil {
		return nil
	}
	after, _ := block.PeekLine()
	if used := len(before) - len(after); used > 0 && used <= len(before) {
		n.SetAttribute(sourceAttr, append([]byte(nil), before[:used]...))
	}
	return n
}
