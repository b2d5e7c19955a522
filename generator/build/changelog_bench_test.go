package build

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/generator/config"
	"folio/generator/history"
)

// discard is an Output that keeps nothing, so benchmarks time the
// generator and not the disk.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

const (
	benchPages        = 10000
	benchPagesPerDir  = 100
	benchPerCommit    = 4  // pages added by each commit
	benchVersioned    = 5  // pages with history: versions
	benchVersionEdits = 12 // commits that change each of them
)

func benchPage(i, edit int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Page %d\ndescription: A generated page for benchmarks.\n", i)
	if i%(benchPages/benchVersioned) == 0 {
		b.WriteString("history: versions\n")
	}
	b.WriteString("---\n")
	for s := range 4 {
		fmt.Fprintf(&b, "## Section %d\n\nThis page explains part %d of the setup. Edit %d changed this sentence. ", s, s, edit)
		b.WriteString("Readers follow the steps in order and check each result before going on.\n\n")
		b.WriteString("- first step with `code`\n- second step with a [link](https://example.org/)\n- third step\n\n")
	}
	b.WriteString("```go\nfunc main() { println(\"hello\") }\n```\n")
	return b.String()
}

func benchPath(i int) string {
	return fmt.Sprintf("content/s%02d/p%05d.md", i/benchPagesPerDir, i)
}

// makeBenchSite writes a 10,000-page site into a git repository with one
// commit for every few pages, plus a dozen commits to each of the few
// pages that ask for versions. git fast-import makes the history in one
// go, which keeps the setup to seconds.
func makeBenchSite(b *testing.B) string {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git program")
	}
	dir := b.TempDir()
	gitIn(b, dir, "", "init", "-q", "-b", "main")
	var stream strings.Builder
	when := int64(1600000000)
	mark := 0
	commit := func(msg string, files map[string]string) {
		mark++
		when += 3600
		fmt.Fprintf(&stream, "commit refs/heads/main\nmark :%d\nauthor Editor <editor@example.org> %d +0000\ncommitter Editor <editor@example.org> %d +0000\ndata %d\n%s\n",
			mark, when, when, len(msg), msg)
		if mark > 1 {
			fmt.Fprintf(&stream, "from :%d\n", mark-1)
		}
		for name, text := range files {
			fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", name, len(text), text)
		}
	}
	final := map[string]string{"folio.toml": "title = \"Bench\"\nbaseURL = \"https://example.org/\"\n[history]\ngit = true\n"}
	commit("Configure", map[string]string{"folio.toml": final["folio.toml"]})
	for i := 0; i < benchPages; i += benchPerCommit {
		files := map[string]string{}
		for j := i; j < i+benchPerCommit && j < benchPages; j++ {
			files[benchPath(j)] = benchPage(j, 0)
			final[benchPath(j)] = files[benchPath(j)]
		}
		commit(fmt.Sprintf("Add pages %d to %d", i, i+benchPerCommit-1), files)
	}
	for edit := 1; edit <= benchVersionEdits; edit++ {
		files := map[string]string{}
		for v := range benchVersioned {
			i := v * (benchPages / benchVersioned)
			files[benchPath(i)] = benchPage(i, edit)
			final[benchPath(i)] = files[benchPath(i)]
		}
		commit(fmt.Sprintf("Edit %d of the versioned pages", edit), files)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stream.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git fast-import: %v\n%s", err, out)
	}
	for name, text := range final {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkHistory builds a 10,000-page site with and without git
// history; only a few of its pages ask for versions. Compare the two:
//
//	go test ./generator -run '^$' -bench History -benchtime 5x
//
// cpu-s/op, the CPU time of the build and of git, is the steadier figure
// on a machine that other programs keep busy.
func BenchmarkHistory(b *testing.B) {
	dir := makeBenchSite(b)
	for _, git := range []bool{false, true} {
		b.Run(fmt.Sprintf("git=%v", git), func(b *testing.B) {
			cfg, err := config.LoadConfig(dir)
			if err != nil {
				b.Fatal(err)
			}
			cfg.History.Git = git
			var res *Result
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				res, err = Build(context.Background(), Options{Root: dir, Config: cfg}, discard{})
				if err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(res.Files), "files")
		})
	}
}

// BenchmarkGitLog times reading the history of the 10,000-page site alone.
func BenchmarkGitLog(b *testing.B) {
	dir := makeBenchSite(b)
	var n int
	for b.Loop() {
		h := <-history.StartGitHistory(&config.Config{History: config.HistoryConfig{Git: true}, Location: time.UTC}, dir)
		if h.Warning() != "" {
			b.Fatal(h.Warning())
		}
		n = h.Commits()
	}
	b.ReportMetric(float64(n), "commits")
}
