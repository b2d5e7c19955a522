// Command floor does the least a static site generator must do for a
// site, on all cores: read each markdown file, split its front matter,
// convert it with goldmark, minify the HTML and write it (see
// bench/floorbuild). bench/compare.sh runs it beside folio build and Hugo,
// so Folio's own overhead stays visible.
//
//	go run ./bench/floor -site /tmp/site -out /tmp/floor
package main

import (
	"flag"
	"fmt"
	"os"

	"folio/bench/floorbuild"
)

func main() {
	site := flag.String("site", "", "site folder with content/")
	out := flag.String("out", "", "output folder")
	flag.Parse()
	if *site == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "floor: -site and -out are required")
		os.Exit(2)
	}
	files, err := floorbuild.Sources(*site)
	if err == nil {
		err = floorbuild.Build(*site, files, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
