package generator

import (
	"errors"
	"io/fs"
	"os"
)

// Reading the site
//
// A site read from a folder is read through an os.Root on that folder, so
// that a symbolic link cannot put a file from elsewhere into the output:
// content/_snippets/env.md -> /proc/self/environ, or static/ -> the
// editor's home. A link that stays inside the folder is followed; one that
// leads out fails the build with "points outside the site" at the file,
// folder or include that reached it. os.Root resolves each name under an
// open handle on the folder, so a link swapped in while the build runs
// cannot lead out either.

// ErrOutside is why a file of the site was not read.
var ErrOutside = errors.New("points outside the site")

// OpenSite opens the folder root as the site's file system. The handle
// is closed by the garbage collector with the last builder that reads
// through it: a serve cache renders edited pages with the builder of the
// last build.
func OpenSite(root string) (fs.FS, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	return siteFS{r.FS()}, nil
}

// siteFS is an os.Root's file system whose escapes read ErrOutside.
type siteFS struct{ fsys fs.FS }

// rootEscape is the text of os.Root's error for a name that leads out of
// it, which os does not export. The symlink tests fail if it changes.
const rootEscape = "path escapes from parent"

// outside turns os.Root's escape error into ErrOutside.
func outside(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == rootEscape {
		return ErrOutside
	}
	return err
}

func (s siteFS) Open(name string) (fs.File, error) {
	f, err := s.fsys.Open(name)
	return f, outside(err)
}

func (s siteFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(s.fsys, name)
	return fi, outside(err)
}

func (s siteFS) ReadFile(name string) ([]byte, error) {
	data, err := fs.ReadFile(s.fsys, name)
	return data, outside(err)
}

func (s siteFS) ReadDir(name string) ([]fs.DirEntry, error) {
	list, err := fs.ReadDir(s.fsys, name)
	return list, outside(err)
}

// SiteDir reports whether name is a folder of fsys, shown to the editor
// as shown. A folder that leads out of the site is an error, not a
// missing folder.
func SiteDir(fsys fs.FS, name, shown string) (bool, error) {
	fi, err := fs.Stat(fsys, name)
	if errors.Is(err, ErrOutside) {
		return false, Errorf(shown, 0, "%v", ErrOutside)
	}
	return err == nil && fi.IsDir(), nil
}

// EntryType is the type of a file met in a walk, after following a
// symbolic link that stays inside the site.
func EntryType(fsys fs.FS, name string, d fs.DirEntry) (fs.FileMode, error) {
	if d.Type()&fs.ModeSymlink == 0 {
		return d.Type(), nil
	}
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return 0, err
	}
	return fi.Mode().Type(), nil
}
