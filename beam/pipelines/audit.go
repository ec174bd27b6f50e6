package pipelines

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// RowPlan is what every worker needs to rebuild the launcher's
// expect.RowPass: the dataset, the expectations file's bytes, the
// profile JSON the plan was made from and Check's options. Workers plan
// from the same bytes, so they agree with the launcher on the row checks.
type RowPlan struct {
	Spec        string `json:"spec"`
	Expect      []byte `json:"expect"`
	ExpectName  string `json:"expect_name"`
	Profile     []byte `json:"profile"`
	Now         string `json:"now"` // RFC 3339 with nanoseconds
	MaxExamples int    `json:"max_examples"`
	MaxKeys     int    `json:"max_keys"`
}

// NewRowPlan returns the plan of exp's row checks on spec's data; the
// profile bytes are decoded as workers will decode them.
func NewRowPlan(spec Spec, expect []byte, expectName string, profile []byte, opts expect.CheckOptions) RowPlan {
	return RowPlan{Spec: spec.String(), Expect: expect, ExpectName: expectName, Profile: profile,
		Now: opts.Now.Format(time.RFC3339Nano), MaxExamples: opts.MaxExamples, MaxKeys: opts.MaxKeys}
}

// rowPasses caches each worker's RowPass by its plan's hash.
var rowPasses struct {
	mu sync.Mutex
	m  map[[32]byte]*expect.RowPass
}

// RowPass returns the plan's expect.RowPass, built once per process.
func (p RowPlan) RowPass(ctx context.Context) (*expect.RowPass, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("pipelines: encoding the row plan: %w", err)
	}
	key := sha256.Sum256(b)
	rowPasses.mu.Lock()
	defer rowPasses.mu.Unlock()
	if r, ok := rowPasses.m[key]; ok {
		return r, nil
	}
	ds, err := openSpec(ctx, p.Spec)
	if err != nil {
		return nil, err
	}
	r, err := p.build(ds)
	if err != nil {
		return nil, err
	}
	if rowPasses.m == nil {
		rowPasses.m = map[[32]byte]*expect.RowPass{}
	}
	rowPasses.m[key] = r
	return r, nil
}

func (p RowPlan) build(ds *ingest.Dataset) (*expect.RowPass, error) {
	exp, err := expect.Decode(p.Expect, p.ExpectName)
	if err != nil {
		return nil, err
	}
	prof, err := profile.Decode(p.Profile)
	if err != nil {
		return nil, fmt.Errorf("pipelines: decoding the profile: %w", err)
	}
	now, err := time.Parse(time.RFC3339Nano, p.Now)
	if err != nil {
		return nil, fmt.Errorf("pipelines: row plan clock %q: %w", p.Now, err)
	}
	return expect.NewRowPass(ds, prof, exp, expect.CheckOptions{Now: now, MaxExamples: p.MaxExamples, MaxKeys: p.MaxKeys})
}

// RowPart is one part's row-pass accumulator (expect.RowAccumulator
// JSON).
type RowPart struct {
	Part int
	Acc  []byte
}

// rowPartsFn runs the row checks on each part of a dataset, emitting one
// RowPart per part.
type rowPartsFn struct {
	partSource
	Plan RowPlan
}

// ProcessElement evaluates the row checks on each claimed part.
func (f *rowPartsFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, elem string, emit func(RowPart)) error {
	r, err := f.Plan.RowPass(ctx)
	if err != nil {
		return err
	}
	return eachPart(ctx, rt, elem, func(_ *ingest.Dataset, index int, _ ingest.Part) error {
		acc, err := r.AddInput(ctx, r.CreateAccumulator(), index)
		if err != nil {
			return err
		}
		b, err := json.Marshal(acc)
		if err != nil {
			return fmt.Errorf("pipelines: encoding the row pass of part %d: %w", index, err)
		}
		emit(RowPart{Part: index, Acc: b})
		return nil
	})
}

// rowFold folds parts' accumulators in part order: parts [0, Next) are
// merged into Prefix; parts that arrived before an earlier one wait in
// Pending.
type rowFold struct {
	Next    int                            `json:"next"`
	Prefix  *expect.RowAccumulator         `json:"prefix,omitempty"`
	Pending map[int]*expect.RowAccumulator `json:"pending,omitempty"`
}

