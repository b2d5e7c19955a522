package main

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"

	"folio/siteimport"
)

// newSite is the site folio new writes. .gitignore is kept as gitignore
// here, so that it does not apply to this repository.
//
//go:embed all:newsite
var newSite embed.FS

func runNew(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("new: want one folder, as in folio new mysite")
	}
	dir := fs.Arg(0)
	if err := writeNewSite(dir); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	fmt.Fprintf(stdout, "made a Folio site in %s; see it with\n\n\tfolio serve -root %s\n", dir, dir)
	return nil
}

// writeNewSite writes the starter site into dir, which must be missing or
// empty: folio new never mixes its files with someone else's.
func writeNewSite(dir string) error {
	if err := emptyDir(dir); err != nil {
		return err
	}
	sub, err := fs.Sub(newSite, "newsite")
	if err != nil {
		return err
	}
	return fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		switch p {
		case "gitignore":
			dst = filepath.Join(dir, ".gitignore")
		case "folio.toml":
			data = []byte(strings.Replace(string(data), "SITE_TITLE", siteimport.TOMLString(siteTitle(dir)), 1))
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// emptyDir makes dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: pick a new folder", dir)
	}
	return nil
}

// siteTitle makes a title from the folder's name: my-docs is "My docs".
func siteTitle(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	name := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, path.Base(filepath.ToSlash(abs)))
	name = strings.TrimSpace(name)
	if name == "" || name == "/" || name == "." {
		return "My site"
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
