package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"folio/generator"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Shortcodes
//
// A shortcode is a template called from markdown:
//
//	{{< note title="Before you start" >}}
//	Markdown, rendered and handed to the template as .Inner.
//	{{< /note >}}
//
//	{{< figure src="img/chart.png" alt="A bar chart" caption="Visits" >}}
//	{{< include "_snippets/install.md" >}}
//
// The template of NAME is layouts/shortcodes/NAME.html, the site's over the
// theme's. A shortcode whose template uses .Inner takes content and needs
// its closing tag (or ends with />}} to have none); any other stands
// alone. Tags are parsed into the goldmark tree, not replaced in HTML, so
// headings inside shortcodes reach the table of contents and their links
// are checked like any other. Code spans and code blocks are never read
// for shortcodes; elsewhere {{</* note */>}} shows {{< note >}} as text.

// urlArgs are the named arguments that hold an address: they are resolved
// and checked like the destination of a markdown link.
var urlArgs = []string{"href", "link", "src"}

// Limits of one shortcode tag.
const (
	maxShortcodeArgs = 64
	maxNameLen       = 64
)

// scTag is one {{< ... >}} as written.
type scTag struct {
	name       string
	closing    bool // {{< /name >}}
	selfClose  bool // {{< name />}}
	named      map[string]string
	positional []string
	n          int // bytes of the line the tag takes
}

var (
	tagOpen   = []byte("{{<")
	escOpen   = []byte("{{</*")
	escClose  = []byte("*/>}}")
	tagClose  = []byte(">}}")
	selfClose = []byte("/>}}")
)

// parseTag reads the tag at the start of s, which begins with "{{<". A
// tag never spans lines. On an error, the tag is returned too when its
// name could be read.
func parseTag(s []byte) (*scTag, error) {
	t, err := scanTag(s)
	if err != nil && t.name == "" {
		return nil, err
	}
	return t, err
}

func scanTag(s []byte) (*scTag, error) {
	if nl := bytes.IndexByte(s, '\n'); nl >= 0 {
		s = s[:nl]
	}
	t := &scTag{}
	i := skipBlanks(s, len(tagOpen))
	if i < len(s) && s[i] == '/' {
		t.closing = true
		i = skipBlanks(s, i+1)
	}
	start := i
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	t.name = string(s[start:i])
	if t.name == "" {
		return t, errors.New("a shortcode tag needs a name: {{< name >}}")
	}
	if len(t.name) > maxNameLen {
		t.name = ""
		return t, fmt.Errorf("shortcode name longer than %d characters", maxNameLen)
	}
	for {
		j := skipBlanks(s, i)
		if j == i && j < len(s) && !bytes.HasPrefix(s[j:], tagClose) && !bytes.HasPrefix(s[j:], selfClose) {
			return t, fmt.Errorf("shortcode %q: want a space before %q", t.name, firstRune(s[j:]))
		}
		i = j
		switch {
		case bytes.HasPrefix(s[i:], tagClose):
			t.n = i + len(tagClose)
			return t, nil
		case bytes.HasPrefix(s[i:], selfClose) && !t.closing:
			t.selfClose = true
			t.n = i + len(selfClose)
			return t, nil
		case i >= len(s):
			return t, fmt.Errorf("shortcode %q: no >}} ends the tag on its line", t.name)
		case t.closing:
			return t, fmt.Errorf("closing tag {{< /%s >}} takes no arguments", t.name)
		}
		if len(t.positional)+len(t.named) >= maxShortcodeArgs {
			return t, fmt.Errorf("shortcode %q: more than %d arguments", t.name, maxShortcodeArgs)
		}
		val, key, next, err := parseArg(s, i)
		if err != nil {
			return t, fmt.Errorf("shortcode %q: %w", t.name, err)
		}
		i = next
		if key == "" {
			t.positional = append(t.positional, val)
			continue
		}
		if t.named == nil {
			t.named = map[string]string{}
		}
		if _, dup := t.named[key]; dup {
			return t, fmt.Errorf("shortcode %q: argument %q given twice", t.name, key)
		}
		t.named[key] = val
	}
}

