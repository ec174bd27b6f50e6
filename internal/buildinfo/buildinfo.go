// Package buildinfo reports what a refit binary was built from: the module
// version, the VCS commit, its time and whether the tree was modified, and
// the Go version, read from the binary's own build information
// (runtime/debug.ReadBuildInfo).
package buildinfo

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// module is the main module's path when the build information lacks it.
const module = "github.com/refit-ml/refit"

// Info is what `refit version` reports.
type Info struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// Read reads the running binary's build information; a binary without any
// (not built by the go command) reports "unknown". commit and version,
// typically set with -ldflags -X for a build without VCS information
// (-buildvcs=false, or a source tree without .git), fill in what it lacks:
// see WithFlags.
func Read(commit, version string) Info {
	return fromDebug().WithFlags(commit, version)
}

// WithFlags fills in what b lacks from a commit and a version given at
// build time: the commit when b has none, the version when b's is
// "(devel)" or "unknown". The build information's own values win.
func (b Info) WithFlags(commit, version string) Info {
	if b.Commit == "" {
		b.Commit = commit
	}
	if version != "" && (b.Version == "(devel)" || b.Version == "unknown") {
		b.Version = version
	}
	return b
}

func fromDebug() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Module: module, Version: "unknown", Go: "unknown"}
	}
	out := Info{Module: bi.Main.Path, Version: bi.Main.Version, Go: bi.GoVersion}
	if out.Module == "" {
		out.Module = module
	}
	if out.Version == "" {
		out.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			out.Commit = s.Value
		case "vcs.time":
			out.Time = s.Value
		case "vcs.modified":
			out.Modified = s.Value == "true"
		}
	}
	return out
}

// Text is the build information in a few lines, as `refit version` and
// `refit --version` print it.
func (b Info) Text() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "refit %s\n", b.Version)
	commit := "unknown (not built from a git checkout)"
	if b.Commit != "" {
		commit = b.Commit
		if b.Time != "" {
			commit += " (" + b.Time + ")"
		}
		if b.Modified {
			commit += ", modified"
		}
	}
	fmt.Fprintf(&sb, "commit  %s\ngo      %s\nmodule  %s\n", commit, b.Go, b.Module)
	return sb.String()
}

// WriteText writes Text to w.
func (b Info) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, b.Text())
	return err
}
