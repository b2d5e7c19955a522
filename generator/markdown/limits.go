package markdown

import (
	"bytes"
	"context"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Bounds on hostile markdown
//
// Some shapes of markdown cost goldmark time that grows with the square
// of their size: a line of 160,000 ">" (each block quote it opens measures
// the line from its start again), thousands of footnotes (each reference
// looks through every definition, and the list is sorted by insertion),
// and thousands of link reference definitions in one paragraph (each one
// copies the lines after it). A page stops at a bound instead, far below
// where that cost shows and far above what a page written by hand needs,
// with an error at the line that crossed it. Each guard is a parser of
// its own that goldmark asks before its own parsers; it looks, counts and
// steps aside, or, past a bound, takes the rest of the line so that the
// costly parser never sees it.
const (
	// maxBlockDepth bounds how deep blocks nest: block quotes, lists and
	// their items, definition lists. A list level is two deep.
	maxBlockDepth = 64
	// maxNodeDepth bounds how deep any node of a page's tree nests, such
	// as emphasis inside emphasis, so walks of the tree stay shallow.
	maxNodeDepth = 128
	// MaxFootnotes and MaxFootnoteRefs bound a page's footnote
	// definitions and the references to them.
	MaxFootnotes    = 1000
	MaxFootnoteRefs = 10000
	// MaxLinkRefs bounds a page's link reference definitions, and
	// maxLinkRefWork those of one paragraph times its lines.
	MaxLinkRefs    = 10000
	maxLinkRefWork = 1 << 22
)

// mdLimits counts what a page's parse has used of the bounds. A page and
// the files it includes share one.
type mdLimits struct {
	footnotes, footnoteRefs, linkRefs, formulas int
	// reported keeps each bound to one error a page.
	reported map[string]bool
	// ctx is the build's: once it is done, the guards take each line
	// as it comes, so a long page's parse ends quickly.
	ctx     context.Context
	ticks   int
	stopped bool
	// ordinals counts the shortcodes of each name on the page.
	ordinals map[string]int
}

// ordinal numbers the next shortcode called name on the page.
func (l *mdLimits) ordinal(name string) int {
	if l.ordinals == nil {
		l.ordinals = map[string]int{}
	}
	n := l.ordinals[name]
	l.ordinals[name] = n + 1
	return n
}

// cancelled reports whether the build was cancelled, asking the context
// only now and then: it takes a lock.
func (l *mdLimits) cancelled() bool {
	if l.stopped || l.ctx == nil {
		return l.stopped
	}
	if l.ticks++; l.ticks%1024 == 0 && l.ctx.Err() != nil {
		l.stopped = true
	}
	return l.stopped
}

var limitsKey = parser.NewContextKey()

// limitsOf is the counts of the page being parsed.
func limitsOf(pc parser.Context) *mdLimits {
	l, _ := pc.Get(limitsKey).(*mdLimits)
	if l == nil {
		l = &mdLimits{}
		pc.Set(limitsKey, l)
	}
	return l
}

// exceeded reports a bound once a page, at an offset of the source.
func (l *mdLimits) exceeded(pc parser.Context, off int, msg string) {
	if l.reported[msg] {
		return
	}
	if l.reported == nil {
		l.reported = map[string]bool{}
	}
	l.reported[msg] = true
	frameOf(pc).errorf(off, "%s", msg)
}

// limitsExtension adds the guards to a goldmark.
type limitsExtension struct{}

func (limitsExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		// Before every block parser: the first is 100.
		parser.WithBlockParsers(util.Prioritized(blockGuard{}, 1)),
		// Before the footnote parser (101) and the link parser (200).
		parser.WithInlineParsers(util.Prioritized(footnoteRefGuard{}, 50), util.Prioritized(quoteRunGuard{}, 50), util.Prioritized(cancelGuard{}, 50)),
		// Before the link reference definitions (100).
		// Before the link reference definitions (100); and after tables
		// (200), whose cells are read one by one.
		parser.WithParagraphTransformers(util.Prioritized(linkRefGuard{}, 50), util.Prioritized(bracketGuard{}, 300)),
		parser.WithASTTransformers(util.Prioritized(depthGuard{}, 1)),
	)
}

// blockGuard bounds block nesting and footnote definitions.
type blockGuard struct{}

// allBytes triggers blockGuard on every line: a parser with no trigger
// would be asked only after the others.
var allBytes = func() []byte {
	b := make([]byte, 0, 255)
	for c := 0; c < 256; c++ {
		if c != '\n' {
			b = append(b, byte(c))
		}
	}
	return b
}()

func (blockGuard) Trigger() []byte { return allBytes }

func (blockGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) {
		return nil, parser.NoChildren
	}
	if !takesAnyBlock(parent) {
		// A list holds only items: the item opens first, one level
		// more, and the guard acts inside it.
		return nil, parser.NoChildren
	}
	if limitsOf(pc).cancelled() {
		reader.AdvanceToEOL()
		return ast.NewParagraph(), parser.NoChildren
	}
	depth := 0
	for p := parent; p != nil && depth <= maxBlockDepth; p = p.Parent() {
		depth++
	}
	msg := ""
	if depth > maxBlockDepth {
		msg = "blocks nested too deep: at most 64 levels of block quotes, lists and list items"
	} else if line[pos] == '[' && bytes.HasPrefix(line[pos:], []byte("[^")) && bytes.Contains(line[pos:], []byte("]:")) {
		l := limitsOf(pc)
		if l.footnotes++; l.footnotes > MaxFootnotes {
			msg = "too many footnotes: a page may define at most 1000"
		}
	}
	if msg == "" {
		return nil, parser.NoChildren
	}
	limitsOf(pc).exceeded(pc, seg.Start+pos, msg)
	// The rest of the line goes into an empty block, out of reach of the
	// parser whose cost the bound stops.
	reader.AdvanceToEOL()
	return ast.NewParagraph(), parser.NoChildren
}

