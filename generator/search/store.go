package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
)

// Store keeps the search sections of rendered pages (their text and
// terms, most of what search needs) out of memory until the index is
// written: in a temporary file, deleted as soon as it is made where the
// system allows, so nothing is left behind even by a build that is killed.
// Without a temporary folder it keeps them in memory, encoded.
type Store struct {
	mu   sync.Mutex
	f    *os.File // nil: in mem
	w    *bufio.Writer
	name string // the file, while it still has a name
	size int64
	mem  []byte
	err  error
	// win is a window of the file read ahead: pages are read back in
	// about the order they were written, so one read serves many.
	win   []byte
	winAt int64
}

const sectionWindow = 1 << 20

// SectionRef is where one page's sections are in a sectionStore.
type SectionRef struct {
	at int64
	n  int // 0: none
}

func NewStore() *Store {
	s := &Store{}
	f, err := os.CreateTemp("", "folio-search-*")
	if err != nil {
		return s
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 256<<10)
	if os.Remove(f.Name()) != nil {
		s.name = f.Name() // removed by close
	}
	return s
}

// Put keeps a page's sections and says where they are, for a caller
// that holds sections outside an index, such as a build cache read from
// disk.
func (s *Store) Put(raw []RawSection) SectionRef { return s.put(raw) }

// put keeps a page's sections and says where they are.
func (s *Store) put(raw []RawSection) SectionRef {
	bp := recordBufs.Get().(*[]byte)
	rec := appendSections((*bp)[:0], raw)
	defer func() {
		*bp = rec
		recordBufs.Put(bp)
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := SectionRef{at: s.size, n: len(rec)}
	s.size += int64(len(rec))
	if s.f == nil {
		s.mem = append(s.mem, rec...)
		return ref
	}
	if _, err := s.w.Write(rec); err != nil && s.err == nil {
		s.err = err
	}
	return ref
}

// recordBufs hold encoded records on their way into a store.
var recordBufs = sync.Pool{New: func() any { return new([]byte) }}

// Get reads the sections at ref into buf's space.
func (s *Store) Get(ref SectionRef, buf []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return s.mem[ref.at : ref.at+int64(ref.n)], nil
	}
	if s.err == nil && s.w.Buffered() > 0 {
		s.err = s.w.Flush()
	}
	if s.err != nil {
		return nil, fmt.Errorf("search index: temporary file: %w", s.err)
	}
	if cap(buf) < ref.n {
		buf = make([]byte, ref.n)
	}
	buf = buf[:ref.n]
	end := ref.at + int64(ref.n)
	if ref.at < s.winAt || end > s.winAt+int64(len(s.win)) {
		if ref.n > sectionWindow {
			if _, err := s.f.ReadAt(buf, ref.at); err != nil {
				return nil, fmt.Errorf("search index: temporary file: %w", err)
			}
			return buf, nil
		}
		if s.win == nil {
			s.win = make([]byte, sectionWindow)
		}
		n, err := s.f.ReadAt(s.win[:cap(s.win)], ref.at)
		if n < ref.n {
			s.win = s.win[:0]
			return nil, fmt.Errorf("search index: temporary file: %w", err)
		}
		s.win, s.winAt = s.win[:n], ref.at
	}
	copy(buf, s.win[ref.at-s.winAt:])
	return buf, nil
}

func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f != nil {
		s.f.Close()
		if s.name != "" {
			os.Remove(s.name)
		}
		s.f = nil
	}
	s.mem, s.win = nil, nil
}

// appendSections encodes sections after b: a count, then each section's id,
// heading, text and terms, each as a length and its bytes.
func appendSections(b []byte, raw []RawSection) []byte {
	size := binary.MaxVarintLen64
	for _, r := range raw {
		size += 4*binary.MaxVarintLen64 + len(r.ID) + len(r.Heading) + len(r.Text) + len(r.Terms)
	}
	b = slices.Grow(b, size)
	b = binary.AppendUvarint(b, uint64(len(raw)))
	for _, r := range raw {
		for _, f := range [...]string{r.ID, r.Heading, r.Text, r.Terms} {
			b = binary.AppendUvarint(b, uint64(len(f)))
			b = append(b, f...)
		}
	}
	return b
}

var errBadSections = errors.New("search index: temporary file: damaged record")

func DecodeSections(b []byte) ([]RawSection, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errBadSections
	}
	b = b[k:]
	raw := make([]RawSection, n)
	for i := range raw {
		var f [4]string
		for j := range f {
			l, k := binary.Uvarint(b)
			if k <= 0 || l > uint64(len(b)-k) {
				return nil, errBadSections
			}
			f[j] = string(b[k : k+int(l)])
			b = b[k+int(l):]
		}
		raw[i] = RawSection{ID: f[0], Heading: f[1], Text: f[2], Terms: f[3]}
	}
	if len(b) != 0 {
		return nil, errBadSections
	}
	return raw, nil
}

// Len is the size of the record a ref points at; 0 when a page has no
// sections kept.
func (r SectionRef) Len() int { return r.n }
