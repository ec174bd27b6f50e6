package pipelines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
)

// models caches loaded models by path, so each worker process loads a
// model once whatever the number of parts it scores.
var models struct {
	mu sync.Mutex
	m  map[string]*model.Model
}

func loadModel(path string) (*model.Model, error) {
	models.mu.Lock()
	defer models.mu.Unlock()
	if m, ok := models.m[path]; ok {
		return m, nil
	}
	m, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	if models.m == nil {
		models.m = map[string]*model.Model{}
	}
	models.m[path] = m
	return m, nil
}

// predictPartsFn scores each part of a dataset with the model at Model and
// writes the predictions of part i to Dir/part-%05d.parquet, emitting the
// file's name. A retried part rewrites its own file.
type predictPartsFn struct {
	partSource
	Model string
	Dir   string
}

// Setup loads the model (once per worker process).
func (f *predictPartsFn) Setup() error {
	_, err := loadModel(f.Model)
	return err
}

// ProcessElement scores each claimed part.
func (f *predictPartsFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, elem string, emit func(string)) error {
	m, err := loadModel(f.Model)
	if err != nil {
		return err
	}
	return eachPart(ctx, rt, elem, func(ds *ingest.Dataset, index int, p ingest.Part) error {
		name := fmt.Sprintf("part-%05d.parquet", index)
		if err := writePredictions(ctx, ds, p, m, filepath.Join(f.Dir, name)); err != nil {
			return fmt.Errorf("pipelines: predict %s part %d: %w", p.Path, p.Unit, err)
		}
		emit(name)
		return nil
	})
}

// writePredictions scores one part into a Parquet file.
func writePredictions(ctx context.Context, ds *ingest.Dataset, p ingest.Part, m *model.Model, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pw := newPredColumns(m)
	w := parquet.NewWriter(f, pw.schema, parquet.Compression(&parquet.Zstd))
	var pred []float32
	err = ds.ReadPart(ctx, p, func(rec arrow.Record) error {
		if pred, err = m.Predict(rec, pred); err != nil {
			return err
		}
		return pw.write(w, int(rec.NumRows()), pred)
	})
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// predColumns are the prediction columns refit predict writes for the
// model's task (without --keep columns), in name order: binary,
// "label" (at 0.5) and "prediction"; multiclass, "label" and one
// "prob_<class>" per class; regression, "prediction".
type predColumns struct {
	schema *parquet.Schema
	labels []string
	task   model.Task
	k      int
}

func newPredColumns(m *model.Model) *predColumns {
	pc := &predColumns{labels: m.Labels(), task: m.Task(), k: m.OutputWidth()}
	g := parquet.Group{}
	switch pc.task {
	case model.TaskRegression:
		g["prediction"] = parquet.Leaf(parquet.FloatType)
	case model.TaskBinary:
		g["prediction"] = parquet.Leaf(parquet.FloatType)
		g["label"] = parquet.String()
	default:
		g["label"] = parquet.String()
		for _, l := range pc.labels {
			g["prob_"+l] = parquet.Leaf(parquet.FloatType)
		}
	}
	pc.schema = parquet.NewSchema("predictions", g)
	return pc
}

// write appends n rows of predictions (k per row).
//
//lint:ignore SA1019 the schema is only known at run time
func (pc *predColumns) write(w *parquet.Writer, n int, pred []float32) error {
	fields := pc.schema.Fields()
	var cls []int
	if pc.task == model.TaskMulticlass {
		cls = model.Argmax(pred, pc.k, nil)
	}
	rows := make([]parquet.Row, 0, n)
	for i := range n {
		row := make(parquet.Row, len(fields))
		for c, f := range fields {
			row[c] = pc.value(f.Name(), pred, cls, i).Level(0, 0, c)
		}
		rows = append(rows, row)
	}
	_, err := w.WriteRows(rows)
	return err
}

func (pc *predColumns) value(name string, pred []float32, cls []int, i int) parquet.Value {
	switch {
	case name == "prediction":
		return parquet.FloatValue(pred[i*pc.k])
	case name == "label" && pc.task == model.TaskBinary:
		label := 0
		if pred[i] >= 0.5 {
			label = 1
		}
		return parquet.ByteArrayValue([]byte(pc.labels[label]))
	case name == "label":
		return parquet.ByteArrayValue([]byte(pc.labels[cls[i]]))
	}
	for j, l := range pc.labels {
		if name == "prob_"+l {
			return parquet.FloatValue(pred[i*pc.k+j])
		}
	}
	return parquet.NullValue()
}

// collectFn gathers the written file names.
type collectFn struct{}

// CreateAccumulator returns no names.
func (collectFn) CreateAccumulator() []string { return nil }

// AddInput adds a name.
func (collectFn) AddInput(a []string, name string) []string { return append(a, name) }

// MergeAccumulators concatenates.
func (collectFn) MergeAccumulators(a, b []string) []string { return append(a, b...) }

// ExtractOutput sorts the names.
func (collectFn) ExtractOutput(a []string) []string {
	sort.Strings(a)
	return a
}

// commitFn publishes the output directory once every part is written: it
// checks that there is one file per part and renames Tmp to Out, so a
// failed job never leaves a partial Out.
type commitFn struct {
	Tmp, Out string
	Parts    int
}

// ProcessElement commits.
func (f *commitFn) ProcessElement(names []string) error {
	if len(names) != f.Parts {
		return fmt.Errorf("pipelines: predict: %d of %d parts written", len(names), f.Parts)
	}
	if err := os.Rename(f.Tmp, f.Out); err != nil {
		return fmt.Errorf("pipelines: predict: publishing %s: %w", f.Out, err)
	}
	return syncDir(filepath.Dir(f.Out))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RunPredict scores spec's dataset with the model file at modelPath and
// writes one Parquet file of predictions per part (part-00000.parquet, …,
// in part order) into the directory out, which must not exist: the files
// are written into a temporary directory beside it that is renamed to out
// only once every part is written. Paths must be shared by all workers.
func RunPredict(ctx context.Context, spec Spec, modelPath, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("pipelines: predict: %s already exists", out)
	}
	if _, err := model.Load(modelPath); err != nil {
		return err
	}
	ds, err := ingest.Open(ctx, spec.Sources, ingest.Options{})
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after a successful rename
	p, s := beam.NewPipelineWithRoot()
	s = s.Scope("predict")
	src := beam.Create(s, spec.String())
	names := beam.ParDo(s, &predictPartsFn{Model: modelPath, Dir: tmp}, src)
	all := beam.Combine(s, &collectFn{}, names)
	beam.ParDo0(s, &commitFn{Tmp: tmp, Out: out, Parts: len(ds.Parts())}, all)
	return Run(ctx, p)
}
