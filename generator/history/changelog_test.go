package history

import (
	"strings"
	"testing"
	"time"
)

func TestChangeDates(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		item string
		want string // RFC 3339
		note string
	}{
		{"October 19, 2017: Initial version", "2017-10-19T00:00:00+02:00", "Initial version"},
		{"october 9, 2017: lower case month", "2017-10-09T00:00:00+02:00", "lower case month"},
		{"Oct 19, 2017: Short month", "2017-10-19T00:00:00+02:00", "Short month"},
		{"19 October 2017: Day first", "2017-10-19T00:00:00+02:00", "Day first"},
		{"19 Oct 2017: Day first, short", "2017-10-19T00:00:00+02:00", "Day first, short"},
		{"2017-10-19: ISO date", "2017-10-19T00:00:00+02:00", "ISO date"},
		{"2017-10-19 14:30: With a time: and a colon in the note", "2017-10-19T14:30:00+02:00", "With a time: and a colon in the note"},
		{"2017-10-19 14:30:05: With seconds", "2017-10-19T14:30:05+02:00", "With seconds"},
		{"2017-10-19T14:30:00Z: RFC 3339", "2017-10-19T16:30:00+02:00", "RFC 3339"},
		{"2017-10-19 21:29:29 -0700: Jekyll's form", "2017-10-20T06:29:29+02:00", "Jekyll's form"},
		{"2017-10-19:", "", ""},
	}
	for _, tt := range ok[:len(ok)-1] {
		d, note, err := ParseChangeItem(tt.item, berlin)
		if err != nil {
			t.Errorf("ParseChangeItem(%q) error: %v", tt.item, err)
			continue
		}
		if got := d.In(berlin).Format(time.RFC3339); got != tt.want || note != tt.note {
			t.Errorf("ParseChangeItem(%q) = %s, %q; want %s, %q", tt.item, got, note, tt.want, tt.note)
		}
	}
	bad := []struct{ item, want string }{
		{"Octobr 19, 2017: Typo", `cannot read "Octobr 19, 2017" as a date: want a date such as October 19, 2017 or 2017-10-19`},
		{"2017-13-01: No such month", `cannot read "2017-13-01" as a date: want a date such as October 19, 2017 or 2017-10-19`},
		{"Initial version", `want an item such as "October 19, 2017: what changed" or "2017-10-19: what changed", got "Initial version"`},
		{": Initial version", `want an item such as "October 19, 2017: what changed" or "2017-10-19: what changed", got ": Initial version"`},
		{"2017-10-19:", `2017-10-19: no note saying what changed`},
	}
	for _, tt := range bad {
		_, _, err := ParseChangeItem(tt.item, berlin)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseChangeItem(%q) error = %v, want %s", tt.item, err, tt.want)
		}
	}
}

