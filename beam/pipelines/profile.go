package pipelines

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// ColumnPart is one column's partial profile of one part, as a
// one-column profile's JSON (profile.Profile.Column).
type ColumnPart struct {
	Part    int
	Profile []byte
}

// profilePartsFn reads each part of a dataset and emits its profile split
// by column: column index → ColumnPart.
type profilePartsFn struct{ partSource }

// ProcessElement profiles each claimed part with profile.Part.
func (profilePartsFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, elem string, emit func(int, ColumnPart)) error {
	return eachPart(ctx, rt, elem, func(ds *ingest.Dataset, index int, p ingest.Part) error {
		prof, err := profile.Part(ctx, ds, p, profile.Options{})
		if err != nil {
			return err
		}
		for c := range prof.Columns {
			b, err := json.Marshal(prof.Column(c))
			if err != nil {
				return fmt.Errorf("pipelines: encoding column %d of part %d: %w", c, index, err)
			}
			emit(c, ColumnPart{Part: index, Profile: b})
		}
		return nil
	})
}

// foldAcc folds partial profiles in part order: parts [0, Next) are merged
// into Prefix; parts that arrived before an earlier one wait in Pending.
// Only an accumulator that holds part 0 has a Prefix.
type foldAcc struct {
	Next    int            `json:"next"`
	Prefix  []byte         `json:"prefix,omitempty"`
	Pending map[int][]byte `json:"pending,omitempty"`
}

func encodeFoldAcc(a foldAcc) ([]byte, error) { return json.Marshal(a) }

func decodeFoldAcc(b []byte) (foldAcc, error) {
	var a foldAcc
	err := json.Unmarshal(b, &a)
	return a, err
}

// foldFn is a CombineFn over one column's ColumnParts: the same left fold,
// part 0 first, that refit profile does, whatever order bundles and merges
// bring the parts in. Its output is the column's one-column profile JSON.
type foldFn struct{}

// CreateAccumulator returns an empty fold.
func (foldFn) CreateAccumulator() foldAcc { return foldAcc{} }

// AddInput adds one part's partial profile.
func (f foldFn) AddInput(a foldAcc, in ColumnPart) (foldAcc, error) {
	if a.Pending == nil {
		a.Pending = map[int][]byte{}
	}
	if _, dup := a.Pending[in.Part]; dup || in.Part < a.Next {
		return a, fmt.Errorf("pipelines: fold: part %d given twice", in.Part)
	}
	a.Pending[in.Part] = in.Profile
	return advance(a)
}

// MergeAccumulators merges two folds; at most one of them holds part 0.
func (f foldFn) MergeAccumulators(a, b foldAcc) (foldAcc, error) {
	if b.Next > 0 {
		if a.Next > 0 {
			return a, fmt.Errorf("pipelines: fold: two accumulators hold part 0")
		}
		a, b = b, a
	}
	for part, p := range b.Pending {
		var err error
		if a, err = f.AddInput(a, ColumnPart{Part: part, Profile: p}); err != nil {
			return a, err
		}
	}
	return a, nil
}

// ExtractOutput returns the folded profile; every part must be there.
func (foldFn) ExtractOutput(a foldAcc) ([]byte, error) {
	if len(a.Pending) > 0 {
		missing := a.Next
		return nil, fmt.Errorf("pipelines: fold: part %d missing (%d later parts waiting)", missing, len(a.Pending))
	}
	return a.Prefix, nil
}

// advance folds the pending parts that are next in order into the prefix.
func advance(a foldAcc) (foldAcc, error) {
	p, ok := a.Pending[a.Next]
	if !ok {
		return a, nil
	}
	acc, err := profile.Decode(orDefault(a.Prefix, p))
	if err != nil {
		return a, err
	}
	if a.Prefix == nil {
		delete(a.Pending, a.Next)
		a.Next++
	}
	for p, ok = a.Pending[a.Next]; ok; p, ok = a.Pending[a.Next] {
		next, err := profile.Decode(p)
		if err != nil {
			return a, err
		}
		if err := acc.Merge(next); err != nil {
			return a, err
		}
		delete(a.Pending, a.Next)
		a.Next++
	}
	a.Prefix, err = json.Marshal(acc)
	return a, err
}

func orDefault(b, def []byte) []byte {
	if b == nil {
		return def
	}
	return b
}

// IndexedColumn is one column's whole profile (one-column profile JSON).
type IndexedColumn struct {
	Col     int
	Profile []byte
}

func toIndexed(col int, prof []byte) IndexedColumn { return IndexedColumn{Col: col, Profile: prof} }

// joinFn gathers the columns' profiles and joins them into the dataset's
// profile JSON, the bytes refit profile -o writes (with its newline).
type joinFn struct {
	Spec string
}

// joinAcc holds the columns seen so far.
type joinAcc struct {
	Cols map[int][]byte `json:"cols"`
}

func encodeJoinAcc(a joinAcc) ([]byte, error) { return json.Marshal(a) }

func decodeJoinAcc(b []byte) (joinAcc, error) {
	var a joinAcc
	err := json.Unmarshal(b, &a)
	return a, err
}

// CreateAccumulator returns no columns.
func (joinFn) CreateAccumulator() joinAcc { return joinAcc{Cols: map[int][]byte{}} }

// AddInput adds one column.
func (joinFn) AddInput(a joinAcc, in IndexedColumn) joinAcc {
	if a.Cols == nil {
		a.Cols = map[int][]byte{}
	}
	a.Cols[in.Col] = in.Profile
	return a
}

// MergeAccumulators merges the columns of b into a.
func (joinFn) MergeAccumulators(a, b joinAcc) joinAcc {
	if a.Cols == nil {
		a.Cols = map[int][]byte{}
	}
	for c, p := range b.Cols {
		a.Cols[c] = p
	}
	return a
}

// ExtractOutput joins the columns in schema order (an empty profile when
// the dataset has no parts).
func (f joinFn) ExtractOutput(a joinAcc) ([]byte, error) {
	ds, err := openSpec(context.Background(), f.Spec) // cached: no I/O after the reads

	if err != nil {
		return nil, err
	}
	prof := profile.New(ds.Schema(), profile.Options{})
	if len(a.Cols) > 0 {
		if prof, err = joinColumns(ds, a.Cols); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(prof)
	return append(b, '\n'), err
}

func joinColumns(ds *ingest.Dataset, cols map[int][]byte) (*profile.Profile, error) {
	idx := make([]int, 0, len(cols))
	for c := range cols {
		idx = append(idx, c)
	}
	sort.Ints(idx)
	var profs []*profile.Profile
	for _, c := range idx {
		p, err := profile.Decode(cols[c])
		if err != nil {
			return nil, err
		}
		profs = append(profs, p)
	}
	return profile.JoinColumns(ds.Schema(), profile.Options{}, profs)
}

// Profile adds the profile of spec's dataset to the pipeline: one
// PCollection holding a single element, the profile's JSON.
func Profile(s beam.Scope, spec Spec) beam.PCollection {
	s = s.Scope("profile")
	elem := spec.String()
	src := beam.Create(s, elem)
	cols := beam.ParDo(s, &profilePartsFn{}, src)
	folded := beam.CombinePerKey(s, &foldFn{}, cols)
	indexed := beam.ParDo(s, toIndexed, folded)
	return beam.Combine(s, &joinFn{Spec: elem}, indexed)
}
