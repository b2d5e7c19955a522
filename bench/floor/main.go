// Command floor does the least a static site generator must do for a
// site, on all cores: read each markdown file, split its front matter,
// convert it with goldmark, minify the HTML and write it. bench/compare.sh
// runs it beside folio build and Hugo, so Folio's own overhead stays
// visible.
//
//	go run ./bench/floor -site /tmp/site -out /tmp/floor
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/adrg/frontmatter"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func main() {
	site := flag.String("site", "", "site folder with content/")
	out := flag.String("out", "", "output folder")
	flag.Parse()
	if *site == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "floor: -site and -out are required")
		os.Exit(2)
	}
	var files []string
	err := filepath.WalkDir(filepath.Join(*site, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	jobs := make(chan string)
	var wg sync.WaitGroup
	var failed sync.Once
	fail := func(err error) { failed.Do(func() { fmt.Fprintln(os.Stderr, "floor:", err); os.Exit(1) }) }
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var page, mini bytes.Buffer
			for f := range jobs {
				src, err := os.ReadFile(f)
				if err != nil {
					fail(err)
				}
				var fm map[string]any
				body, err := frontmatter.Parse(bytes.NewReader(src), &fm)
				if err != nil {
					fail(err)
				}
				page.Reset()
				mini.Reset()
				page.WriteString("<!doctype html><html><head><title>page</title></head><body>")
				if err := md.Convert(body, &page); err != nil {
					fail(err)
				}
				page.WriteString("</body></html>")
				if err := m.Minify("text/html", &mini, &page); err != nil {
					fail(err)
				}
				rel, _ := filepath.Rel(filepath.Join(*site, "content"), f)
				dir := filepath.Join(*out, strings.TrimSuffix(rel, ".md"))
				if err := os.MkdirAll(dir, 0o755); err != nil {
					fail(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "index.html"), mini.Bytes(), 0o644); err != nil {
					fail(err)
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
}
