// Package images reads the size of a site's images and makes the smaller
// copies of large ones that a page offers in a srcset.
//
// A page that names its images' width and height lets the browser keep
// room for them before they arrive, so the text never jumps (no layout
// shift). The size comes from the file's header alone: image.DecodeConfig
// for PNG, JPEG, GIF and WebP, and the width, height or viewBox of an SVG's
// root element. Nothing is decoded whole except a PNG or JPEG wider than
// LargeWidth, which is scaled down to the widths in copyWidths with
// golang.org/x/image/draw (Catmull-Rom, pure Go), and only when its header
// says it holds no more than MaxPixels, so a small file that claims to
// be a giant picture (a decompression bomb) is refused before it is
// decoded.
//
// Copies are named by the content of the source and their width, so a
// changed image gets new names and an unchanged one keeps its names (and
// the browser's cached copies) from build to build. A Store keeps them on
// disk between builds, so each is made once.
package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig of GIF
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // DecodeConfig of WebP
)

// Limits on one image.
const (
	// MaxFileSize bounds an image file that is measured or scaled.
	MaxFileSize = 8 << 20
	// MaxPixels bounds an image's width times height, read from its
	// header before anything is decoded: 40 megapixels, more than any
	// camera image a docs page needs, and about 160 MB once decoded.
	MaxPixels = 40_000_000
	// MaxSide bounds the width and the height an SVG claims.
	MaxSide = 100_000
	// LargeWidth is the width above which a PNG or JPEG gets smaller
	// copies.
	LargeWidth = 800
)

// copyWidths are the widths of the smaller copies of a large image: those
// below its own width are made.
var copyWidths = []int{480, 800, 1200, 1600}

// Info is what the header of an image says.
type Info struct {
	Width, Height int
	Format        string // png, jpeg, gif, webp or svg
}

// Scalable reports whether smaller copies of the image are made: a PNG or
// JPEG wider than LargeWidth. A GIF may be animated and WebP has no
// encoder here; an SVG scales by itself.
func (i Info) Scalable() bool {
	return (i.Format == "png" || i.Format == "jpeg") && i.Width > LargeWidth
}

// Widths are the widths of the image's smaller copies, smallest first;
// none unless it is Scalable.
func (i Info) Widths() []int {
	if !i.Scalable() {
		return nil
	}
	var ws []int
	for _, w := range copyWidths {
		if w < i.Width {
			ws = append(ws, w)
		}
	}
	return ws
}

// Ext is the file extension of the image's copies, with its dot.
func (i Info) Ext() string {
	if i.Format == "jpeg" {
		return ".jpg"
	}
	return "." + i.Format
}

// ErrTooLarge is why an image was refused: too many pixels or bytes.
var ErrTooLarge = errors.New("image too large")

