// Command load sends page-view beacons to a Folio collector from many
// goroutines, as browsers would, and reports how many were accepted, why
// the others were not, and how fast the collector answered:
//
//	go run ./cmd/folio collect -addr 127.0.0.1:8081 -trusted-proxies 127.0.0.1 &
//	go run ./bench/load -url http://127.0.0.1:8081/api/event -n 100000 -c 64 -paths /,/docs/
//
// Events come from -clients reader networks as X-Forwarded-For, which the
// collector believes only from a trusted proxy: without -trusted-proxies
// every event comes from 127.0.0.1 and the rate limit refuses most of
// them (or run the collector with -rate-limit 0). The paths must be pages
// of the collector's built site, and -origin its baseURL's origin.
//
// After a clean stop of the collector, its store holds exactly the
// accepted events: compare with folio report, or sqlite3 data/analytics.db
// 'SELECT sum(n) FROM views'.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"folio/bench/load/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8081/api/event", "the collector's endpoint")
	n := fs.Int("n", 10000, "events to send; 0 with -duration sends until the duration ends")
	c := fs.Int("c", 32, "concurrent senders")
	paths := fs.String("paths", "/", "comma-separated pages the events report, in turn")
	origin := fs.String("origin", "https://folio.example.org", "the site's origin, sent as Origin")
	clients := fs.Int("clients", 1000, "distinct reader networks, sent as X-Forwarded-For")
	duration := fs.Duration("duration", 0, "stop after this long even if -n events were not sent")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *n == 0 && *duration <= 0 {
		return errors.New("-n 0 needs a -duration")
	}
	var ps []string
	for p := range strings.SplitSeq(*paths, ",") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	res, err := loadgen.Run(ctx, loadgen.Config{
		URL: *url, N: *n, Duration: *duration, Concurrency: *c, Paths: ps,
		Origin: *origin, Clients: *clients,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprint(stdout, res.Summary())
	if res.Sent > 0 && res.Errors == res.Sent {
		return fmt.Errorf("no event was answered: %s", res.FirstError)
	}
	if res.Accepted == 0 && res.Sent > 0 {
		fmt.Fprintln(stderr, "warning: no event was accepted; check -origin, -paths and the collector's -trusted-proxies")
	}
	return nil
}
