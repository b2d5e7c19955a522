// Package pages knows which paths are pages of the built site, so the
// collector counts views of real pages only: a random or crafted path
// (a scanner probing /wp-admin/, or someone smuggling an e-mail address
// into a URL) is never stored.
//
// A page is a folder of the built site holding an index.html; its path is
// the site's base path plus the folder, with a trailing slash, the form
// privacy.NormalizePath gives. The set is read once by New and read again
// when the site is rebuilt. Noticing a rebuild must cost almost nothing on
// the request path, so at most once per Recheck interval a request looks
// at a few stat results (the folder itself and the files every build
// rewrites) and re-walks the folder only when they changed.
package pages

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// MaxPages bounds the set, so a runaway folder cannot eat the collector's
// memory.
const MaxPages = 200_000

// markers are files that every build rewrites; a change to any of them, or
// to the folder itself (a build that swaps in a new folder), means the set
// must be read again.
var markers = [...]string{".", "index.html", "sitemap.xml", "404.html"}

// Config says where the site is.
type Config struct {
	// Dir is the built site's folder, such as public/.
	Dir string
	// Base is the path the site is served under: "/" (the default) or,
	// for a baseURL such as https://example.org/docs/, "/docs/".
	Base string
	// Recheck is how often a request may look for a rebuild: 2s by
	// default.
	Recheck time.Duration
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Logger reports rebuilds and failed re-reads.
	Logger *slog.Logger
}

// Set is the set of a site's page paths. It is safe for concurrent use.
type Set struct {
	cfg      Config
	pages    atomic.Pointer[map[string]struct{}]
	sig      atomic.Pointer[signature]
	next     atomic.Int64 // UnixNano after which a request looks again
	checking atomic.Bool
}

type signature [len(markers)]stamp

type stamp struct {
	exists bool
	mod    time.Time
	size   int64
	ino    fs.FileInfo // for os.SameFile: a swapped-in folder is a new inode
}

func (a stamp) same(b stamp) bool {
	if a.exists != b.exists {
		return false
	}
	if !a.exists {
		return true
	}
	return a.mod.Equal(b.mod) && a.size == b.size && os.SameFile(a.ino, b.ino)
}

// New reads the site's pages. It fails when Dir is missing or holds no
// page, which nearly always means the wrong folder (or a site not built
// yet) rather than a site without pages.
func New(cfg Config) (*Set, error) {
	if cfg.Base == "" {
		cfg.Base = "/"
	}
	if !strings.HasPrefix(cfg.Base, "/") || !strings.HasSuffix(cfg.Base, "/") {
		return nil, fmt.Errorf("site base path %q: want a path such as / or /docs/", cfg.Base)
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Set{cfg: cfg}
	sig := s.stat()
	m, err := s.walk()
	if err != nil {
		return nil, err
	}
	s.pages.Store(&m)
	s.sig.Store(&sig)
	s.next.Store(cfg.Now().Add(cfg.Recheck).UnixNano())
	return s, nil
}

// Has reports whether p is a page, after looking for a rebuild if the
// last look is older than Recheck.
func (s *Set) Has(p string) bool {
	s.maybeReload()
	_, ok := (*s.pages.Load())[p]
	return ok
}

// Len reports how many pages the set holds.
func (s *Set) Len() int {
	return len(*s.pages.Load())
}

// maybeReload lets one request at a time, at most once per Recheck, stat
// the markers; the others go on with the current set meanwhile.
func (s *Set) maybeReload() {
	now := s.cfg.Now().UnixNano()
	if now < s.next.Load() || !s.checking.CompareAndSwap(false, true) {
		return
	}
	defer s.checking.Store(false)
	s.next.Store(now + int64(s.cfg.Recheck))
	sig := s.stat()
	if sameSignature(sig, *s.sig.Load()) {
		return
	}
	m, err := s.walk()
	if err != nil {
		// Most likely caught halfway through a rebuild: keep counting
		// against the old set and look again next time.
		s.cfg.Logger.Warn("re-reading the site's pages failed; keeping the previous set", "err", err)
		return
	}
	s.pages.Store(&m)
	s.sig.Store(&sig)
	s.cfg.Logger.Info("site rebuilt; pages re-read", "pages", len(m))
}

func sameSignature(a, b signature) bool {
	for i := range a {
		if !a[i].same(b[i]) {
			return false
		}
	}
	return true
}

func (s *Set) stat() signature {
	var sig signature
	for i, name := range markers {
		fi, err := os.Stat(filepath.Join(s.cfg.Dir, name))
		if err == nil {
			sig[i] = stamp{exists: true, mod: fi.ModTime(), size: fi.Size(), ino: fi}
		}
	}
	return sig
}

var errTooMany = errors.New("too many pages")

func (s *Set) walk() (map[string]struct{}, error) {
	m := make(map[string]struct{})
	err := filepath.WalkDir(s.cfg.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != s.cfg.Dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "index.html" {
			return nil
		}
		rel, err := filepath.Rel(s.cfg.Dir, filepath.Dir(path))
		if err != nil {
			return err
		}
		p := s.cfg.Base
		if rel != "." {
			p += filepath.ToSlash(rel) + "/"
		}
		m[p] = struct{}{}
		if len(m) > MaxPages {
			return errTooMany
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read site pages in %s: %w", s.cfg.Dir, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("read site pages in %s: no index.html found (is the site built?)", s.cfg.Dir)
	}
	return m, nil
}