// parseArg reads one argument at s[i:]: a word, "a quoted string" with Go
// escapes, `a raw string`, or any of them after name=.
func parseArg(s []byte, i int) (val, key string, next int, err error) {
	if s[i] != '"' && s[i] != '`' {
		j := i
		for j < len(s) && !isBlank(s[j]) && s[j] != '=' && s[j] != '"' && s[j] != '`' &&
			!bytes.HasPrefix(s[j:], tagClose) && !bytes.HasPrefix(s[j:], selfClose) {
			j++
		}
		word := string(s[i:j])
		if j < len(s) && s[j] == '=' {
			if !validKey(word) {
				return "", "", 0, fmt.Errorf("bad argument name %q: use letters, digits, - and _", word)
			}
			if j+1 >= len(s) || isBlank(s[j+1]) || bytes.HasPrefix(s[j+1:], tagClose) {
				return "", "", 0, fmt.Errorf("argument %s= has no value", word)
			}
			val, _, next, err = parseValue(s, j+1)
			return val, word, next, err
		}
		if j < len(s) && (s[j] == '"' || s[j] == '`') {
			return "", "", 0, fmt.Errorf("want a space before the quote after %q", word)
		}
		return word, "", j, nil
	}
	val, _, next, err = parseValue(s, i)
	if err == nil && next < len(s) && s[next] == '=' {
		return "", "", 0, errors.New("an argument name is not quoted: name=\"value\"")
	}
	return val, "", next, err
}

