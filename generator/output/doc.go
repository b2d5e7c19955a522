// Package output is where a build's files go: the Output interface, a
// folder or memory to write into, the swap of a finished build into the
// output folder, and the files made from the list of pages (sitemap,
// robots.txt, the Atom feed and one per taxonomy term, alias redirects).
//
// It never renders a page and never reads the site's content.
package output
