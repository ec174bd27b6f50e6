package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestProfileShards: the shards of a two-row-group file merge, in any
// order, to the bytes 'refit profile -o' writes; bad splits and incomplete
// or mixed inputs are one-line usage errors (exit 2).
func TestProfileShards(t *testing.T) {
	dir := smallData(t)
	tests := []cliCase{
		{"profile_whole", []string{"profile", "$DIR/small.parquet", "-o", "$DIR/whole.json"}, 0},
		{"profile_shard_0", []string{"profile", "$DIR/small.parquet", "--shard", "0/2", "-o", "$DIR/s0.json"}, 0},
		{"profile_shard_1", []string{"profile", "$DIR/small.parquet", "--shard", "1/2", "-o", "$DIR/s1.json"}, 0},
		{"profile_merge", []string{"profile", "merge", "$DIR/s1.json", "$DIR/s0.json", "-o", "$DIR/all.json"}, 0},
		{"profile_shard_bad", []string{"profile", "$DIR/small.parquet", "--shard", "2/2", "-o", "$DIR/s2.json"}, 2},
		{"profile_shard_no_output", []string{"profile", "$DIR/small.parquet", "--shard", "0/2"}, 2},
		{"profile_shard_where", []string{"profile", "$DIR/small.parquet", "--shard", "0/2", "--where", "delay > 0", "-o", "$DIR/w.json"}, 2},
		{"profile_merge_missing", []string{"profile", "merge", "$DIR/s1.json", "-o", "$DIR/x.json"}, 2},
		{"profile_merge_twice", []string{"profile", "merge", "$DIR/s0.json", "$DIR/s0.json", "$DIR/s1.json", "-o", "$DIR/x.json"}, 2},
		{"profile_merge_mixed", []string{"profile", "merge", "$DIR/s0.json", "$DIR/whole.json", "-o", "$DIR/x.json"}, 2},
		{"profile_merge_no_output", []string{"profile", "merge", "$DIR/s0.json"}, 2},
		{"profile_merge_saved", []string{"profile", "merge", "$DIR/whole.json", "$DIR/whole.json", "-o", "$DIR/double.json"}, 0},
	}
	runCases(t, dir, nil, tests, nil)
	want, err := os.ReadFile(filepath.Join(dir, "whole.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "all.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("merged shards differ from the whole profile")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a failed merge wrote its output")
	}
}
