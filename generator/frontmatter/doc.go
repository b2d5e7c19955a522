// Package frontmatter splits a page's front matter (YAML, TOML or JSON)
// from its body and decodes it into a generator.FrontMatter, keeping the
// file line of every key so that errors name the editor's line. It also
// reads the dates that front matter and change logs accept.
//
// It never reads files: callers hand it a file's bytes.
package frontmatter
