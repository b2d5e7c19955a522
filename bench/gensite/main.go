// Command gensite writes a docs-like site of N pages for benchmarks:
//
//	go run ./bench/gensite -n 10000 -out /tmp/site
//	go run ./bench/gensite -big -n 2000 -out /tmp/big   # one section of 2,000 pages
//	go run ./bench/gensite -n 10000 -shape policy -out /tmp/policy
package main

import (
	"flag"
	"fmt"
	"os"

	"folio/bench/sitegen"
)

func main() {
	n := flag.Int("n", 1000, "number of pages")
	big := flag.Bool("big", false, "write one section of n pages (bigsection.sh) instead of sections of 100")
	out := flag.String("out", "", "folder to write the site into (must not exist)")
	shape := flag.String("shape", string(sitegen.ShapeDocs), fmt.Sprintf("kind of pages: one of %v", sitegen.Shapes))
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gensite: -out is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gensite: %s exists\n", *out)
		os.Exit(2)
	}
	generate := func(root string, n int) error { return sitegen.GenerateShape(root, n, sitegen.Shape(*shape)) }
	if *big {
		generate = sitegen.GenerateBigSection
	}
	if err := generate(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "gensite:", err)
		os.Exit(1)
	}
}
