package history

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"folio/generator"
	"folio/generator/config"
	"folio/generator/frontmatter"
	"folio/generator/markdown"
	"folio/generator/output"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
)

// Change logs
//
// A page's change log merges three sources, newest first:
//
//  1. front matter: changelog: [{date: 2017-10-19, note: Initial version}]
//  2. a change-log section the editor already wrote in the body: a heading
//     whose whole text is "Change log", "Changelog" or "Changes" and the
//     first list after it, of "October 19, 2017: Initial version" or
//     "2017-10-19: Initial version" items. The section still renders where
//     it is; its items also become entries.
//  3. with [history] git = true, the commits that touched the page's file,
//     for a page that opts in: changelog: git, history: versions, or its
//     folder in [history] changelog (githistory.go). Every page reading
//     git takes its last-updated date from it.
//
// The site gets /changelog/ with every entry and /changelog/index.xml, an
// Atom feed of the newest ones, so readers can follow policy changes.

// ChangelogPath is the URL path of the site's change log.
const ChangelogPath = "/changelog/"

// reader reads the change logs of pages as they load; one a page, so
// pages load in parallel.
type reader struct {
	md   goldmark.Markdown
	loc  *time.Location // the site's time zone, for dates without one
	errs generator.ErrorList
	// parsed is whether the body's markdown was parsed.
	parsed bool
}

// ReadChangelog collects the entries a page's file holds: those of its
// front matter and of its body's change-log section. src is the whole
// file, for the lines of front matter entries. It returns the errors,
// which belong with the page's other errors, and whether it parsed the
// body's markdown to find its section.
func ReadChangelog(p *generator.Page, src []byte, md goldmark.Markdown, loc *time.Location) (generator.ErrorList, bool) {
	b := &reader{md: md, loc: loc}
	b.readChangelog(p, src)
	return b.errs, b.parsed
}

// ReadChangelogKnown is ReadChangelog for a page whose body change-log
// entries an earlier build already read from the same body: body, which
// is not parsed again. The page gets copies of them.
func ReadChangelogKnown(p *generator.Page, src []byte, loc *time.Location, body []generator.ChangeEntry) generator.ErrorList {
	b := &reader{loc: loc}
	b.checkHistory(p)
	p.Changelog = append(b.frontMatterEntries(p, src), body...)
	return b.errs
}

func (b *reader) readChangelog(p *generator.Page, src []byte) {
	b.checkHistory(p)
	p.Changelog = append(b.frontMatterEntries(p, src), b.bodyEntries(p)...)
}

func (b *reader) checkHistory(p *generator.Page) {
	switch p.FM.History {
	case "", "versions":
	default:
		b.errs = append(b.errs, generator.Errorf(p.File, max(p.FM.Lines.History, 1), "front matter: history: want versions, got %q", p.FM.History))
	}
}

// frontMatterEntries reads the changelog: key of a page's front matter.
func (b *reader) frontMatterEntries(p *generator.Page, src []byte) []generator.ChangeEntry {
	if len(p.FM.Changelog) == 0 {
		return nil
	}
	keyLine, dateLines := changelogLines(src, p.BodyLine, p.FM.Lines.Changelog)
	var out []generator.ChangeEntry
	dated := 0
	for i, m := range p.FM.Changelog {
		line := keyLine
		bad := func(format string, args ...any) {
			b.errs = append(b.errs, generator.Errorf(p.File, line, "front matter: changelog: "+format, args...))
		}
		var dateVal, noteVal any
		var hasDate, hasNote bool
		var keys []string
		for k, v := range m {
			keys = append(keys, k)
			switch strings.ToLower(k) {
			case "date":
				dateVal, hasDate = v, true
			case "note":
				noteVal, hasNote = v, true
			}
		}
		if hasDate {
			if dated < len(dateLines) {
				line = dateLines[dated]
			}
			dated++
		}
		if !hasDate {
			bad("entry %d has no date", i+1)
			continue
		}
		date, err := frontmatter.ParseValue(dateVal, b.loc)
		if err != nil {
			bad("%v", err)
			continue
		}
		if !hasNote {
			sort.Strings(keys)
			bad("entry %d has no note saying what changed (it has %s)", i+1, strings.Join(keys, ", "))
			continue
		}
		note, ok := noteVal.(string)
		if !ok {
			bad("note: want text, got %s", frontmatter.TypeName(noteVal))
			continue
		}
		note = strings.Join(strings.Fields(note), " ")
		if note == "" {
			bad("entry %d has an empty note", i+1)
			continue
		}
		out = append(out, generator.ChangeEntry{Date: date, Note: note, Source: generator.SourceFrontMatter})
	}
	return out
}

