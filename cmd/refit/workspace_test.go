package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadCommandsCreateNoWorkspace runs the commands that read the
// registry, or move an alias, with a mistyped --workspace: each fails
// with one line naming the path, and none creates it (issue 14).
func TestReadCommandsCreateNoWorkspace(t *testing.T) {
	t.Parallel()
	dir := smallData(t)
	typo := []string{"--workspace", "$DIR/typo"}
	cases := []cliCase{
		{"typo_models_list", append([]string{"models", "list"}, typo...), 2},
		{"typo_models_show", append([]string{"models", "show", "champion"}, typo...), 2},
		{"typo_runs_list", append([]string{"runs", "list"}, typo...), 2},
		{"typo_evaluate", append([]string{"evaluate", "--model", "champion", "--data", "$DIR/small.parquet"}, typo...), 2},
		{"typo_gate", append([]string{"gate", "--candidate", "v0001", "--data", "$DIR/small.parquet"}, typo...), 2},
		{"typo_predict", append([]string{"predict", "--model", "champion", "--data", "$DIR/small.parquet", "-o", "$DIR/p.parquet"}, typo...), 2},
		{"typo_promote", append([]string{"promote", "v0001"}, typo...), 2},
		{"typo_rollback", append([]string{"rollback"}, typo...), 2},
	}
	runCases(t, dir, nil, cases, nil)
	if _, err := os.Stat(filepath.Join(dir, "typo")); !os.IsNotExist(err) {
		t.Errorf("a read command created the workspace: %v", err)
	}
}
