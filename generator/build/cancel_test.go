package build

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"folio/generator"
	"folio/generator/output"

	"github.com/yuin/goldmark/ast"
)

// cancelOnRead is a site that cancels the build when a file is opened for
// the nth time: a page is read once to load it and again to render it.
type cancelOnRead struct {
	fs.FS
	name   string
	n      int
	cancel context.CancelFunc
	mu     sync.Mutex
	opened int
}

func (c *cancelOnRead) Open(name string) (fs.File, error) {
	if name == c.name {
		c.mu.Lock()
		c.opened++
		if c.opened == c.n {
			c.cancel()
		}
		c.mu.Unlock()
	}
	return c.FS.Open(name)
}

// TestCancelInsidePage checks that a build cancelled while a page renders
// stops that page, instead of finishing it first.
func TestCancelInsidePage(t *testing.T) {
	site := txtarFS(t, []byte(page(strings.Repeat("Some *text* and [a link](https://example.org/).\n\n", 2000))))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fsys := &cancelOnRead{FS: site, name: "content/_index.md", n: 2, cancel: cancel}
	out := &output.MapOutput{}
	_, err := Build(ctx, Options{FS: fsys, Theme: testTheme(t), Workers: 1}, out)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Build() = %v, want context.Canceled", err)
	}
	if _, ok := out.Files["index.html"]; ok {
		t.Errorf("index.html was written after the build was cancelled")
	}
}

// TestCancelInsideParse checks that the parse of a page stops soon after
// the build is cancelled, leaving the rest of the page unread.
func TestCancelInsideParse(t *testing.T) {
	b, err := newBuilder(Options{FS: fstest.MapFS{}, Theme: testTheme(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	const items = 20000
	p := &generator.Page{File: "content/a.md", Src: []byte(strings.Repeat("- *item*\n", items))}
	doc := b.shortcodes.ParseBodyCtx(ctx, p).Doc
	n := 0
	_ = ast.Walk(doc, func(n2 ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n2.(*ast.Emphasis); ok && entering {
			n++
		}
		return ast.WalkContinue, nil
	})
	if n >= items/2 {
		t.Errorf("parse after cancel made %d emphases of %d, want it cut short", n, items)
	}
	// Without a cancelled context, the page is whole.
	doc = b.shortcodes.ParseBodyCtx(context.Background(), p).Doc
	if got := doc.FirstChild().ChildCount(); got != items {
		t.Errorf("parse made %d list items, want %d", got, items)
	}
}
