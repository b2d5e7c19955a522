package frontmatter

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"folio/generator"

	afm "github.com/adrg/frontmatter"
	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// maxFrontMatter bounds the front matter, which is small by nature, so a
// hostile file cannot make the YAML decoder expand aliases without end.
const maxFrontMatter = 64 << 10

// Formats are the front matter formats Folio reads, with the YAML and
// TOML decoders of formats.go.
var Formats = []*afm.Format{
	afm.NewFormat("---", "---", yamlUnmarshal),
	afm.NewFormat("+++", "+++", tomlUnmarshal),
	afm.NewFormat("---yaml", "---", yamlUnmarshal),
	afm.NewFormat("---toml", "---", tomlUnmarshal),
	afm.NewFormat("---json", "---", json.Unmarshal),
	afm.NewFormat(";;;", ";;;", json.Unmarshal),
	// A bare JSON object followed by an empty line, as Hugo reads it.
	{Start: "{", End: "}", Unmarshal: json.Unmarshal, UnmarshalDelims: true, RequiresNewLine: true},
}

// Split decodes the front matter of src and returns it with the
// body and the number of file lines before the body.
func Split(file string, src []byte) (map[string]any, []byte, int, error) {
	delim, closed, fmEnd := scanDelimiters(src)
	if delim == "" {
		return map[string]any{}, src, 0, nil
	}
	if !closed {
		return nil, nil, 0, generator.Errorf(file, 1, "front matter: no closing %s line", closingOf(delim))
	}
	if fmEnd > maxFrontMatter {
		return nil, nil, 0, generator.Errorf(file, 1, "front matter: larger than %d bytes", maxFrontMatter)
	}
	// The parser copies all it reads, so it reads the front matter block
	// alone, not the body too. A bare JSON object needs the line after its
	// closing brace, so it gets the whole file.
	block := src
	if delim != "{" {
		block = src[:fmEnd]
	}
	r := fmReaders.Get().(*bufio.Reader)
	r.Reset(bytes.NewReader(block))
	raw := map[string]any{}
	rest, err := afm.Parse(r, &raw, Formats...)
	r.Reset(nil)
	fmReaders.Put(r)
	if err != nil {
		return nil, nil, 0, fmDecodeError(file, src, delim, err)
	}
	if !bytes.HasSuffix(block, rest) {
		return nil, nil, 0, generator.Errorf(file, 1, "front matter: cannot find where the body starts")
	}
	// The body as part of src, not of the parser's buffer, which would be
	// held until the page is rendered.
	offset := len(block) - len(rest)
	return raw, src[offset:], bytes.Count(src[:offset], []byte("\n")), nil
}

// fmReaders hold the front matter parser's read buffers between pages: it
// takes a *bufio.Reader as it is, where it would make one for any other
// reader.
var fmReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// scanDelimiters finds the opening delimiter line and whether a closing line
// follows, so an unterminated block is an error instead of silently
// becoming body text. end is where the line after the closing line starts.
func scanDelimiters(src []byte) (delim string, closed bool, end int) {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	first = bytes.TrimRight(first, " \t\r")
	switch string(first) {
	case "---", "+++", "---yaml", "---toml", "---json", ";;;", "{":
		delim = string(first)
	default:
		return "", false, 0
	}
	want := closingOf(delim)
	off := len(first) + 1
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimRight(line, " \t\r")) == want {
			return delim, true, min(off+len(line)+1, len(src))
		}
		off += len(line) + 1
		rest = next
	}
	return delim, false, 0
}

