package build

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"

	"folio/generator"
	"folio/generator/images"
	"folio/generator/markdown"
	"folio/generator/output"
)

// Images
//
// Every local image a page shows, in markdown or in a shortcode's src,
// gets its width and height from the file's header, and a PNG or JPEG
// wider than images.LargeWidth a srcset of smaller copies. The copies are
// written to imageOutDir under names made of the source's content hash
// and their width, and kept in the build cache's images/ folder, so each
// is scaled once. Images are read only through the site's file system,
// never from outside the site.

// imageOutDir is the output folder of the smaller copies of images.
const imageOutDir = "_img"

// imageSizes is the sizes attribute of a large image in a page's text:
// the full width of a narrow screen, and at most the width of the
// theme's text column (46rem) on a wide one.
const imageSizes = "(max-width: 46rem) 100vw, 46rem"

// siteImages is what one build learns about its images.
type siteImages struct {
	once  sync.Once
	files map[string]generator.StaticFile // by output path: /img/a.png
	site  map[string]bool                 // output paths of the site's own files, not the theme's
	store *images.Store
	infos sync.Map // file name -> *measured
}

// measured is an image file's header, read once per build.
type measured struct {
	once   sync.Once
	info   images.Info
	sum    string
	err    error
	widths []int    // the widths of the copies worth offering
	copies [][]byte // those copies, in the order of widths
}

// imageFiles lists the site's own files by output path, once.
func (b *builder) imageFiles() *siteImages {
	b.imgs.once.Do(func() {
		b.imgs.files, b.imgs.site = map[string]generator.StaticFile{}, map[string]bool{}
		// The site's static/ overrides the theme's, as copyFiles does.
		for i, f := range append(append([]generator.StaticFile(nil), b.theme.Static...), b.Files...) {
			if images.IsImage(f.Out) {
				b.imgs.files["/"+f.Out] = f
				b.imgs.site["/"+f.Out] = i >= len(b.theme.Static)
			}
		}
		b.imgs.store = b.imageStore()
	})
	return &b.imgs
}

// imageStore is where copies are kept between builds: with a cache kept
// in memory (folio serve), in that cache; else in the cache folder; else
// nowhere but this build.
func (b *builder) imageStore() *images.Store {
	dir := ""
	if b.opts.CacheDir != "" {
		dir = filepath.Join(b.opts.CacheDir, images.StoreDir)
	}
	if c := b.opts.Cache; c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.images == nil {
			c.images = images.NewStore(dir)
		}
		return c.images
	}
	return images.NewStore(dir)
}

// measure reads an image's header, and makes (or takes from the store)
// the smaller copies of a large one, once per build. A copy that is not
// smaller than the image itself, as with a flat drawing that scaling
// blurs, is not offered: it would only cost the reader bytes.
func (b *builder) measure(f generator.StaticFile) *measured {
	v, _ := b.imgs.infos.LoadOrStore(f.Name, &measured{})
	m := v.(*measured)
	m.once.Do(func() {
		data, err := generator.ReadLimited(f.FS, f.Src, images.MaxFileSize)
		if err != nil {
			m.err = err
			return
		}
		m.info, m.err = images.Measure(f.Out, data)
		m.sum = images.Sum(data)
		widths := m.info.Widths()
		if m.err != nil || len(widths) == 0 {
			return
		}
		copies, err := b.imageFiles().store.Copies(data, m.sum, m.info, widths)
		if err != nil {
			m.err = fmt.Errorf("make smaller copies: %w", err)
			return
		}
		for i, c := range copies {
			if len(c) < len(data) {
				m.widths = append(m.widths, widths[i])
				m.copies = append(m.copies, c)
			}
		}
	})
	return m
}

// sizeImages measures the images of a page's tree and returns the image
// files it shows, which the build cache watches as it watches includes.
func (b *builder) sizeImages(p *generator.Page, doc ast.Node) ([]string, generator.ErrorList) {
	imgs := b.imageFiles()
	var used []string
	errs, warns := markdown.SizeImages(p, doc, func(dir, dest string) (*generator.Image, error) {
		_, ref, ok := b.resolveLink(dir, dest)
		if !ok || ref.Target == "" {
			return nil, nil
		}
		target := ref.Target
		if dec, err := url.PathUnescape(target); err == nil {
			target = dec
		}
		f, ok := imgs.files[target]
		if !ok {
			// Not an image of the site: the link check reports a
			// missing one.
			return nil, nil
		}
		if imgs.site[target] {
			// The theme's files change only with Folio, which the
			// cache's key covers.
			used = append(used, f.Name)
		}
		m := b.measure(f)
		if errors.Is(m.err, images.ErrTooLarge) {
			return nil, fmt.Errorf("image %s: %w", f.Name, m.err)
		}
		if m.err != nil {
			// A format Folio cannot read, such as AVIF, is published as
			// it is, without a size.
			return nil, markdown.ImageWarning(fmt.Sprintf("image %s: %v; it is shown without width and height", f.Name, m.err))
		}
		return b.imageOf(target, m), nil
	})
	if len(warns) > 0 {
		b.liquidMu.Lock()
		for _, w := range warns {
			b.warn(w.Error())
		}
		b.liquidMu.Unlock()
	}
	return used, errs
}

// imageOf is what a page says of the image at target.
func (b *builder) imageOf(target string, m *measured) *generator.Image {
	img := &generator.Image{Width: m.info.Width, Height: m.info.Height}
	if len(m.widths) == 0 {
		return img
	}
	var set []string
	for _, w := range m.widths {
		set = append(set, srcsetURL(b.RelURL("/"+imageOutDir+"/"+images.CopyName(m.sum, w, m.info)))+" "+strconv.Itoa(w)+"w")
	}
	orig := (&url.URL{Path: target}).EscapedPath()
	set = append(set, srcsetURL(b.RelURL(orig))+" "+strconv.Itoa(m.info.Width)+"w")
	img.Srcset, img.Sizes = strings.Join(set, ", "), imageSizes
	return img
}

// srcsetURL escapes the commas of an address, which a srcset would read
// as the end of a candidate.
func srcsetURL(u string) string { return strings.ReplaceAll(u, ",", "%2C") }

// writeImages writes the smaller copies of every large image of the
// site, measuring on all cores the images no page showed, and lets the
// store forget the copies no image needs any more. An image that cannot
// be measured is copied as it is and nothing more: a page that shows it
// has already been told.
func (b *builder) writeImages(out output.Output) error {
	imgs := b.imageFiles()
	names := make([]string, 0, len(imgs.files))
	for n := range imgs.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var wg sync.WaitGroup
	next := make(chan generator.StaticFile)
	for range min(b.opts.Workers, max(len(names), 1)) {
		wg.Go(func() {
			for f := range next {
				b.measure(f)
			}
		})
	}
	for _, n := range names {
		next <- imgs.files[n]
	}
	close(next)
	wg.Wait()
	used := map[string]bool{}
	for _, n := range names {
		m := b.measure(imgs.files[n])
		if m.err != nil {
			continue
		}
		for i, w := range m.widths {
			name := images.CopyName(m.sum, w, m.info)
			if used[name] {
				continue // another file with the same content
			}
			used[name] = true
			if err := b.write(out, path.Join(imageOutDir, name), m.copies[i]); err != nil {
				return err
			}
		}
		for _, w := range m.info.Widths() {
			// Copies not worth offering stay in the store, so they are
			// not made again.
			used[images.CopyName(m.sum, w, m.info)] = true
		}
	}
	return imgs.store.Prune(used)
}
