package siteimport

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxHeading is the longest line taken for a heading: a heading is a
// short line standing alone, without the full stop of a sentence.
const maxHeading = 70

var listItem = regexp.MustCompile(`^\s*(\d{1,3})[.)]\s+(.*)$`)

// Text turns a page kept as plain text into markdown: the first line, when
// it stands alone, is the title (in front matter); other short lines
// standing alone are headings; numbered lines, indented or not, are a
// numbered list; paragraphs are kept. Text that markdown would read as
// markup is escaped. Each guess is a Note (file:line: title, heading or
// list) for an editor to check once. name is the file's name in notes.
func Text(name string, src []byte) ([]byte, []Note, error) {
	if len(src) > MaxFileSize {
		return nil, nil, fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	if !utf8.Valid(src) {
		return nil, nil, fmt.Errorf("%s: not UTF-8 text", name)
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var (
		notes []Note
		title string
		body  strings.Builder
	)
	note := func(line int, format string, args ...any) {
		notes = append(notes, Note{File: name, Line: line, What: fmt.Sprintf(format, args...)})
	}
	blank := func(i int) bool { return i < 0 || i >= len(lines) || strings.TrimSpace(lines[i]) == "" }
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		text := strings.TrimSpace(line)
		switch {
		case text == "":
			continue
		case listItem.MatchString(line):
			start, n := i, 0
			for i < len(lines) && !blank(i) {
				if m := listItem.FindStringSubmatch(lines[i]); m != nil {
					n++
					fmt.Fprintf(&body, "%s. %s\n", m[1], escape(m[2]))
				} else {
					// A wrapped line of the item above.
					fmt.Fprintf(&body, "   %s\n", escape(strings.TrimSpace(lines[i])))
				}
				i++
			}
			body.WriteString("\n")
			note(start+1, "list (%d items)", n)
		case blank(i-1) && blank(i+1) && isHeading(text):
			if title == "" && body.Len() == 0 {
				title = text
				note(i+1, "title %q", text)
				continue
			}
			fmt.Fprintf(&body, "## %s\n\n", escape(text))
			note(i+1, "heading %q", text)
		default:
			for i < len(lines) && !blank(i) && !listItem.MatchString(lines[i]) {
				body.WriteString(escape(strings.TrimSpace(lines[i])) + "\n")
				i++
			}
			i--
			body.WriteString("\n")
		}
	}
	var out bytes.Buffer
	if title != "" {
		fm, err := yamlFrontMatter(mapSlice{{Key: "title", Value: title}})
		if err != nil {
			return nil, nil, err
		}
		out.Write(fm)
		out.WriteString("\n")
	}
	out.WriteString(strings.TrimRight(body.String(), "\n") + "\n")
	return out.Bytes(), notes, nil
}

func isHeading(s string) bool {
	if utf8.RuneCountInString(s) > maxHeading {
		return false
	}
	switch s[len(s)-1] {
	case '.', ',', ':', ';', '!', '?', ')':
		return false
	}
	return true
}

// escape keeps text from being read as markdown markup or a shortcode.
var escaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `<`, `\<`, `{{`, `{\{`)

func escape(s string) string {
	s = escaper.Replace(s)
	// A line that starts like a heading, quote, list or rule stays text.
	if s != "" && strings.ContainsRune("#>-+=|", rune(s[0])) {
		s = `\` + s
	}
	return s
}