func closingOf(delim string) string {
	switch delim {
	case "+++", ";;;":
		return delim
	case "{":
		return "}"
	}
	return "---"
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the errors of the YAML decoder's parser, as
// opposed to its scanner.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// fmDecodeError turns a decoder's error into one with the line of the
// editor's file: the decoders count from the first line after the opening
// delimiter, but for a bare JSON object.
func fmDecodeError(file string, src []byte, delim string, err error) error {
	input, skip := src, 0
	if delim != "{" {
		_, input, _ = bytes.Cut(src, []byte("\n"))
		skip = 1
	}
	return DecodeError(file, input, skip, "front matter: ", err)
}

// DecodeError turns an error of the YAML, TOML or JSON decoder into one
// at the line of the editor's file. input is what the decoder read, which
// starts skip lines into the file; prefix starts the message.
func DecodeError(file string, input []byte, skip int, prefix string, err error) *generator.Error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if yamlParserProblems[m[2]] {
			// The YAML decoder counts the lines of its parser's
			// errors from 0, those of its scanner's from 1.
			n++
		}
		return generator.Errorf(file, skip+n, "%s%s", prefix, m[2])
	}
	var te *toml.DecodeError
	if errors.As(err, &te) {
		row, _ := te.Position()
		return generator.Errorf(file, skip+row, "%s%s", prefix, strings.TrimPrefix(te.Error(), "toml: "))
	}
	var je *json.SyntaxError
	if errors.As(err, &je) {
		off := min(int(je.Offset), len(input))
		return generator.Errorf(file, skip+1+bytes.Count(input[:off], []byte("\n")), "%s%s", prefix, msg)
	}
	var ye *yaml.TypeError
	if errors.As(err, &ye) && len(ye.Errors) > 0 {
		msg = strings.Join(ye.Errors, "; ")
		if m := yamlTypeLineRE.FindStringSubmatch(ye.Errors[0]); m != nil {
			n, _ := strconv.Atoi(m[1])
			return generator.Errorf(file, skip+n, "%s%s", prefix, m[2])
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return generator.Errorf(file, max(skip, 1), "%s%s", prefix, msg)
}

var yamlTypeLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

var fmKeyRE = regexp.MustCompile(`^"?([A-Za-z_][A-Za-z0-9_-]*)"?\s*[:=]`)

// KeyLines maps each top-level key of the front matter to its file line.
// Nested keys are indented, and the first occurrence wins, which is the
// one a decoder reports.
func KeyLines(src []byte, bodyLine int) map[string]int {
	lines := map[string]int{}
	rest := src
	for i := 0; i < bodyLine && len(rest) > 0; i++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if i == 0 {
			continue
		}
		l := strings.TrimLeft(string(line), "{, ")
		if m := fmKeyRE.FindStringSubmatch(l); m != nil {
			// A copy, so the map does not keep the line's text alive.
			key := strings.Clone(strings.ToLower(m[1]))
			if _, ok := lines[key]; !ok {
				lines[key] = i + 1
			}
		}
	}
	return lines
}

