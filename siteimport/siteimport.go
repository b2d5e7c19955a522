// Package siteimport brings existing sites into Folio's shape: a Jekyll
// site (Jekyll), a Hugo site (Hugo) or a policy kept as plain text (Text).
//
// Each importer reads its source from an fs.FS and writes a Folio site (or
// one page) into a folder, converting what it can: includes, links
// between pages, highlighted code, shortcodes, front matter and the
// site's configuration. What it cannot convert is left in place and
// listed as a Note, "file:line: what", for an editor to finish by hand;
// a plain-text import also lists each guess it made (a heading, a list)
// so that an editor checks it once. The importers never read outside
// their source: symbolic links are skipped and noted, and files larger
// than MaxFileSize are refused.
package siteimport

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds each file an importer reads.
const MaxFileSize = 8 << 20

// maxFiles bounds how many files one import reads, so a source folder
// that is not a site (a home directory, say) is refused quickly.
const maxFiles = 100_000

// Note is something an importer left for a person: a construct it could
// not convert, or a guess to check. File is relative to the source.
type Note struct {
	File string
	Line int // 1-based; 0 when the note is about the whole file
	What string
}

func (n Note) String() string {
	if n.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.What)
	}
	return n.File + ": " + n.What
}

// Result is what an import did.
type Result struct {
	Pages int    // pages written
	Files int    // other files copied
	Notes []Note // in file and line order
}

func (r *Result) note(file string, line int, format string, args ...any) {
	r.Notes = append(r.Notes, Note{File: file, Line: line, What: fmt.Sprintf(format, args...)})
}

