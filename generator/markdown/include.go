package markdown

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"folio/generator"
	"folio/generator/frontmatter"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Includes
//
// {{< include "_snippets/install.md" >}} puts the blocks of a file under
// content/ into the page, where the tag stands. The file is parsed into
// the page's tree (an Include node whose children are its blocks), so its
// headings reach the table of contents and its links are checked. A
// goldmark tree points into one source, so each included body is
// appended to the page's body and parsed in place there; a frame per file
// maps offsets of that source back to the file and line the editor wrote.

// Bounds on what one page may include, so that a mistake, or a snippet
// that includes another many times over, cannot make a build run away.
const (
	MaxIncludeDepth = 8
	MaxIncludes     = 500
	MaxIncludeBytes = generator.MaxPageSize
)

// PageBody is a page's body as parsed: the tree, the source it points
// into, and the errors found in parsing and rendering it.
type PageBody struct {
	x    *Shortcodes
	page *generator.Page
	Doc  ast.Node
	// src is the page's body followed by every file it includes.
	Src   []byte
	Errs  generator.ErrorList
	count int // includes expanded
	// included lists every file the page tried to include, for the
	// build cache: a change to any of them changes the page.
	Included []string
	size     int // bytes included
	// overLimit stops repeating the same error for every include past
	// a bound.
	overLimit bool
	// limits counts what the page and its includes used of the bounds
	// on hostile markdown.
	limits mdLimits
	// Diagrams says whether the page or a file it includes has a
	// ```mermaid diagram: the theme loads what draws them on such pages
	// only.
	Diagrams bool
	// Shortcodes are the names of the shortcodes the page or a file it
	// includes rendered, so that the theme may load what one of them
	// needs, such as the stylesheet of tabs, on those pages only.
	Shortcodes map[string]bool
}

// frame is one file's stretch of a PageBody's src.
type frame struct {
	pb       *PageBody
	file     string    // content/_snippets/install.md
	start    int       // offset in src of the file's body
	bodyLine int       // file line of the body's first line, minus one
	text     []byte    // the file's body, read for lines when one is asked for
	lines    LineIndex // made from text on first use
	via      string    // "included from content/docs/x.md:12", "" for the page
	chain    []string  // files from the page down to this one
	broken   []string  // names of opening tags that could not be read
	tooDeep  bool      // shortcodes nested too deep, reported once
}

// line is the file line of an offset of src.
func (fr *frame) line(off int) int {
	if fr == nil {
		return 0
	}
	if off < fr.start {
		return fr.bodyLine + 1
	}
	if fr.lines == nil {
		fr.lines = NewLineIndex(fr.text)
	}
	return fr.bodyLine + fr.lines.Line(off-fr.start)
}

// errorf records an error at an offset of src. Outside a page build (an
// old version of a page) there is nobody to tell.
func (fr *frame) errorf(off int, format string, args ...any) {
	if fr == nil || fr.pb == nil {
		return
	}
	fr.pb.Errs = append(fr.pb.Errs, &generator.Error{File: fr.file, Line: fr.line(off), Via: fr.via, Msg: fmt.Sprintf(format, args...)})
}

// ParseBody parses a page's body with its includes expanded. The tree
// must be rendered with the returned PageBody's Src, not with p.Src.
func (x *Shortcodes) ParseBody(p *generator.Page) *PageBody {
	return x.ParseBodyCtx(context.Background(), p)
}

// ParseBodyCtx is ParseBody that cuts the parse short, leaving the rest
// of the page as text, once ctx is done.
func (x *Shortcodes) ParseBodyCtx(ctx context.Context, p *generator.Page) *PageBody {
	// Clipped, so that the first include copies the body instead of
	// writing past it into the file it was cut from.
	pb := &PageBody{x: x, page: p, Src: slices.Clip(p.Src)}
	pb.limits.ctx = ctx
	fr := &frame{pb: pb, file: p.File, bodyLine: p.BodyLine, text: p.Src, chain: []string{p.File}}
	pc := parser.NewContext()
	pc.Set(frameKey, fr)
	pc.Set(limitsKey, &pb.limits)
	pb.Doc = x.md.Parser().Parse(textReader(pb.Src), parser.WithContext(pc))
	return pb
}

