package build

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"folio/generator/images"
	"folio/generator/output"
)

// testPNG encodes an image of w by h pixels.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	// Noise, as in a photograph: its smaller copies are smaller files.
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(w*h + 1)
	for i := range m.Pix {
		x = x*1664525 + 1013904223
		m.Pix[i] = uint8(x >> 24)
	}
	m.Set(0, 0, color.NRGBA{1, 2, 3, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a tiny PNG whose header claims w by h pixels.
func bombPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	data := testPNG(t, 2, 2)
	binary.BigEndian.PutUint32(data[16:], uint32(w))
	binary.BigEndian.PutUint32(data[20:], uint32(h))
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func imageSite(t testing.TB) fstest.MapFS {
	return fstest.MapFS{
		"folio.toml": {Data: []byte("title = \"Images\"\n")},
		"content/docs/a.md": {Data: []byte(`---
title: A
---
![A wide chart](/img/wide.png)

![A small one](small.png "Small")

![A drawing](d.svg)

![Elsewhere](https://example.com/x.png)

{{< figure src="/img/wide.png" alt="The chart again" caption="Visits" width="500" >}}
`)},
		"content/docs/small.png": {Data: testPNG(t, 40, 30)},
		"content/docs/d.svg":     {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32"></svg>`)},
		"static/img/wide.png":    {Data: testPNG(t, 1000, 400)},
	}
}

func TestImagesGetTheirSize(t *testing.T) {
	fsys := imageSite(t)
	out := &output.MapOutput{}
	if _, err := Build(context.Background(), Options{FS: fsys}, out); err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["docs/a/index.html"])
	sum := images.Sum(fsys["static/img/wide.png"].Data)
	srcset := "/_img/" + sum + "-480w.png 480w, /_img/" + sum + "-800w.png 800w, /img/wide.png 1000w"
	for _, want := range []string{
		`<img src="/img/wide.png" alt="A wide chart" width="1000" height="400" srcset="` + srcset + `" sizes="(max-width: 46rem) 100vw, 46rem">`,
		`<img src="/docs/small.png" alt="A small one" title="Small" width="40" height="30">`,
		`<img src="/docs/d.svg" alt="A drawing" width="64" height="32">`,
		`<img src="https://example.com/x.png" alt="Elsewhere">`,
		`<img src="/img/wide.png" alt="The chart again" width="500" height="200" srcset="` + srcset + `" sizes="(max-width: 500px) 100vw, 500px" loading="lazy">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s\n%s", want, page)
		}
	}
	for _, w := range []struct{ name, size string }{{"480w", "480x192"}, {"800w", "800x320"}} {
		data, ok := out.Files["_img/"+sum+"-"+w.name+".png"]
		if !ok {
			t.Errorf("no copy %s of wide.png", w.name)
			continue
		}
		info, err := images.Measure("x.png", data)
		if err != nil || fmt.Sprintf("%dx%d", info.Width, info.Height) != w.size {
			t.Errorf("copy %s is %+v, %v; want %s", w.name, info, err, w.size)
		}
	}
	for name := range out.Files {
		if strings.HasPrefix(name, "_img/") && !strings.Contains(name, sum) {
			t.Errorf("a copy of a small image was made: %s", name)
		}
	}
}

func TestImageErrors(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		file       []byte
		want       string
	}{
		{"bomb", "---\ntitle: A\n---\nText.\n\n![Bomb](/img/x.png)\n", bombPNG(t, 30000, 30000),
			"content/docs/a.md:6: image static/img/x.png: image too large: 30000x30000 pixels, more than the 40 megapixel limit"},
		{"figure", "---\ntitle: A\n---\n{{< figure src=\"/img/x.png\" alt=\"x\" >}}\n", bombPNG(t, 1e5, 1e5),
			"content/docs/a.md:4: image static/img/x.png: image too large: 100000x100000 pixels"},
		{"width", "---\ntitle: A\n---\n{{< figure src=\"/img/x.png\" alt=\"x\" width=\"wide\" >}}\n", testPNG(t, 10, 10),
			`content/docs/a.md:4: shortcode "figure": width "wide": want a number of pixels`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"content/docs/a.md": {Data: []byte(tc.page)},
				"static/img/x.png":  {Data: tc.file},
			}
			_, err := Build(context.Background(), Options{FS: fsys}, &output.MapOutput{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Build() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestUnreadableImageWarns(t *testing.T) {
	fsys := fstest.MapFS{
		"content/docs/a.md":  {Data: []byte("---\ntitle: A\n---\nText.\n\n![New format](x.png)\n")},
		"content/docs/x.png": {Data: []byte("AVIF, say")},
	}
	out := &output.MapOutput{}
	res, err := Build(context.Background(), Options{FS: fsys}, out)
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	want := "content/docs/a.md:6: image content/docs/x.png: cannot read the image's size: image: unknown format; it is shown without width and height"
	if !slices.Contains(res.Warnings, want) {
		t.Errorf("Warnings = %q, want %q", res.Warnings, want)
	}
	if !strings.Contains(string(out.Files["docs/a/index.html"]), `<img src="/docs/x.png" alt="New format">`) {
		t.Errorf("the image is not shown as it is:\n%s", out.Files["docs/a/index.html"])
	}
}

// TestImageCopiesAreCached builds twice with a cache folder: the second
// build takes the copies from the cache, a changed image gets new copies
// and its page its new size, and the old copies leave the cache.
func TestImageCopiesAreCached(t *testing.T) {
	root := t.TempDir()
	for name, f := range imageSite(t) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "public")
	buildWithCache(t, root, out)
	store := filepath.Join(root, ".folio-cache", images.StoreDir)
	copies := func() []string {
		list, _ := filepath.Glob(filepath.Join(store, "*"))
		for i, f := range list {
			list[i] = filepath.Base(f)
		}
		return list
	}
	first := copies()
	if len(first) != 2 {
		t.Fatalf("cache holds %v, want the two copies of wide.png", first)
	}
	// A copy in the cache that was tampered with is not trusted.
	junk := filepath.Join(store, first[0])
	if err := os.WriteFile(junk, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	buildWithCache(t, root, out)
	if data, err := os.ReadFile(filepath.Join(out, "_img", first[0])); err != nil || bytes.Equal(data, []byte("junk")) {
		t.Errorf("a damaged cached copy reached the output (%v)", err)
	}
	if err := os.WriteFile(filepath.Join(root, "static/img/wide.png"), testPNG(t, 1200, 600), 0o644); err != nil {
		t.Fatal(err)
	}
	buildWithCache(t, root, out)
	page, err := os.ReadFile(filepath.Join(out, "docs/a/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`alt="A wide chart" width="1200" height="600"`).Match(page) {
		t.Errorf("warm build kept the old size of a changed image:\n%s", page)
	}
	second := copies()
	if len(second) != 2 || second[0] == first[0] || second[1] == first[1] {
		t.Errorf("cache after the image changed holds %v, was %v: want two new copies and not the old", second, first)
	}
	if _, err := os.Stat(filepath.Join(out, "_img", first[0])); !os.IsNotExist(err) {
		t.Errorf("an old copy stayed in the output: %v", err)
	}
}