// Measure reads the size of the image in data from its header. name is
// the file's name, whose extension says an SVG.
func Measure(name string, data []byte) (Info, error) {
	if int64(len(data)) > MaxFileSize {
		return Info{}, fmt.Errorf("%w: %d bytes, more than the %d MB limit", ErrTooLarge, len(data), MaxFileSize>>20)
	}
	if strings.EqualFold(pathExt(name), ".svg") {
		return measureSVG(data)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, fmt.Errorf("cannot read the image's size: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, fmt.Errorf("the image says it is %dx%d pixels", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Info{}, fmt.Errorf("%w: %dx%d pixels, more than the %d megapixel limit", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	return Info{Width: cfg.Width, Height: cfg.Height, Format: format}, nil
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsRune(name[i:], '/') {
		return name[i:]
	}
	return ""
}

// IsImage reports whether a file's name is that of an image Measure reads.
func IsImage(name string) bool {
	switch strings.ToLower(pathExt(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg":
		return true
	}
	return false
}

// maxSVGTokens bounds what is read of an SVG before its root element:
// the XML declaration, comments and a doctype.
const maxSVGTokens = 64

// measureSVG reads the width and height of an SVG's root element, or
// those of its viewBox when it has no absolute width and height.
func measureSVG(data []byte) (Info, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	for range maxSVGTokens {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Info{}, fmt.Errorf("cannot read the SVG: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "svg" {
			return Info{}, fmt.Errorf("the SVG's root element is <%s>, not <svg>", se.Name.Local)
		}
		return svgSize(se)
	}
	return Info{}, errors.New("no <svg> element at the start of the file")
}

func svgSize(se xml.StartElement) (Info, error) {
	var w, h float64
	var box []float64
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "width":
			w = svgLength(a.Value)
		case "height":
			h = svgLength(a.Value)
		case "viewBox":
			for f := range strings.FieldsFuncSeq(a.Value, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' }) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					return Info{}, fmt.Errorf("viewBox %q: want four numbers", a.Value)
				}
				box = append(box, v)
			}
			if len(box) != 4 {
				return Info{}, fmt.Errorf("viewBox %q: want four numbers", a.Value)
			}
		}
	}
	switch {
	case w > 0 && h > 0:
	case len(box) == 4 && box[2] > 0 && box[3] > 0:
		// A missing width follows the viewBox's proportions.
		switch {
		case w > 0:
			h = w * box[3] / box[2]
		case h > 0:
			w = h * box[2] / box[3]
		default:
			w, h = box[2], box[3]
		}
	default:
		return Info{}, errors.New("the SVG has no width and height or viewBox to size it by")
	}
	iw, ih := int(math.Round(w)), int(math.Round(h))
	if iw < 1 || ih < 1 || iw > MaxSide || ih > MaxSide {
		return Info{}, fmt.Errorf("the SVG says it is %gx%g, want 1 to %d on each side", w, h, MaxSide)
	}
	return Info{Width: iw, Height: ih, Format: "svg"}, nil
}

// svgLength reads an SVG width or height in user units or px; 0 for a
// relative length (100%, 2em), which says nothing about the image.
func svgLength(s string) float64 {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "px")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// Sum is the content hash that names an image's copies.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:8])
}

// CopyName is the name of the copy of an image, of content sum, at width.
func CopyName(sum string, width int, info Info) string {
	return sum + "-" + strconv.Itoa(width) + "w" + info.Ext()
}

// jpegQuality is the quality of a scaled JPEG: smaller copies are viewed
// on smaller screens, where 82 shows no loss a reader would notice.
const jpegQuality = 82

// Scale makes copies of a PNG or JPEG, one for each of widths (each
// narrower than the image), keeping its proportions, in the format of
// the source. The image is decoded once for all of them.
func Scale(data []byte, info Info, widths ...int) ([][]byte, error) {
	for _, w := range widths {
		if !info.Scalable() || w <= 0 || w >= info.Width {
			return nil, fmt.Errorf("cannot scale a %dx%d %s to %d pixels", info.Width, info.Height, info.Format, w)
		}
	}
	if int64(info.Width)*int64(info.Height) > MaxPixels {
		return nil, ErrTooLarge
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	b := src.Bounds()
	if b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, fmt.Errorf("decode: the image is %dx%d, its header said %dx%d", b.Dx(), b.Dy(), info.Width, info.Height)
	}
	out := make([][]byte, len(widths))
	for i, w := range widths {
		// An RGBA destination takes draw's fast paths, for every
		// source type the decoders make.
		dst := image.NewRGBA(image.Rect(0, 0, w, info.HeightAt(w)))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
		var buf bytes.Buffer
		if info.Format == "jpeg" {
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQuality})
		} else {
			err = png.Encode(&buf, dst)
		}
		if err != nil {
			return nil, fmt.Errorf("encode: %w", err)
		}
		out[i] = buf.Bytes()
	}
	return out, nil
}

// HeightAt is the height of the image shown width pixels wide.
func (i Info) HeightAt(width int) int {
	return max(1, int(math.Round(float64(i.Height)*float64(width)/float64(i.Width))))
}
