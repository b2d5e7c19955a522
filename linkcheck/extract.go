package linkcheck

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
)

// Link is an outbound link where an editor wrote it.
type Link struct {
	URL  string
	Line int // 1-based line of the file
}

// urlRE finds an http(s) address in text: in a markdown link, an
// autolink, a bare address or a shortcode argument.
var urlRE = regexp.MustCompile("https?://[^\\s<>\"'`()\\[\\]{}|\\\\^]+")

// Extract finds the http(s) links of a markdown file, with their lines.
// Code blocks and code spans are examples, not links, and are skipped;
// so are addresses of hosts reserved for examples (see Reserved).
func Extract(src []byte) []Link {
	var links []Link
	fence := ""
	for i, line := range bytes.Split(src, []byte("\n")) {
		text := strings.TrimRight(string(line), "\r")
		trimmed := strings.TrimLeft(text, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" && len(text)-len(trimmed) < 4 {
			fence = f
			continue
		}
		for _, u := range urlRE.FindAllString(dropCodeSpans(text), -1) {
			u = strings.TrimRight(u, ".,;:!?*_~")
			p, err := url.Parse(u)
			if err != nil || p.Host == "" || Reserved(p.Hostname()) {
				continue
			}
			links = append(links, Link{URL: u, Line: i + 1})
		}
	}
	return links
}

// fenceOf is the fence a line opens (``` or ~~~, or longer), "" if none.
func fenceOf(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// dropCodeSpans blanks the code spans of a line.
func dropCodeSpans(line string) string {
	if !strings.Contains(line, "`") {
		return line
	}
	var b strings.Builder
	for {
		start := strings.IndexByte(line, '`')
		if start < 0 {
			b.WriteString(line)
			return b.String()
		}
		n := len(line[start:]) - len(strings.TrimLeft(line[start:], "`"))
		end := strings.Index(line[start+n:], line[start:start+n])
		if end < 0 {
			b.WriteString(line)
			return b.String()
		}
		b.WriteString(line[:start])
		line = line[start+n+end+n:]
	}
}

// Reserved reports whether host is reserved for examples and tests
// (RFC 2606 and RFC 6761): example.com, .org and .net, and names under
// .example, .test, .invalid and .localhost, which no link may reach.
func Reserved(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range []string{"example.com", "example.org", "example.net", "example", "test", "invalid", "localhost"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
