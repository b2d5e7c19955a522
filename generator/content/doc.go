// Package content loads a site: it walks content/ and static/, reads and
// parses every page's front matter on all cores, gives each page its URL,
// section, order and neighbours in reading order (the Tree), and
// registers aliases and drafts. It also leaves out pages outside their
// publishDate and expiryDate (schedule.go), makes the pages of taxonomies
// such as tags (taxonomy.go) and reads the data files under data/ that
// templates see as .Site.Data (data.go).
//
// It never renders a body: markdown is parsed here only for a change log
// written in it, and pages render in the build.
package content
