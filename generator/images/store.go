package images

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"

	"folio/generator/output"
)

// StoreDir is the folder of image copies in a site's cache folder.
const StoreDir = "images"

// Store keeps the copies of images made by earlier builds: in memory for
// a process that builds again and again (folio serve), and in a folder of
// the build cache when it has one, so folio build scales each image once.
// A copy is named by its source's content and its width, so it never
// goes stale; one the build did not use is removed by Prune.
type Store struct {
	dir string // "" keeps copies in memory only
	mu  sync.Mutex
	mem map[string][]byte
}

// NewStore returns a store in the folder dir, or in memory when dir is "".
func NewStore(dir string) *Store {
	return &Store{dir: dir, mem: map[string][]byte{}}
}

// Copies returns the copies of an image, sum its content hash, at each
// of widths: kept from before, or made from data now (decoding it once
// for all that are missing) and kept.
func (s *Store) Copies(data []byte, sum string, info Info, widths []int) ([][]byte, error) {
	out := make([][]byte, len(widths))
	var missing []int // indexes into widths
	for i, w := range widths {
		name := CopyName(sum, w, info)
		s.mu.Lock()
		got, ok := s.mem[name]
		s.mu.Unlock()
		if !ok {
			got, ok = s.read(name, w)
			if ok {
				s.keep(name, got)
			}
		}
		if !ok {
			missing = append(missing, i)
			continue
		}
		out[i] = got
	}
	if len(missing) == 0 {
		return out, nil
	}
	ws := make([]int, len(missing))
	for k, i := range missing {
		ws[k] = widths[i]
	}
	made, err := Scale(data, info, ws...)
	if err != nil {
		return nil, err
	}
	for k, i := range missing {
		name := CopyName(sum, widths[i], info)
		out[i] = made[k]
		s.keep(name, made[k])
		if s.dir != "" {
			if err := output.WriteFileAtomic(filepath.Join(s.dir, name), made[k]); err != nil {
				return nil, fmt.Errorf("image cache: %w", err)
			}
		}
	}
	return out, nil
}

func (s *Store) keep(name string, data []byte) {
	s.mu.Lock()
	s.mem[name] = data
	s.mu.Unlock()
}

// read returns a copy kept on disk, if it is one: a cache is never
// trusted, so a file that is not an image of the width its name says is
// made again.
func (s *Store) read(name string, width int) ([]byte, bool) {
	if s.dir == "" {
		return nil, false
	}
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > MaxFileSize {
		return nil, false
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != width {
		return nil, false
	}
	return data, true
}

// Prune forgets the copies not named in used, in memory and on disk, so
// the cache does not grow with every edit of an image.
func (s *Store) Prune(used map[string]bool) error {
	s.mu.Lock()
	for name := range s.mem {
		if !used[name] {
			delete(s.mem, name)
		}
	}
	s.mu.Unlock()
	if s.dir == "" {
		return nil
	}
	list, err := os.ReadDir(s.dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("image cache: %w", err)
	}
	for _, e := range list {
		if !used[e.Name()] {
			if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("image cache: %w", err)
			}
		}
	}
	return nil
}
