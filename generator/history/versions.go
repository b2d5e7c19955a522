package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"path"
	"strconv"
	"strings"
	"sync"

	"folio/generator"
	"folio/generator/frontmatter"
	"folio/generator/markdown"

	nethtml "golang.org/x/net/html"
)

// Versions
//
// A page with history: versions (and [history] git = true) gets every
// committed version of its file as a page: PAGEURL/history/ lists them,
// PAGEURL/history/2017-10-19/ shows one (2017-10-19-2 for a second one
// that day), and PAGEURL/history/2017-10-19/changes/ shows the words it
// added and removed, marked with <ins> and <del>, which need no script.
// Old versions point search engines to the current page and ask not to be
// indexed, so they never compete with it.

// historyPath is the URL path of a page's history: /privacy/history/.
func historyPath(pagePath string) string {
	if strings.HasSuffix(pagePath, "/") {
		return pagePath + "history/"
	}
	return strings.TrimSuffix(pagePath, path.Ext(pagePath)) + "/history/"
}

// listVersions makes the versions of p from the commits that touched its
// file, newest first, and returns them by commit. A commit that did not
// change the file's text, such as a rename, makes no version.
func (b *History) listVersions(p *generator.Page, commits []pageCommit, dir string) map[*gitCommit]*generator.Version {
	line := max(p.FM.Lines.History, 1)
	if !b.hasLayout(generator.KindHistory) || !b.hasLayout(generator.KindDiff) {
		b.errs = append(b.errs, generator.Errorf(p.File, line, "history: versions needs the layouts history.html and diff.html in layouts/ or the theme"))
		return nil
	}
	b.gitDir = dir
	base := historyPath(p.Path)
	if other, ok := b.ByPath[base]; ok {
		b.errs = append(b.errs, generator.Errorf(p.File, line, "history: versions: %s, where its versions go, is the URL of %s", base, other.File))
		return nil
	}
	byCommit := map[*gitCommit]*generator.Version{}
	perDay := map[string]int{}
	var prev *generator.Version
	// Oldest first, so a version's address never changes as more follow.
	for i := len(commits) - 1; i >= 0; i-- {
		c := commits[i]
		if prev != nil && c.blob == prev.Blob {
			continue
		}
		day := c.date.Format("2006-01-02")
		perDay[day]++
		slug := day
		if n := perDay[day]; n > 1 {
			slug += "-" + strconv.Itoa(n)
		}
		v := &generator.Version{
			Date: c.date, Commit: c.hash, Subject: c.subject, Title: p.Title, Prev: prev, Page: p,
			Path: base + slug + "/", Blob: c.blob,
		}
		v.URL, v.Permalink = b.RelURL(v.Path), b.AbsURL(v.Path)
		if prev != nil {
			v.DiffPath = v.Path + "changes/"
			v.DiffURL = b.RelURL(v.DiffPath)
			b.history[v.DiffPath] = true
		}
		b.history[v.Path] = true
		byCommit[c.gitCommit] = v
		p.Versions = append([]*generator.Version{v}, p.Versions...)
		prev = v
	}
	b.history[base] = true
	return byCommit
}

