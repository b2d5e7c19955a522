package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"folio/bench/sitegen"
)

// benchVersions are the versions of BenchmarkVersions, and how many of
// their pages differ from the latest's: every tenth in 1.1, every third
// in 1.0.
var benchVersions = []struct {
	name  string
	every int
}{{"2.0", 0}, {"1.1", 10}, {"1.0", 3}}

// versionsBenchSite writes, under root, each version of a generated site
// of n pages as a site of its own (alone/NAME), and one site of the three
// versions (site), whose latest is content/ and others versions/NAME/.
func versionsBenchSite(b *testing.B, root string, n int) (site string, alone []string) {
	b.Helper()
	site = filepath.Join(root, "site")
	toml := "title = \"Bench\"\nbaseURL = \"https://bench.example.org/\"\n[versions]\n"
	for _, v := range benchVersions {
		dir := filepath.Join(root, "alone", v.name)
		if err := sitegen.Generate(dir, n); err != nil {
			b.Fatal(err)
		}
		for i := 0; v.every > 0 && i < n; i += v.every {
			text := sitegen.Page(i, n) + fmt.Sprintf("\nChanged in %s.\n", v.name)
			if err := os.WriteFile(filepath.Join(dir, "content", filepath.FromSlash(sitegen.PageFile(i))), []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		alone = append(alone, dir)
		to := "content"
		if v.name != benchVersions[0].name {
			to = "versions/" + v.name
		}
		if err := os.CopyFS(filepath.Join(site, filepath.FromSlash(to)), os.DirFS(filepath.Join(dir, "content"))); err != nil {
			b.Fatal(err)
		}
		toml += fmt.Sprintf("[versions.%q]\ndir = %q\n", v.name, to)
	}
	if err := os.WriteFile(filepath.Join(site, "folio.toml"), []byte(toml), 0o644); err != nil {
		b.Fatal(err)
	}
	return site, alone
}

// BenchmarkVersions compares a build of three versions of a docs site
// (three-versions) with three builds of one version each (three-builds),
// and with the build of three versions that renders every body afresh
// (no-reuse): what rendering a body once for the versions that share it
// saves. Output is discarded, so that the disk of a busy machine does not
// drown the work measured; cpu-s/op is the CPU time a build takes.
func BenchmarkVersions(b *testing.B) {
	for _, n := range []int{1000} {
		root := b.TempDir()
		site, alone := versionsBenchSite(b, root, n)
		run := func(name string, build func() (*Result, error)) {
			b.Run(fmt.Sprintf("%d/%s", n, name), func(b *testing.B) {
				pages, reused := 0, 0
				cpu0, cpuOK := cpuTime()
				for b.Loop() {
					res, err := build()
					if err != nil {
						b.Fatal(err)
					}
					pages, reused = res.Pages, res.Reused
				}
				if cpu1, ok := cpuTime(); ok && cpuOK {
					b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				}
				b.ReportMetric(float64(pages), "pages")
				b.ReportMetric(float64(reused), "reused")
			})
		}
		run("three-versions", func() (*Result, error) {
			return Build(context.Background(), Options{Root: site}, discard{})
		})
		run("no-reuse", func() (*Result, error) {
			return Build(context.Background(), Options{Root: site, noReuse: true}, discard{})
		})
		run("three-builds", func() (*Result, error) {
			all := &Result{}
			for _, dir := range alone {
				res, err := Build(context.Background(), Options{Root: dir}, discard{})
				if err != nil {
					return nil, err
				}
				all.Pages += res.Pages
			}
			return all, nil
		})
	}
}
