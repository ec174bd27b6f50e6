package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildInfo is what `refit version` reports, from the binary's own build
// information (debug.ReadBuildInfo): the module version ("(devel)" for a
// build from a checkout), the VCS commit, its time and whether the tree was
// modified, and the Go version.
type buildInfo struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// buildCommit and buildVersion, set with
// -ldflags "-X main.buildCommit=$(git rev-parse HEAD) -X main.buildVersion=v1.2.3",
// name the commit and version of a binary built without VCS information
// (-buildvcs=false, or a source tree without .git, as in many container
// builds). The build information's own values win when present.
var buildCommit, buildVersion string

// readBuildInfo reads the running binary's build information; a binary
// without any (not built by the go command) reports "unknown".
func readBuildInfo() buildInfo {
	return withBuildFlags(readDebugBuildInfo(), buildCommit, buildVersion)
}

// withBuildFlags fills in what b lacks from the -X flags.
func withBuildFlags(b buildInfo, commit, version string) buildInfo {
	if b.Commit == "" {
		b.Commit = commit
	}
	if version != "" && (b.Version == "(devel)" || b.Version == "unknown") {
		b.Version = version
	}
	return b
}

func readDebugBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{Module: "github.com/refit-ml/refit", Version: "unknown", Go: "unknown"}
	}
	out := buildInfo{Module: bi.Main.Path, Version: bi.Main.Version, Go: bi.GoVersion}
	if out.Module == "" {
		out.Module = "github.com/refit-ml/refit"
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

// text is the build information in a few lines.
func (b buildInfo) text() string {
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

// setVersion makes `refit --version` print what `refit version` does.
func setVersion(root *cobra.Command) {
	root.Version = readBuildInfo().Version
	root.SetVersionTemplate(readBuildInfo().text())
}

func newVersionCmd(_ *cli) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print refit's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			return writeVersion(cmd.OutOrStdout(), format, readBuildInfo())
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func writeVersion(w io.Writer, format string, b buildInfo) error {
	if format == "json" {
		return writeJSON(w, b)
	}
	_, err := io.WriteString(w, b.text())
	return err
}
