package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// imageFacts is what a reader's browser says of a page's images.
type imageFacts struct {
	Supported bool        `json:"supported"`
	Shift     float64     `json:"shift"`
	Images    []imageFact `json:"images"`
}

type imageFact struct {
	Src        string  `json:"src"`
	Width      string  `json:"width"`
	Height     string  `json:"height"`
	BoxW       float64 `json:"boxW"`
	BoxH       float64 `json:"boxH"`
	Current    string  `json:"current"`
	Natural    int     `json:"natural"`
	HasSrcset  bool    `json:"hasSrcset"`
	IsComplete bool    `json:"complete"`
}

// imageFactsJS reads every image of the page's text and the layout
// shifts recorded since the page started loading.
const imageFactsJS = `(() => {
	const supported = PerformanceObserver.supportedEntryTypes.includes("layout-shift");
	let shift = 0;
	if (supported) {
		const po = new PerformanceObserver(() => {});
		po.observe({type: "layout-shift", buffered: true});
		for (const e of po.takeRecords()) if (!e.hadRecentInput) shift += e.value;
		po.disconnect();
	}
	const images = [...document.querySelectorAll("main .doc img, main article img")].map(i => {
		const r = i.getBoundingClientRect();
		return {src: i.getAttribute("src"), width: i.getAttribute("width") || "", height: i.getAttribute("height") || "",
			boxW: r.width, boxH: r.height, current: i.currentSrc, natural: i.naturalWidth,
			hasSrcset: i.hasAttribute("srcset"), complete: i.complete};
	});
	return {supported, shift, images};
})()`

// TestE2EImagesKeepTheirRoom opens the docs at their large image (a
// figure, lazily loaded), so the image arrives in view: every image of the text names its width and
// height, its box has the image's proportions, the page did not move as
// the image arrived (cumulative layout shift 0), and the browser took
// the smaller copy the srcset offers, which serve made.
func TestE2EImagesKeepTheirRoom(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	visit(t, tab, s, "/docs/shortcodes/#figure")
	eval[chromedp.Void](t, tab, `document.querySelector("main img[srcset]").scrollIntoView({block: "center"})`)
	tab.waitTrue(t, "the page's images arrived", `[...document.querySelectorAll("main img")].every(i => i.complete && i.naturalWidth > 0)`)
	f := eval[imageFacts](t, tab, imageFactsJS)
	if !f.Supported {
		t.Fatalf("the browser does not report layout shifts")
	}
	if f.Shift != 0 {
		t.Errorf("cumulative layout shift while /docs/shortcodes/#figure loaded = %v, want 0", f.Shift)
	}
	large := 0
	for _, img := range f.Images {
		if img.Width == "" || img.Height == "" {
			t.Errorf("%s has width %q and height %q, want both", img.Src, img.Width, img.Height)
			continue
		}
		if !img.IsComplete || img.Natural == 0 {
			t.Errorf("%s did not load (%s)", img.Src, img.Current)
		}
		w, errW := strconv.Atoi(img.Width)
		h, errH := strconv.Atoi(img.Height)
		if errW != nil || errH != nil || w < 1 || h < 1 {
			t.Errorf("%s has width %q and height %q, want numbers of pixels", img.Src, img.Width, img.Height)
			continue
		}
		if d := img.BoxH - img.BoxW*float64(h)/float64(w); d > 1 || d < -1 {
			t.Errorf("%s shows %vx%v, not in the proportions of its width and height %vx%v", img.Src, img.BoxW, img.BoxH, w, h)
		}
		if img.HasSrcset {
			large++
			if !strings.Contains(img.Current, "/_img/") {
				t.Errorf("%s: the browser took %s, want a smaller copy from /_img/", img.Src, img.Current)
			}
		}
	}
	if large == 0 {
		t.Errorf("/docs/shortcodes/ has no image with a srcset: %+v", f.Images)
	}
	checkPage(t, tab, "/docs/shortcodes/")
}