var (
	tomlChangelogLine = []byte("[[changelog]]")
	fmDateKeyRE       = regexp.MustCompile(`(?i)(?:^|[\s{,\-])["']?date["']?\s*[:=]`)
)

// changelogLines finds the file line of the changelog key and of each
// entry's date key, in order, so an error names the editor's line. The
// decoders forget lines; the front matter's text still has them.
func changelogLines(src []byte, bodyLine, keyLine int) (int, []int) {
	lines := strings.Split(string(src), "\n")
	if bodyLine < len(lines) {
		lines = lines[:bodyLine]
	}
	if keyLine == 0 {
		// A TOML array of tables: [[changelog]] is not a key line.
		for i, l := range lines {
			if bytes.Equal(bytes.ReplaceAll([]byte(l), []byte(" "), nil), tomlChangelogLine) {
				keyLine = i + 1
				break
			}
		}
	}
	if keyLine == 0 {
		return 1, nil
	}
	var dates []int
	for i := keyLine - 1; i < len(lines); i++ {
		for range fmDateKeyRE.FindAllStringIndex(lines[i], -1) {
			dates = append(dates, i+1)
		}
	}
	return keyLine, dates
}

// bodyEntries reads the change-log section of a page's body.
func (b *reader) bodyEntries(p *generator.Page) []generator.ChangeEntry {
	// Parsing costs as much as rendering, so only pages that may hold a
	// change-log heading are parsed here.
	if !mayHaveChangelog(p.Src) {
		return nil
	}
	doc := markdown.Parse(b.md, p.Src)
	b.parsed = true
	list := changelogList(doc, p.Src)
	if list == nil {
		return nil
	}
	lines := markdown.NewLineIndex(p.Src)
	var out []generator.ChangeEntry
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		line := p.BodyLine + 1
		if off := markdown.NodeOffset(item); off >= 0 {
			line = p.BodyLine + lines.Line(off)
		}
		date, note, err := ParseChangeItem(itemText(item, p.Src), b.loc)
		if err != nil {
			b.errs = append(b.errs, generator.Errorf(p.File, line, "change log: %v", err))
			continue
		}
		out = append(out, generator.ChangeEntry{Date: date, Note: note, Source: generator.SourceBody})
	}
	return out
}

// mayHaveChangelog reports whether src has a line that could be a
// change-log heading: one with "chang" in it that starts with # or is
// underlined with = or -.
func mayHaveChangelog(src []byte) bool {
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		if indexFold(line, "chang") < 0 {
			continue
		}
		if bytes.IndexByte(line, '#') >= 0 {
			return true
		}
		next, _, _ := bytes.Cut(rest, []byte("\n"))
		next = bytes.TrimSpace(next)
		if len(next) > 0 && (len(bytes.Trim(next, "=")) == 0 || len(bytes.Trim(next, "-")) == 0) {
			return true
		}
	}
	return false
}

// indexFold is bytes.Index for an ASCII lower-case needle, ignoring case.
func indexFold(s []byte, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if s[i]|0x20 != needle[0] {
			continue
		}
		j := 1
		for j < len(needle) && s[i+j]|0x20 == needle[j] {
			j++
		}
		if j == len(needle) {
			return i
		}
	}
	return -1
}

// isChangelogHeading reports whether a heading's whole text names a change
// log: "Privacy Policy Changes" is a section about changes, not a log.
func isChangelogHeading(text string) bool {
	switch strings.Join(strings.Fields(strings.ToLower(text)), " ") {
	case "change log", "changelog", "changes":
		return true
	}
	return false
}

