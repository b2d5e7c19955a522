package store

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SchemaVersion is the schema this Folio writes, on either engine. A
// database with a higher version was written by a newer Folio and is never
// touched; one with a lower version is brought up to this one, every step
// in one transaction.
//
// Adding a version (see migrations/README.md): write
// migrations/sqlite/NNN_what.sql and migrations/postgres/NNN_what.sql with
// the next number, raise SchemaVersion, and add a database of the version
// before under testdata/ (go test ./analytics/store -run TestMakeOldDatabases
// -old N writes it) so that the step is tested from a real old file.
const SchemaVersion = 3

// DefaultSite names the site of a single-site Folio, and the site that the
// rows of a version 1 database (which had no site column) are given when
// no other name is chosen with WithSite.
const DefaultSite = "default"

//go:embed migrations
var migrationFiles embed.FS

// migration is one step of an engine's schema: the SQL that turns version-1
// into version.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{3})_[a-z0-9_]+\.sql$`)

// migrations lists the steps of one engine ("sqlite" or "postgres") in
// order. The files are embedded, so a mistake in them is a bug that every
// test run finds: hence the panic.
func migrations(engine string) []migration {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		panic(fmt.Sprintf("store: migrations of %s: %v", engine, err))
	}
	var out []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		data, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			panic(fmt.Sprintf("store: migration %s: %v", e.Name(), err))
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out
}

// pending returns the steps from version from (exclusive) to
// SchemaVersion, with {{site}} replaced by the quoted name of the site
// that rows written before sites existed belong to.
func pending(all []migration, from int, site string) []migration {
	var out []migration
	for _, m := range all {
		if m.version > from && m.version <= SchemaVersion {
			m.sql = strings.ReplaceAll(m.sql, "{{site}}", quoteLiteral(site))
			out = append(out, m)
		}
	}
	return out
}

// quoteLiteral quotes s as an SQL string literal, the same on both
// engines. Site names are checked by ValidSite before they get here;
// quoting is what keeps that check from being the only guard.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

var siteName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidSite reports whether name can name a site: 1 to 64 letters, digits,
// dots, underscores or hyphens, starting with a letter or digit. A name is
// stored in every row and typed in folio report -site, so it stays short
// and plain.
func ValidSite(name string) error {
	if !siteName.MatchString(name) {
		return fmt.Errorf("site name %q: want 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}