// PrepareVersions reads every version from git, renders its markdown and
// compares it with the version before. It runs before the pages render,
// so their templates can read what changed.
func (b *History) PrepareVersions(ctx context.Context) error {
	var pages []*generator.Page
	var blobs []string
	seen := map[string]bool{}
	for _, p := range b.Pages {
		if len(p.Versions) == 0 {
			continue
		}
		pages = append(pages, p)
		for _, v := range p.Versions {
			if !seen[v.Blob] {
				seen[v.Blob] = true
				blobs = append(blobs, v.Blob)
			}
		}
	}
	if len(pages) == 0 {
		return nil
	}
	data, err := catBlobs(b.gitDir, blobs)
	if err != nil {
		return fmt.Errorf("read old versions: %w", err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		warns []string
		sem   = make(chan struct{}, b.workers)
	)
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w := b.renderVersions(p, data)
			mu.Lock()
			warns = append(warns, w...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, w := range warns {
		b.warn(w)
	}
	return ctx.Err()
}

// renderVersions renders the versions of one page, oldest first, each
// compared with the one before.
func (b *History) renderVersions(p *generator.Page, blobs map[string][]byte) []string {
	var warns []string
	// The text of each version is only needed for the comparisons.
	texts := make(map[*generator.Version][]textBlock, len(p.Versions))
	for i := len(p.Versions) - 1; i >= 0; i-- {
		v := p.Versions[i]
		var text []textBlock
		if w := b.renderVersion(p, v, blobs[v.Blob], &text); w != "" {
			warns = append(warns, w)
		}
		texts[v] = text
		if v.Prev != nil {
			v.Diff, v.Added, v.Removed = diffText(texts[v.Prev], text)
		}
	}
	return warns
}

// renderVersion renders one version's markdown. Its links are rewritten
// like the current page's but not checked: they may name pages that have
// gone since, and the old text is shown as it was.
func (b *History) renderVersion(p *generator.Page, v *generator.Version, src []byte, text *[]textBlock) string {
	raw, body, bodyLine, err := frontmatter.Split(p.File, src)
	var fm *generator.FrontMatter
	if err == nil {
		var errs generator.ErrorList
		fm, errs = frontmatter.Decode(p.File, raw, frontmatter.KeyLines(src, bodyLine), b.cfg.Location)
		if len(errs) > 0 {
			err = errs[0]
		}
	}
	if err != nil {
		// What was committed still deserves to be seen, even when its
		// front matter was broken at the time.
		v.Content = template.HTML("<pre>" + html.EscapeString(string(src)) + "</pre>")
		*text = []textBlock{{kind: "h", text: v.Title}, {kind: "pre", text: string(src)}}
		msg := err.Error()
		var e *generator.Error
		if errors.As(err, &e) {
			msg = e.Msg
		}
		return fmt.Sprintf("%s: the version of commit %.7s (%s) cannot be read (%s); it is shown as plain text", p.File, v.Commit, v.Date.Format("2006-01-02"), msg)
	}
	if fm.Title != "" {
		v.Title = fm.Title
	}
	v.Desc = fm.Description
	old := &generator.Page{File: p.File, Src: body, BodyLine: bodyLine}
	doc := markdown.Parse(b.md, body)
	v.TOC, _ = markdown.HeadingIDs(doc, body)
	markdown.ResolveLinks(old, doc, b.resolveLink)
	var buf bytes.Buffer
	if err := b.md.Renderer().Render(&buf, body, doc); err != nil {
		v.Content = template.HTML("<pre>" + html.EscapeString(string(body)) + "</pre>")
		*text = []textBlock{{kind: "h", text: v.Title}, {kind: "pre", text: string(body)}}
		return fmt.Sprintf("%s: the version of commit %.7s cannot be rendered (%v); it is shown as plain text", p.File, v.Commit, err)
	}
	v.Content = template.HTML(buf.String())
	*text = append([]textBlock{{kind: "h", text: v.Title}}, htmlBlocks(buf.Bytes())...)
	return ""
}

// textBlock is a paragraph, heading, list item or code block of rendered
// text.
type textBlock struct {
	kind string // p, h, li or pre
	text string
}

// blockTags end one block of text and start another.
var blockTags = map[string]bool{
	"p": true, "div": true, "blockquote": true, "dt": true, "dd": true, "td": true, "th": true, "tr": true,
	"figcaption": true, "caption": true, "hr": true, "table": true, "ul": true, "ol": true, "dl": true,
	"section": true, "li": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
}

// htmlBlocks is the text of rendered HTML as a reader sees it, block by
// block, without the heading anchors and footnote back links that the
// renderer adds.
func htmlBlocks(src []byte) []textBlock {
	var out []textBlock
	var cur strings.Builder
	liDepth, inHeading, inPre := 0, false, false
	flush := func() {
		t := strings.TrimSpace(cur.String())
		cur.Reset()
		if t == "" {
			return
		}
		kind := "p"
		switch {
		case inPre:
			kind = "pre"
		case inHeading:
			kind = "h"
		case liDepth > 0:
			kind = "li"
		}
		out = append(out, textBlock{kind: kind, text: t})
	}
	skipLink := false // inside a link the renderer added
	skipRaw := 0      // inside script or style
	z := nethtml.NewTokenizer(bytes.NewReader(src))
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			flush()
			return out
		case nethtml.TextToken:
			if !skipLink && skipRaw == 0 {
				cur.Write(z.Text())
			}
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			tok := z.Token()
			start := tt == nethtml.StartTagToken
			switch tok.Data {
			case "a":
				// Links do not nest, so any </a> ends a skipped one.
				skipLink = start && notContent(tok)
				continue
			case "script", "style":
				if start {
					skipRaw++
				} else if skipRaw > 0 {
					skipRaw--
				}
				continue
			case "br":
				cur.WriteByte(' ')
				continue
			}
			if !blockTags[tok.Data] {
				continue
			}
			flush()
			switch tok.Data {
			case "li":
				if start {
					liDepth++
				} else if tt == nethtml.EndTagToken && liDepth > 0 {
					liDepth--
				}
			case "pre":
				inPre = start
			case "h1", "h2", "h3", "h4", "h5", "h6":
				inHeading = start
			}
		}
	}
}