// changelogList finds the first change-log heading of doc and returns the
// first list after it within its section, or nil.
func changelogList(doc ast.Node, src []byte) *ast.List {
	var heading *ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if h, ok := n.(*ast.Heading); ok {
			if isChangelogHeading(markdown.PlainText(h, src)) {
				heading = h
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if heading == nil {
		return nil
	}
	for n := heading.NextSibling(); n != nil; n = n.NextSibling() {
		switch x := n.(type) {
		case *ast.List:
			return x
		case *ast.Heading:
			if x.Level <= heading.Level {
				return nil
			}
		}
	}
	return nil
}

// itemText is the text of a list item without its nested lists.
func itemText(item ast.Node, src []byte) string {
	var parts []string
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		if _, nested := c.(*ast.List); nested {
			continue
		}
		parts = append(parts, markdown.PlainText(c, src))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// changeDateLayouts are the dates a change-log item may start with,
// besides the front matter's forms.
var changeDateLayouts = []string{
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
}

// ParseChangeItem reads a change-log item such as "October 19, 2017:
// Initial version" into its date, in loc, and its note.
func ParseChangeItem(text string, loc *time.Location) (time.Time, string, error) {
	datePart, note, ok := cutNote(text)
	if !ok {
		return time.Time{}, "", fmt.Errorf("want an item such as \"October 19, 2017: what changed\" or \"2017-10-19: what changed\", got %q", text)
	}
	t, err := parseChangeDate(datePart, loc)
	if err != nil {
		return time.Time{}, "", err
	}
	if note == "" {
		return time.Time{}, "", fmt.Errorf("%s: no note saying what changed", datePart)
	}
	return t, note, nil
}

// cutNote splits an item at its first colon that ends a word, so the
// colons of a time such as 10:00 stay in the date.
func cutNote(text string) (date, note string, ok bool) {
	for i := 0; i < len(text); i++ {
		if text[i] != ':' {
			continue
		}
		if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t' {
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:]), i > 0
		}
	}
	return "", "", false
}

// parseChangeDate reads the date of a change-log item in the site's time
// zone.
func parseChangeDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range changeDateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := frontmatter.ParseDate(s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date: want a date such as October 19, 2017 or 2017-10-19", s)
}

// AddChangelogs finishes every page's change log once the content is
// loaded: it adds the git history, sorts and numbers the entries, moves
// lastmod, and adds /changelog/ to the site.
func (b *History) AddChangelogs(git <-chan GitHistory) {
	if b.cfg.History.Git && b.cfg.History.Changelog == nil {
		b.warn(config.ConfigFile + ": [history] git = true now gives each page its last-updated date only; " +
			"a page publishes its commits as a change log with changelog: git in its front matter, or with its folder in [history] changelog " +
			"(changelog = [\"/\"] publishes every page's, as before; changelog = [] publishes none and ends this warning)")
	}
	if git != nil {
		h := <-git
		if h.warning != "" {
			b.warn(h.warning)
		} else {
			b.addGitHistory(h)
		}
	}
	for _, p := range b.Pages {
		if p.FM != nil && p.FM.History == "versions" && !b.cfg.History.Git {
			b.warn(generator.Errorf(p.File, max(p.FM.Lines.History, 1), "history: versions needs [history] git = true in %s; the page has no versions", config.ConfigFile).Error())
		}
	}
	var all []generator.ChangeEntry
	for _, p := range b.Pages {
		if len(p.Changelog) == 0 {
			continue
		}
		p.Changelog = mergeEntries(p, p.Changelog)
		// An editor who set lastmod said when the page last changed;
		// otherwise its newest entry says so.
		if newest := p.Changelog[0].Date; p.FM != nil && p.FM.Lastmod.IsZero() && newest.After(p.Lastmod) {
			p.Lastmod = newest
		}
		all = append(all, p.Changelog...)
	}
	// b.Pages is in path order, so entries of one moment stay in it.
	sort.SliceStable(all, func(i, j int) bool { return all[i].Date.After(all[j].Date) })
	b.Site.Changelog = all
	if len(all) > 0 {
		b.addChangelogPage(all)
		b.history[ChangelogPath+"index.xml"] = true
	}
	for _, p := range b.Pages {
		switch {
		case len(p.Versions) > 0:
			p.History = b.RelURL(historyPath(p.Path))
		case len(p.Changelog) > 0 && b.Site.ChangelogURL != "":
			p.History = b.Site.ChangelogURL + "#" + p.Changelog[0].ID
		}
	}
}

