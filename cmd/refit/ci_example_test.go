package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIExample keeps examples/ci/refit.yml working: every refit command
// line of its steps names a command and flags that exist.
func TestCIExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "ci", "refit.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			args := shellWords(step.Run)
			if len(args) == 0 || args[0] != "refit" {
				continue
			}
			seen++
			cmd, rest, err := newRoot().Find(args[1:])
			if err != nil {
				t.Errorf("step %q: %v", step.Name, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("step %q: %v", step.Name, err)
			}
			if f := cmd.Flags().Lookup("summary"); f == nil || f.Value.String() != "$GITHUB_STEP_SUMMARY" {
				t.Errorf("step %q does not write its summary to $GITHUB_STEP_SUMMARY", step.Name)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d refit steps, want the audit and the gate", seen)
	}
}

// shellWords splits a command line on blanks, keeping double-quoted text
// together (enough for the example's lines).
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case !quoted && (r == ' ' || r == '\n' || r == '\t'):
			if inWord {
				out, inWord = append(out, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
