package generator

import "time"

// FrontMatter is the typed front matter of a page.
type FrontMatter struct {
	Title       string
	Description string
	Date        time.Time
	Lastmod     time.Time
	// PublishDate and ExpiryDate bound when the page is published: zero
	// when not set.
	PublishDate time.Time
	ExpiryDate  time.Time
	Draft       bool
	Weight      int
	Slug        string
	URL         string
	Aliases     []string
	Layout      string
	Sidebar     bool
	Changelog   []map[string]any
	// ChangelogGit is changelog: git, which publishes the page's git
	// history as its change log.
	ChangelogGit bool
	History      string
	Params       map[string]any
	Lines        FMLines // file lines of the keys checked after loading
}

// FMLines are the file lines of the front matter keys that are checked
// once the site is loaded, kept with the page instead of a line for every
// key; 0 is a key that is not there.
type FMLines struct{ URL, Layout, Aliases, History, Changelog int }
