package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// registryConfig is a refit.yaml for trainData's folder whose workspace is
// ws: the registry commands take it with --config.
const registryConfig = `workspace: ws
data: {source: train.parquet, time_column: date}
train: {label: delay > 15, features: [distance, origin]}
`

var (
	clockText        = regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	shaText          = regexp.MustCompile(`[0-9a-f]{64}`)
	artifactSizeText = regexp.MustCompile(`\d+ bytes`)
)

// TestModelsHistory registers two versions, moves the champion three times
// by hand and reads the history and the versions back, through --config.
func TestModelsHistory(t *testing.T) {
	t.Setenv("USER", "tester")
	dir := trainData(t)
	trainSmall(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(registryConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := []string{"--config", "$DIR/refit.yaml"}
	for _, args := range [][]string{
		{"models", "register", "$DIR/m.refit"},
		{"models", "register", "$DIR/m.refit", "--parent", "v0001"},
		{"promote", "v0001", "--force", "--reason", "first model"},
		{"promote", "v0002", "--force", "--reason", "retrained"},
		{"rollback", "--reason", "v0002 mislabels SEA"},
	} {
		if code, stdout, stderr := registryRun(t, dir, append(args, cfg...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, stdout, stderr)
		}
	}
	mask := func(s string) string {
		return artifactSizeText.ReplaceAllString(shaText.ReplaceAllString(clockText.ReplaceAllString(s, "<time>"), "<sha256>"), "N bytes")
	}
	runCases(t, dir, nil, []cliCase{
		{"models_history", append([]string{"models", "history"}, cfg...), 0},
		{"models_history_json", append([]string{"models", "history", "--format", "json"}, cfg...), 0},
		{"models_history_unset", append([]string{"models", "history", "staging"}, cfg...), 0},
		{"models_history_two_workspaces", append([]string{"models", "history", "--workspace", "$DIR/ws"}, cfg...), 2},
		{"models_history_no_workspace", []string{"models", "history", "--workspace", "$DIR/nowhere"}, 2},
		{"models_history_args", []string{"models", "history", "a", "b"}, 2},
		{"models_history_bad_config", []string{"models", "history", "--config", "$DIR/missing.yaml"}, 2},
		{"models_show_no_card", append([]string{"models", "show", "champion"}, cfg...), 0},
		{"models_list_config", append([]string{"models", "list"}, cfg...), 0},
	}, mask)
}

// TestModelsShowCard reads the demo champion's model card.
func TestModelsShowCard(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the demo")
	}
	dir := demoDir(t)
	code, stdout, stderr := registryRun(t, dir, "models", "show", "champion", "--config", "$DIR/refit.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"version  v", "# Model card", "- label: `"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("models show lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = registryRun(t, dir, "models", "history", "--config", "$DIR/refit.yaml")
	if code != 0 || !strings.Contains(stdout, "promote") {
		t.Errorf("models history on the demo: exit %d:\n%s%s", code, stdout, stderr)
	}
}
