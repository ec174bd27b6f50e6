package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	dir := t.TempDir()
	good, empty := filepath.Join(dir, "token"), filepath.Join(dir, "empty")
	if err := os.WriteFile(good, []byte(" s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, env, listen, file string
		want, err               string
	}{
		{name: "loopback without a token", listen: "127.0.0.1:0"},
		{name: "no HTTP takes the environment", env: "e", want: "e"},
		{name: "file beats the environment", env: "e", listen: "127.0.0.1:0", file: good, want: "s3cret"},
		{name: "beyond loopback with a token", listen: "0.0.0.0:0", file: good, want: "s3cret"},
		{name: "beyond loopback without one", listen: "0.0.0.0:0", err: "--listen "},
		{name: "empty file", file: empty, err: "--token-file " + empty + ": empty"},
		{name: "missing file", file: filepath.Join(dir, "nope"), err: "--token-file: "},
		{name: "bad address", listen: "nowhere:x", err: "--listen: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("REFIT_SERVE_TOKEN", tt.env)
			got, err := Token(tt.listen, tt.file)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("Token: %v, want an error starting %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Token = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
