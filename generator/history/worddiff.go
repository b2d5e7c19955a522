package history

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Word diffs: what a version changed, word by word, in the text a reader
// sees. The diffs themselves are go-diff's (Myers' algorithm with its
// semantic clean-up, as in Google's diff-match-patch); this file turns
// text into blocks and words for it, and its result into HTML.

// tokenRuneBase is where the runes standing for words start: the
// supplementary private use planes, which leave room for 131,072 distinct
// words and are never surrogates, so go-diff's strings keep every rune.
const (
	tokenRuneBase = 0xF0000
	maxTokens     = utf8.MaxRune - tokenRuneBase + 1
)

// sameFold is how many unchanged blocks in a row fold away under a
// <details>, which opens without a script.
const sameFold = 3

// diffText compares two versions' text and returns the newer one with its
// changes marked, and how many words it added and removed. Blocks are
// compared first, as a line diff compares lines, so headings and
// unchanged paragraphs anchor the comparison; the words of the blocks
// that changed are compared next.
func diffText(old, cur []textBlock) (template.HTML, int, int) {
	key := func(bl textBlock) string {
		if bl.kind == "pre" {
			return "pre\x00" + bl.text
		}
		return bl.kind + "\x00" + strings.Join(strings.Fields(bl.text), " ")
	}
	oldKeys := make([]string, len(old))
	for i, bl := range old {
		oldKeys[i] = key(bl)
	}
	curKeys := make([]string, len(cur))
	for i, bl := range cur {
		curKeys[i] = key(bl)
	}
	byBlock, ok := diffTokens(oldKeys, curKeys, false)
	if !ok {
		return tooManyWords, 0, 0
	}
	var d diffBuilder
	i, j := 0, 0 // next block of old and of cur
	for k := 0; k < len(byBlock); {
		if byBlock[k].op == diffmatchpatch.DiffEqual {
			for range byBlock[k].toks {
				d.block(cur[j].kind, false)
				d.words(diffmatchpatch.DiffEqual, textTokens(cur[j : j+1])[1:])
				i, j = i+1, j+1
			}
			k++
			continue
		}
		// A run of removed and added blocks: compare their words.
		var dels, ins []textBlock
		for ; k < len(byBlock) && byBlock[k].op != diffmatchpatch.DiffEqual; k++ {
			n := len(byBlock[k].toks)
			if byBlock[k].op == diffmatchpatch.DiffDelete {
				dels, i = append(dels, old[i:i+n]...), i+n
			} else {
				ins, j = append(ins, cur[j:j+n]...), j+n
			}
		}
		if len(dels) == 0 || len(ins) == 0 {
			op, blocks := diffmatchpatch.DiffInsert, ins
			if len(ins) == 0 {
				op, blocks = diffmatchpatch.DiffDelete, dels
			}
			for _, bl := range blocks {
				d.block(bl.kind, true)
				d.words(op, textTokens([]textBlock{bl})[1:])
			}
			continue
		}
		byWord, ok := diffTokens(textTokens(dels), textTokens(ins), true)
		if !ok {
			return tooManyWords, 0, 0
		}
		d.started = false
		for _, w := range byWord {
			d.words(w.op, w.toks)
		}
	}
	return renderDiff(d.blocks), d.added, d.removed
}

const tooManyWords = template.HTML("<p>These versions have too many different words to compare word by word.</p>")

// tokenDiff is one operation of a diff over tokens.
type tokenDiff struct {
	op   diffmatchpatch.Operation
	toks []string
}

// diffTokens diffs two token lists with go-diff: each distinct token
// stands for one rune. semantic merges the short runs of unchanged words
// between changes, which reads better within a paragraph. ok is false
// when there are more distinct tokens than runes to stand for them.
func diffTokens(a, b []string, semantic bool) ([]tokenDiff, bool) {
	dict := map[string]rune{}
	var toks []string
	toRunes := func(list []string) ([]rune, bool) {
		rs := make([]rune, len(list))
		for i, t := range list {
			r, ok := dict[t]
			if !ok {
				if len(toks) == maxTokens {
					return nil, false
				}
				r = rune(tokenRuneBase + len(toks))
				dict[t] = r
				toks = append(toks, t)
			}
			rs[i] = r
		}
		return rs, true
	}
	ra, ok1 := toRunes(a)
	rb, ok2 := toRunes(b)
	if !ok1 || !ok2 {
		return nil, false
	}
	dmp := diffmatchpatch.New()
	// No time limit: the same two versions must always give the same page.
	dmp.DiffTimeout = 0
	diffs := dmp.DiffMainRunes(ra, rb, false)
	if semantic {
		diffs = dmp.DiffCleanupSemantic(diffs)
	}
	out := make([]tokenDiff, 0, len(diffs))
	for _, d := range diffs {
		td := tokenDiff{op: d.Type}
		for _, r := range d.Text {
			td.toks = append(td.toks, toks[r-tokenRuneBase])
		}
		out = append(out, td)
	}
	return out, true
}

// diffBuilder collects the marked blocks of a comparison.
type diffBuilder struct {
	blocks         []diffBlock
	added, removed int
	started        bool // a block has started in the current run of changed blocks
}

