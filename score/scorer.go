package score

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
)

// Source says where a Scorer's model came from.
type Source struct {
	// Ref is the reference as given: a path, a version id or an alias.
	Ref string `json:"ref"`
	// Path is the model file.
	Path string `json:"path"`
	// Version is the registry version id ("v0003"); empty for a model
	// file given by path.
	Version string `json:"version,omitempty"`
}

// Options configure a Scorer. The zero value is ready to use.
type Options struct {
	// Threads is the number of goroutines one large batch is shared
	// between (model.Model.WithThreads). Defaults to 1: concurrent calls
	// already use every core.
	Threads int
}

// Scorer scores records with one model. It is safe for concurrent use.
type Scorer struct {
	m      *model.Model
	src    Source
	labels []string       // m's class names
	cols   []model.Column // m's input columns, read-only
	names  []string       // their names

	schema *arrow.Schema // the input schema InputSchema gives

	// shards count the out-of-range values of concurrent batches without
	// one lock between them; OutOfRange sums them.
	shards [oorShards]oorShard
	next   atomic.Uint32
}

// oorShards is the number of out-of-range counters a Scorer spreads its
// concurrent batches over.
const oorShards = 8

type oorShard struct {
	mu  sync.Mutex
	oor *model.RangeCounter // cumulative
	_   [48]byte            // keep shards off each other's cache line
}

// New returns a Scorer over m, which came from src.
func New(m *model.Model, src Source, opts Options) *Scorer {
	if opts.Threads > 1 {
		m = m.WithThreads(opts.Threads)
	}
	pre := m.Preprocessor()
	s := &Scorer{m: m, src: src, labels: m.Labels(), cols: pre.Columns(), names: pre.Inputs()}
	s.schema = inputSchema(s.cols)
	for i := range s.shards {
		s.shards[i].oor = pre.NewRangeCounter()
	}
	return s
}

