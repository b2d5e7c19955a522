package generator

// Translation is a page in one of the site's languages, as a language
// switcher lists it. A page's Translations list the default language
// first.
type Translation struct {
	Lang string // the language's code: "de"
	Name string // the language's own name: "Deutsch"
	// URL and Permalink are the page's addresses in that language, or,
	// when Fallback, the default language's page shown instead.
	URL, Permalink string
	// Current marks the language of the page being read.
	Current bool
	// Fallback marks a page not translated into the language: URL is
	// the page in the default language or, when that lacks it too, the
	// language's home page.
	Fallback bool
}
