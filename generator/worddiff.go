package generator

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
// sees. The diff itself is go-diff's (Myers' algorithm with its semantic
// clean-up, as in Google's diff-match-patch); this file only turns text
// into words and the result into HTML.

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
// changes marked, and how many words it added and removed.
func diffText(old, cur []textBlock) (template.HTML, int, int) {
	dict := map[string]rune{}
	var words []string
	toRunes := func(blocks []textBlock) ([]rune, bool) {
		var rs []rune
		for _, t := range textTokens(blocks) {
			r, ok := dict[t]
			if !ok {
				if len(words) == maxTokens {
					return nil, false
				}
				r = rune(tokenRuneBase + len(words))
				dict[t] = r
				words = append(words, t)
			}
			rs = append(rs, r)
		}
		return rs, true
	}
	r1, ok1 := toRunes(old)
	r2, ok2 := toRunes(cur)
	if !ok1 || !ok2 {
		return template.HTML("<p>These versions have too many different words to compare word by word.</p>"), 0, 0
	}
	dmp := diffmatchpatch.New()
	// No time limit: the same two versions must always give the same page.
	dmp.DiffTimeout = 0
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(r1, r2, false))

	var blocks []diffBlock
	added, removed := 0, 0
	for _, d := range diffs {
		for _, r := range d.Text {
			t := words[r-tokenRuneBase]
			if len(t) > 1 && t[0] == '\n' {
				blocks = append(blocks, diffBlock{kind: t[1:], changed: d.Type != diffmatchpatch.DiffEqual})
				continue
			}
			if len(blocks) == 0 {
				blocks = append(blocks, diffBlock{kind: "p"})
			}
			bl := &blocks[len(blocks)-1]
			if d.Type != diffmatchpatch.DiffEqual && strings.TrimSpace(t) != "" {
				bl.changed = true
				if isWordToken(t) {
					if d.Type == diffmatchpatch.DiffInsert {
						added++
					} else {
						removed++
					}
				}
			}
			if n := len(bl.segs); n > 0 && bl.segs[n-1].op == d.Type {
				bl.segs[n-1].text += t
			} else {
				bl.segs = append(bl.segs, diffSeg{op: d.Type, text: t})
			}
		}
	}
	return renderDiff(blocks), added, removed
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
func renderDiff(blocks []diffBlock) template.HTML {
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
	if len(bl.segs) == 0 {
		return
	}
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
