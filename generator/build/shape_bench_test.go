package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"folio/bench/sitegen"
)

// BenchmarkShapes builds generated sites of each corpus shape (docs,
// policy pages that end with a change log, and a mix of both) with the
// build cache on disk, as folio build does: from nothing, after a
// one-page body edit, and with nothing changed. bench/compare.sh times
// the same builds against Hugo.
func BenchmarkShapes(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, shape := range sitegen.Shapes {
			root := b.TempDir()
			if err := sitegen.GenerateShape(root, n, shape); err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(root, "public")
			cacheDir := filepath.Join(root, ".folio-cache")
			opts := Options{Root: root, CacheDir: cacheDir}
			build := func(b *testing.B) *Result {
				res, err := BuildDir(context.Background(), opts, out)
				if err != nil {
					b.Fatal(err)
				}
				return res
			}
			b.Run(fmt.Sprintf("%s/%d/cold", shape, n), func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					if err := os.RemoveAll(cacheDir); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					build(b)
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pages/s")
			})
			page := filepath.Join(root, "content", filepath.FromSlash(sitegen.PageFile(1)))
			b.Run(fmt.Sprintf("%s/%d/edit", shape, n), func(b *testing.B) {
				build(b)
				for i := range b.N {
					b.StopTimer()
					if err := os.WriteFile(page, []byte(sitegen.ShapePage(shape, 1, n)+fmt.Sprintf("\nEdit %d.\n", i)), 0o644); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if res := build(b); res.Files == 0 {
						b.Fatal("the edit was not written")
					}
				}
			})
			b.Run(fmt.Sprintf("%s/%d/unchanged", shape, n), func(b *testing.B) {
				build(b)
				build(b)
				b.ResetTimer()
				for range b.N {
					if res := build(b); res.Rendered != 0 {
						b.Fatalf("an unchanged site rendered %d pages", res.Rendered)
					}
				}
			})
		}
	}
}