// addChangelogPage adds /changelog/ to the pages to render, unless the
// content has a page there, which then is the change log.
func (b *History) addChangelogPage(all []generator.ChangeEntry) {
	if own, ok := b.ByPath[ChangelogPath]; ok {
		b.Site.ChangelogURL = own.URL
		return
	}
	if !b.hasLayout(generator.KindChangelog) {
		b.warn("the theme has no changelog.html layout, so the site has no " + ChangelogPath + " page; its feed " + ChangelogPath + "index.xml is written")
		return
	}
	p := &generator.Page{
		Kind: generator.KindChangelog, Title: "Change log", Layout: generator.KindChangelog, Sidebar: true,
		Params: map[string]any{}, File: "(changelog)", Path: ChangelogPath,
		Section: b.Home, Site: b.Site, Lastmod: all[0].Date,
		Description: "Every change to the pages of " + b.cfg.Title + ", newest first.",
	}
	p.URL, p.Permalink = b.RelURL(p.Path), b.AbsURL(p.Path)
	b.ByPath[p.Path] = p
	i := sort.Search(len(b.Pages), func(i int) bool { return b.Pages[i].Path >= p.Path })
	b.Pages = append(b.Pages[:i], append([]*generator.Page{p}, b.Pages[i:]...)...)
	b.Site.ChangelogURL = p.URL
	// Links from content to an entry or a month of the change log are
	// checked against these.
	ids := map[string]bool{}
	for _, e := range all {
		ids[e.ID] = true
		ids[e.Date.Format("2006-01")] = true
	}
	b.ChangelogIDs = markdown.NewIDSet(ids)
}

// mergeEntries drops repeats, sorts newest first and gives each entry its
// page and id. An entry an editor wrote wins over a commit of the same
// day with the same text; two commits are two changes even when their
// subjects match.
func mergeEntries(p *generator.Page, entries []generator.ChangeEntry) []generator.ChangeEntry {
	seen := map[string]bool{}
	out := entries[:0]
	for _, e := range entries {
		key := e.Date.Format("2006-01-02") + "\x00" + strings.ToLower(e.Note)
		if seen[key] {
			continue
		}
		if e.Source != generator.SourceGit {
			seen[key] = true
		}
		e.Page = p
		e.ID = changeID(p.Path, e)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.After(out[j].Date) })
	return out
}

// changeID names an entry by its page, day and text (or commit), not by
// its position, so adding an entry never renames the others.
func changeID(pagePath string, e generator.ChangeEntry) string {
	day := e.Date.Format("2006-01-02")
	key := e.Note
	if e.Commit != "" {
		key = e.Commit
	}
	sum := sha256.Sum256([]byte(pagePath + "\x00" + day + "\x00" + key))
	return "change-" + day + "-" + hex.EncodeToString(sum[:4])
}

// WriteChangelogFeed writes /changelog/index.xml: the newest entries of
// the site as an Atom feed.
func (b *History) WriteChangelogFeed(write func(name string, data []byte) error) error {
	all := b.Site.Changelog
	if len(all) == 0 {
		return nil
	}
	if len(all) > b.cfg.Build.FeedLimit {
		all = all[:b.cfg.Build.FeedLimit]
	}
	entries := make([]output.AtomEntry, 0, len(all))
	for _, e := range all {
		link := e.Page.Permalink
		if v := e.Version; v != nil {
			link = v.Permalink
			if v.Prev != nil {
				link = b.AbsURL(v.DiffPath)
			}
		}
		entries = append(entries, output.AtomEntry{
			Title: e.Page.Title + ": " + e.Note, ID: e.Page.Permalink + "#" + e.ID, Link: link,
			Summary: e.Note, Published: e.Date, Updated: e.Date,
		})
	}
	alt := b.AbsURL("/")
	if b.Site.ChangelogURL != "" {
		alt = b.AbsURL(ChangelogPath)
	}
	data := output.AtomFeed(output.AtomInfo{
		Title: b.cfg.Title + ": change log", ID: b.AbsURL(ChangelogPath), Self: b.AbsURL(ChangelogPath + "index.xml"),
		Alt: alt, Updated: all[0].Date, Lang: b.cfg.Language,
	}, entries)
	data, err := b.minify("application/xml", data)
	if err != nil {
		return err
	}
	return write(strings.TrimPrefix(ChangelogPath, "/")+"index.xml", data)
}