func encodeRowFold(a rowFold) ([]byte, error) { return json.Marshal(a) }

func decodeRowFold(b []byte) (rowFold, error) {
	var a rowFold
	err := json.Unmarshal(b, &a)
	return a, err
}

// rowFoldFn is a CombineFn over RowParts: expect.RowPass's merge, part 0
// first, whatever order bundles and merges bring the parts in. Its output
// is the expect.RowOutput JSON.
type rowFoldFn struct {
	Plan RowPlan
}

// CreateAccumulator returns an empty fold.
func (rowFoldFn) CreateAccumulator() rowFold { return rowFold{} }

// AddInput adds one part's accumulator.
func (f *rowFoldFn) AddInput(a rowFold, in RowPart) (rowFold, error) {
	var acc expect.RowAccumulator
	if err := json.Unmarshal(in.Acc, &acc); err != nil {
		return a, fmt.Errorf("pipelines: decoding the row pass of part %d: %w", in.Part, err)
	}
	return f.add(a, in.Part, &acc)
}

func (f *rowFoldFn) add(a rowFold, part int, acc *expect.RowAccumulator) (rowFold, error) {
	if a.Pending == nil {
		a.Pending = map[int]*expect.RowAccumulator{}
	}
	if _, dup := a.Pending[part]; dup || part < a.Next {
		return a, fmt.Errorf("pipelines: row pass: part %d given twice", part)
	}
	a.Pending[part] = acc
	r, err := f.Plan.RowPass(context.Background())
	if err != nil {
		return a, err
	}
	for next, ok := a.Pending[a.Next]; ok; next, ok = a.Pending[a.Next] {
		if a.Prefix == nil {
			a.Prefix = r.CreateAccumulator()
		}
		if a.Prefix, err = r.MergeAccumulators(a.Prefix, next); err != nil {
			return a, err
		}
		delete(a.Pending, a.Next)
		a.Next++
	}
	return a, nil
}

// MergeAccumulators merges two folds; at most one of them holds part 0.
func (f *rowFoldFn) MergeAccumulators(a, b rowFold) (rowFold, error) {
	if b.Next > 0 {
		if a.Next > 0 {
			return a, fmt.Errorf("pipelines: row pass: two accumulators hold part 0")
		}
		a, b = b, a
	}
	for part, acc := range b.Pending {
		var err error
		if a, err = f.add(a, part, acc); err != nil {
			return a, err
		}
	}
	return a, nil
}

// ExtractOutput returns the row pass's output as JSON; every part must be
// there. It reads the few example rows whose text no part knew.
func (f *rowFoldFn) ExtractOutput(a rowFold) ([]byte, error) {
	if len(a.Pending) > 0 {
		return nil, fmt.Errorf("pipelines: row pass: part %d missing (%d later parts waiting)", a.Next, len(a.Pending))
	}
	ctx := context.Background()
	r, err := f.Plan.RowPass(ctx)
	if err != nil {
		return nil, err
	}
	acc := a.Prefix
	if acc == nil {
		acc = r.CreateAccumulator()
	}
	out, err := r.ExtractOutput(ctx, acc)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	return append(b, '\n'), err
}

// RowChecks adds the row pass of plan to the pipeline: one PCollection
// holding a single element, the expect.RowOutput JSON.
func RowChecks(s beam.Scope, plan RowPlan) beam.PCollection {
	s = s.Scope("rowpass")
	src := beam.Create(s, plan.Spec)
	parts := beam.ParDo(s, &rowPartsFn{Plan: plan}, src)
	return beam.Combine(s, &rowFoldFn{Plan: plan}, parts)
}

// RunRowChecks runs the row pass of plan on the runner, writes its output
// to out (shared with the launcher on a cluster) and reads it back.
func RunRowChecks(ctx context.Context, plan RowPlan, out string) (*expect.RowOutput, error) {
	p, s := beam.NewPipelineWithRoot()
	WriteTo(s, out, RowChecks(s, plan))
	if err := Run(ctx, p); err != nil {
		return nil, err
	}
	b, err := readFile(ctx, out)
	if err != nil {
		return nil, err
	}
	var res expect.RowOutput
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("pipelines: %s: %w", out, err)
	}
	return &res, nil
}
