package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	goVer := readBuildInfo().Go
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

func TestBuildInfoText(t *testing.T) {
	b := buildInfo{Module: "m", Version: "v1.2.3", Commit: "abc", Time: "2026-01-02T03:04:05Z", Modified: true, Go: "go1.26.8"}
	want := "refit v1.2.3\ncommit  abc (2026-01-02T03:04:05Z), modified\ngo      go1.26.8\nmodule  m\n"
	if got := b.text(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

func TestBuildFlags(t *testing.T) {
	b := withBuildFlags(buildInfo{Version: "(devel)"}, "0123abc", "v9.9.9")
	if b.Commit != "0123abc" || b.Version != "v9.9.9" {
		t.Errorf("with -X flags: %+v", b)
	}
	b = withBuildFlags(buildInfo{Version: "v1.0.0", Commit: "fff"}, "0123abc", "v9.9.9")
	if b.Commit != "fff" || b.Version != "v1.0.0" {
		t.Errorf("the build information's own values lost: %+v", b)
	}
}
