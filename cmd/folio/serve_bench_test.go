package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/bench/sitegen"
)

// BenchmarkServeEdit measures the writing loop on a generated site of
// 10,000 pages under folio serve: the time from saving a body edit to the
// edited page being served with it, which is the debounce, the page's
// render and its write. Each edit waits for the rebuild of the rest of
// the site, which follows, before the next.
//
//	go test ./cmd/folio -run '^$' -bench ServeEdit -benchtime 10x
func BenchmarkServeEdit(b *testing.B) {
	const n = 10000
	root := b.TempDir()
	if err := sitegen.Generate(root, n); err != nil {
		b.Fatal(err)
	}
	s := startServeAt(b, root)
	page := filepath.Join(root, "content", filepath.FromSlash(sitegen.PageFile(1)))
	url := s.url + sitegen.PageURL(1)
	get := func() string {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	rebuilds := func() int { return strings.Count(s.log.String(), " pages rendered, ") }
	// serve watches the site before it says where it listens: an edit from
	// now on is seen.
	var total, worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		before := rebuilds()
		marker := fmt.Sprintf("Edit number %d of the benchmark.", i)
		b.StartTimer()
		start := time.Now()
		if err := os.WriteFile(page, []byte(sitegen.Page(1, n)+"\n"+marker+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		for !strings.Contains(get(), marker) {
			if time.Since(start) > 30*time.Second {
				b.Fatalf("edit %d not served within 30s:\n%s", i, s.log.String())
			}
			time.Sleep(time.Millisecond)
		}
		took := time.Since(start)
		b.StopTimer()
		total += took
		worst = max(worst, took)
		for rebuilds() == before {
			if time.Since(start) > 60*time.Second {
				b.Fatalf("no rebuild after edit %d:\n%s", i, s.log.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/edit")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}
