package build

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

func htmlString(s string) template.HTML { return template.HTML(s) }

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

// BuildDir builds the site into the folder dir without ever leaving it
// half-written: the build goes to a temporary folder beside dir, which
// replaces dir only when the build succeeded. Paths listed in [build] keep
// are carried over from the old folder untouched.
func BuildDir(ctx context.Context, opts Options, dir string) (*Result, error) {
	cache := opts.Cache
	if cache == nil && opts.CacheDir != "" {
		// Not opts.Cache: a one-shot build has no use for keeping every
		// parse in memory for a next build in the same process.
		cache = LoadCache(opts.CacheDir)
	}
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	b.cache = cache
	if err := b.load(); err != nil {
		return nil, err
	}
	defer b.closeSections()
	dir, err = filepath.Abs(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if cache != nil {
		if st := cache.usable(dir); st != nil {
			res, err := b.buildWarm(ctx, cache, st, dir)
			if err != nil {
				return nil, err
			}
			return res, b.saveCache(cache)
		}
		if err := cache.forget(opts.CacheDir); err != nil {
			return nil, err
		}
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("make output folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return nil, fmt.Errorf("make temporary output folder: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("make temporary output folder: %w", err)
	}
	rec := &recordingOutput{Output: &DirOutput{Dir: tmp}, files: map[string]fileSum{}}
	res, err := b.build(ctx, rec)
	if err != nil {
		return nil, err
	}
	if err := swapDir(tmp, dir, b.cfg.Build.Keep); err != nil {
		return nil, err
	}
	ok = true
	if cache != nil {
		cache.mu.Lock()
		cache.state = b.newState(dir, rec.files)
		cache.last = b
		cache.mu.Unlock()
		return res, b.saveCache(cache)
	}
	return res, nil
}

// saveCache writes the cache to its folder, reading the search sections
// of the pages rendered in this build back from where they waited; a
// cache kept in memory for the next build gets them in memory too.
func (b *builder) saveCache(c *Cache) error {
	if b.opts.Cache != nil {
		if err := b.keepSections(); err != nil {
			return err
		}
	}
	if b.opts.CacheDir == "" {
		return nil
	}
	return c.Save(b.opts.CacheDir)
}

// swapDir moves the kept paths of dir into tmp and then puts tmp in dir's
// place with two renames, so readers see the old site or the new one.
func swapDir(tmp, dir string, keep []string) error {
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
