package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version, when set at link time with -ldflags "-X main.version=v1.2.3",
// names a release; otherwise the module version from the build info is
// shown, which go install and go build derive from the repository's tags.
var version string

// revision and modified stand in for the build info's VCS stamp, which Go
// leaves out when it cannot read the repository (a git worktree, for one);
// scripts/release.sh sets them with -ldflags -X from git.
var revision, revisionTime, modified string

// buildVersion describes this binary as people ask about it in bug
// reports: which Folio, from which commit, whether that commit had local
// changes, and which Go made it.
type buildVersion struct {
	Module   string // v1.2.3, v0.0.0-20260101120000-abcdef123456+dirty or (devel)
	Revision string // the VCS commit, "" when built outside a repository
	Time     string // the commit's time, RFC 3339
	Modified bool   // the working tree had uncommitted changes
	Go       string // go1.26.8
	Platform string // linux/amd64
}

func readBuildVersion() buildVersion {
	v := buildVersion{Module: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v.Module = info.Main.Version
		}
		v.Go = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		v.Module = version
	}
	if v.Revision == "" && revision != "" {
		v.Revision, v.Time, v.Modified = revision, revisionTime, modified == "true"
	}
	return v
}

func (v buildVersion) String() string {
	s := "folio " + v.Module
	if v.Revision == "" {
		s += " (no revision recorded)"
	} else {
		s += " (revision " + v.Revision
		if v.Time != "" {
			s += ", " + v.Time
		}
		if v.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s + " " + v.Go + " " + v.Platform
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("version: unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintln(stdout, readBuildVersion())
	return nil
}
