package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"folio/siteimport"
)

func runImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import")
	blocks := blockFlag{}
	fs.Var(blocks, "block", "jekyll: convert a custom block tag as `TAG=SHORTCODE` says, such as callout=warning (repeatable)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		// Flags may follow the kind too: folio import jekyll -block x=note SRC DST.
		kind := fs.Arg(0)
		if err := parseFlags(fs, fs.Args()[1:], stdout, stderr); err != nil {
			return err
		}
		args = append([]string{kind}, fs.Args()...)
	} else {
		args = fs.Args()
	}
	if len(blocks) > 0 && (len(args) == 0 || args[0] != "jekyll") {
		return fmt.Errorf("import: -block is for jekyll imports only")
	}
	if len(args) != 3 {
		return fmt.Errorf("import: want jekyll SRC DST, hugo SRC DST or text FILE DST.md")
	}
	kind, src, dst := args[0], args[1], args[2]
	if kind == "text" {
		return importText(src, dst, stdout)
	}
	if fi, err := os.Stat(src); err != nil || !fi.IsDir() {
		return fmt.Errorf("import: %s is not a folder", src)
	}
	if err := emptyDir(dst); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	var (
		res *siteimport.Result
		err error
	)
	switch kind {
	case "jekyll":
		res, err = siteimport.Jekyll(os.DirFS(src), dst, siteimport.JekyllOptions{Blocks: blocks})
	case "hugo":
		res, err = siteimport.Hugo(os.DirFS(src), dst)
	default:
		return fmt.Errorf("import: unknown kind %q: want jekyll, hugo or text", kind)
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	printNotes(stdout, src, res.Notes)
	fmt.Fprintf(stdout, "imported %s and %s into %s; %s left to convert by hand\n",
		plural(res.Pages, "page", "pages"), plural(res.Files, "file", "files"), dst, plural(len(res.Notes), "construct", "constructs"))
	fmt.Fprintf(stdout, "next: folio build -root %s\n", dst)
	return nil
}

// printNotes prints notes as file:line: what, with paths an editor opens
// from where folio ran.
func printNotes(w io.Writer, src string, notes []siteimport.Note) {
	for _, n := range notes {
		n.File = filepath.Join(src, filepath.FromSlash(n.File))
		fmt.Fprintln(w, n)
	}
}

func importText(file, dst string, stdout io.Writer) error {
	if !strings.HasSuffix(dst, ".md") {
		return fmt.Errorf("import: %s: want a .md file to write", dst)
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("import: %s exists: pick a new file", dst)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if fi.Size() > siteimport.MaxFileSize {
		return fmt.Errorf("import: %s: larger than %d bytes", file, siteimport.MaxFileSize)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	md, notes, err := siteimport.Text(filepath.Base(file), src)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := os.WriteFile(dst, md, 0o644); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	printNotes(stdout, filepath.Dir(file), notes)
	fmt.Fprintf(stdout, "wrote %s; check the %s above once\n", dst, plural(len(notes), "guess", "guesses"))
	return nil
}

// blockFlag collects -block TAG=SHORTCODE mappings for a Jekyll import.
type blockFlag map[string]string

func (b blockFlag) String() string {
	var parts []string
	for k, v := range b {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (b blockFlag) Set(s string) error {
	tag, shortcode, err := siteimport.ParseBlock(s)
	if err != nil {
		return err
	}
	b[tag] = shortcode
	return nil
}