// parseValue reads an argument value at s[i:].
func parseValue(s []byte, i int) (val, key string, next int, err error) {
	switch s[i] {
	case '`':
		end := bytes.IndexByte(s[i+1:], '`')
		if end < 0 {
			return "", "", 0, errors.New("no closing ` after a raw argument")
		}
		return string(s[i+1 : i+1+end]), "", i + end + 2, nil
	case '"':
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", "", 0, errors.New(`no closing " after a quoted argument`)
		}
		v, err := strconv.Unquote(string(s[i : j+1]))
		if err != nil {
			return "", "", 0, fmt.Errorf("bad escape in %s", s[i:j+1])
		}
		return v, "", j + 1, nil
	}
	j := i
	for j < len(s) && !isBlank(s[j]) && s[j] != '"' && s[j] != '`' && s[j] != '=' &&
		!bytes.HasPrefix(s[j:], tagClose) && !bytes.HasPrefix(s[j:], selfClose) {
		j++
	}
	if j < len(s) && (s[j] == '"' || s[j] == '`' || s[j] == '=') {
		return "", "", 0, fmt.Errorf("quote a value that holds %q", s[j])
	}
	return string(s[i:j]), "", j, nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isNameByte(k[i]) {
			return false
		}
	}
	return true
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func skipBlanks(s []byte, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}

func firstRune(s []byte) string {
	for i := range string(s) {
		if i > 0 {
			return string(s[:i])
		}
	}
	return string(s)
}

// scanEscape reads {{</* ... */>}} at the start of s and returns the text
// it stands for, {{< ... >}}.
func scanEscape(s []byte) (lit []byte, n int, ok bool) {
	if nl := bytes.IndexByte(s, '\n'); nl >= 0 {
		s = s[:nl]
	}
	end := bytes.Index(s[len(escOpen):], escClose)
	if end < 0 {
		return nil, 0, false
	}
	inner := s[len(escOpen) : len(escOpen)+end]
	lit = append(append(append([]byte(nil), tagOpen...), inner...), tagClose...)
	return lit, len(escOpen) + end + len(escClose), true
}

// shortcodeDef is a shortcode template and what it does with arguments,
// read from its parse tree so that a misspelt argument is an error
// instead of being ignored.
type shortcodeDef struct {
	name   string
	tmpl   string // template name: shortcodes/note.html
	source string // file, for errors
	inner  bool   // uses .Inner: takes content and a closing tag
	// open is true when the template reads arguments in ways that cannot
	// be listed (.Params, .Positional, .Get with a variable, or `.` handed
	// to another template); its arguments are then not checked.
	open       bool
	named      map[string]bool
	positional int
}

// ShortcodeSet is the theme's shortcodes, parsed into one template set
// with the partials and the layouts' functions.
type ShortcodeSet struct {
	tmpl   *template.Template
	defs   map[string]*shortcodeDef
	source map[string]string // template name -> file, for errors
}

const includeName = "include"

// LoadShortcodes parses layouts/shortcodes/*.html, given the theme's
// layouts and the files they came from by name. They are kept apart from
// the page layouts: a page cannot use one as its layout, and a shortcode
// cannot break a page layout's blocks.
func LoadShortcodes(layouts, source map[string]string, funcs template.FuncMap) (*ShortcodeSet, error) {
	set := &ShortcodeSet{tmpl: template.New("shortcodes").Funcs(funcs), defs: map[string]*shortcodeDef{}, source: source}
	names := make([]string, 0, len(layouts))
	for name := range layouts {
		if strings.HasPrefix(name, "partials/") || strings.HasPrefix(name, "shortcodes/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := set.tmpl.New(name).Parse(layouts[name]); err != nil {
			return nil, generator.TemplateError(source, err)
		}
		short, ok := strings.CutPrefix(name, "shortcodes/")
		if !ok {
			continue
		}
		short = strings.TrimSuffix(short, ".html")
		if !validKey(short) {
			// Subfolders and odd names are for the templates' own use:
			// no tag can name them.
			continue
		}
		if short == includeName {
			return nil, generator.Errorf(source[name], 0, "include is built in: a template cannot replace it")
		}
		d := &shortcodeDef{name: short, tmpl: name, source: source[name], named: map[string]bool{}}
		if tr := set.tmpl.Lookup(name).Tree; tr != nil {
			d.scan(tr.Root)
		}
		set.defs[short] = d
	}
	return set, nil
}

// scan records what a template does with its arguments.
func (d *shortcodeDef) scan(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			d.scan(c)
		}
	case *parse.ActionNode:
		d.scan(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			d.scan(c)
		}
	case *parse.CommandNode:
		if len(n.Args) > 0 {
			if f := dotField(n.Args[0]); f == "Get" || f == "Require" {
				if len(n.Args) == 1 {
					d.open = true // piped: .Get receives its key at run time
				}
				for _, a := range n.Args[1:] {
					switch a := a.(type) {
					case *parse.StringNode:
						d.named[a.Text] = true
					case *parse.NumberNode:
						if a.IsInt && a.Int64 >= 0 && a.Int64 < maxShortcodeArgs {
							d.positional = max(d.positional, int(a.Int64)+1)
						}
					default:
						d.open = true
					}
				}
			}
		}
		for _, a := range n.Args {
			d.scan(a)
		}
	case *parse.FieldNode, *parse.VariableNode:
		switch dotField(n) {
		case "Inner":
			d.inner = true
		case "Params", "Positional":
			d.open = true
		}
	case *parse.ChainNode:
		d.scan(n.Node)
	case *parse.IfNode:
		d.scanBranch(&n.BranchNode)
	case *parse.RangeNode:
		d.scanBranch(&n.BranchNode)
	case *parse.WithNode:
		d.scanBranch(&n.BranchNode)
	case *parse.TemplateNode:
		if n.Pipe != nil {
			d.open = true
		}
		d.scan(n.Pipe)
	}
}

func (d *shortcodeDef) scanBranch(n *parse.BranchNode) {
	d.scan(n.Pipe)
	d.scan(n.List)
	d.scan(n.ElseList)
}

// dotField is the first field of .Field... or $.Field..., "" for others.
func dotField(n parse.Node) string {
	switch n := n.(type) {
	case *parse.FieldNode:
		return n.Ident[0]
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			return n.Ident[1]
		}
	}
	return ""
}

