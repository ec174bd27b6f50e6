package main

import (
	"github.com/refit-ml/refit/internal/buildinfo"
	"github.com/spf13/cobra"
)

// buildCommit and buildVersion, set with
// -ldflags "-X main.buildCommit=$(git rev-parse HEAD) -X main.buildVersion=v1.2.3",
// name the commit and version of a binary built without VCS information
// (-buildvcs=false, or a source tree without .git, as in many container
// builds). The build information's own values win when present.
var buildCommit, buildVersion string

// setVersion makes `refit --version` print what `refit version` does.
func setVersion(root *cobra.Command) {
	b := buildinfo.Read(buildCommit, buildVersion)
	root.Version = b.Version
	root.SetVersionTemplate(b.Text())
}

func newVersionCmd(_ *cli) *cobra.Command {
	var format *string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print refit's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := buildinfo.Read(buildCommit, buildVersion)
			return writeOut(cmd.OutOrStdout(), *format, b, b.WriteText)
		},
	}
	format = formatFlag(cmd)
	return cmd
}
