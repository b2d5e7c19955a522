// Package floorbuild is the floor of a site build: the least any static
// site generator must do, on all cores. It reads each markdown file,
// splits its front matter, converts it with goldmark, minifies the HTML
// and writes it. The floor command (bench/floor) and the generator's
// BenchmarkFloor both run it, beside folio build, so Folio's own overhead
// stays visible.
package floorbuild

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"folio/generator/frontmatter"

	afm "github.com/adrg/frontmatter"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Sources lists the markdown files under site/content.
func Sources(site string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(filepath.Join(site, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	return files, err
}

// Build renders files, which lie under site/content, into out: a page
// content/a/b.md becomes out/a/b/index.html. It returns the first error.
func Build(site string, files []string, out string) error {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	var (
		jobs  = make(chan string)
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	fail := func(err error) { once.Do(func() { first = err }) }
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var page, mini bytes.Buffer
			for f := range jobs {
				if err := buildPage(md, m, site, f, out, &page, &mini); err != nil {
					fail(err)
				}
			}
		})
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return first
}

func buildPage(md goldmark.Markdown, m *minify.M, site, file, out string, page, mini *bytes.Buffer) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var fm map[string]any
	// Folio's decoders, so the floor parses front matter as the build does.
	body, err := afm.Parse(bytes.NewReader(src), &fm, frontmatter.Formats...)
	if err != nil {
		return err
	}
	page.Reset()
	mini.Reset()
	page.WriteString("<!doctype html><html><head><title>page</title></head><body>")
	if err := md.Convert(body, page); err != nil {
		return err
	}
	page.WriteString("</body></html>")
	if err := m.Minify("text/html", mini, page); err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Join(site, "content"), file)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, strings.TrimSuffix(rel, ".md"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.html"), mini.Bytes(), 0o644)
}