func (d *diffBuilder) block(kind string, changed bool) {
	d.blocks = append(d.blocks, diffBlock{kind: kind, changed: changed})
}

// words adds tokens to the last block. Block tokens come only from runs
// of changed blocks, where the newer version's blocks are kept: a block
// token it has starts a block, and one that was removed leaves a removed
// space, so removed words stay beside the words they were next to.
func (d *diffBuilder) words(op diffmatchpatch.Operation, toks []string) {
	for _, t := range toks {
		if len(t) > 1 && t[0] == '\n' {
			if op != diffmatchpatch.DiffDelete || !d.started {
				// Changed only if its words did: a heading that became a
				// paragraph has no words to mark.
				d.block(t[1:], false)
				d.started = true
				continue
			}
			t = " "
		}
		if len(d.blocks) == 0 {
			d.block("p", false)
		}
		bl := &d.blocks[len(d.blocks)-1]
		if op != diffmatchpatch.DiffEqual && strings.TrimSpace(t) != "" {
			bl.changed = true
			if isWordToken(t) {
				if op == diffmatchpatch.DiffInsert {
					d.added++
				} else {
					d.removed++
				}
			}
		}
		if n := len(bl.segs); n > 0 && bl.segs[n-1].op == op {
			bl.segs[n-1].text += t
		} else {
			bl.segs = append(bl.segs, diffSeg{op: op, text: t})
		}
	}
}

type diffSeg struct {
	op   diffmatchpatch.Operation
	text string
}

// diffBlock is a paragraph, heading, list item or code block of the
// compared text.
type diffBlock struct {
	kind    string
	segs    []diffSeg
	changed bool
}

// textTokens turns blocks into words, single spaces and punctuation, with
// a token that starts each block and names its kind.
func textTokens(blocks []textBlock) []string {
	var toks []string
	for _, bl := range blocks {
		toks = append(toks, "\n"+bl.kind)
		s := bl.text
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			j := i + size
			switch {
			case isWordRune(r):
				for j < len(s) {
					r, size := utf8.DecodeRuneInString(s[j:])
					if !isWordRune(r) {
						break
					}
					j += size
				}
				toks = append(toks, s[i:j])
			case unicode.IsSpace(r):
				newline := r == '\n'
				for j < len(s) {
					r, size := utf8.DecodeRuneInString(s[j:])
					if !unicode.IsSpace(r) {
						break
					}
					newline = newline || r == '\n'
					j += size
				}
				// Spacing is not a change a reader can see, except the
				// line breaks of code.
				if newline && bl.kind == "pre" {
					toks = append(toks, "\n")
				} else {
					toks = append(toks, " ")
				}
			default:
				toks = append(toks, s[i:j])
			}
			i = j
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isWordToken(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return isWordRune(r)
}

// renderDiff writes the compared text: changed blocks in full with <ins>
// and <del>, and long runs of unchanged ones folded.
func renderDiff(all []diffBlock) template.HTML {
	var blocks []diffBlock
	for _, bl := range all {
		if len(bl.segs) > 0 {
			blocks = append(blocks, bl)
		}
	}
	var w diffWriter
	changed := false
	for _, bl := range blocks {
		changed = changed || bl.changed
	}
	if !changed {
		w.b.WriteString("<p class=\"same\">No words of the text changed in this version.</p>\n")
	}
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && blocks[j].changed == blocks[i].changed {
			j++
		}
		if !blocks[i].changed && j-i >= sameFold {
			w.endList()
			w.b.WriteString("<details class=\"same\"><summary>" + strconv.Itoa(j-i) + " unchanged paragraphs</summary>\n")
			for _, bl := range blocks[i:j] {
				w.block(bl)
			}
			w.endList()
			w.b.WriteString("</details>\n")
		} else {
			for _, bl := range blocks[i:j] {
				w.block(bl)
			}
		}
		i = j
	}
	w.endList()
	return template.HTML(w.b.String())
}

// diffWriter writes blocks as HTML, list items grouped in a list.
type diffWriter struct {
	b      strings.Builder
	inList bool
}

func (w *diffWriter) endList() {
	if w.inList {
		w.b.WriteString("</ul>\n")
		w.inList = false
	}
}

func (w *diffWriter) block(bl diffBlock) {
	if bl.kind == "li" && !w.inList {
		w.b.WriteString("<ul>\n")
		w.inList = true
	} else if bl.kind != "li" {
		w.endList()
	}
	tag := "p"
	switch bl.kind {
	case "h":
		tag = "h2"
	case "li", "pre":
		tag = bl.kind
	}
	w.b.WriteString("<" + tag + ">")
	for _, s := range bl.segs {
		text := html.EscapeString(s.text)
		switch s.op {
		case diffmatchpatch.DiffInsert:
			w.b.WriteString("<ins>" + text + "</ins>")
		case diffmatchpatch.DiffDelete:
			w.b.WriteString("<del>" + text + "</del>")
		default:
			w.b.WriteString(text)
		}
	}
	w.b.WriteString("</" + tag + ">\n")
}
