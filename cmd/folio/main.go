// Command folio builds a project's docs and policy pages from markdown and
// counts visits to them without tracking anyone.
//
//	folio build    turn content/ into a static site in public/
//	folio serve    build, serve and count while writing
//	folio collect  the production endpoint for page views
//	folio report   publish the counts as a report page, JSON and CSV
//	folio migrate  copy the counts to another database, such as PostgreSQL
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "folio:", err)
		}
		os.Exit(1)
	}
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("failed")

const usage = `Folio builds a project's docs and policy pages and counts visits without tracking anyone.

Usage:
  folio build    [-root DIR] [-out DIR] [-drafts] [-baseurl URL] [-no-minify] [-quiet]
  folio serve    [-root DIR] [-addr 127.0.0.1:8080] [-db data/analytics.db] [-drafts] [-no-analytics]
  folio collect  [-root DIR] [-addr 127.0.0.1:8081] [-db data/analytics.db|postgres://...] [-site DIR] ...
  folio report   [-root DIR] [-db data/analytics.db] [-site NAME] [-out DIR] [-from DATE] [-to DATE] [-k N]
  folio migrate  -from data/analytics.db -to postgres://... [-site NAME]
  folio version

Run "folio COMMAND -h" for the flags of a command.
`

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "collect":
		return runCollect(ctx, rest, stdout, stderr)
	case "report":
		return runReport(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "folio", version)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
