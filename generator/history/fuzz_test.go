package history

import (
	"strings"
	"testing"
	"time"
)

// FuzzChangeItem checks the item parser alone: an accepted item has a
// date and a trimmed, non-empty note, and the same text always parses the
// same way.
func FuzzChangeItem(f *testing.F) {
	for _, seed := range []string{"October 19, 2017: Initial version", "2017-10-19: x", "2 Jan 2006 15:04: t", "10:00", ": x", "2020-01-01:", "Jan 2, 2006 :x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, note, err := ParseChangeItem(text, time.UTC)
		if err != nil {
			return
		}
		if d.IsZero() && !strings.Contains(text, "0001") {
			t.Errorf("ParseChangeItem(%q) = zero date, no error", text)
		}
		if note == "" || note != strings.TrimSpace(note) {
			t.Errorf("ParseChangeItem(%q) note = %q, want trimmed text", text, note)
		}
		d2, note2, err2 := ParseChangeItem(text, time.UTC)
		if err2 != nil || !d2.Equal(d) || note2 != note {
			t.Errorf("ParseChangeItem(%q) is not deterministic", text)
		}
	})
}
