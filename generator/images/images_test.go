package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// picture makes an image with some detail, so scaling has work to do.
func picture(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	return m
}

// PNG encodes a picture of w by h pixels.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BombPNG is a small PNG whose header claims w by h pixels.
func BombPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	data := PNG(t, 2, 2)
	// The IHDR chunk follows the 8-byte signature: length, type, data, CRC.
	ihdr := data[8+8 : 8+8+13]
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	binary.BigEndian.PutUint32(data[8+8+13:], crc32.ChecksumIEEE(data[8+4:8+8+13]))
	return data
}

// webpVP8L is the header of a lossless WebP of w by h pixels, which is all
// DecodeConfig reads.
func webpVP8L(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+5))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(5))
	b.WriteByte(0x2f)
	binary.Write(&b, binary.LittleEndian, uint32(w-1)|uint32(h-1)<<14)
	return b.Bytes()
}

func TestMeasure(t *testing.T) {
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, picture(30, 20), nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, picture(7, 9), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want Info
	}{
		{"a.png", PNG(t, 12, 34), Info{12, 34, "png"}},
		{"a.jpg", jpg.Bytes(), Info{30, 20, "jpeg"}},
		{"a.gif", gf.Bytes(), Info{7, 9, "gif"}},
		{"a.webp", webpVP8L(640, 480), Info{640, 480, "webp"}},
		{"a.svg", []byte(`<?xml version="1.0"?><!-- x --><svg xmlns="http://www.w3.org/2000/svg" width="120" height="40px"/>`), Info{120, 40, "svg"}},
		{"b.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 12"></svg>`), Info{24, 12, "svg"}},
		{"c.SVG", []byte(`<svg width="100%" viewBox="0,0,300,150.4"></svg>`), Info{300, 150, "svg"}},
		{"d.svg", []byte(`<svg width="48" viewBox="0 0 24 12"></svg>`), Info{48, 24, "svg"}},
	} {
		got, err := Measure(tc.name, tc.data)
		if err != nil || got != tc.want {
			t.Errorf("Measure(%s) = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func TestMeasureRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"bomb.png", BombPNG(t, 20000, 20000), "20000x20000 pixels, more than the 40 megapixel limit"},
		{"huge.webp", webpVP8L(16384, 16384), "more than the 40 megapixel limit"},
		{"big.png", make([]byte, MaxFileSize+1), "more than the 8 MB limit"},
		{"no.png", []byte("not an image"), "cannot read the image's size"},
		{"a.svg", []byte(`<html></html>`), "root element is <html>"},
		{"b.svg", []byte(`<svg></svg>`), "no width and height or viewBox"},
		{"c.svg", []byte(`<svg viewBox="0 0 x 1"></svg>`), "want four numbers"},
		{"d.svg", []byte(`<svg width="1e9" height="1"></svg>`), "want 1 to 100000"},
	} {
		_, err := Measure(tc.name, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Measure(%s) = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	if _, err := Measure("bomb.png", BombPNG(t, 20000, 20000)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Measure(bomb) = %v, want ErrTooLarge", err)
	}
}

func TestWidths(t *testing.T) {
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{800, 10, "png"}, ""},
		{Info{801, 10, "png"}, "480 800"},
		{Info{3000, 10, "jpeg"}, "480 800 1200 1600"},
		{Info{3000, 10, "gif"}, ""},
		{Info{3000, 10, "webp"}, ""},
		{Info{3000, 10, "svg"}, ""},
	} {
		var got []string
		for _, w := range tc.info.Widths() {
			got = append(got, strings.TrimSuffix(CopyName("", w, tc.info)[1:], "w"+tc.info.Ext()))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%+v.Widths() = %q, want %q", tc.info, g, tc.want)
		}
	}
}

func TestScale(t *testing.T) {
	src := PNG(t, 1000, 500)
	info, err := Measure("a.png", src)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := Scale(src, info, 480, 800)
	if err != nil {
		t.Fatalf("Scale() = %v", err)
	}
	for i, want := range []Info{{480, 240, "png"}, {800, 400, "png"}} {
		if got, err := Measure("b.png", outs[i]); err != nil || got != want {
			t.Errorf("scaled copy %d is %+v, %v; want %+v", i, got, err, want)
		}
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, picture(900, 300), nil); err != nil {
		t.Fatal(err)
	}
	outs, err = Scale(jpg.Bytes(), Info{900, 300, "jpeg"}, 800)
	if err != nil {
		t.Fatalf("Scale(jpeg) = %v", err)
	}
	if got, err := Measure("b.jpg", outs[0]); err != nil || got != (Info{800, 267, "jpeg"}) {
		t.Errorf("scaled jpeg is %+v, %v; want 800x267 jpeg", got, err)
	}
	if _, err := Scale(src, info, 1000); err == nil {
		t.Error("Scale() to the image's own width succeeded")
	}
}

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), StoreDir)
	src := PNG(t, 1000, 500)
	info, _ := Measure("a.png", src)
	sum := Sum(src)
	s := NewStore(dir)
	firsts, err := s.Copies(src, sum, info, []int{800})
	if err != nil {
		t.Fatal(err)
	}
	first := firsts[0]
	name := filepath.Join(dir, CopyName(sum, 800, info))
	if kept, err := os.ReadFile(name); err != nil || !bytes.Equal(kept, first) {
		t.Fatalf("the copy is not kept in %s: %v", name, err)
	}
	// A new store, as the next build has, takes the kept copy: data that
	// is not the image shows that it did not scale it again.
	again, err := NewStore(dir).Copies([]byte("not read"), sum, info, []int{800})
	if err != nil || !bytes.Equal(again[0], first) {
		t.Errorf("second build's Copies() = %v; want the kept copy", err)
	}
	// A damaged file in the cache is made again.
	if err := os.WriteFile(name, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := NewStore(dir).Copies(src, sum, info, []int{800}); err != nil || !bytes.Equal(again[0], first) {
		t.Errorf("Copies() over a damaged cache file = %v, want the copy made again", err)
	}
	if err := NewStore(dir).Prune(map[string]bool{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("Prune() left %s: %v", name, err)
	}
}

// BenchmarkMeasure reads the size of a large PNG from its header.
func BenchmarkMeasure(b *testing.B) {
	src := PNG(b, 1600, 900)
	for b.Loop() {
		if _, err := Measure("a.png", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScale makes the three copies of a 1600x900 PNG, which a cold
// build does once per image and a warm one takes from the cache.
func BenchmarkScale(b *testing.B) {
	src := PNG(b, 1600, 900)
	info, err := Measure("a.png", src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Scale(src, info, 480, 800, 1200); err != nil {
			b.Fatal(err)
		}
	}
}
