package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"folio/generator"
	"folio/generator/frontmatter"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// Data files
//
// The files under data/ reach templates and shortcodes as .Site.Data:
// data/team.yaml is .Site.Data.team, data/api/v2.json is
// .Site.Data.api.v2. Only .toml, .yaml, .yml and .json files are read;
// anything else there is left alone, because data/ is also where folio
// serve and folio collect keep the visit counts by default
// (data/analytics.db and the database's -wal and -shm files). Names that
// start with "." or "_" are skipped, as under content/.

// DataDir is the folder of a site's data files.
const DataDir = "data"

// Limits of data files, which are read whole into memory for every build.
const (
	maxDataFile  = 1 << 20  // one file
	maxDataTotal = 16 << 20 // all of them
	maxDataFiles = 4096
	maxDataDepth = 16 // folders inside data/
)

// IsDataFile reports whether a file name under data/ is a data file that
// the build reads.
func IsDataFile(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
		return false
	}
	switch path.Ext(base) {
	case ".toml", ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// LoadData reads the site's data files into nested maps, one key per
// file or folder, named without the extension. A site without data/ has
// none. Mistakes in the files come back as an ErrorList naming each
// file and line.
func LoadData(fsys fs.FS) (map[string]any, error) {
	out := map[string]any{}
	ok, err := generator.SiteDir(fsys, DataDir, DataDir)
	if err != nil || !ok {
		return out, err
	}
	var (
		errs  generator.ErrorList
		total int64
		files int
	)
	// made records where each key came from, to name both files of a clash.
	made := map[string]string{}
	walkErr := fs.WalkDir(fsys, DataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if p == DataDir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if strings.Count(p, "/") > maxDataDepth {
				errs = append(errs, generator.Errorf(p, 0, "more than %d folders deep", maxDataDepth))
				return fs.SkipDir
			}
			return nil
		}
		if !IsDataFile(p) {
			// Other files are not read, wherever a link leads (the
			// database may live elsewhere); a link to a folder of the
			// site would be data the walk does not follow, so it is
			// refused rather than left out unsaid.
			if d.Type()&fs.ModeSymlink != 0 {
				if typ, err := generator.EntryType(fsys, p, d); err == nil && typ.IsDir() {
					errs = append(errs, generator.Errorf(p, 0, "a link to a folder: not followed; link the files instead"))
				}
			}
			return nil
		}
		// A data file linked from elsewhere in the site is read; one
		// that leads out of it is refused.
		typ, err := generator.EntryType(fsys, p, d)
		if err != nil || !typ.IsRegular() {
			msg := "not a regular file"
			if errors.Is(err, generator.ErrOutside) {
				msg = err.Error()
			}
			errs = append(errs, generator.Errorf(p, 0, "%s", msg))
			return nil
		}
		if files++; files > maxDataFiles {
			errs = append(errs, generator.Errorf(DataDir, 0, "more than %d data files", maxDataFiles))
			return fs.SkipAll
		}
		src, err := generator.ReadLimited(fsys, p, maxDataFile)
		if err != nil {
			errs = append(errs, generator.Errorf(p, 0, "%v", err))
			return nil
		}
		if total += int64(len(src)); total > maxDataTotal {
			errs = append(errs, generator.Errorf(DataDir, 0, "data files larger than %d bytes in all", maxDataTotal))
			return fs.SkipAll
		}
		v, derr := decodeData(p, src)
		if derr != nil {
			errs = append(errs, derr)
			return nil
		}
		rel := strings.TrimPrefix(p, DataDir+"/")
		key := strings.TrimSuffix(rel, path.Ext(rel))
		if e := placeData(out, made, key, p, v); e != nil {
			errs = append(errs, e)
		}
		return nil
	})
	if walkErr != nil {
		return nil, walkErr
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return out, nil
}

// decodeData decodes one data file by its extension.
func decodeData(file string, src []byte) (any, *generator.Error) {
	var v any
	var err error
	switch path.Ext(file) {
	case ".toml":
		m := map[string]any{}
		err = toml.NewDecoder(bytes.NewReader(src)).Decode(&m)
		v = m
	case ".json":
		// Numbers as written: 1000000 stays 1000000 in a page, not 1e+06.
		dec := json.NewDecoder(bytes.NewReader(src))
		dec.UseNumber()
		err = dec.Decode(&v)
		if err == nil && dec.More() {
			line := 1 + bytes.Count(src[:dec.InputOffset()], []byte("\n"))
			return nil, generator.Errorf(file, line, "more than one JSON value: want one object, list or value")
		}
	default:
		err = yaml.Unmarshal(src, &v)
	}
	if err != nil {
		return nil, frontmatter.DecodeError(file, src, 0, "", err)
	}
	return frontmatter.Normalize(v), nil
}

// placeData puts a file's value at its key, "api/v2", making the maps of
// its folders on the way.
func placeData(out map[string]any, made map[string]string, key, file string, v any) *generator.Error {
	parts := strings.Split(key, "/")
	m := out
	for i, name := range parts {
		at := strings.Join(parts[:i+1], "/")
		last := i == len(parts)-1
		existing, taken := m[name]
		if last {
			if taken {
				return generator.Errorf(file, 0, "%s is also the data of %s", dataName(at), made[at])
			}
			m[name] = v
			made[at] = file
			return nil
		}
		sub, isMap := existing.(map[string]any)
		if taken && (!isMap || made[at] != DataDir+"/"+at+"/") {
			return generator.Errorf(file, 0, "%s is also the data of %s", dataName(at), made[at])
		}
		if !taken {
			sub = map[string]any{}
			m[name] = sub
			made[at] = DataDir + "/" + at + "/"
		}
		m = sub
	}
	return nil
}

// dataName is how a template reaches a key: .Site.Data.api.v2.
func dataName(key string) string { return ".Site.Data." + strings.ReplaceAll(key, "/", ".") }

// MergeData adds the build's own data (Options.Data, such as what the
// visit counter declares) to the site's data files; a file that takes one
// of its names is an error.
func MergeData(files, given map[string]any) (map[string]any, error) {
	var errs generator.ErrorList
	names := make([]string, 0, len(given))
	for k := range given {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, ok := files[k]; ok {
			errs = append(errs, generator.Errorf(DataDir+"/"+k, 0, "%s is given by the folio command: rename the data file or folder", dataName(k)))
			continue
		}
		files[k] = given[k]
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return files, nil
}
