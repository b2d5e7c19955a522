// Package history owns change logs and versions: the entries a page's
// front matter and body hold, the commits git knows of its file, the
// site's /changelog/ page and feed, each committed version of a page with
// history: versions, and the word diff between versions.
//
// It never renders today's pages and never checks links; it renders old
// versions with the markdown converter and layouts the build hands it.
package history
