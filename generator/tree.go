package generator

// Tree is a loaded site: its pages and the maps that find them, the
// files copied as they are, and the redirects of old addresses. Loading
// makes it; later stages add the pages they generate, such as the change
// log, and read it.
type Tree struct {
	Home      *Page
	Site      *Site
	Pages     []*Page          // every page to render, ordered by path
	ByPath    map[string]*Page // "/docs/install/" -> page
	BySource  map[string]*Page // "docs/install.md" -> page
	Folders   map[string]*Page // "docs/" -> the folder's page
	Drafts    map[string]bool  // sources left out because they are drafts
	Files     []StaticFile
	FilePaths map[string]string // "/img/a.png" -> its source, for link checks
	Aliases   map[string]*Page  // old URL path -> the page now there
}
