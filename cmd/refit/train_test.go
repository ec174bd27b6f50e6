package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type trainRow struct {
	Date     time.Time `parquet:"date,timestamp(microsecond)"`
	Delay    *int64    `parquet:"delay,optional"`
	Distance int64     `parquet:"distance"`
	Origin   string    `parquet:"origin,dict"`
}

// trainData writes 400 flights whose delay depends on distance and origin.
func trainData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rows := make([]trainRow, 400)
	for i := range rows {
		d := int64(i*37%1000) + 100
		delay := d/20 - 20
		origin := []string{"SEA", "SFO", "LAX"}[i%3]
		if origin == "SEA" {
			delay += 15
		}
		rows[i] = trainRow{time.Date(2001, 1+time.Month(i%3), 1+i%28, i%24, 0, 0, 0, time.UTC), &delay, d, origin}
	}
	rows[7].Delay = nil // a missing label is skipped
	if err := parquet.WriteFile(filepath.Join(dir, "train.parquet"), rows, parquet.MaxRowsPerRowGroup(150)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// timing masks the run time in summaries.
var timing = regexp.MustCompile(`(time +|"seconds": )[0-9.]+(ms|s|µs)?`)

func TestTrainPredict(t *testing.T) {
	t.Parallel()
	dir := trainData(t)
	train := []string{"train", "--data", "$DIR/train.parquet", "--label", "delay > 15", "--features", "distance,origin,date",
		"--hidden", "8", "--epochs", "20", "--seed", "3", "-o", "$DIR/m.refit"}
	tests := []cliCase{
		{"train", train, 0},
		{"train_json", append(train, "--format", "json", "--where", "month(date) <= 2"), 0},
		{"train_regression", []string{"train", "--data", "$DIR/train.parquet", "--label", "delay", "--features", "distance,origin",
			"--hidden", "", "--epochs", "5", "-o", "$DIR/r.refit"}, 0},
		{"predict", []string{"predict", "--model", "$DIR/m.refit", "--data", "$DIR/train.parquet", "--where", "distance > 1000",
			"--keep", "origin,delay", "-o", "$DIR/p.parquet"}, 0},
		{"predict_cat", []string{"cat", "--limit", "3", "$DIR/p.parquet"}, 0},
		{"train_bad_label", []string{"train", "--data", "$DIR/train.parquet", "--label", "nope > 1", "--features", "distance", "-o", "$DIR/x.refit"}, 2},
		{"train_time_split", append(train[:len(train)-2:len(train)-2], "--validation-split", "time", "--format", "json", "-o", "$DIR/ts.refit"), 0},
		{"train_bad_split", append(train[:len(train)-2:len(train)-2], "--validation-split", "latest", "-o", "$DIR/x.refit"), 2},
		{"train_bad_hidden", append(train[:len(train)-2:len(train)-2], "--hidden", "8,x", "-o", "$DIR/x.refit"), 2},
		{"train_missing_flags", []string{"train", "--data", "$DIR/train.parquet"}, 2},
		{"predict_bad_keep", []string{"predict", "--model", "$DIR/m.refit", "--data", "$DIR/train.parquet", "--keep", "origin,origin", "-o", "$DIR/q.parquet"}, 2},
		{"estimate", []string{"estimate", "--model", "$DIR/m.refit", "--data", "$DIR/train.parquet"}, 0},
		{"estimate_json", []string{"estimate", "--model", "$DIR/m.refit", "--data", "$DIR/train.parquet", "--where", "distance > 500", "--format", "json"}, 0},
		{"estimate_label", []string{"estimate", "--model", "$DIR/m.refit", "--data", "$DIR/train.parquet", "--label", "delay > 15"}, 0},
		{"estimate_regression", []string{"estimate", "--model", "$DIR/r.refit", "--data", "$DIR/train.parquet"}, 2},
		{"drift_cost", []string{"drift", "--reference", "$DIR/train.parquet", "--reference-where", "distance < 600",
			"--current", "$DIR/train.parquet", "--where", "distance >= 600", "--columns", "distance,origin", "--model", "$DIR/m.refit"}, 1},
		{"predict_missing_model", []string{"predict", "--model", "$DIR/none.refit", "--data", "$DIR/train.parquet", "-o", "$DIR/q.parquet"}, 2},
	}
	runCases(t, dir, nil, tests, func(s string) string { return timing.ReplaceAllString(s, "${1}X") })
	checkPredictSelfContained(t, dir)
}

// checkPredictSelfContained scores with the model file copied alone (no
// checksum sidecar) and with the registry's champion (predict --model
// champion), and checks both write the predictions of the original file
// (issue 14).
func checkPredictSelfContained(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "m.refit"))
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "copied.refit")
	if err := os.WriteFile(alone, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(dir, "ws")
	want, err := os.ReadFile(filepath.Join(dir, "p.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for i, args := range [][]string{
		{"predict", "--model", alone, "--data", filepath.Join(dir, "train.parquet"), "--where", "distance > 1000", "--keep", "origin,delay", "-o", filepath.Join(dir, "alone.parquet")},
		{"models", "register", alone, "--workspace", ws},
		{"promote", "v0001", "--force", "--reason", "test", "--workspace", ws},
		{"predict", "--model", "champion", "--workspace", ws, "--data", filepath.Join(dir, "train.parquet"), "--where", "distance > 1000", "--keep", "origin,delay", "-o", filepath.Join(dir, "champion.parquet")},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("step %d %v: exit %d: %s", i, args[:2], code, stderr.String())
		}
	}
	for _, name := range []string{"alone.parquet", "champion.parquet"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the predictions of the original file (%v)", name, err)
		}
	}
}
