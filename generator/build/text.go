package build

import (
	"sort"

	"github.com/yuin/goldmark/text"
)

func textReader(src []byte) text.Reader { return text.NewReader(src) }

// lineIndex turns byte offsets of a body into 1-based lines.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range src {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// line returns the 1-based line of offset off.
func (l lineIndex) line(off int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off })
}