// check reports arguments the template never reads.
func (d *shortcodeDef) check(t *scTag) string {
	if d.open {
		return ""
	}
	var unknown []string
	for k := range t.named {
		if !d.named[k] {
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		takes := "no named arguments"
		if len(d.named) > 0 {
			known := make([]string, 0, len(d.named))
			for k := range d.named {
				known = append(known, k)
			}
			sort.Strings(known)
			takes = strings.Join(known, ", ")
		}
		word := "argument"
		if len(unknown) > 1 {
			word = "arguments"
		}
		return fmt.Sprintf("shortcode %q: unknown %s %s (it takes %s)", d.name, word, strings.Join(unknown, ", "), takes)
	}
	if len(t.positional) > d.positional {
		if d.positional == 0 {
			return fmt.Sprintf("shortcode %q: takes no positional arguments, got %q", d.name, t.positional[0])
		}
		return fmt.Sprintf("shortcode %q: takes at most %d positional arguments, got %d", d.name, d.positional, len(t.positional))
	}
	return ""
}

// execute runs a shortcode's template.
func (s *ShortcodeSet) execute(d *shortcodeDef, data *generator.Shortcode) ([]byte, string) {
	var buf bytes.Buffer
	err := s.tmpl.ExecuteTemplate(&buf, d.tmpl, data)
	if err == nil {
		return buf.Bytes(), ""
	}
	var ae *generator.ShortcodeArgError
	if errors.As(err, &ae) {
		return nil, fmt.Sprintf("shortcode %q: %s", d.name, ae.Msg)
	}
	msg := err.Error()
	if m := generator.TemplateErrRE.FindStringSubmatch(msg); m != nil {
		if src, ok := s.source[m[1]]; ok {
			msg = src + ":" + m[2] + ": " + m[3]
		}
	}
	return nil, fmt.Sprintf("shortcode %q: %s", d.name, msg)
}

// The AST.

// scCall is what every shortcode node holds.
type scCall struct {
	tag *scTag
	def *shortcodeDef // nil for an unknown shortcode, which renders nothing
	fr  *frame        // where the tag is written; nil outside a page build
	// open: an inline tag that waits for its closing tag.
	open bool
	// closed: a block whose closing tag was found.
	closed bool
	// ordinal counts the calls of the same name before this one on the
	// page.
	ordinal int
	// image is the local image its src argument names (SizeImages).
	image *generator.Image
}

func (c *scCall) call() *scCall { return c }

// data is what the call's template sees, but for its content and page.
func (c *scCall) data() *generator.Shortcode {
	d := &generator.Shortcode{Name: c.tag.name, Params: c.tag.named, Positional: c.tag.positional, Ordinal: c.ordinal, Image: c.image}
	if d.Params == nil {
		d.Params = map[string]string{}
	}
	return d
}

type scNode interface {
	ast.Node
	call() *scCall
}

var (
	// kindShortcode is a shortcode that stands for blocks; its children
	// are its content, if it takes any.
	kindShortcode = ast.NewNodeKind("Shortcode")
	// kindShortcodeInline is a shortcode inside a paragraph.
	kindShortcodeInline = ast.NewNodeKind("ShortcodeInline")
	// kindInclude is an included file; its children are its blocks.
	kindInclude = ast.NewNodeKind("Include")
	// kindShortcodeEnd is an inline closing tag, gone once the tree is
	// built.
	kindShortcodeEnd = ast.NewNodeKind("ShortcodeEnd")
)

type shortcodeBlock struct {
	ast.BaseBlock
	scCall
}

func (n *shortcodeBlock) Kind() ast.NodeKind { return kindShortcode }
func (n *shortcodeBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Name": n.tag.name}, nil)
}

type shortcodeInline struct {
	ast.BaseInline
	scCall
}

func (n *shortcodeInline) Kind() ast.NodeKind { return kindShortcodeInline }
func (n *shortcodeInline) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Name": n.tag.name}, nil)
}

type shortcodeEnd struct {
	ast.BaseInline
	scCall
}

func (n *shortcodeEnd) Kind() ast.NodeKind { return kindShortcodeEnd }
func (n *shortcodeEnd) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Name": n.tag.name}, nil)
}

// includeNode is {{< include "path" >}}: once expanded, its children are
// the included file's blocks and inner is the file's frame.
type includeNode struct {
	ast.BaseBlock
	scCall
	inner *frame
}

func (n *includeNode) Kind() ast.NodeKind { return kindInclude }
func (n *includeNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Path": strings.Join(n.tag.positional, " ")}, nil)
}

// The goldmark extension.

// Shortcodes is the goldmark extension for one build: it reads snippets
// from the site's files and runs the theme's shortcode templates, which
// SetTemplates hands it once the theme is loaded.
type Shortcodes struct {
	fsys     fs.FS
	md       goldmark.Markdown // the converter it extends, for content inside tags
	set      *ShortcodeSet
	snippets sync.Map // file -> *snippet
	math     *mathExt
}

