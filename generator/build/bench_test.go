package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"folio/bench/floorbuild"
	"folio/bench/sitegen"
)

// benchSites caches generated sites across benchmark runs of one process;
// TestMain removes them when the tests and benchmarks are done.
var benchSites sync.Map

func TestMain(m *testing.M) {
	code := m.Run()
	benchSites.Range(func(_, dir any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	os.Exit(code)
}

func benchSite(b *testing.B, n int) string {
	b.Helper()
	if dir, ok := benchSites.Load(n); ok {
		return dir.(string)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("folio-bench-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	if err := sitegen.Generate(dir, n); err != nil {
		b.Fatal(err)
	}
	benchSites.Store(n, dir)
	return dir
}

// BenchmarkBuild is a full build of a generated docs site into a folder.
// Compare it with BenchmarkFloor, the least any generator must do.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := benchSite(b, n)
			out := filepath.Join(b.TempDir(), "public")
			b.ResetTimer()
			for range b.N {
				if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkFloor is the least any generator must do for the same site
// (bench/floorbuild): read each file, split its front matter, convert it
// with goldmark, minify and write it, on all cores, and nothing else.
func BenchmarkFloor(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := benchSite(b, n)
			files, err := floorbuild.Sources(root)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := floorbuild.Build(root, files, b.TempDir()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkWarmBuild is a rebuild after a one-page body edit, with the
// build cache on disk (folio build) and in memory (folio serve).
func BenchmarkWarmBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, mode := range []string{"disk", "memory"} {
			b.Run(fmt.Sprintf("%d/%s", n, mode), func(b *testing.B) {
				root := b.TempDir()
				if err := sitegen.Generate(root, n); err != nil {
					b.Fatal(err)
				}
				out := filepath.Join(root, "public")
				opts := Options{Root: root}
				if mode == "disk" {
					opts.CacheDir = filepath.Join(root, ".folio-cache")
				} else {
					opts.Cache = NewCache()
				}
				if _, err := BuildDir(context.Background(), opts, out); err != nil {
					b.Fatal(err)
				}
				page := filepath.Join(root, "content", filepath.FromSlash(sitegen.PageFile(1)))
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					if err := os.WriteFile(page, []byte(sitegen.Page(1, n)+fmt.Sprintf("\nEdit %d.\n", i)), 0o644); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					res, err := BuildDir(context.Background(), opts, out)
					if err != nil {
						b.Fatal(err)
					}
					if res.Files == 0 {
						b.Fatal("the edit was not written")
					}
				}
			})
		}
	}
}

// BenchmarkBigSection is a full build of a site whose one section holds
// 500, 2,000 and 8,000 pages (bench/bigsection.sh prints the same figures
// from the command). Navigation grows with the depth of the site, not
// the size of a section, so output bytes and build time per page stay
// flat as the section grows, and no page outgrows the 14 KB budget.
func BenchmarkBigSection(b *testing.B) {
	for _, n := range []int{500, 2000, 8000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := b.TempDir()
			if err := sitegen.GenerateBigSection(root, n); err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(b.TempDir(), "public")
			b.ResetTimer()
			cpu0, cpuOK := cpuTime()
			for range b.N {
				if _, err := BuildDir(context.Background(), Options{Root: root}, out); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// CPU time, unlike wall time, other work on a busy machine
			// does not inflate.
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N)/float64(n)*1e6, "cpu-µs/page")
			}
			o, err := outputSizes(out)
			if err != nil {
				b.Fatal(err)
			}
			total, maxGz := o.bytes, o.maxGzip
			if maxGz > 14<<10 {
				b.Errorf("a page is %d bytes gzipped, over the 14 KB budget", maxGz)
			}
			b.ReportMetric(float64(total), "out-bytes")
			b.ReportMetric(float64(total)/float64(n), "out-bytes/page")
			b.ReportMetric(float64(maxGz), "max-page-gz-bytes")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(n)*1e6, "µs/page")
		})
	}
}
