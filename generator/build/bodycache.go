package build

import (
	"fmt"
	"time"

	"folio/generator"
)

// What a page's body says for its change log is a function of the body's
// bytes, the site's time zone and markdown settings, and Folio: the cache
// keeps it by the body's sum, so that a body that did not change is not
// parsed again to find it (parsing is most of a build that renders
// nothing).

// cachedChange is a change-log entry read from a page's body.
type cachedChange struct {
	Sec, Nsec int64 // the date; its zone is the site's
	Note      string
}

// bodyKey names everything besides a body's bytes that its change-log
// entries depend on.
func (b *builder) bodyKey() [32]byte {
	k := newKeyHasher()
	k.str(cacheFormat + folioVersion())
	k.bytes(b.configData)
	k.str(fmt.Sprintf("%+v", b.cfg.Markdown))
	k.str(b.cfg.Location.String())
	return k.sum()
}

// bodyChanges is what the cache keeps of the entries p's body holds.
func bodyChanges(p *generator.Page) []cachedChange {
	var out []cachedChange
	for _, e := range p.Changelog {
		if e.Source == generator.SourceBody {
			out = append(out, cachedChange{Sec: e.Date.Unix(), Nsec: int64(e.Date.Nanosecond()), Note: e.Note})
		}
	}
	return out
}

// knownChanges returns how the loader finds the body entries of a file
// whose body the last build saw, or nil without a cache to ask.
// Merging a page's entries drops repeats and sorts them stably, newest
// first; merging the kept entries again with the front matter's gives the
// same list, in the same order, as merging the body's own.
func (b *builder) knownChanges() func(file string, sum [32]byte) ([]generator.ChangeEntry, bool) {
	if b.cache == nil {
		return nil
	}
	b.cache.mu.Lock()
	st := b.cache.state
	b.cache.mu.Unlock()
	if st == nil || st.BodyKey != b.bodyKey() {
		return nil
	}
	byFile := make(map[string]*cachedPage, len(st.Pages))
	for _, c := range st.Pages {
		if c.Src != "" {
			byFile[c.Src] = c
		}
	}
	loc := b.cfg.Location
	return func(file string, sum [32]byte) ([]generator.ChangeEntry, bool) {
		c, ok := byFile[file]
		if !ok || c.BodySum != sum {
			return nil, false
		}
		out := make([]generator.ChangeEntry, len(c.Changes))
		for i, e := range c.Changes {
			out[i] = generator.ChangeEntry{Date: time.Unix(e.Sec, e.Nsec).In(loc), Note: e.Note, Source: generator.SourceBody}
		}
		return out, true
	}
}
