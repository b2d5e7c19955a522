package linkcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// CacheFile is the name of the link cache in a site's cache folder.
const CacheFile = "links.json"

// maxCacheSize bounds the cache file that is read.
const maxCacheSize = 16 << 20

// Cache remembers the links found working, each until MaxAge has passed
// since it was checked. A broken link is never cached: it is asked about
// again on every run, so a fix is seen at once. A cache file that cannot
// be read is ignored, as a build cache is.
type Cache struct {
	MaxAge  time.Duration
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	Status  int       `json:"status"`
	Final   string    `json:"final,omitempty"`
	Checked time.Time `json:"checked"`
}

// LoadCache reads the cache file of the folder dir; an empty cache when
// there is none or it cannot be read.
func LoadCache(dir string, maxAge time.Duration) *Cache {
	c := &Cache{MaxAge: maxAge, entries: map[string]cacheEntry{}}
	f, err := os.Open(filepath.Join(dir, CacheFile))
	if err != nil {
		return c
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCacheSize+1))
	if err != nil || len(data) > maxCacheSize {
		return c
	}
	var entries map[string]cacheEntry
	if json.Unmarshal(data, &entries) == nil {
		for u, e := range entries {
			if len(u) <= MaxURLLength {
				c.entries[u] = e
			}
		}
	}
	return c
}

// Save writes the cache into the folder dir, without the entries that
// have expired.
func (c *Cache) Save(dir string, now time.Time) error {
	c.mu.Lock()
	keep := map[string]cacheEntry{}
	for u, e := range c.entries {
		if c.fresh(e, now) {
			keep[u] = e
		}
	}
	c.mu.Unlock()
	data, err := json.MarshalIndent(keep, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	tmp := filepath.Join(dir, CacheFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, CacheFile)); err != nil {
		return fmt.Errorf("link cache: %w", err)
	}
	return nil
}

func (c *Cache) fresh(e cacheEntry, now time.Time) bool {
	age := now.Sub(e.Checked)
	return age >= 0 && age < c.MaxAge
}

func (c *Cache) get(u string, now time.Time) (Result, bool) {
	if c == nil {
		return Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[u]
	if !ok || !c.fresh(e, now) {
		return Result{}, false
	}
	return Result{URL: u, Status: e.Status, Final: e.Final, Cached: true}, true
}

func (c *Cache) put(r Result, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[r.URL] = cacheEntry{Status: r.Status, Final: r.Final, Checked: now}
	c.mu.Unlock()
}