// notContent reports whether a link is one the renderer added: a heading
// anchor or a footnote's way back.
func notContent(tok nethtml.Token) bool {
	for _, a := range tok.Attr {
		if a.Key == "class" && (a.Val == "anchor" || a.Val == "footnote-backref") {
			return true
		}
	}
	return false
}

// WriteHistory writes the history pages of every page with versions: the
// list, each version and what each version changed.
func (b *History) WriteHistory(write func(name string, data []byte) error) error {
	for _, p := range b.Pages {
		if len(p.Versions) == 0 {
			continue
		}
		index := *p
		index.Kind, index.Layout, index.Path = generator.KindHistory, generator.KindHistory, historyPath(p.Path)
		index.URL, index.Permalink = b.RelURL(index.Path), b.AbsURL(index.Path)
		index.Content, index.TOC, index.TOCHTML, index.Prev, index.Next, index.Pages = "", nil, "", nil, nil, nil
		if err := b.writeHistoryPage(write, &index, false); err != nil {
			return err
		}
		for _, v := range p.Versions {
			old := *p
			old.Kind, old.Layout, old.Path, old.Version = generator.KindVersion, generator.KindHistory, v.Path, v
			old.Title, old.Description, old.Content, old.TOC, old.TOCHTML = v.Title, v.Desc, v.Content, v.TOC, ""
			// The canonical address of an old text is the current page.
			old.URL, old.Permalink = v.URL, p.Permalink
			old.Lastmod, old.Prev, old.Next, old.Pages = v.Date, nil, nil, nil
			if err := b.writeHistoryPage(write, &old, true); err != nil {
				return err
			}
			if v.Prev == nil {
				continue
			}
			diff := old
			diff.Kind, diff.Layout, diff.Path = generator.KindDiff, generator.KindDiff, v.DiffPath
			diff.URL, diff.Content, diff.TOC, diff.TOCHTML = v.DiffURL, v.Diff, nil, ""
			if err := b.writeHistoryPage(write, &diff, true); err != nil {
				return err
			}
		}
	}
	return nil
}

var robotsMeta = []byte(`name="robots"`)

// writeHistoryPage renders one history page. Old versions ask search
// engines not to index them whatever the theme does, so a layout that
// forgets to gets the tag added to its head.
func (b *History) writeHistoryPage(write func(name string, data []byte) error, p *generator.Page, noindex bool) error {
	data, err := b.render(p)
	if err != nil {
		return err
	}
	if noindex && !bytes.Contains(data, robotsMeta) {
		if i := bytes.Index(data, []byte("<head")); i >= 0 {
			if j := bytes.IndexByte(data[i:], '>'); j >= 0 {
				at := i + j + 1
				data = append(data[:at:at], append([]byte(`<meta name="robots" content="noindex">`), data[at:]...)...)
			}
		}
	}
	return write(generator.PageFile(p.Path), data)
}
