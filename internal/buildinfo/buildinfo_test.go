package buildinfo

import (
	"runtime"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Info
		want string
	}{
		{"commit", Info{Module: "m", Version: "v1.2.3", Commit: "abc", Time: "2026-01-02T03:04:05Z", Modified: true, Go: "go1.26.8"},
			"refit v1.2.3\ncommit  abc (2026-01-02T03:04:05Z), modified\ngo      go1.26.8\nmodule  m\n"},
		{"no commit", Info{Module: "m", Version: "(devel)", Go: "go1.26.8"},
			"refit (devel)\ncommit  unknown (not built from a git checkout)\ngo      go1.26.8\nmodule  m\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.Text(); got != tc.want {
				t.Errorf("Text:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestWithFlags(t *testing.T) {
	b := Info{Version: "(devel)"}.WithFlags("0123abc", "v9.9.9")
	if b.Commit != "0123abc" || b.Version != "v9.9.9" {
		t.Errorf("with -X flags: %+v", b)
	}
	b = Info{Version: "v1.0.0", Commit: "fff"}.WithFlags("0123abc", "v9.9.9")
	if b.Commit != "fff" || b.Version != "v1.0.0" {
		t.Errorf("the build information's own values lost: %+v", b)
	}
}

// TestRead: a test binary has build information, with this Go's version.
func TestRead(t *testing.T) {
	b := Read("", "")
	if b.Go != runtime.Version() || b.Module == "" || b.Version == "" {
		t.Errorf("Read: %+v (go %s)", b, runtime.Version())
	}
}
