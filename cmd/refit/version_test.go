package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/buildinfo"
)

func TestVersion(t *testing.T) {
	goVer := buildinfo.Read("", "").Go
	mask := func(s string) string {
		if goVer != "" {
			s = strings.ReplaceAll(s, goVer, "$GO")
		}
		return strings.ReplaceAll(s, runtime.Version(), "$GO")
	}
	runCases(t, t.TempDir(), nil, []cliCase{
		{"version", []string{"version"}, 0},
		{"version_flag", []string{"--version"}, 0},
		{"version_json", []string{"version", "--format", "json"}, 0},
		{"version_bad_format", []string{"version", "--format", "xml"}, 2},
		{"version_args", []string{"version", "extra"}, 2},
	}, mask)
}
