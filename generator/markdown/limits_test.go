package markdown

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestQuoteRunsStayText checks that a long run of quotes is one piece of
// text: the typographer, given each quote of a run on its own, measures
// the rest of the run every time.
func TestQuoteRunsStayText(t *testing.T) {
	src := []byte(`He said "yes" and ` + strings.Repeat(`"`, 12) + "\n")
	md := newMarkdown(false)
	doc := md.Parser().Parse(text.NewReader(src))
	para := doc.FirstChild()
	var pieces []string
	for c := para.FirstChild(); c != nil; c = c.NextSibling() {
		if txt, ok := c.(*ast.Text); ok {
			pieces = append(pieces, string(txt.Segment.Value(src)))
		}
	}
	if !slices.Contains(pieces, strings.Repeat(`"`, 12)) {
		t.Errorf("paragraph text = %q, want the run of quotes as one piece", pieces)
	}
	var out bytes.Buffer
	if err := md.Convert(src, &out); err != nil {
		t.Fatalf("Convert() = %v", err)
	}
	if got := out.String(); !strings.Contains(got, "&ldquo;yes&rdquo;") {
		t.Errorf("the paragraph lacks the typographic quotes: %s", got)
	}
}
