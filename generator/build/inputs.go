package build

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// InputsFile is the name of the list of a build's inputs and outputs in
// a site's cache folder: with it, a build that finds no file changed
// since the last one is done after a stat of each, without reading the
// site, the build cache or a page.
const InputsFile = "inputs.gob"

// inputs is what a successful build leaves in InputsFile.
type inputs struct {
	Format string
	Key    [32]byte // the build's options and Folio, see inputsKey
	// Site and Out are every file under the site's folder (but for the
	// output, the cache and version control) and under the output
	// folder, with their size and modification time.
	Site, Out []inputStamp
	// Cache is the build cache as the build left it: a cache changed
	// since is never trusted to skip a build.
	Cache inputStamp
	// Result is what the build reported, given again by a build that
	// finds nothing changed.
	Pages, LiquidPages int
	Warnings           []string
	// NextSchedule is Result.NextSchedule: from then on a publishDate or
	// expiryDate makes another site out of the same files.
	NextSchedule time.Time
}

// inputStamp is how a file looked: a file written while the build read
// the site gets Size -1, so it never looks unchanged.
type inputStamp struct {
	Name      string
	Size, Mod int64
	Mode      uint32
}

// inputsKey hashes the options that shape the output besides the site's
// files. ok is false when a build cannot be skipped: the site is not read
// from a folder, the theme is not the built-in one, or the change log
// comes from git, whose history moves without any file of the site.
func inputsKey(opts Options, dir string) (key [32]byte, ok bool) {
	if opts.FS != nil || opts.Theme != nil || opts.CacheDir == "" || opts.Cache != nil {
		return key, false
	}
	k := newKeyHasher()
	k.str(cacheFormat + folioVersion())
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return key, false
	}
	k.str(root)
	k.str(dir)
	k.str(fmt.Sprint(opts.Drafts, opts.Future, opts.Expired, opts.NoMinify, opts.BaseURL))
	if opts.Config != nil {
		if opts.Config.History.Git {
			return key, false
		}
		cfg, err := json.Marshal(opts.Config)
		if err != nil {
			return key, false
		}
		k.bytes(cfg)
	}
	data, err := json.Marshal(opts.Data)
	if err != nil {
		return key, false
	}
	k.bytes(data)
	return k.sum(), true
}

// stampTree lists the files under dir, leaving out the folders skip
// names (absolute). Files changed at or after since get Size -1.
func stampTree(dir string, skip func(string) bool, since time.Time) ([]inputStamp, error) {
	var out []inputStamp
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && skip(p) {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s := inputStamp{Name: filepath.ToSlash(rel), Size: fi.Size(), Mod: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
		if !since.IsZero() && racy(fi.ModTime(), since) {
			s.Size = -1
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// racy reports whether a file changed at mod may have changed after a
// build that started at start read it, or may yet change without its
// time moving: changed since the start, or on a file system that keeps
// whole seconds, within two seconds of now.
func racy(mod, start time.Time) bool {
	if !mod.Before(start) {
		return true
	}
	return mod.Nanosecond() == 0 && time.Since(mod) < 2*time.Second
}

// treeSkipper leaves out of a site's stamps the output folder, the cache
// folder, the temporary folders a build writes beside the output, and
// version control.
func treeSkipper(opts Options, dir string) func(string) bool {
	cache, _ := filepath.Abs(opts.CacheDir)
	tmpPrefix := "." + filepath.Base(dir) + ".new-"
	parent := filepath.Dir(dir)
	return func(p string) bool {
		if p == dir || p == cache || filepath.Base(p) == ".git" {
			return true
		}
		return filepath.Dir(p) == parent && strings.HasPrefix(filepath.Base(p), tmpPrefix)
	}
}

// unchangedSince returns the result of the last build when none of its
// inputs or outputs changed since, or nil.
func unchangedSince(opts Options, dir string) *Result {
	key, ok := inputsKey(opts, dir)
	if !ok {
		return nil
	}
	f, err := os.Open(filepath.Join(opts.CacheDir, InputsFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	var in inputs
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&in); err != nil || in.Format != cacheFormat+folioVersion() || in.Key != key {
		return nil
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if !in.NextSchedule.IsZero() && !now().Before(in.NextSchedule) {
		return nil // a page is due to appear or go
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil
	}
	// The two folders are looked at side by side: mostly the time goes
	// in waiting on the file system.
	var out []inputStamp
	outErr := make(chan error, 1)
	go func() {
		var err error
		out, err = stampTree(dir, func(string) bool { return false }, time.Time{})
		outErr <- err
	}()
	site, err := stampTree(root, treeSkipper(opts, dir), time.Time{})
	if oerr := <-outErr; err != nil || oerr != nil || !sameStamps(site, in.Site) || !sameStamps(out, in.Out) {
		return nil
	}
	if c, err := stampFile(filepath.Join(opts.CacheDir, CacheFile)); err != nil || c != in.Cache {
		return nil
	}
	return &Result{Pages: in.Pages, LiquidPages: in.LiquidPages, Warnings: in.Warnings, NextSchedule: in.NextSchedule}
}

func stampFile(name string) (inputStamp, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return inputStamp{}, err
	}
	return inputStamp{Name: filepath.Base(name), Size: fi.Size(), Mod: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}, nil
}

func sameStamps(a, b []inputStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] || a[i].Size < 0 {
			return false
		}
	}
	return true
}

// saveInputs notes the inputs and outputs of a build that started at
// start and succeeded, for the next build to compare with. Failing to
// note them only makes the next build do the work.
func saveInputs(opts Options, dir string, start time.Time, res *Result) error {
	key, ok := inputsKey(opts, dir)
	if !ok {
		return nil
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil
	}
	in := inputs{Format: cacheFormat + folioVersion(), Key: key, Pages: res.Pages, LiquidPages: res.LiquidPages, Warnings: res.Warnings, NextSchedule: res.NextSchedule}
	if in.Site, err = stampTree(root, treeSkipper(opts, dir), start); err != nil {
		return nil
	}
	// The outputs were all written after start, by this build.
	if in.Out, err = stampTree(dir, func(string) bool { return false }, time.Time{}); err != nil {
		return nil
	}
	if in.Cache, err = stampFile(filepath.Join(opts.CacheDir, CacheFile)); err != nil {
		return nil
	}
	tmp := filepath.Join(opts.CacheDir, InputsFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("save build inputs: %w", err)
	}
	w := bufio.NewWriter(f)
	err = gob.NewEncoder(w).Encode(&in)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(opts.CacheDir, InputsFile))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save build inputs: %w", err)
	}
	return nil
}

// forgetInputs removes the list of inputs, before the output changes.
func forgetInputs(cacheDir string) error {
	if cacheDir == "" {
		return nil
	}
	err := os.Remove(filepath.Join(cacheDir, InputsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("build cache: %w", err)
	}
	return nil
}