// SetTemplates gives the extension the theme's shortcodes. It is called
// once, before any page is parsed.
func (x *Shortcodes) SetTemplates(set *ShortcodeSet) { x.set = set }

func (x *Shortcodes) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(&scBlockParser{x}, 750)),
		parser.WithInlineParsers(util.Prioritized(&scInlineParser{x}, 150)),
		parser.WithASTTransformers(util.Prioritized(&scTransformer{x}, 50)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(&scRenderer{x}, 100)))
}

func (x *Shortcodes) def(name string) *shortcodeDef {
	if x.set == nil {
		return nil
	}
	return x.set.defs[name]
}

// newCall checks a tag against its template and reports what is wrong.
func (x *Shortcodes) newCall(t *scTag, fr *frame, off int) scCall {
	c := scCall{tag: t, fr: fr}
	if t.name == includeName {
		if len(t.positional) != 1 || len(t.named) != 0 || t.closing {
			fr.errorf(off, "include takes one argument, the path of a file under content/: {{< include \"_snippets/x.md\" >}}")
		}
		return c
	}
	c.def = x.def(t.name)
	if c.def == nil {
		fr.errorf(off, "unknown shortcode %q", t.name)
		return c
	}
	if msg := c.def.check(t); msg != "" {
		fr.errorf(off, "%s", msg)
	}
	return c
}

// frameKey finds the frame of the file being parsed in a parser context.
var frameKey = parser.NewContextKey()

func frameOf(pc parser.Context) *frame {
	fr, _ := pc.Get(frameKey).(*frame)
	return fr
}

// scBlockParser reads a line that is one shortcode tag.
type scBlockParser struct{ x *Shortcodes }

func (p *scBlockParser) Trigger() []byte { return []byte{'{'} }

func (p *scBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) {
		return nil, parser.NoChildren
	}
	rest := line[pos:]
	if !bytes.HasPrefix(rest, tagOpen) || bytes.HasPrefix(rest, escOpen) {
		return nil, parser.NoChildren
	}
	// Anything else, and tags with errors, are left to the inline parser,
	// which reports the errors once.
	t, err := parseTag(rest)
	if err != nil || t.closing || !util.IsBlank(rest[t.n:]) {
		return nil, parser.NoChildren
	}
	fr := frameOf(pc)
	off := seg.Start + pos
	var node ast.Node
	c := p.x.newCall(t, fr, off)
	c.ordinal = limitsOf(pc).ordinal(t.name)
	if t.name == includeName {
		node = &includeNode{scCall: c}
	} else {
		n := &shortcodeBlock{scCall: c}
		n.open = c.def != nil && c.def.inner && !t.selfClose
		if n.open && openShortcodes(pc) >= MaxShortcodeDepth {
			// Every open block is asked about every line that follows,
			// so unbounded nesting would make parsing quadratic.
			if fr != nil && !fr.tooDeep {
				fr.tooDeep = true
				fr.errorf(off, "shortcode %q: shortcodes nested more than %d deep", t.name, MaxShortcodeDepth)
			}
			n.open = false
		}
		node = n
	}
	reader.Advance(seg.Stop - seg.Start - newlineLen(line) + seg.Padding)
	if sb, ok := node.(*shortcodeBlock); ok && sb.open {
		return node, parser.HasChildren
	}
	return node, parser.NoChildren
}

// MaxShortcodeDepth bounds how deep shortcode blocks may nest.
const MaxShortcodeDepth = 32

// openShortcodes counts the shortcode blocks open around the parser.
func openShortcodes(pc parser.Context) int {
	n := 0
	for _, o := range pc.OpenedBlocks() {
		if sb, ok := o.Node.(*shortcodeBlock); ok && sb.open {
			n++
		}
	}
	return n
}

func newlineLen(line []byte) int {
	if bytes.HasSuffix(line, []byte("\r\n")) {
		return 2
	}
	if bytes.HasSuffix(line, []byte("\n")) {
		return 1
	}
	return 0
}

