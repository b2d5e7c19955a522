package build

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"strings"
	"testing/fstest"
	"time"

	"folio/generator"
	"folio/generator/config"
)

// versionFS is the site's folder with content/ replaced by a version's
// content: everything else (folio.toml, layouts/, static/, i18n/) is the
// same for every version.
type versionFS struct {
	site    fs.FS
	content fs.FS // the version's content folder as its root
}

// inContent maps a name of the site to one of the version's content, ok
// false for names outside content/.
func inContent(name string) (string, bool) {
	if name == "content" {
		return ".", true
	}
	rest, ok := strings.CutPrefix(name, "content/")
	return rest, ok
}

func (f *versionFS) Open(name string) (fs.File, error) {
	if rest, ok := inContent(name); ok {
		return f.content.Open(rest)
	}
	return f.site.Open(name)
}

func (f *versionFS) Stat(name string) (fs.FileInfo, error) {
	if rest, ok := inContent(name); ok {
		return fs.Stat(f.content, rest)
	}
	return fs.Stat(f.site, name)
}

func (f *versionFS) ReadFile(name string) ([]byte, error) {
	if rest, ok := inContent(name); ok {
		return fs.ReadFile(f.content, rest)
	}
	return fs.ReadFile(f.site, name)
}

func (f *versionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if rest, ok := inContent(name); ok {
		return fs.ReadDir(f.content, rest)
	}
	return fs.ReadDir(f.site, name)
}

// Limits on a version read from git, which is read into memory whole.
const (
	maxGitContent = 512 << 20 // bytes of content/ at one ref
	maxGitFiles   = 200_000
	gitTimeout    = 2 * time.Minute
)

// gitContent reads content/ as committed at a version's git ref, in one
// run of git archive whose tar stream is read into memory: nothing is
// written outside the build's output.
func gitContent(ctx context.Context, root string, v config.Version) (fs.FS, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	// The ref was checked in folio.toml: no option, no range. "--" ends
	// git's options before the pathspec.
	cmd := exec.CommandContext(ctx, "git", "-C", root, "archive", "--format=tar", v.Git+"^{tree}", "--", "content")
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("versions.%s: git: %w", v.Name, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, generator.Errorf(config.ConfigFile, v.Line, "versions.%s.git: cannot run git: %v", v.Name, err)
	}
	files, readErr := readContentTar(stdout)
	if readErr != nil {
		// Stop git rather than wait for it to write what is not read.
		cancel()
	}
	waitErr := cmd.Wait()
	if readErr != nil {
		return nil, generator.Errorf(config.ConfigFile, v.Line, "versions.%s.git: %s: %v", v.Name, v.Git, readErr)
	}
	if waitErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = waitErr.Error()
		}
		return nil, generator.Errorf(config.ConfigFile, v.Line, "versions.%s.git: %s: %s", v.Name, v.Git, msg)
	}
	if len(files) == 0 {
		return nil, generator.Errorf(config.ConfigFile, v.Line, "versions.%s.git: %s has no content/ folder", v.Name, v.Git)
	}
	return files, nil
}

// readContentTar reads the files under content/ of a tar stream into a
// file system rooted at content/, within the size and count limits.
// Symbolic links are left out: a committed link could lead anywhere.
func readContentTar(r io.Reader) (fstest.MapFS, error) {
	tr := tar.NewReader(r)
	files := fstest.MapFS{}
	total := int64(0)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read git archive: %w", err)
		}
		name := path.Clean(h.Name)
		rest, ok := inContent(name)
		if !ok || rest == "." || !fs.ValidPath(rest) {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			files[rest] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
			continue
		case tar.TypeReg:
		default:
			continue
		}
		if len(files) >= maxGitFiles {
			return nil, fmt.Errorf("content/ holds more than %d files", maxGitFiles)
		}
		total += h.Size
		if h.Size < 0 || total > maxGitContent {
			return nil, fmt.Errorf("content/ is larger than %d MB", maxGitContent>>20)
		}
		data := make([]byte, h.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, fmt.Errorf("read git archive: %w", err)
		}
		files[rest] = &fstest.MapFile{Data: data, Mode: 0o644, ModTime: h.ModTime}
	}
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
