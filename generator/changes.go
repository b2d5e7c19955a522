package generator

import (
	"html/template"
	"time"
)

// Kinds of the pages change logs add to a site.
const (
	KindChangelog = "changelog" // /changelog/: every entry of the site
	KindHistory   = "history"   // PAGEURL/history/: the versions of a page
	KindVersion   = "version"   // PAGEURL/history/2017-10-19/: one committed version
	KindDiff      = "diff"      // PAGEURL/history/2017-10-19/changes/: what that version changed
)

// Sources of change-log entries, as ChangeEntry.Source names them.
const (
	SourceFrontMatter = "front matter"
	SourceBody        = "body"
	SourceGit         = "git"
)

// ChangeEntry is one change of a page: when, and what changed.
type ChangeEntry struct {
	Date   time.Time // in the site's time zone
	Note   string    // plain text
	Source string    // SourceFrontMatter, SourceBody or SourceGit
	Commit string    // the commit's hash, for entries from git
	// ID is unique in the site and stays the same from build to build:
	// an anchor on /changelog/ and, after the page's address, the entry's
	// id in the feed.
	ID   string
	Page *Page
	// Version is the version the commit made, for git entries of a page
	// with history: versions; nil otherwise.
	Version *Version
}

// URL is where the entry is best read: the "what changed" page of its
// version when there is one, else the page.
func (e ChangeEntry) URL() string {
	if v := e.Version; v != nil {
		if v.DiffURL != "" {
			return v.DiffURL
		}
		return v.URL
	}
	return e.Page.URL
}

// ChangeMonth is the entries of one month, for change logs grouped by
// month.
type ChangeMonth struct {
	ID      string    // "2017-10", the anchor of the month on /changelog/
	Month   time.Time // the first day of the month
	Entries []ChangeEntry
}

// ChangelogMonths groups the site's change log by month, newest first.
func (s *Site) ChangelogMonths() []ChangeMonth { return changeMonths(s.Changelog) }

func changeMonths(entries []ChangeEntry) []ChangeMonth {
	var out []ChangeMonth
	for _, e := range entries {
		id := e.Date.Format("2006-01")
		if len(out) == 0 || out[len(out)-1].ID != id {
			first := time.Date(e.Date.Year(), e.Date.Month(), 1, 0, 0, 0, 0, e.Date.Location())
			out = append(out, ChangeMonth{ID: id, Month: first})
		}
		out[len(out)-1].Entries = append(out[len(out)-1].Entries, e)
	}
	return out
}

// Version is one committed version of a page.
type Version struct {
	Date    time.Time // the commit's author date, in the site's time zone
	Commit  string
	Subject string // the commit's subject
	Title   string // the page's title in this version
	// URL and Permalink are the address of the version's page.
	URL, Permalink string
	// DiffURL is the address of its "what changed" page; "" for the
	// first version, which has nothing to compare with.
	DiffURL string
	// Added and Removed count the words of the rendered text this version
	// added and removed.
	Added, Removed int
	// Prev is the version before this one; nil for the first.
	Prev *Version
	// Page is the current page.
	Page *Page

	// The fields below are the build's own, not meant for layouts.

	Path, DiffPath string // URL paths without the base path
	Blob           string // the git blob of the page's file
	Desc           string // the page's description in this version
	Content        template.HTML
	TOC            []*Heading
	Diff           template.HTML
}
