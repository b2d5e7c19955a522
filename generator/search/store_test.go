package search

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestSectionStore puts pages' sections away and reads them back in
// another order, from the temporary file and from memory, with records
// larger than the read-ahead window and records that straddle it.
func TestSectionStore(t *testing.T) {
	for _, inMemory := range []bool{false, true} {
		s := NewStore()
		if inMemory {
			s.Close()
			s = &Store{}
		} else if s.f == nil {
			t.Fatal("no temporary file for the section store")
		}
		rng := rand.New(rand.NewPCG(1, 2))
		var pages [][]RawSection
		var refs []SectionRef
		for i := range 300 {
			size := rng.IntN(20000)
			if i%100 == 7 {
				size = 2*sectionWindow + 5 // larger than the window
			}
			raw := []RawSection{
				{Text: strings.Repeat("x", size), Terms: "3intro 2x"},
				{ID: "h-é", Heading: "H é", Text: "second", Terms: "1h 2second"},
			}
			pages = append(pages, raw)
			refs = append(refs, s.put(raw))
		}
		var buf []byte
		for _, i := range rng.Perm(len(pages)) {
			rec, err := s.Get(refs[i], buf)
			if err != nil {
				t.Fatal(err)
			}
			buf = rec
			got, err := DecodeSections(rec)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, pages[i]) {
				t.Fatalf("in memory %v: page %d read back differs", inMemory, i)
			}
		}
		s.Close()
	}
	if _, err := DecodeSections([]byte{3, 1}); err == nil {
		t.Error("a cut record decodes without error")
	}
}
