package markdown

import (
	"path"
	"strconv"
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
	page := pageFrame(p)
	resolve := func(n ast.Node, dest string) string {
		fr := frameAt(n, page)
		newDest, ref, ok := resolveLink(fr.dir(), dest)
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

// pageFrame is the frame of a page's own text, for the lines of nodes
// outside its includes.
func pageFrame(p *generator.Page) *frame {
	return &frame{file: p.File, bodyLine: p.BodyLine, text: p.Src}
}

// dir is the folder of the frame's file inside content/, which relative
// destinations written in it start from.
func (fr *frame) dir() string {
	return strings.TrimPrefix(path.Dir(fr.file), "content")
}

// ImageSizer says what the build knows of the image at dest, written in
// the content folder dir: nil for one that is not a file of the site,
// such as an image on another host.
type ImageSizer func(dir, dest string) (*generator.Image, error)

// SizeImages gives every image of a page that is a file of the site its
// width and height, and a large one its srcset and sizes, so the browser
// keeps room for it before it arrives; a shortcode with a src argument,
// such as figure, gets the same as .Image. It reads destinations as
// written, so it runs before ResolveLinks. An image that cannot be
// measured is an error at its line, or a warning when the sizer says it
// is an ImageWarning.
func SizeImages(p *generator.Page, doc ast.Node, size ImageSizer) (errs, warns generator.ErrorList) {
	page := pageFrame(p)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest string
		switch l := n.(type) {
		case *ast.Image:
			dest = string(l.Destination)
		case scNode:
			v, ok := l.call().tag.named["src"]
			if !ok {
				return ast.WalkContinue, nil
			}
			dest = v
		default:
			return ast.WalkContinue, nil
		}
		fr := frameAt(n, page)
		img, err := size(fr.dir(), dest)
		if err != nil {
			e := &generator.Error{File: fr.file, Line: fr.line(NodeOffset(n)), Via: fr.via, Msg: err.Error()}
			if _, ok := err.(ImageWarning); ok {
				warns = append(warns, e)
			} else {
				errs = append(errs, e)
			}
			return ast.WalkContinue, nil
		}
		if img == nil {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Image:
			l.SetAttributeString("width", []byte(strconv.Itoa(img.Width)))
			l.SetAttributeString("height", []byte(strconv.Itoa(img.Height)))
			if img.Srcset != "" {
				l.SetAttributeString("srcset", []byte(img.Srcset))
				l.SetAttributeString("sizes", []byte(img.Sizes))
			}
		case scNode:
			l.call().image = img
		}
		return ast.WalkContinue, nil
	})
	return errs, warns
}

// ImageWarning is an image an ImageSizer could not measure that the page
// may show all the same, such as one in a format Folio cannot read.
type ImageWarning string

func (w ImageWarning) Error() string { return string(w) }
