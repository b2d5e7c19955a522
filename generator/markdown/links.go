package markdown

import (
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"

	"folio/generator"
)

// Resolver maps one link destination written in the content folder dir
// to the one to render; ok is false for links that leave the site, which
// are left alone.
type Resolver func(dir, dest string) (newDest string, ref generator.LinkRef, ok bool)

// ResolveLinks rewrites the links and images of a page through
// resolveLink: GitHub-style links to source files become the target
// page's URL, relative paths become site paths, and the site's base path
// goes in front. Links that stay inside the site are returned for
// checking. A link in an included file is relative to that file, as on a
// code host.
func ResolveLinks(p *generator.Page, doc ast.Node, resolveLink Resolver) []generator.LinkRef {
	var refs []generator.LinkRef
	page := &frame{file: p.File, bodyLine: p.BodyLine, text: p.Src}
	resolve := func(n ast.Node, dest string) string {
		fr := frameAt(n, page)
		dir := strings.TrimPrefix(path.Dir(fr.file), "content")
		newDest, ref, ok := resolveLink(dir, dest)
		if !ok {
			return dest
		}
		ref.Line = fr.line(NodeOffset(n))
		if fr != page {
			ref.File, ref.Via = fr.file, fr.via
		}
		refs = append(refs, ref)
		return newDest
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			l.Destination = []byte(resolve(n, string(l.Destination)))
		case *ast.Image:
			l.Destination = []byte(resolve(n, string(l.Destination)))
		case scNode:
			// A shortcode's src="..." is a link too.
			for _, k := range urlArgs {
				if v, ok := l.call().tag.named[k]; ok {
					l.call().tag.named[k] = resolve(n, v)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return refs
}
