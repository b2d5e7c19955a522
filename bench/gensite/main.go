// Command gensite writes a docs-like site of N pages for benchmarks:
//
//	go run ./bench/gensite -n 10000 -out /tmp/site
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
	if err := sitegen.GenerateShape(*out, *n, sitegen.Shape(*shape)); err != nil {
		fmt.Fprintln(os.Stderr, "gensite:", err)
		os.Exit(1)
	}
}
