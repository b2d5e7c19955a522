// Package search makes the site's search index: it reads each page's
// sections from its parsed body while pages render, keeps them out of
// memory until the build ends, and writes the index files under /search/
// that the theme's search box reads in the reader's browser.
//
// It never renders pages and never decides which files a build writes
// besides its own: it hands them to the write function it is given.
package search