// takesAnyBlock reports whether a block may hold a paragraph.
func takesAnyBlock(n ast.Node) bool {
	switch n.(type) {
	case *ast.List, *east.DefinitionList, *east.FootnoteList:
		return false
	}
	return true
}

func (blockGuard) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}

func (blockGuard) Close(ast.Node, text.Reader, parser.Context) {}
func (blockGuard) CanInterruptParagraph() bool                 { return true }
func (blockGuard) CanAcceptIndentedLine() bool                 { return true }

// footnoteRefGuard bounds footnote references: each one costs a look
// through every definition.
type footnoteRefGuard struct{}

func (footnoteRefGuard) Trigger() []byte { return []byte{'!', '['} }

func (footnoteRefGuard) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	rest := line
	if len(rest) > 0 && rest[0] == '!' {
		rest = rest[1:]
	}
	if !bytes.HasPrefix(rest, []byte("[^")) {
		return nil
	}
	l := limitsOf(pc)
	if l.footnoteRefs++; l.footnoteRefs <= MaxFootnoteRefs {
		return nil
	}
	l.exceeded(pc, seg.Start, "too many footnote references: a page may have at most 10000")
	// The bracket becomes text, so the footnote parser is not asked.
	block.Advance(1)
	return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+1))
}

// quoteRunGuard takes a run of more than maxQuoteRun quotes as plain
// text. The typographer, asked at each quote of a run, measures the run
// from there to its end each time: 80,000 quotes took seconds.
type quoteRunGuard struct{}

const maxQuoteRun = 8

func (quoteRunGuard) Trigger() []byte { return []byte{'"', '\''} }

func (quoteRunGuard) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	n := 1
	for n < len(line) && line[n] == line[0] {
		n++
	}
	if n <= maxQuoteRun {
		return nil
	}
	block.Advance(n)
	return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n))
}

// cancelGuard takes the rest of a line as text once the build is
// cancelled, where emphasis makes the most work of a line.
type cancelGuard struct{}

func (cancelGuard) Trigger() []byte { return []byte{'*', '_'} }

func (cancelGuard) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if !limitsOf(pc).cancelled() {
		return nil
	}
	line, seg := block.PeekLine()
	n := len(bytes.TrimRight(line, "\n"))
	if n == 0 {
		return nil
	}
	block.Advance(n)
	return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n))
}

// linkRefGuard bounds link reference definitions, counted by the lines
// that may start one, before goldmark reads them.
type linkRefGuard struct{}

func (linkRefGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	src := reader.Source()
	n, first := 0, -1
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := bytes.TrimLeft(seg.Value(src), " ")
		if len(line) > 0 && line[0] == '[' && bytes.Contains(line, []byte("]:")) {
			if n++; first < 0 {
				first = seg.Start
			}
		}
	}
	if n == 0 {
		return
	}
	l := limitsOf(pc)
	l.linkRefs += n
	msg := ""
	switch {
	case l.linkRefs > MaxLinkRefs:
		msg = "too many link reference definitions: a page may have at most 10000"
	case n*lines.Len() > maxLinkRefWork:
		msg = "too many link reference definitions in one paragraph: put blank lines between them"
	}
	if msg == "" {
		return
	}
	l.exceeded(pc, first, msg)
	// Out of the tree, the paragraph reaches no further transformer.
	node.Parent().RemoveChild(node.Parent(), node)
}

// bracketGuard bounds a paragraph's lines times its brackets: goldmark
// finds the line of each link's label and title by looking through the
// paragraph's lines from the last.
type bracketGuard struct{}

func (bracketGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() < 2 {
		return
	}
	src := reader.Source()
	n := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		n += bytes.Count(seg.Value(src), []byte("["))
	}
	if n*lines.Len() <= maxLinkRefWork {
		return
	}
	limitsOf(pc).exceeded(pc, lines.At(0).Start, "paragraph too long for its links: put blank lines between its parts")
	node.Parent().RemoveChild(node.Parent(), node)
}

// depthGuard bounds how deep the tree of a page nests, once parsed:
// nodes deeper than the bound lose their children.
type depthGuard struct{}

func (depthGuard) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	// Without recursion, which the depth being checked would drive.
	depth := 0
	for n := ast.Node(doc); n != nil; {
		if depth >= maxNodeDepth && n.HasChildren() {
			limitsOf(pc).exceeded(pc, firstOffset(n), "text nested too deep: at most 128 levels of emphasis, links and blocks")
			n.RemoveChildren(n)
		}
		if c := n.FirstChild(); c != nil {
			n, depth = c, depth+1
			continue
		}
		for n != nil && n != ast.Node(doc) && n.NextSibling() == nil {
			n, depth = n.Parent(), depth-1
		}
		if n == nil || n == ast.Node(doc) {
			break
		}
		n = n.NextSibling()
	}
}

// firstOffset is where a node's first text starts, found down its first
// children without recursion; nodeOffset when there is none.
func firstOffset(n ast.Node) int {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
		if c.Pos() >= 0 {
			return c.Pos()
		}
	}
	return NodeOffset(n)
}
