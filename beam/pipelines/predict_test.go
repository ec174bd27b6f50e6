package pipelines

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
)

type ringRow struct {
	X1 float64 `parquet:"x1"`
	X2 float64 `parquet:"x2"`
	Y  bool    `parquet:"y"`
}

type predRow struct {
	Label      string  `parquet:"label"`
	Prediction float32 `parquet:"prediction"`
}

// ringModel writes 2,000 rows in four row groups and trains a small binary
// model on them; it returns the data and model paths.
func ringModel(t *testing.T) (data, modelPath string) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]ringRow, 2000)
	for i := range rows {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		rows[i] = ringRow{x1, x2, x1*x1+x2*x2 < 1.4}
	}
	data = filepath.Join(dir, "ring.parquet")
	if err := parquet.WriteFile(data, rows, parquet.MaxRowsPerRowGroup(500)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{data}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := train.Fit(ctx, train.Config{Hidden: []int{8}, Epochs: 3, Seed: 1},
		train.Data{Train: ds.Records, Features: []string{"x1", "x2"}, Label: "y"})
	if err != nil {
		t.Fatal(err)
	}
	modelPath = filepath.Join(dir, "ring.refit")
	if err := m.Save(modelPath); err != nil {
		t.Fatal(err)
	}
	return data, modelPath
}

// TestPredictEqualsModel: on prism, the predict pipeline writes one file
// per row group whose rows are, in order, what refit predict writes: the
// model's predictions and labels at 0.5; the output directory appears only
// complete, and an existing one is refused.
func TestPredictEqualsModel(t *testing.T) {
	data, modelPath := ringModel(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "preds")
	if err := RunPredict(ctx, Spec{Sources: []string{data}}, modelPath, out); err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(ctx, []string{data}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []float32
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		p, err := m.Predict(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, p...)
	}
	files, err := filepath.Glob(filepath.Join(out, "part-*.parquet"))
	if err != nil || len(files) != 4 {
		t.Fatalf("%d part files (%v), want 4", len(files), err)
	}
	var got []predRow
	for _, f := range files {
		rows, err := parquet.ReadFile[predRow](f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rows...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d predictions, want %d", len(got), len(want))
	}
	labels := m.Labels()
	for i, r := range got {
		wantLabel := labels[0]
		if want[i] >= 0.5 {
			wantLabel = labels[1]
		}
		if r.Prediction != want[i] || r.Label != wantLabel {
			t.Fatalf("row %d: %v %q, want %v %q", i, r.Prediction, r.Label, want[i], wantLabel)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".preds.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
	if err := RunPredict(ctx, Spec{Sources: []string{data}}, modelPath, out); err == nil {
		t.Error("predict into an existing directory succeeded")
	}
}

// TestPredictFailureLeavesNothing: a job that fails (the model does not
// fit the data) publishes no output directory.
func TestPredictFailureLeavesNothing(t *testing.T) {
	data, modelPath := ringModel(t)
	other := filepath.Join(t.TempDir(), "other.parquet")
	if err := parquet.WriteFile(other, []struct {
		Z float64 `parquet:"z"`
	}{{1}, {2}}); err != nil {
		t.Fatal(err)
	}
	_ = data
	out := filepath.Join(t.TempDir(), "preds")
	if err := RunPredict(context.Background(), Spec{Sources: []string{other}}, modelPath, out); err == nil {
		t.Fatal("scoring data without the model's features succeeded")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output after a failed job: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".preds.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}