// frameAt is the frame of the file a node was written in: the innermost
// include around it, else the page.
func frameAt(n ast.Node, page *frame) *frame {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if inc, ok := p.(*includeNode); ok && inc.inner != nil {
			return inc.inner
		}
	}
	return page
}

// snippet is an included file, read once per build.
type snippet struct {
	body     []byte
	bodyLine int
	err      error
}

var errIncludeMissing = errors.New("no such file in content/")

func (x *Shortcodes) snippet(file string) *snippet {
	if v, ok := x.snippets.Load(file); ok {
		return v.(*snippet)
	}
	s := &snippet{}
	data, err := generator.ReadLimited(x.fsys, file, generator.MaxPageSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.err = errIncludeMissing
	case err != nil:
		s.err = err
	case !utf8.Valid(data):
		s.err = errors.New("not valid UTF-8 text")
	default:
		// A page can be included too: its front matter is not text.
		_, s.body, s.bodyLine, s.err = frontmatter.Split(file, data)
	}
	v, _ := x.snippets.LoadOrStore(file, s)
	return v.(*snippet)
}

// include parses the file an include names into the include's node.
func (pb *PageBody) include(inc *includeNode, fr *frame) {
	if len(inc.tag.positional) != 1 || len(inc.tag.named) != 0 || pb.overLimit {
		return // a bad tag was reported when it was read
	}
	off := inc.Pos()
	arg := inc.tag.positional[0]
	rel := path.Clean(strings.TrimPrefix(arg, "/"))
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		fr.errorf(off, "include %q: not a file under content/", arg)
		return
	}
	file := "content/" + rel
	if i := slices.Index(fr.chain, file); i >= 0 {
		fr.errorf(off, "include cycle: %s", strings.Join(append(slices.Clone(fr.chain[i:]), file), " -> "))
		return
	}
	if len(fr.chain) > MaxIncludeDepth {
		fr.errorf(off, "include %q: includes nested more than %d deep", arg, MaxIncludeDepth)
		return
	}
	pb.Included = append(pb.Included, file)
	s := pb.x.snippet(file)
	if s.err != nil {
		var e *generator.Error
		if errors.As(s.err, &e) {
			// A broken front matter: its own file and line.
			fr.pb.Errs = append(fr.pb.Errs, &generator.Error{File: e.File, Line: e.Line, Via: fr.viaFor(off), Msg: e.Msg})
			return
		}
		fr.errorf(off, "include %q: %v", arg, s.err)
		return
	}
	pb.count++
	pb.size += len(s.body)
	if pb.count > MaxIncludes || pb.size > MaxIncludeBytes {
		fr.errorf(off, "include %q: a page may include at most %d files and %d bytes", arg, MaxIncludes, MaxIncludeBytes)
		pb.overLimit = true
		return
	}
	// A newline before the body keeps it apart from what precedes it.
	pb.Src = append(pb.Src, '\n')
	start := len(pb.Src)
	pb.Src = append(pb.Src, s.body...)
	if !bytes.HasSuffix(s.body, []byte("\n")) {
		pb.Src = append(pb.Src, '\n')
	}
	child := &frame{
		pb: pb, file: file, start: start, bodyLine: s.bodyLine, text: s.body,
		via: fr.viaFor(off), chain: append(slices.Clip(fr.chain), file),
	}
	inc.inner = child
	pc := parser.NewContext()
	pc.Set(frameKey, child)
	pc.Set(limitsKey, &pb.limits)
	r := text.NewReader(pb.Src)
	r.SetPosition(-1, text.NewSegment(start, start))
	r.AdvanceLine()
	doc := pb.x.md.Parser().Parse(r, parser.WithContext(pc))
	for c := doc.FirstChild(); c != nil; {
		next := c.NextSibling()
		inc.AppendChild(inc, c)
		c = next
	}
}

// viaFor says where a file included at off of this frame came from.
func (fr *frame) viaFor(off int) string {
	via := "included from " + fr.file + ":" + strconv.Itoa(fr.line(off))
	if fr.via != "" {
		via += ", " + strings.TrimPrefix(fr.via, "included from ")
	}
	return via
}
