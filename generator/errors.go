package generator

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Error is a problem with the editor's input, located by file and 1-based
// line. Line 0 means the problem concerns the whole file.
type Error struct {
	File string // relative to the site root, with forward slashes: content/docs/a.md
	Line int
	// Via names the page that included File, when File is a snippet:
	// "included from content/docs/x.md:12".
	Via string
	Msg string
}

func (e *Error) Error() string {
	if e.Via != "" {
		return fmt.Sprintf("%s:%d (%s): %s", e.File, e.Line, e.Via, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Errorf makes an *Error.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList is every input error of one build, so that an editor can fix
// them all in one go instead of one per build.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sorted orders the list by file and line and drops exact repeats, so the
// report does not depend on the order in which parallel workers failed.
func (l ErrorList) Sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return l[i].File < l[j].File
		}
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		if l[i].Via != l[j].Via {
			return l[i].Via < l[j].Via
		}
		return l[i].Msg < l[j].Msg
	})
	out := l[:0]
	for i, e := range l {
		if i > 0 && *e == *l[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// AsErrorList turns err into a list of input errors when it is one.
func AsErrorList(err error) (ErrorList, bool) {
	var l ErrorList
	if errors.As(err, &l) {
		return l, true
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}, true
	}
	return nil, false
}

// TemplateErrRE reads a template error: the template, its line and the
// message.
var TemplateErrRE = regexp.MustCompile(`^template: ([^:]+):(\d+):(?:\d+:)? ?(.*)$`)

// TemplateError names the layout file and line of a template error;
// source maps template names to files as the editor knows them.
func TemplateError(source map[string]string, err error) error {
	msg := err.Error()
	if m := TemplateErrRE.FindStringSubmatch(msg); m != nil {
		if file, ok := source[m[1]]; ok {
			line, _ := strconv.Atoi(m[2])
			return Errorf(file, line, "%s", m[3])
		}
	}
	return Errorf("layouts", 0, "%s", msg)
}
