package main

import (
	"fmt"
	"os"

	"github.com/refit-ml/refit/validate/coverage"
)

// Coverage helpers for `refit audit --coverage FILE`.

// loadCoverageConfig reads a YAML coverage config (strict: unknown keys
// fail).
func loadCoverageConfig(path string) (coverage.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return coverage.Config{}, fmt.Errorf("--coverage: %w", err)
	}
	return coverage.DecodeConfig(path, b)
}
