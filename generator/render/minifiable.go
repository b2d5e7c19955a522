package render

import (
	"bytes"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"
	"github.com/tdewolff/parse/v2/xml"
)

// maxEntityWork bounds the cost of minifying one piece of HTML or XML.
// The minifier shortens a character reference (&quot; to ", &amp; to &)
// by moving the rest of its run of text, or of its attribute value, so
// 80 KB of quotes in code took seconds. The cost is the sum, over the runs,
// of a run's length times the "&" in it; a piece over the bound is
// written as it is, which is valid and only larger.
const maxEntityWork = 1 << 26

// minifiable reports whether minifying data costs less than maxEntityWork.
func minifiable(mediaType string, data []byte) bool {
	amps := bytes.Count(data, []byte("&"))
	if amps*len(data) <= maxEntityWork {
		return true // most pages: no run can cost more than this
	}
	in := parse.NewInputBytes(data)
	defer in.Restore()
	work := 0
	add := func(run []byte) {
		if n := bytes.Count(run, []byte("&")); n > 0 {
			work += n * len(run)
		}
	}
	switch mediaType {
	case "text/html":
		l := html.NewLexer(in)
		for work <= maxEntityWork {
			tt, _ := l.Next()
			switch tt {
			case html.ErrorToken:
				return true
			case html.TextToken:
				add(l.Text())
			case html.AttributeToken:
				add(l.AttrVal())
			}
		}
	case "application/xml":
		l := xml.NewLexer(in)
		for work <= maxEntityWork {
			tt, _ := l.Next()
			switch tt {
			case xml.ErrorToken:
				return true
			case xml.TextToken:
				add(l.Text())
			case xml.AttributeToken:
				add(l.AttrVal())
			}
		}
	default:
		return true
	}
	return false
}
