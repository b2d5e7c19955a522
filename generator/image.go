package generator

import (
	"fmt"
	"math"
	"strconv"
)

// Image is what the build knows of a local image a page shows: the size
// it names in width and height, so the browser keeps room for it before
// it arrives, and for a large image the smaller copies it may fetch
// instead.
type Image struct {
	Width, Height int
	// Srcset lists the image and its smaller copies with their widths
	// ("/_img/1a2b-480w.png 480w, /img/chart.png 1600w"); "" when it has
	// none.
	Srcset string
	// Sizes says how wide the image shows, for choosing from Srcset.
	Sizes string
}

// At returns the image shown width CSS pixels wide (a figure's width
// argument): its height scaled to match, and sizes that never ask for
// more than that width.
func (m *Image) At(width string) (*Image, error) {
	w, err := strconv.Atoi(width)
	if err != nil || w < 1 || w > 100_000 {
		return nil, &ShortcodeArgError{fmt.Sprintf("width %q: want a number of pixels, such as 400", width)}
	}
	c := *m
	c.Width = w
	c.Height = max(1, int(math.Round(float64(m.Height)*float64(w)/float64(m.Width))))
	if c.Srcset != "" {
		c.Sizes = fmt.Sprintf("(max-width: %dpx) 100vw, %dpx", w, w)
	}
	return &c, nil
}
