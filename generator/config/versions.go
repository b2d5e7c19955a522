package config

import (
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"folio/generator"
)

// Versions is the [versions] table of a site that publishes the docs of
// several releases side by side:
//
//	[versions]
//	latest = "2.0"          # the version at the site's root; the highest when unset
//	[versions."2.0"]
//	dir = "content"         # the working tree's content/ (the default)
//	[versions."1.1"]
//	git = "v1.1"            # content/ as committed at a git ref
//	[versions."1.0"]
//	dir = "versions/1.0/content"
//
// The latest version is published at the site's root, every other one
// under /NAME/.
type Versions struct {
	// Latest is the name of the version at the site's root.
	Latest string
	// List holds every version, the latest first, then the others from
	// the highest version number down.
	List []Version
}

// Version is one [versions.NAME] table.
type Version struct {
	Name string // "1.0": the URL folder of an old version
	// Dir is the folder, within the site, that holds the version's
	// content: what content/ holds for a site of one version.
	Dir string
	// Git is a git ref (a tag, branch or commit) whose content/ folder is
	// the version's content; Dir is empty then.
	Git string
	// Line is the line of the version's table in folio.toml.
	Line int
}

// Prefix is the URL folder of a version's pages: "" for the latest, at
// the site's root, or "1.0/".
func (v Versions) Prefix(name string) string {
	if name == v.Latest {
		return ""
	}
	return name + "/"
}

// versionName is the shape of a version's name, which is also a URL
// folder: "2.0", "v1.4.2", "next".
var versionName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// gitRef is the shape of a git ref Folio hands to git: no option, no
// range, no path.
var gitRef = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$`)

// checkVersions reads RawVersions into Versions.
func (c *Config) checkVersions(data []byte) generator.ErrorList {
	if c.RawVersions == nil {
		return nil
	}
	var list generator.ErrorList
	bad := func(line int, format string, args ...any) {
		list = append(list, generator.Errorf(ConfigFile, line, format, args...))
	}
	vs := Versions{}
	for key, v := range c.RawVersions {
		if key == "latest" {
			s, ok := v.(string)
			if !ok {
				bad(KeyLine(data, "latest"), "versions.latest: want a version's name such as \"2.0\"")
			}
			vs.Latest = s
			continue
		}
		line := versionLine(data, key)
		if !versionName.MatchString(key) || strings.Contains(key, "..") {
			bad(line, "versions.%s: want a name of letters, digits, dots, dashes and underscores such as \"2.0\"", key)
			continue
		}
		table, ok := v.(map[string]any)
		if !ok {
			bad(line, "versions.%s: want a table such as [versions.\"%s\"] with dir = \"...\" or git = \"...\"", key, key)
			continue
		}
		ver := Version{Name: key, Line: line}
		for k, v := range table {
			s, err := stringValue(v)
			if err != nil {
				bad(line, "versions.%s.%s: %v", key, k, err)
				continue
			}
			switch k {
			case "dir":
				ver.Dir = s
			case "git":
				ver.Git = s
			default:
				bad(line, "versions.%s.%s: unknown key: want dir or git", key, k)
			}
		}
		switch {
		case ver.Dir != "" && ver.Git != "":
			bad(line, "versions.%s: both dir and git: want one of them", key)
		case ver.Git != "" && (!gitRef.MatchString(ver.Git) || strings.Contains(ver.Git, "..")):
			bad(line, "versions.%s.git: %q is not a ref such as \"v1.0\" or \"release/1.0\"", key, ver.Git)
		case ver.Git == "":
			if ver.Dir == "" {
				ver.Dir = "content"
			}
			d := path.Clean(ver.Dir)
			if !fs.ValidPath(d) || d == "." || strings.HasPrefix(ver.Dir, "/") {
				bad(line, "versions.%s.dir: %q is not a folder within the site such as \"versions/1.0/content\"", key, ver.Dir)
			}
			ver.Dir = d
		}
		vs.List = append(vs.List, ver)
	}
	if len(vs.List) == 0 {
		bad(KeyLine(data, "versions"), "[versions] lists no version: add a table such as [versions.\"1.0\"] with dir = \"content\"")
		return list
	}
	sort.Slice(vs.List, func(i, j int) bool { return versionLess(vs.List[j].Name, vs.List[i].Name) })
	if vs.Latest == "" {
		vs.Latest = vs.List[0].Name
	}
	found := false
	for i, v := range vs.List {
		if v.Name == vs.Latest {
			found = true
			copy(vs.List[1:i+1], vs.List[:i])
			vs.List[0] = v
			break
		}
	}
	if !found {
		bad(KeyLine(data, "latest"), "versions.latest %q: no [versions.%q] table", vs.Latest, vs.Latest)
	}
	c.Versions = vs
	return list
}

// versionLess orders version names as release numbers: "1.10" after
// "1.9", numbers before words.
func versionLess(a, b string) bool {
	as, bs := splitVersion(a), splitVersion(b)
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		switch {
		case errX == nil && errY == nil:
			if x != y {
				return x < y
			}
		case errX == nil:
			return true
		case errY == nil:
			return false
		case as[i] != bs[i]:
			return as[i] < bs[i]
		}
	}
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	return a < b
}

func splitVersion(s string) []string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '_' })
}

// versionLine finds the 1-based line of a version's table, written as
// [versions."2.0"] or [versions.v2], 0 when it cannot tell.
func versionLine(data []byte, name string) int {
	for _, t := range []string{`versions."` + name + `"`, "versions." + name, `versions.'` + name + `'`} {
		if n := TableLine(data, t); n > 0 {
			return n
		}
	}
	return 0
}
