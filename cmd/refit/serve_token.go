package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/refit-ml/refit/serve"
)

// token reads --token-file, else $REFIT_SERVE_TOKEN, and checks that
// --listen is on loopback or has a token.
func (f *serveFlags) token() (string, error) {
	if f.maxBodyMiB <= 0 || f.maxBatchRows <= 0 {
		return "", errors.New("--max-body-mib and --max-batch-rows must be positive")
	}
	tok := os.Getenv("REFIT_SERVE_TOKEN")
	if f.tokenFile != "" {
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		if tok = strings.TrimSpace(string(b)); tok == "" {
			return "", fmt.Errorf("--token-file %s: empty", f.tokenFile)
		}
	}
	if f.listen == "" {
		return tok, nil
	}
	addr, err := net.ResolveTCPAddr("tcp", f.listen)
	if err != nil {
		return "", fmt.Errorf("--listen: %w", err)
	}
	if err := serve.CheckListen(addr, tok); err != nil {
		return "", fmt.Errorf("--listen %w: pass --token-file (or set $REFIT_SERVE_TOKEN), or listen on 127.0.0.1", err)
	}
	return tok, nil
}
