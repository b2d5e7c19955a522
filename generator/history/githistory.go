package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"folio/generator"
	"folio/generator/config"
)

// Git history
//
// With [history] git = true, the newest commit that touched a page's file
// is the page's last-updated date. Only a page that opts in (changelog:
// git, history: versions, or its folder in [history] changelog) publishes
// every commit as an entry of its change log, and a page with history:
// versions gets each committed version as a page of its own. A commit
// whose message says [skip changelog] is left out of all of it. The real git program runs once
// for the whole content folder while the content loads, never once per
// page; old versions are read with one more git process, only when a page
// asks for versions.

// GitHistory is what one git log says about the content folder.
type GitHistory struct {
	dir     string // the site's root, where git runs
	commits []gitCommit
	// warning says why there is no history: no git, no repository, a
	// shallow clone. "" when there is.
	warning string
}

// gitCommit is one commit that touched the content folder.
type gitCommit struct {
	hash    string
	date    time.Time // author date
	subject string
	skip    bool // its message says [skip changelog]
	changes []gitChange
}

// gitChange is one file a commit touched.
type gitChange struct {
	status  byte   // A, M, D, T, R or C
	Path    string // relative to the site root: content/privacy.md
	oldPath string // the name before a rename or copy
	blob    string // the file's content after the commit
}

// skipChangelog in a commit message keeps the commit out of change logs,
// for fixes not worth a reader's attention.
const skipChangelog = "[skip changelog]"

// gitLogFormat starts each commit with a record separator, then hash,
// author date, subject and message split by unit separators, which a
// commit message does not hold.
const gitLogFormat = "%x1e%H%x1f%aI%x1f%s%x1f%B"

// StartGitHistory runs git log in the background when the site asks for
// git history, so it overlaps with loading the content. It returns nil
// when the site does not ask. root is the site's folder, "" for a site
// that is not read from one.
func StartGitHistory(cfg *config.Config, root string) <-chan GitHistory {
	if !cfg.History.Git {
		return nil
	}
	ch := make(chan GitHistory, 1)
	if root == "" {
		// A site handed in as an fs.FS has no folder to run git in.
		ch <- GitHistory{warning: "history: git = true in " + config.ConfigFile + ", but the site is not read from a folder; pages have no git history"}
		return ch
	}
	go func() { ch <- readGitHistory(root, cfg.Location) }()
	return ch
}

// readGitHistory lists the commits that touched dir/content, newest first.
func readGitHistory(dir string, loc *time.Location) GitHistory {
	none := func(format string, args ...any) GitHistory {
		return GitHistory{warning: fmt.Sprintf(format, args...) + "; pages have no git history"}
	}
	if _, err := exec.LookPath("git"); err != nil {
		return none("history: git = true in %s, but there is no git program on this machine", config.ConfigFile)
	}
	shallow, err := gitOutput(dir, nil, "rev-parse", "--is-shallow-repository")
	if err != nil {
		return none("history: git = true in %s, but the site is not in a git repository (%v)", config.ConfigFile, err)
	}
	if strings.TrimSpace(string(shallow)) == "true" {
		// A shallow clone's oldest commit looks as if it added every file,
		// which would date every page wrongly.
		return none("history: the site is a shallow git clone, whose history is cut short (fetch all of it with git fetch --unshallow, or fetch-depth: 0 in CI)")
	}
	// --relative keeps paths relative to the site root even when the site
	// is a folder of a larger repository; --topo-order lists a commit
	// before its parents, which following renames backwards relies on.
	out, err := gitOutput(dir, nil, "-c", "log.showSignature=false", "log", "-z", "--raw", "--no-abbrev", "-M",
		"--topo-order", "--relative", "--format="+gitLogFormat, "--", "content")
	if err != nil {
		return none("history: git log failed (%v)", err)
	}
	commits, err := parseGitLog(out, loc)
	if err != nil {
		return none("history: cannot read the output of git log (%v)", err)
	}
	return GitHistory{dir: dir, commits: commits}
}

// gitOutput runs git in dir and returns its output. An error carries the
// first line git wrote to stderr, which says what went wrong.
func gitOutput(dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); msg != "" {
			return nil, errors.New(msg)
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}