func (p *scBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n, ok := node.(*shortcodeBlock)
	if !ok || !n.open {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	if line == nil {
		return parser.Close
	}
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w > 3 || !bytes.HasPrefix(line[pos:], tagOpen) {
		return parser.Continue | parser.HasChildren
	}
	t, err := parseTag(line[pos:])
	if err != nil || !t.closing || !util.IsBlank(line[pos+t.n:]) {
		return parser.Continue | parser.HasChildren
	}
	// The closing tag is for the innermost open shortcode, and a fenced
	// code block keeps its lines whatever they say.
	opened := pc.OpenedBlocks()
	for i := len(opened) - 1; i >= 0 && opened[i].Node != node; i-- {
		switch o := opened[i].Node.(type) {
		case *ast.FencedCodeBlock:
			return parser.Continue | parser.HasChildren
		case *shortcodeBlock:
			if o.open {
				return parser.Continue | parser.HasChildren
			}
		}
	}
	if t.name != n.tag.name {
		n.fr.errorf(seg.Start+pos, "{{< /%s >}} where {{< /%s >}} (line %d) was expected", t.name, n.tag.name, n.fr.line(n.Pos()))
	}
	n.closed = true
	reader.Advance(seg.Stop - seg.Start - newlineLen(line) + seg.Padding)
	return parser.Close
}

func (p *scBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	if n, ok := node.(*shortcodeBlock); ok && n.open && !n.closed {
		n.fr.errorf(n.Pos(), "unclosed shortcode %q: no {{< /%s >}} line at the same indentation", n.tag.name, n.tag.name)
	}
}

func (p *scBlockParser) CanInterruptParagraph() bool { return true }
func (p *scBlockParser) CanAcceptIndentedLine() bool { return false }

// scInlineParser reads tags inside a paragraph and the escape.
type scInlineParser struct{ x *Shortcodes }

func (p *scInlineParser) Trigger() []byte { return []byte{'{'} }

func (p *scInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, tagOpen) {
		return nil
	}
	fr := frameOf(pc)
	if bytes.HasPrefix(line, escOpen) {
		lit, n, ok := scanEscape(line)
		if !ok {
			fr.errorf(seg.Start, "no */>}} ends the escaped shortcode {{</* on its line")
			return nil
		}
		block.Advance(n)
		s := ast.NewString(lit)
		s.SetRaw(true)
		return s
	}
	t, err := parseTag(line)
	if err != nil {
		fr.errorf(seg.Start, "%v", err)
		if t != nil && !t.closing && fr != nil {
			// Its closing tag is no second mistake.
			fr.broken = append(fr.broken, t.name)
		}
		return nil
	}
	block.Advance(t.n)
	if t.closing {
		return &shortcodeEnd{scCall: scCall{tag: t, fr: fr, def: p.x.def(t.name)}}
	}
	c := p.x.newCall(t, fr, seg.Start)
	c.ordinal = limitsOf(pc).ordinal(t.name)
	if t.name == includeName {
		fr.errorf(seg.Start, "include must stand on a line of its own")
		c.def = nil
	}
	n := &shortcodeInline{scCall: c}
	n.open = c.def != nil && c.def.inner && !t.selfClose
	return n
}

// scTransformer pairs inline tags with their closing tags and expands
// includes.
type scTransformer struct{ x *Shortcodes }

func (tr *scTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	fr := frameOf(pc)
	var parents []ast.Node
	var includes []*includeNode
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *shortcodeInline, *shortcodeEnd:
			if p := n.Parent(); len(parents) == 0 || parents[len(parents)-1] != p {
				parents = append(parents, p)
			}
		case *includeNode:
			includes = append(includes, n)
		}
		return ast.WalkContinue, nil
	})
	for _, p := range parents {
		pairInline(p, fr)
	}
	if fr != nil {
		for _, inc := range includes {
			fr.pb.include(inc, fr)
		}
	}
}

