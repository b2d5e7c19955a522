package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Output receives the files of a build. Implementations must allow
// concurrent calls, since pages are written as workers finish them.
type Output interface {
	// WriteFile writes one file; name is a slash-separated path such as
	// docs/install/index.html.
	WriteFile(name string, data []byte) error
}

// DirOutput writes files under a folder.
type DirOutput struct {
	Dir  string
	dirs sync.Map
}

// WriteFile writes name under the folder, making parent folders as needed.
func (o *DirOutput) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("invalid output path %q", name)
	}
	full := filepath.Join(o.Dir, filepath.FromSlash(name))
	dir := filepath.Dir(full)
	if _, ok := o.dirs.Load(dir); !ok {
		// Mostly the parent is there already: one mkdir, not MkdirAll's
		// stat of every level first.
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		o.dirs.Store(dir, true)
	}
	return os.WriteFile(full, data, 0o644)
}

// MapOutput keeps files in memory, for tests and for serving.
type MapOutput struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// WriteFile stores a copy of data under name.
func (o *MapOutput) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("invalid output path %q", name)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.Files == nil {
		o.Files = map[string][]byte{}
	}
	o.Files[name] = append([]byte(nil), data...)
	return nil
}

// SwapDir moves the Kept paths of dir into tmp and then puts tmp in dir's
// place with two renames, so readers see the old site or the new one.
func SwapDir(tmp, dir string, keep []string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.Rename(tmp, dir)
	case err != nil:
		return fmt.Errorf("output folder: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("output folder %s is not a folder", dir)
	}
	for _, k := range keep {
		k = filepath.FromSlash(strings.Trim(k, "/"))
		src := filepath.Join(dir, k)
		if _, err := os.Lstat(src); err != nil {
			continue
		}
		dst := filepath.Join(tmp, k)
		if err := os.RemoveAll(dst); err != nil {
			return fmt.Errorf("keep %s: %w", k, err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("keep %s: %w", k, err)
		}
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("keep %s: %w", k, err)
		}
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("replace output folder: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Put the old site back rather than leave nothing.
		_ = os.Rename(old, dir)
		return fmt.Errorf("replace output folder: %w", err)
	}
	return os.RemoveAll(old)
}

// Kept reports whether an output name lies under a [build] keep path.
func Kept(name string, keep []string) bool {
	for _, k := range keep {
		k = strings.Trim(k, "/")
		if name == k || strings.HasPrefix(name, k+"/") {
			return true
		}
	}
	return false
}

// WriteFileAtomic replaces a file with a rename, so a reader never sees
// half of it.
func WriteFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := name + ".folio-tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// RemoveEmptyParents removes the folders a deleted file leaves empty.
func RemoveEmptyParents(root, name string) {
	for d := filepath.Dir(name); d != "." && d != "/"; d = filepath.Dir(d) {
		if os.Remove(filepath.Join(root, filepath.FromSlash(d))) != nil {
			return
		}
	}
}