// parseGitLog reads the output of git log -z --raw with gitLogFormat.
func parseGitLog(out []byte, loc *time.Location) ([]gitCommit, error) {
	var commits []gitCommit
	for _, rec := range bytes.Split(out, []byte{0x1e}) {
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		header, raw, _ := bytes.Cut(rec, []byte{0})
		fields := strings.SplitN(string(header), "\x1f", 4)
		if len(fields) != 4 {
			return nil, fmt.Errorf("commit header %q", header)
		}
		date, err := time.Parse(time.RFC3339, fields[1])
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", fields[0], err)
		}
		c := gitCommit{
			hash: fields[0], date: date.In(loc), subject: strings.TrimSpace(fields[2]),
			skip: strings.Contains(strings.ToLower(fields[3]), skipChangelog),
		}
		tokens := strings.Split(strings.TrimLeft(string(raw), "\n"), "\x00")
		for i := 0; i < len(tokens); i++ {
			meta := tokens[i]
			if !strings.HasPrefix(meta, ":") {
				continue
			}
			// :100644 100644 <old blob> <new blob> R100
			f := strings.Fields(meta)
			if len(f) < 5 || len(f[4]) == 0 || i+1 >= len(tokens) {
				return nil, fmt.Errorf("commit %s: change %q", c.hash, meta)
			}
			ch := gitChange{status: f[4][0], blob: f[3], Path: tokens[i+1]}
			i++
			if ch.status == 'R' || ch.status == 'C' {
				if i+1 >= len(tokens) {
					return nil, fmt.Errorf("commit %s: change %q has one path", c.hash, meta)
				}
				ch.oldPath, ch.Path = ch.Path, tokens[i+1]
				i++
			}
			c.changes = append(c.changes, ch)
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// pageCommit is a commit as one page sees it.
type pageCommit struct {
	*gitCommit
	blob string
}

// addGitHistory gives every page the commits that touched its file,
// following it back through renames, and lists the versions of pages
// with history: versions.
func (b *History) addGitHistory(h GitHistory) {
	// track maps a file name at the point of history being read to the
	// page it is now. Reading newest first, a rename moves the page to its
	// old name, and the commit that added a file ends its history, so a
	// name used by two files in turn is not mixed up.
	track := map[string]*generator.Page{}
	for _, p := range b.BySource {
		track[p.File] = p
	}
	byPage := map[*generator.Page][]pageCommit{}
	for i := range h.commits {
		c := &h.commits[i]
		for _, ch := range c.changes {
			p := track[ch.Path]
			if p == nil {
				continue
			}
			switch ch.status {
			case 'D':
				// The file was deleted in a commit newer than any that
				// made it: an earlier file of the same name.
				continue
			case 'R':
				delete(track, ch.Path)
				track[ch.oldPath] = p
			case 'A', 'C':
				delete(track, ch.Path)
			}
			byPage[p] = append(byPage[p], pageCommit{gitCommit: c, blob: ch.blob})
		}
	}
	for p, all := range byPage {
		// A commit marked [skip changelog] shows nowhere: not as an
		// entry, a version or a date.
		var commits []pageCommit
		for _, c := range all {
			if !c.skip {
				commits = append(commits, c)
			}
		}
		if len(commits) == 0 {
			continue
		}
		// The newest commit says when the page last changed, unless its
		// editor set lastmod.
		newest := commits[0].date
		for _, c := range commits[1:] {
			if c.date.After(newest) {
				newest = c.date
			}
		}
		if p.FM != nil && p.FM.Lastmod.IsZero() && newest.After(p.Lastmod) {
			p.Lastmod = newest
		}
		if !b.publishesGit(p) {
			continue
		}
		var versions map[*gitCommit]*generator.Version
		if p.FM.History == "versions" {
			versions = b.listVersions(p, commits, h.dir)
		}
		for _, c := range commits {
			p.Changelog = append(p.Changelog, generator.ChangeEntry{
				Date: c.date, Note: c.subject, Source: generator.SourceGit, Commit: c.hash, Version: versions[c.gitCommit],
			})
		}
	}
}

// publishesGit reports whether a page publishes its git history as its
// change log: it says changelog: git or history: versions, or its folder
// is listed in [history] changelog. Other pages only take their
// last-updated date from git.
func (b *History) publishesGit(p *generator.Page) bool {
	return p.FM != nil && (p.FM.ChangelogGit || p.FM.History == "versions") || b.cfg.History.GitChangelog(p.File)
}

// catBlobs reads the content of blobs with one git cat-file process.
func catBlobs(dir string, blobs []string) (map[string][]byte, error) {
	in := strings.Join(blobs, "\n") + "\n"
	out, err := gitOutput(dir, strings.NewReader(in), "cat-file", "--batch")
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(out))
	got := make(map[string][]byte, len(blobs))
	for range blobs {
		// <blob> blob <size>\n<content>\n, or <blob> missing\n
		head, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		f := strings.Fields(head)
		if len(f) != 3 || f[1] != "blob" {
			return nil, fmt.Errorf("git cat-file: %s", strings.TrimSpace(head))
		}
		size, err := strconv.Atoi(f[2])
		if err != nil || size > generator.MaxPageSize {
			return nil, fmt.Errorf("git cat-file: blob %s: size %s", f[0], f[2])
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("git cat-file: blob %s: %w", f[0], err)
		}
		got[f[0]] = data[:size]
	}
	return got, nil
}

// Warning says why there is no history, "" when there is.
func (h GitHistory) Warning() string { return h.warning }

// Commits is how many commits touched the content folder.
func (h GitHistory) Commits() int { return len(h.commits) }
