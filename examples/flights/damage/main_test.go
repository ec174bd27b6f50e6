package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type flight struct {
	Date     time.Time `parquet:"date,timestamp(microsecond)"`
	Distance int64     `parquet:"distance"`
	Origin   string    `parquet:"origin"`
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.parquet"), filepath.Join(dir, "out.parquet")
	rows := make([]flight, 1000)
	for i := range rows {
		rows[i] = flight{time.Unix(int64(i)*60, 0).UTC(), int64(100 + i), []string{"SEA", "LAX"}[i%2]}
	}
	if err := parquet.WriteFile(in, rows); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-seed", "3", in, out, "negative:distance=0.01", "duplicate=0.005"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{"1000 rows → ", "1005 rows (seed 3)", "negative:distance=0.01", "10 rows, first", "duplicate=0.005"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, args := range [][]string{{in, out}, {in, out, "negative=0.1"}, {in, out, "unseen:distance=0.1"}} {
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
