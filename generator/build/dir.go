package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"folio/generator/config"
	"folio/generator/output"
)

// BuildDir builds the site into the folder dir without ever leaving it
// half-written: the build goes to a temporary folder beside dir, which
// replaces dir only when the build succeeded. Paths listed in [build] keep
// are carried over from the old folder untouched.
func BuildDir(ctx context.Context, opts Options, dir string) (*Result, error) {
	start := time.Now()
	dir, err := filepath.Abs(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if res := unchangedSince(opts, dir); res != nil {
		for _, w := range res.Warnings {
			if opts.Warn != nil {
				opts.Warn(w)
			}
		}
		return res, nil
	}
	res, err := buildDir(ctx, opts, dir)
	if err != nil {
		return nil, err
	}
	return res, saveInputs(opts, dir, start, res)
}

func buildDir(ctx context.Context, opts Options, dir string) (*Result, error) {
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
	if versioned(b.cfg) {
		return buildVersionsDir(ctx, opts, b.cfg, dir)
	}
	if multilingual(b.cfg) {
		return buildLanguagesDir(ctx, opts, b.cfg, dir)
	}
	b.cache = cache
	if err := b.load(); err != nil {
		return nil, err
	}
	defer b.closeSections()
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
	var (
		rec *recordingOutput
		res *Result
	)
	err = buildSwapped(dir, b.cfg.Build.Keep, func(tmp string) error {
		rec = &recordingOutput{Output: &output.DirOutput{Dir: tmp}, files: map[string]fileSum{}}
		res, err = b.build(ctx, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	if cache != nil {
		cache.mu.Lock()
		cache.state = b.newState(dir, rec.files)
		cache.last = b
		cache.mu.Unlock()
		return res, b.saveCache(cache)
	}
	return res, nil
}

// buildSwapped runs build into a new temporary folder beside dir, which
// replaces dir, but for the paths in keep, only when build succeeded.
func buildSwapped(dir string, keep []string, build func(tmp string) error) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("make output folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return fmt.Errorf("make temporary output folder: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("make temporary output folder: %w", err)
	}
	if err := build(tmp); err != nil {
		return err
	}
	if err := output.SwapDir(tmp, dir, keep); err != nil {
		return err
	}
	ok = true
	return nil
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

// buildWholeDir is BuildDir for a site built as several sites, one per
// language or version: always a whole build by run, into a temporary
// folder that replaces dir on success.
func buildWholeDir(ctx context.Context, opts Options, cfg *config.Config, dir string, run func(context.Context, output.Output) (*Result, error)) (*Result, error) {
	dir, err := filepath.Abs(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	// A cache left by a build of one site would not describe this
	// output.
	c := opts.Cache
	if c == nil {
		c = NewCache()
	}
	if err := c.forget(opts.CacheDir); err != nil {
		return nil, err
	}
	var res *Result
	err = buildSwapped(dir, cfg.Build.Keep, func(tmp string) error {
		res, err = run(ctx, &output.DirOutput{Dir: tmp})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// add counts the pages and files of r, one of the sites a build made,
// in res.
func (res *Result) add(r *Result) {
	res.Pages += r.Pages
	res.Rendered += r.Rendered
	res.Files += r.Files
	res.LiquidPages += r.LiquidPages
	res.Reused += r.Reused
	if !r.NextSchedule.IsZero() && (res.NextSchedule.IsZero() || r.NextSchedule.Before(res.NextSchedule)) {
		res.NextSchedule = r.NextSchedule
	}
}
