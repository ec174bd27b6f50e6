package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestCatWhere(t *testing.T) {
	dir := smallData(t)
	if err := os.WriteFile(filepath.Join(dir, "expect.yaml"), []byte(auditExpect), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, dir, nil, []cliCase{
		{"cat_where", []string{"cat", "--where", "origin == 'SEA'", "$DIR/small.parquet"}, 0},
		// delay is read by the expression but not shown.
		{"cat_where_columns", []string{"cat", "--where", "delay < 0", "--columns", "origin,date", "$DIR/small.parquet"}, 0},
		{"cat_where_limit", []string{"cat", "--where", "origin == 'SEA'", "--limit", "1", "--format", "jsonl", "$DIR/small.parquet"}, 0},
		{"cat_where_bad_column", []string{"cat", "--where", "nope > 1", "$DIR/small.parquet"}, 2},
		{"cat_where_not_bool", []string{"cat", "--where", "delay + 1", "$DIR/small.parquet"}, 2},
		{"cat_output_and_format", []string{"cat", "-o", "$DIR/out.parquet", "--format", "jsonl", "$DIR/small.parquet"}, 2},
		// The damaged rows (a null delay, a negative one) are cut out: the
		// audit of the rest passes the checks that failed in audit_fail.
		{"audit_where", []string{"audit", "--where", "delay >= 0", "$DIR/small.parquet", "--expect", "$DIR/expect.yaml", "--now", "2001-01-02"}, 0},
		{"audit_where_bad", []string{"audit", "--where", "month(nope) == 1", "$DIR/small.parquet", "--expect", "$DIR/expect.yaml"}, 2},
	}, nil)
}

// TestCatOutput writes a month to Parquet with -o and reads it back.
func TestCatOutput(t *testing.T) {
	dir := smallData(t)
	out := filepath.Join(dir, "sub", "feb.parquet")
	src := filepath.Join(dir, "small.parquet")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"cat", "--where", "month(date) == 2", "--columns", "origin,delay", "-o", out, src}, &stdout, &stderr); code != 0 {
		t.Fatalf("cat -o: exit %d: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("cat -o printed %q", stdout.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"cat", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("cat of the written file: exit %d: %s", code, stderr.String())
	}
	if got, want := stdout.String(), "origin,delay\nSEA,-3\n"; got != want {
		t.Errorf("written file holds\n%s\nwant\n%s", got, want)
	}
	// No rows: a valid file with the schema and no rows.
	empty := filepath.Join(dir, "none.parquet")
	if code := run(context.Background(), []string{"cat", "--where", "delay > 1000", "-o", empty, src}, &stdout, &stderr); code != 0 {
		t.Fatalf("cat -o with no rows: exit %d: %s", code, stderr.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"cat", empty}, &stdout, &stderr); code != 0 {
		t.Fatalf("cat of the empty file: exit %d: %s", code, stderr.String())
	}
	if got, want := stdout.String(), "date,delay,origin\n"; got != want {
		t.Errorf("empty file prints %q, want %q", got, want)
	}
	// A failed write leaves nothing behind.
	bad := filepath.Join(dir, "bad.parquet")
	if code := run(context.Background(), []string{"cat", "--where", "delay > 1", "-o", bad, src, filepath.Join(dir, "notes.parquet")}, &stdout, &stderr); code != 2 {
		t.Fatalf("cat -o of a bad source: exit %d, want 2", code)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("failed cat -o left %s: %v", bad, err)
	}
}