// Decode checks the type of every key Folio knows and keeps the
// rest as Params. All problems of the page are returned together.
func Decode(file string, raw map[string]any, lines map[string]int, loc *time.Location) (*generator.FrontMatter, generator.ErrorList) {
	fm := &generator.FrontMatter{Sidebar: true, Params: map[string]any{}, Lines: generator.FMLines{
		URL: lines["url"], Layout: lines["layout"], Aliases: lines["aliases"], History: lines["history"], Changelog: lines["changelog"],
	}}
	var errs generator.ErrorList
	bad := func(key, format string, args ...any) {
		line := lines[key]
		if line == 0 {
			line = 1
		}
		errs = append(errs, generator.Errorf(file, line, "front matter: "+format, args...))
	}
	str := func(key string, v any, dst *string) {
		switch s := v.(type) {
		case string:
			*dst = s
		case int, int64, float64, uint64:
			*dst = fmt.Sprint(s)
		default:
			bad(key, "%s: want text, got %s", key, TypeName(v))
		}
	}
	for k, v := range raw {
		key := strings.ToLower(k)
		fm.Params[key] = normalizeValue(v)
		switch key {
		case "title":
			str(key, v, &fm.Title)
		case "description":
			str(key, v, &fm.Description)
		case "slug":
			str(key, v, &fm.Slug)
			if strings.ContainsAny(fm.Slug, "/\\?#") || fm.Slug == "." || fm.Slug == ".." {
				bad(key, "slug %q: want one path segment without / ? #", fm.Slug)
			}
		case "url", "permalink":
			// permalink is Jekyll's url; url wins when both are set.
			if key == "permalink" && raw["url"] != nil {
				break
			}
			if key == "permalink" {
				fm.Lines.URL = lines["permalink"]
			}
			str(key, v, &fm.URL)
			if !strings.HasPrefix(fm.URL, "/") || strings.Contains(fm.URL, "..") || strings.ContainsAny(fm.URL, "?#\\") {
				bad(key, "%s %q: want a path that starts with /", key, fm.URL)
			}
		case "layout":
			str(key, v, &fm.Layout)
			if strings.ContainsAny(fm.Layout, "/\\.") {
				bad(key, "layout %q: want the name of a layout, such as page", fm.Layout)
			}
		case "history":
			str(key, v, &fm.History)
		case "date", "lastmod", "publishdate", "expirydate":
			t, err := ParseValue(v, loc)
			switch {
			case err != nil:
				bad(key, "%s: %v", k, err)
			case key == "date":
				fm.Date = t
			case key == "lastmod":
				fm.Lastmod = t
			case key == "publishdate":
				fm.PublishDate = t
			default:
				fm.ExpiryDate = t
			}
		case "draft", "sidebar", "published", "sitemap":
			// published: false is Jekyll's draft; sitemap: false, kept
			// in Params, leaves the page out of sitemap.xml.
			b, ok := v.(bool)
			switch {
			case !ok:
				bad(key, "%s: want true or false, got %s", key, TypeName(v))
			case key == "draft":
				fm.Draft = fm.Draft || b
			case key == "published":
				fm.Draft = fm.Draft || !b
			case key == "sidebar":
				fm.Sidebar = b
			}
		case "weight":
			switch n := v.(type) {
			case int:
				fm.Weight = n
			case int64:
				fm.Weight = int(n)
			case float64:
				if n != float64(int(n)) {
					bad(key, "weight: want a whole number, got %v", n)
				}
				fm.Weight = int(n)
			default:
				bad(key, "weight: want a whole number, got %s", TypeName(v))
			}
		case "aliases", "redirect_from":
			// redirect_from is Jekyll's aliases.
			if key == "redirect_from" && fm.Lines.Aliases == 0 {
				fm.Lines.Aliases = lines[key]
			}
			list, ok := v.([]any)
			if !ok {
				if s, isStr := v.(string); isStr {
					list, ok = []any{s}, true
				}
			}
			if !ok {
				bad(key, "%s: want a list of paths, got %s", key, TypeName(v))
				break
			}
			for _, a := range list {
				s, ok := a.(string)
				if !ok || !strings.HasPrefix(s, "/") || strings.Contains(s, "..") || strings.ContainsAny(s, "?#\\") {
					bad(key, "%s: %v: want a path that starts with /", key, a)
					continue
				}
				fm.Aliases = append(fm.Aliases, s)
			}
		case "changelog":
			if str, ok := v.(string); ok {
				// changelog: git publishes the page's git history.
				if str != "git" {
					bad(key, "changelog: want git or a list of entries with date and note, got %q", str)
				}
				fm.ChangelogGit = true
				break
			}
			list, ok := normalizeValue(v).([]any)
			if !ok {
				bad(key, "changelog: want a list of entries with date and note, got %s", TypeName(v))
				break
			}
			for _, e := range list {
				m, ok := normalizeValue(e).(map[string]any)
				if !ok {
					bad(key, "changelog: want entries with date and note, got %s", TypeName(e))
					continue
				}
				fm.Changelog = append(fm.Changelog, m)
			}
		}
	}
	return fm, errs
}

// Normalize turns the map types of the YAML and TOML decoders into
// map[string]any and []any, so templates index every format the same way.
func Normalize(v any) any { return normalizeValue(v) }

func normalizeValue(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeValue(e)
		}
		return m
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeValue(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeValue(e)
		}
		return x
	case []map[string]any:
		// A TOML array of tables, such as [[changelog]].
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	}
	return v
}

// TypeName says what a decoded value is, for error messages.
func TypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("%q", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case int, int64, float64, uint64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a table"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

// dateLayouts are the forms editors bring from Hugo and Jekyll; those
// without a zone are read in the site's time zone.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04",
	"2006-01-02",
}

// ParseDate reads a date in one of the forms front matter and change logs
// accept; a date without a zone is in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	// A plain day is the most common form; try it first, not after nine
	// failed attempts that each make an error.
	if len(s) == len(time.DateOnly) {
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			return t, nil
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339", s)
}

// ParseValue reads a decoded front matter value as a date: text in one of
// ParseDate's forms or a date the decoder made; a date without a zone is
// in loc.
func ParseValue(v any, loc *time.Location) (time.Time, error) {
	switch x := v.(type) {
	case string:
		return ParseDate(x, loc)
	case time.Time:
		// TOML local dates and times carry a placeholder zone.
		switch x.Location().String() {
		case "date-local", "datetime-local", "time-local", "Local":
			return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), loc), nil
		}
		return x, nil
	}
	return time.Time{}, fmt.Errorf("want a date such as 2017-10-19, got %s", TypeName(v))
}