func (r *Result) sortNotes() {
	sort.SliceStable(r.Notes, func(i, j int) bool {
		a, b := r.Notes[i], r.Notes[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// writer writes the imported site under dir.
type writer struct{ dir string }

func (w writer) write(rel string, data []byte) error {
	rel = path.Clean(rel)
	if rel == "." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return fmt.Errorf("write %s: not a path inside the new site", rel)
	}
	dst := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}

// readFile reads one file of the source, refusing what is too large.
func readFile(src fs.FS, name string) ([]byte, error) {
	fi, err := fs.Stat(src, name)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	return fs.ReadFile(src, name)
}

// walkFiles lists the regular files of src, sorted, noting and skipping
// symbolic links, which could lead out of the source.
func walkFiles(src fs.FS, res *Result, skip func(dir string) bool) ([]string, error) {
	var files []string
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && skip(p) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			res.note(p, 0, "symbolic link not followed: copy its target into the site by hand")
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(files) >= maxFiles {
			return fmt.Errorf("more than %d files: is this a site's folder?", maxFiles)
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

// splitFrontMatter cuts a page into its front matter (without the
// delimiters), the delimiter ("---" or "+++"; "" for none) and its body,
// with the source line the body starts on.
func splitFrontMatter(src []byte) (fm []byte, delim string, body []byte, bodyLine int) {
	for _, d := range []string{"---", "+++"} {
		first, rest, ok := bytes.Cut(src, []byte("\n"))
		if !ok || string(bytes.TrimRight(first, " \t\r")) != d {
			continue
		}
		lines := 1
		for off := 0; off < len(rest); {
			end := bytes.IndexByte(rest[off:], '\n')
			line := rest[off:]
			next := len(rest)
			if end >= 0 {
				line, next = rest[off:off+end], off+end+1
			}
			lines++
			if string(bytes.TrimRight(line, " \t\r")) == d {
				return rest[:off], d, rest[next:], lines + 1
			}
			off = next
		}
		break // unterminated: all of it is body, as Jekyll reads it
	}
	return nil, "", src, 1
}

// mapSlice is front matter in the order it was written, so that an
// imported page keeps its keys where their author put them. Nested
// mappings are mapSlices too; a sequence is a []any.
type mapSlice []mapItem

type mapItem struct {
	Key, Value any
}

// maxYAMLNodes bounds the values one front matter expands to, so that
// aliases cannot make a few lines of YAML into millions of values.
const maxYAMLNodes = 100_000

// readYAML reads front matter into a mapSlice. Values are the ones
// yaml.v3 decodes, except that a timestamp stays the text it was written
// as: an importer writes it back unchanged, in no time zone.
func readYAML(data []byte) (mapSlice, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // an empty block
	}
	budget := maxYAMLNodes
	v, err := fromNode(doc.Content[0], &budget)
	if err != nil {
		return nil, err
	}
	switch fm := v.(type) {
	case mapSlice:
		return fm, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("line %d: front matter is not a mapping", doc.Content[0].Line)
}

func fromNode(n *yaml.Node, budget *int) (any, error) {
	if *budget--; *budget < 0 {
		return nil, errors.New("too many values (aliases expanding?)")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return fromNode(n.Alias, budget)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c, budget)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		var out mapSlice
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := fromNode(n.Content[i], budget)
			if err != nil {
				return nil, err
			}
			v, err := fromNode(n.Content[i+1], budget)
			if err != nil {
				return nil, err
			}
			if n.Content[i].Tag == "!!merge" {
				out = merge(out, v)
				continue
			}
			out = append(out, mapItem{Key: k, Value: v})
		}
		return out, nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!timestamp" {
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// merge adds the keys of a << merge, a mapping or a list of them, that
// the mapping does not set itself.
func merge(fm mapSlice, v any) mapSlice {
	switch m := v.(type) {
	case mapSlice:
		for _, it := range m {
			if k, ok := it.Key.(string); !ok || !has(fm, k) {
				fm = append(fm, it)
			}
		}
	case []any:
		for _, e := range m {
			fm = merge(fm, e)
		}
	}
	return fm
}

// toNode is the YAML node of a value read by fromNode or set by an
// importer.
func toNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case mapSlice:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, it := range v {
			k, err := toNode(it.Key)
			if err != nil {
				return nil, err
			}
			val, err := toNode(it.Value)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, k, val)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range v {
			c, err := toNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return n, nil
}

// yamlFrontMatter writes front matter as YAML between --- lines, laid out
// as people write it: two spaces of indent, list items under their key.
func yamlFrontMatter(fm mapSlice) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	if len(fm) > 0 {
		n, err := toNode(fm)
		if err != nil {
			return nil, fmt.Errorf("front matter: %w", err)
		}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		enc.CompactSeqIndent()
		if err := enc.Encode(n); err != nil {
			return nil, fmt.Errorf("front matter: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("front matter: %w", err)
		}
	}
	b.WriteString("---\n")
	return b.Bytes(), nil
}

func has(fm mapSlice, key string) bool {
	_, ok := get(fm, key)
	return ok
}

func get(fm mapSlice, key string) (any, bool) {
	for _, it := range fm {
		if k, _ := it.Key.(string); k == key {
			return it.Value, true
		}
	}
	return nil, false
}

func set(fm mapSlice, key string, v any) mapSlice {
	for i, it := range fm {
		if k, _ := it.Key.(string); k == key {
			fm[i].Value = v
			return fm
		}
	}
	return append(fm, mapItem{Key: key, Value: v})
}

func del(fm mapSlice, key string) mapSlice {
	out := fm[:0]
	for _, it := range fm {
		if k, _ := it.Key.(string); k != key {
			out = append(out, it)
		}
	}
	return out
}

// keyLine is the source line of a top-level key in front matter that
// starts on line first, or first when it cannot tell.
func keyLine(fm []byte, first int, key string) int {
	for i, line := range strings.Split(string(fm), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(line, key+":") || strings.HasPrefix(line, key+" =") || strings.HasPrefix(line, key+"=") ||
			t == "["+key+"]" || strings.HasPrefix(t, "["+key+".") || strings.HasPrefix(t, "[["+key+"]]") {
			return first + i
		}
	}
	return first
}

// relLink is the link from the page at from to the file at to, both paths
// in the new site's content/, as a code host would read it.
func relLink(from, to string) string {
	rel, err := filepath.Rel(path.Dir("/"+from), "/"+to)
	if err != nil {
		return to
	}
	return filepath.ToSlash(rel)
}

// lineAt is the 1-based line of offset off in a body starting at line first.
func lineAt(body []byte, off, first int) int {
	return first + bytes.Count(body[:off], []byte("\n"))
}

// TOMLString quotes s as a TOML basic string, for a value written into
// folio.toml.
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// siteConfig is what an import writes into folio.toml.
type siteConfig struct {
	title, baseURL, language, timezone string
}

func (c siteConfig) toml(from string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Imported from %s. Every key is optional; the README lists them all.\n", from)
	if c.title != "" {
		fmt.Fprintf(&b, "title = %s\n", TOMLString(c.title))
	}
	if c.baseURL != "" {
		fmt.Fprintf(&b, "baseURL = %s\n", TOMLString(c.baseURL))
	}
	if c.language != "" {
		fmt.Fprintf(&b, "language = %s\n", TOMLString(c.language))
	}
	if c.timezone != "" {
		fmt.Fprintf(&b, "timezone = %s\n", TOMLString(c.timezone))
	}
	return []byte(b.String())
}

// dateOf reads a front matter date as Jekyll and Hugo write them.
func dateOf(v any) (time.Time, bool) {
	switch d := v.(type) {
	case time.Time:
		return d, true
	case fmt.Stringer:
		return dateOf(d.String())
	case string:
		for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, strings.TrimSpace(d)); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