// pairInline moves what lies between an inline opening tag and its
// closing tag into the opening tag's node. A paragraph that is nothing
// but one such shortcode becomes a block shortcode holding a paragraph,
// so {{< note >}}One line.{{< /note >}} is not an <aside> inside a <p>.
func pairInline(parent ast.Node, fr *frame) {
	var kids []ast.Node
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		kids = append(kids, c)
	}
	parent.RemoveChildren(parent)
	var stack []*shortcodeInline
	add := func(n ast.Node) {
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			top.AppendChild(top, n)
		} else {
			parent.AppendChild(parent, n)
		}
	}
	for _, k := range kids {
		switch k := k.(type) {
		case *shortcodeInline:
			add(k)
			if k.open {
				stack = append(stack, k)
			}
			continue
		case *shortcodeEnd:
			if len(stack) > 0 && stack[len(stack)-1].tag.name == k.tag.name {
				top := stack[len(stack)-1]
				top.closed = true
				stack = stack[:len(stack)-1]
				continue
			}
			switch {
			case fr != nil && slices.Contains(fr.broken, k.tag.name):
			case len(stack) > 0:
				top := stack[len(stack)-1]
				fr.errorf(k.Pos(), "{{< /%s >}} where {{< /%s >}} was expected", k.tag.name, top.tag.name)
			case k.def != nil && !k.def.inner:
				fr.errorf(k.Pos(), "{{< /%s >}}: %s takes no content, so it has no closing tag", k.tag.name, k.tag.name)
			case k.def != nil:
				fr.errorf(k.Pos(), "{{< /%s >}} has no opening {{< %s >}}", k.tag.name, k.tag.name)
			}
			// An unknown name was reported at its opening tag.
			continue
		}
		add(k)
	}
	for _, n := range stack {
		fr.errorf(n.Pos(), "unclosed shortcode %q: no {{< /%s >}} in the same paragraph", n.tag.name, n.tag.name)
	}
	if para, ok := parent.(*ast.Paragraph); ok && para.ChildCount() == 1 {
		sc, ok := para.FirstChild().(*shortcodeInline)
		if !ok || !sc.closed || para.Parent() == nil {
			return
		}
		blk := &shortcodeBlock{scCall: sc.scCall}
		blk.SetPos(sc.Pos())
		inner := ast.NewParagraph()
		inner.SetLines(para.Lines())
		for c := sc.FirstChild(); c != nil; {
			next := c.NextSibling()
			inner.AppendChild(inner, c)
			c = next
		}
		blk.AppendChild(blk, inner)
		para.Parent().ReplaceChild(para.Parent(), para, blk)
	}
}

// scRenderer runs shortcode templates.
type scRenderer struct{ x *Shortcodes }

func (r *scRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindShortcode, r.shortcode)
	reg.Register(kindShortcodeInline, r.shortcode)
	reg.Register(kindInclude, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkContinue, nil
	})
	reg.Register(kindShortcodeEnd, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkSkipChildren, nil
	})
}

func (r *scRenderer) shortcode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	c := node.(scNode).call()
	if c.def == nil {
		return ast.WalkSkipChildren, nil
	}
	x := r.x
	data := c.data()
	for s := node.PreviousSibling(); s != nil; s = s.PreviousSibling() {
		if sc, ok := s.(scNode); ok && sc.call().tag.name == c.tag.name {
			data.Index++
		}
	}
	for p := node.Parent(); p != nil; p = p.Parent() {
		if sc, ok := p.(scNode); ok && p.Kind() != kindInclude {
			data.Parent = sc.call().data()
			break
		}
	}
	if c.fr != nil {
		if c.fr.pb != nil {
			data.Page = c.fr.pb.page
			if c.fr.pb.Shortcodes == nil {
				c.fr.pb.Shortcodes = map[string]bool{}
			}
			c.fr.pb.Shortcodes[c.tag.name] = true
		}
	}
	if node.HasChildren() {
		var inner bytes.Buffer
		for ch := node.FirstChild(); ch != nil; ch = ch.NextSibling() {
			if err := x.md.Renderer().Render(&inner, src, ch); err != nil {
				return ast.WalkStop, err
			}
		}
		data.Inner = template.HTML(inner.String())
	}
	out, msg := x.set.execute(c.def, data)
	if msg != "" {
		if c.fr == nil {
			return ast.WalkStop, errors.New(msg)
		}
		c.fr.errorf(node.Pos(), "%s", msg)
		return ast.WalkSkipChildren, nil
	}
	// A template file's last newline is not part of what it makes: inside
	// a paragraph it would be a space.
	out = bytes.TrimSuffix(out, []byte("\n"))
	w.Write(out)
	if node.Type() == ast.TypeBlock {
		w.WriteByte('\n')
	}
	return ast.WalkSkipChildren, nil
}
