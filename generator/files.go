package generator

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// StaticFile is a file copied into the output as it is.
type StaticFile struct {
	FS   fs.FS
	Src  string // path in FS
	Out  string // slash path in the output
	Name string // as the editor knows it, for errors
}

// ReadLimited reads a file of at most limit bytes: opened once, its size
// checked, then read whole.
func ReadLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	return ReadLimitedInto(fsys, name, limit, nil)
}

// ReadLimitedInto is ReadLimited into buf's space when it has room.
func ReadLimitedInto(fsys fs.FS, name string, limit int64, buf []byte) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	// Room for one byte more than the size, so the end shows in one read;
	// a file that grew since is read on, up to the limit.
	data := buf[:0]
	if int64(cap(data)) < fi.Size()+1 {
		data = make([]byte, 0, fi.Size()+1)
	}
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, fmt.Errorf("larger than %d bytes", limit)
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// MaxPageSize bounds one content file. A docs page is a few kilobytes; the
// bound keeps a stray multi-megabyte file from stalling a build.
const MaxPageSize = 8 << 20

// IsMarkdown reports whether name is a content page.
func IsMarkdown(name string) bool {
	ext := path.Ext(name)
	return ext == ".md" || ext == ".markdown"
}

// AddStatic lists the files of dir in fsys to be copied as they are.
func AddStatic(list *[]StaticFile, fsys fs.FS, dir, shown string) error {
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if typ, err := EntryType(fsys, p, d); err != nil || !typ.IsRegular() {
			if errors.Is(err, ErrOutside) {
				return Errorf(shown+strings.TrimPrefix(p, dir), 0, "%v", err)
			}
			return Errorf(shown+strings.TrimPrefix(p, dir), 0, "not a regular file")
		}
		rel := strings.TrimPrefix(p, dir+"/")
		*list = append(*list, StaticFile{FS: fsys, Src: p, Out: rel, Name: shown + "/" + rel})
		return nil
	})
}
