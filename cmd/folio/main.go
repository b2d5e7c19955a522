// Command folio builds a project's docs and policy pages from markdown and
// counts visits to them without tracking anyone.
//
//	folio new      make a site that builds and serves at once
//	folio build    turn content/ into a static site in public/
//	folio serve    build, serve and count while writing
//	folio check    check the site, and with -external its links to other sites
//	folio collect  the production endpoint for page views
//	folio report   publish the counts as a report page, JSON and CSV
//	folio migrate  copy the counts to another database, such as PostgreSQL
//	folio import   bring a Jekyll, Hugo or plain-text site into Folio
//	folio version  which Folio this is
//
// "folio help COMMAND" describes a command and its flags.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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

// command is what folio help says about a command.
type command struct {
	name     string
	args     string // after the flags in the synopsis, such as "DIR"
	short    string // one line for the list of commands
	long     string // paragraphs for folio help NAME
	noFlags  bool
	examples string
}

var commands = []command{
	{
		name: "new", args: "DIR", noFlags: true,
		short: "make a site that builds and serves at once",
		long: `New makes DIR (which must be missing or empty) into a Folio site: a
commented folio.toml, a home page, a small docs section, a privacy page
that prints what the visit counter stores, and a .gitignore for the
output, the analytics database and the build cache.`,
		examples: "folio new mysite && folio serve -root mysite",
	},
	{
		name:  "build",
		short: "turn content/ into a static site in public/",
		long: `Build checks and renders every page before it touches the output folder.
A failed build prints every error as file:line: what, exits non-zero and
leaves the previous output exactly as it was. A later build renders only
what changed, using the build cache in ROOT/.folio-cache.`,
	},
	{
		name:  "serve",
		short: "build, serve and count while writing",
		long: `Serve builds the site into a temporary folder, serves it on 127.0.0.1
with live reload, and rebuilds when content/, static/, layouts/, themes/ or
folio.toml change. With [analytics] enabled = true in folio.toml it also
counts visits into the database and shows a live report at /stats/; a
change to [analytics] applies at the next rebuild.`,
	},
	{
		name:  "check",
		short: "check the site, and with -external its links to other sites",
		long: `Check builds the site without writing it, so every problem a build would
stop at is printed as file:line: what. With -external it also asks every
site the content links to whether the link still works, and prints each
broken one as file:line: link: status. It asks politely: one request at a
time per host with a pause between, HEAD first and GET when a server
will not answer HEAD, redirects followed up to 5, every request under a
time limit; a link found working is not asked about again for -max-age,
remembered in ROOT/.folio-cache/links.json. Addresses in code and of hosts
reserved for examples (example.com, *.test) are not checked.`,
		examples: "folio check -external",
	},
	{
		name:  "collect",
		short: "the production endpoint for page views",
		long: `Collect receives page views from the beacon on the published site and
keeps only aggregate counts in SQLite or PostgreSQL, for one site or for
each site of [[analytics.sites]]. folio.toml says what it stores;
flags override it for operations. SIGTERM writes every pending count
before it exits.`,
	},
	{
		name:  "report",
		short: "publish the counts as a report page, JSON and CSV",
		long: `Report publishes the analytics counts of completed cells (weeks, or months
with [report] cell) as index.html, report.json and CSV files, folding every
value with fewer than k distinct visitors in a cell whole into "Other".
-private writes the owner's exact view instead, today included, outside
every site's output folder. -site NAME reports on one site of
[[analytics.sites]].`,
	},
	{
		name:  "migrate",
		short: "copy the counts to another database, such as PostgreSQL",
		long: `Migrate copies every site's counts from one database to another
(typically a SQLite file to PostgreSQL, when one collector becomes several)
and checks that each table's rows and sums match. An older file is brought
to this Folio's schema first; a database that already holds counts of a
copied site is refused.`,
		examples: "folio migrate -from data/analytics.db -to postgres://folio@db.example/folio",
	},
	{
		name: "import", args: "jekyll SRC DST | hugo SRC DST | text FILE DST.md",
		short: "bring a Jekyll, Hugo or plain-text site into Folio",
		long: `Import converts an existing site into a Folio site in DST, which must be
missing or empty, and prints every construct it could not convert as
file:line: what, for an editor to finish by hand.

  jekyll  converts includes, raw blocks, link and post_url tags, highlight
          blocks, site and page values, and block tags such as {% note %}
          (others with -block TAG=SHORTCODE); _config.yml's title, url and
          baseurl become folio.toml; _data/ and assets/ are copied. A page
          X.md beside a folder X/ becomes the folder's page, X/_index.md.
          Links to the .html URLs Jekyll served become links to the pages,
          and each page keeps its old URL as an alias.
  hugo    converts ref and relref links, highlight and figure shortcodes,
          {{% %}} shortcodes, aliases, weight and publishDate/expiryDate.
  text    turns a plain-text page into markdown: the title line into front
          matter, short lines into headings, numbered lists into lists; it
          lists each guess as file:line: heading or list.`,
		examples: "folio import jekyll -block callout=warning ../oldsite mysite && folio build -root mysite",
	},
	{
		name:  "version",
		short: "which Folio this is",
		long: `Version prints the module version, the commit it was built from (and
whether that commit had local changes), and the Go version and platform.
folio --version does the same.`,
	},
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage() string {
	var b strings.Builder
	b.WriteString("Folio builds a project's docs and policy pages and counts visits without tracking anyone.\n\nUsage:\n\n\tfolio COMMAND [flags] [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-8s %s\n", c.name, c.short)
	}
	b.WriteString("\nRun \"folio help COMMAND\" for a command's flags.\n")
	return b.String()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	err := dispatch(ctx, cmd, rest, stdout, stderr)
	// Asking for help is a success, as it is for Go's own tools.
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	switch cmd {
	case "new":
		return runNew(args, stdout, stderr)
	case "build":
		return runBuild(ctx, args, stdout, stderr)
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "check":
		return runCheck(ctx, args, stdout, stderr)
	case "collect":
		return runCollect(ctx, args, stdout, stderr)
	case "report":
		return runReport(ctx, args, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "import":
		return runImport(args, stdout, stderr)
	case "version", "-version", "--version":
		return runVersion(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) == 0 {
			fmt.Fprint(stdout, usage())
			return nil
		}
		if len(args) > 1 {
			return fmt.Errorf("help: want one command, got %q", strings.Join(args, " "))
		}
		if _, ok := lookup(args[0]); !ok {
			fmt.Fprint(stderr, usage())
			return fmt.Errorf("help: unknown command %q", args[0])
		}
		// The command prints its own help, with the flags it defines.
		return dispatch(ctx, args[0], []string{"-h"}, stdout, stderr)
	}
	fmt.Fprint(stderr, usage())
	return fmt.Errorf("unknown command %q", cmd)
}

// errHelpShown means a command printed its help because it was asked to.
var errHelpShown = fmt.Errorf("help shown: %w", flag.ErrHelp)

// newFlagSet makes a command's flag set; parseFlags gives it its help.
func newFlagSet(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// parseFlags parses a command's flags. Help asked for with -h goes to
// stdout and is a success; a mistake goes to stderr with the same help.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.Usage = func() { writeHelp(&out, fs) }
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		stdout.Write(out.Bytes())
		return errHelpShown
	case err != nil:
		stderr.Write(out.Bytes())
		return errReported
	}
	// Flags that print warnings after parsing write to stderr.
	fs.SetOutput(stderr)
	return nil
}

// writeHelp prints a command's synopsis, description and flags.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	c, _ := lookup(fs.Name())
	synopsis := "folio " + c.name
	if !c.noFlags {
		synopsis += " [flags]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	fmt.Fprintf(w, "usage: %s\n\n%s\n", synopsis, c.long)
	if c.examples != "" {
		fmt.Fprintf(w, "\nExample:\n\n\t%s\n", c.examples)
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}