// inputSchema is the schema of records with cols, each in the type
// InputSchema documents.
func inputSchema(cols []model.Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		var t arrow.DataType = arrow.BinaryTypes.String
		switch c.Kind {
		case model.KindNumeric:
			t = arrow.PrimitiveTypes.Float64
		case model.KindTime:
			t = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: c.Zone}
		case model.KindDate:
			t = arrow.FixedWidthTypes.Date32
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// Load returns a Scorer over the model file at path.
func Load(path string, opts Options) (*Scorer, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	return New(m, Source{Ref: path, Path: path}, opts), nil
}

// Open returns a Scorer over ref: a model file if one exists at that path
// (or ref looks like a path), else a registry version id (v0003) or alias
// (champion) of the workspace at dir, whose artifacts are verified.
func Open(ctx context.Context, ref, dir string, opts Options) (*Scorer, error) {
	m, src, err := LoadModel(ctx, ref, dir)
	if err != nil {
		return nil, err
	}
	return New(m, src, opts), nil
}

// LoadModel loads ref as Open does and returns the model and its source.
// A workspace that does not exist is an error wrapping
// registry.ErrNoWorkspace; a ref that names no file, version or alias
// wraps registry.ErrNotFound.
func LoadModel(ctx context.Context, ref, dir string) (*model.Model, Source, error) {
	if _, err := os.Stat(ref); err == nil || strings.ContainsAny(ref, `/\.`) {
		m, err := model.Load(ref)
		return m, Source{Ref: ref, Path: ref}, err
	}
	reg, err := registry.Open(ctx, dir, registry.Options{MustExist: true})
	if err != nil {
		return nil, Source{}, err
	}
	defer reg.Close()
	return LoadVersion(ctx, reg, ref)
}

// LoadVersion loads ref, a version id or else an alias, from reg.
func LoadVersion(ctx context.Context, reg *registry.Registry, ref string) (*model.Model, Source, error) {
	v, err := ResolveVersion(ctx, reg, ref)
	if err != nil {
		return nil, Source{}, err
	}
	a, ok := v.Artifact(registry.ModelArtifact)
	if !ok {
		return nil, Source{}, fmt.Errorf("version %s has no %s", v.ID, registry.ModelArtifact)
	}
	m, err := model.Load(a.Path)
	if err != nil {
		return nil, Source{}, err
	}
	return m, Source{Ref: ref, Path: a.Path, Version: v.ID}, nil
}

// ResolveVersion looks ref up in reg as a version id, then as an alias,
// and verifies the version's artifacts.
func ResolveVersion(ctx context.Context, reg *registry.Registry, ref string) (registry.Version, error) {
	v, err := reg.Verify(ctx, ref)
	if errors.Is(err, registry.ErrNotFound) {
		v, err = reg.Resolve(ctx, ref)
	}
	if errors.Is(err, registry.ErrNotFound) {
		return v, fmt.Errorf("model %q: no such file, version or alias in workspace %s: %w", ref, reg.Dir(), err)
	}
	return v, err
}

// Model is the scorer's model.
func (s *Scorer) Model() *model.Model { return s.m }

// Columns is the model's input columns, in its input order. The slice and
// the columns are shared by every caller: read them, never modify them.
func (s *Scorer) Columns() []model.Column { return s.cols }

// Inputs is the names of Columns. The slice is shared: do not modify it.
func (s *Scorer) Inputs() []string { return s.names }

// InputSchema is one schema Score accepts: the model's input columns in
// its input order, numeric columns as float64, categorical as string,
// timestamps as timestamp[us] in the column's zone and dates as date32,
// all nullable. Score accepts other types too (those the model was
// trained on); this one is what a caller that builds records from
// scratch (a JSON decoder) can use without making a schema per batch.
// The schema is shared: do not modify it.
func (s *Scorer) InputSchema() *arrow.Schema { return s.schema }

// Source is where the model came from.
func (s *Scorer) Source() Source { return s.src }

// Result is the scores of one batch.
type Result struct {
	// Rows is the number of rows scored.
	Rows int
	// Width is the number of values per row in Values: 1 for binary
	// (the probability of Labels[1]) and regression (the prediction), one
	// probability per class for multiclass.
	Width int
	// Values holds Rows×Width values, row-major.
	Values []float32
	// Labels holds each row's predicted class (binary: Labels[1] at a
	// probability of 0.5 or more; multiclass: the most probable class);
	// nil for regression. The strings are shared with the model's labels.
	Labels []string
	// Class holds each row's predicted class index, for classifiers.
	Class []int
}

// Score scores every row of rec, which must carry the model's input
// columns with the types it was trained on, and counts its out-of-range
// values. rec is only read during the call. dst, if not nil, is reused.
func (s *Scorer) Score(rec arrow.Record, dst *Result) (*Result, error) {
	if dst == nil {
		dst = &Result{}
	}
	var err error
	if dst.Values, err = s.m.Predict(rec, dst.Values); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	if err := s.countOOR(rec); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	dst.Rows, dst.Width = int(rec.NumRows()), s.m.OutputWidth()
	s.label(dst)
	return dst, nil
}

// label fills r.Class and r.Labels from r.Values.
func (s *Scorer) label(r *Result) {
	labels := s.labels
	switch s.m.Task() {
	case model.TaskRegression:
		r.Class, r.Labels = r.Class[:0], nil
		return
	case model.TaskBinary:
		r.Class = slices.Grow(r.Class[:0], r.Rows)
		for _, p := range r.Values[:r.Rows] {
			r.Class = append(r.Class, b2i(p >= 0.5))
		}
	default:
		r.Class = model.Argmax(r.Values, r.Width, r.Class)
	}
	r.Labels = slices.Grow(r.Labels[:0], r.Rows)
	for _, c := range r.Class {
		r.Labels = append(r.Labels, labels[c])
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countOOR adds one batch's out-of-range counts to a shard's.
func (s *Scorer) countOOR(rec arrow.Record) error {
	sh := &s.shards[s.next.Add(1)%oorShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.oor.Add(rec)
}

// OutOfRange is the out-of-range counts of every row scored so far, per
// input column in the model's input order.
func (s *Scorer) OutOfRange() []model.ColumnOOR {
	var out []model.ColumnOOR
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		counts := sh.oor.Counts()
		sh.mu.Unlock()
		if out == nil {
			out = counts
			continue
		}
		for j := range out {
			out[j].Add(&counts[j])
		}
	}
	return out
}