func TestWordDiff(t *testing.T) {
	blocks := func(texts ...string) []textBlock {
		var out []textBlock
		for _, s := range texts {
			kind, text, _ := strings.Cut(s, ":")
			out = append(out, textBlock{kind: kind, text: text})
		}
		return out
	}
	tests := []struct {
		name       string
		old, cur   []textBlock
		want       string
		added, rem int
	}{
		{"word replaced", blocks("p:We keep logs for 30 days."), blocks("p:We keep logs for 7 days."),
			"<p>We keep logs for <del>30</del><ins>7</ins> days.</p>\n", 1, 1},
		{"paragraph added to a list", blocks("li:One", "li:Two"), blocks("li:One", "li:Two", "li:Three & more"),
			"<ul>\n<li>One</li>\n<li>Two</li>\n<li><ins>Three &amp; more</ins></li>\n</ul>\n", 2, 0},
		{"paragraph removed", blocks("h:Cookies", "p:We use none.", "p:Really."), blocks("h:Cookies", "p:We use none."),
			"<h2>Cookies</h2>\n<p>We use none.</p>\n<p><del>Really.</del></p>\n", 0, 1},
		{"nothing changed", blocks("p:Same text."), blocks("p:Same  text."),
			"<p class=\"same\">No words of the text changed in this version.</p>\n<p>Same text.</p>\n", 0, 0},
		{"sentence extended before a heading", blocks("h:Cookies", "p:None at all.", "h:Change log", "li:October 19, 2017: Initial version"),
			blocks("h:Cookies", "p:None at all, except one for the language.", "h:Change log", "li:January 2, 2021: Language cookie", "li:October 19, 2017: Initial version"),
			"<h2>Cookies</h2>\n<p>None at all<ins>, except one for the language</ins>.</p>\n<h2>Change log</h2>\n<ul>\n<li><ins>January 2, 2021: Language cookie</ins></li>\n<li>October 19, 2017: Initial version</li>\n</ul>\n", 10, 0},
		{"paragraphs joined and edited", blocks("p:First part.", "p:Second part."), blocks("p:First part, second part."),
			"<p>First part<del>. Second</del><ins>, second</ins> part.</p>\n", 1, 1},
		{"heading becomes a paragraph", blocks("h:Note", "p:Text."), blocks("p:Note", "p:Text."),
			"<p class=\"same\">No words of the text changed in this version.</p>\n<p>Note</p>\n<p>Text.</p>\n", 0, 0},
		{"long unchanged runs fold", blocks("p:a", "p:b", "p:c", "p:d"), blocks("p:a", "p:b", "p:c", "p:e"),
			"<details class=\"same\"><summary>3 unchanged paragraphs</summary>\n<p>a</p>\n<p>b</p>\n<p>c</p>\n</details>\n<p><del>d</del><ins>e</ins></p>\n", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, added, rem := diffText(tt.old, tt.cur)
			if string(got) != tt.want || added != tt.added || rem != tt.rem {
				t.Errorf("diffText() = %q, +%d -%d\nwant %q, +%d -%d", got, added, rem, tt.want, tt.added, tt.rem)
			}
		})
	}

	// Thousands of distinct words: each stands for a rune far outside
	// ASCII, which must survive go-diff's strings.
	var old, cur strings.Builder
	for i := range 5000 {
		w := "w" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
		old.WriteString(w + " ")
		if i == 4000 {
			cur.WriteString("inserted ")
		}
		if i != 10 {
			cur.WriteString(w + " ")
		}
	}
	got, added, rem := diffText(blocks("p:"+old.String()), blocks("p:"+cur.String()))
	if added != 1 || rem != 1 || !strings.Contains(string(got), "<ins>inserted </ins>") || strings.Count(string(got), "<del>") != 1 {
		t.Errorf("large diff: +%d -%d, want +1 -1; %d insertions", added, rem, strings.Count(string(got), "<ins>"))
	}
}

func TestHTMLBlocks(t *testing.T) {
	src := `<h2 id="a">Head &amp; more<a class="anchor" href="#a">#</a></h2>
<p>Text with <a href="/x/">a link</a> and<br>a break.<sup class="footnote-ref"><a href="#fn:1">1</a></sup></p>
<ul>
<li><p>Loose item</p></li>
<li>Tight item<ul><li>nested</li></ul></li>
</ul>
<pre class="chroma"><code>code  line
next</code></pre>
<div class="footnotes"><ol><li id="fn:1"><p>Note.&#160;<a href="#fnref:1" class="footnote-backref">&#x21a9;&#xfe0e;</a></p></li></ol></div>`
	var got []string
	for _, b := range htmlBlocks([]byte(src)) {
		got = append(got, b.kind+":"+b.text)
	}
	sameList(t, "blocks", got, []string{
		"h:Head & more", "p:Text with a link and a break.1", "li:Loose item", "li:Tight item", "li:nested",
		"pre:code  line\nnext", "li:Note.",
	})
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s =\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
