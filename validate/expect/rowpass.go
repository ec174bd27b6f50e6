package expect

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// RowPass is Check's plan for one dataset, profile and expectations: the
// checks the profile answers, and the row checks (patterns, rules,
// uniqueness, duplicate rows, example rows) that need a pass over the
// data. The pass is exposed as a combiner over part indices, the shape of
// an Apache Beam CombineFn, so an engine can run it part by part on many
// machines:
//
//	acc := r.CreateAccumulator()
//	acc, err = r.AddInput(ctx, acc, part) // one part, read by ingest
//	acc, err = r.MergeAccumulators(acc, next) // next covers the parts right after acc's
//	out, err = r.ExtractOutput(ctx, acc) // acc covers every part
//	res := r.Result(out)                // what Check returns
//
// Folding the parts' accumulators in part order gives exactly Check's
// result, whatever the split. A RowPass is safe for concurrent use; the
// accumulators are plain values that encode with encoding/json.
type RowPass struct {
	ds     *ingest.Dataset
	opts   CheckOptions
	items  []*pending
	checks []rowCheck
	idx    []int // item of each row check
}

// NewRowPass plans the checks of exp on ds, whose full profile is prof.
// Expectations that do not fit the data are errors wrapping
// ErrInvalidExpectations, as in Check.
func NewRowPass(ds *ingest.Dataset, prof *profile.Profile, exp *Expectations, opts CheckOptions) (*RowPass, error) {
	opts = opts.withDefaults()
	pl := &planner{ds: ds, prof: prof, exp: exp, opts: opts, probs: &problems{e: exp}}
	pl.plan()
	if err := errors.Join(pl.probs.errs...); err != nil {
		return nil, err
	}
	r := &RowPass{ds: ds, opts: opts, items: pl.items}
	for i, p := range pl.items {
		if p.row != nil {
			r.checks = append(r.checks, p.row)
			r.idx = append(r.idx, i)
		}
	}
	return r, nil
}

// Needed reports whether any check needs the row pass; when not, Result
// of an empty RowOutput is the whole answer.
func (r *RowPass) Needed() bool { return len(r.checks) > 0 }

// RowAccumulator is what the row checks found in consecutive parts
// [First, First+len(PartRows)) of the dataset; without parts it is empty.
type RowAccumulator struct {
	First    int        `json:"first"`
	PartRows []int64    `json:"part_rows"`
	States   []RowState `json:"states"`
}

// RowState is one row check's state over an accumulator's parts. Example
// rows count from the accumulator's first row; PartFailing has one count
// per part. Uniqueness and duplicate-row checks also keep Seen, the exact
// set of value hashes (as Check does: xxh3 of the value, or of the row's
// value hashes) with the packed position (part<<40 | part row) of their
// first occurrence, bounded by CheckOptions.MaxKeys (past it Over is set
// and the set dropped), and Repeats, the earliest repeated occurrences.
type RowState struct {
	Failing     int64     `json:"failing"`
	Total       int64     `json:"total"`
	Examples    []Example `json:"examples,omitempty"`
	PartFailing []int64   `json:"part_failing"`

	Seen    KeySet   `json:"seen,omitempty"`
	Repeats []Repeat `json:"repeats,omitempty"`
	Over    bool     `json:"over,omitempty"`
}

// Repeat is a repeated occurrence of a value at a packed position; Value is
// its text, unknown (Known false) for first occurrences that became
// repeats when accumulators merged: ExtractOutput reads those rows.
type Repeat struct {
	Pos   uint64 `json:"pos"`
	Value string `json:"value"`
	Known bool   `json:"known"`
}

// RowOutput is the row pass's answer, one RowResult per row check, in
// dataset coordinates. It encodes with encoding/json.
type RowOutput struct {
	Results []RowResult `json:"results"`
}

// RowResult is what one row check found in the whole dataset.
type RowResult struct {
	Failing    int64       `json:"failing"`
	Total      int64       `json:"total"`
	Examples   []Example   `json:"examples,omitempty"`
	Files      []FileCount `json:"files,omitempty"`
	Incomplete string      `json:"incomplete,omitempty"`
}

// CreateAccumulator returns an empty accumulator.
func (r *RowPass) CreateAccumulator() *RowAccumulator {
	return &RowAccumulator{States: make([]RowState, len(r.checks))}
}

// AddInput reads part (an index into the dataset's parts, the one right
// after a's last, or any when a is empty) and evaluates every row check on
// its rows.
func (r *RowPass) AddInput(ctx context.Context, a *RowAccumulator, part int) (*RowAccumulator, error) {
	parts := r.ds.Parts()
	if part < 0 || part >= len(parts) {
		return a, fmt.Errorf("validate: row pass: part %d of %d", part, len(parts))
	}
	if len(a.PartRows) == 0 {
		a.First = part
	} else if part != a.First+len(a.PartRows) {
		return a, fmt.Errorf("validate: row pass: part %d added after parts %d..%d", part, a.First, a.First+len(a.PartRows)-1)
	}
	var rows, local int64
	for _, n := range a.PartRows {
		rows += n
	}
	for j := range a.States {
		a.States[j].PartFailing = append(a.States[j].PartFailing, 0)
	}
	a.PartRows = append(a.PartRows, 0)
	err := r.ds.ReadPart(ctx, parts[part], func(rec arrow.Record) error {
		if err := r.addRecord(a, rec, part, rows+local, local); err != nil {
			return fmt.Errorf("validate: check %s: %w", parts[part].Path, err)
		}
		local += rec.NumRows()
		a.PartRows[len(a.PartRows)-1] = local
		return nil
	})
	return a, err
}

// addRecord evaluates the checks on one record of part, whose first row is
// row base of a and row local of the part.
func (r *RowPass) addRecord(a *RowAccumulator, rec arrow.Record, part int, base, local int64) error {
	last := len(a.PartRows) - 1
	for j, c := range r.checks {
		s := &a.States[j]
		if u, ok := c.(*uniqueCheck); ok {
			s.addUnique(u, rec, part, local, last, r.opts.MaxExamples)
			continue
		}
		st := checkState{failing: s.Failing, total: s.Total, examples: s.Examples, max: r.opts.MaxExamples}
		if err := c.check(rec, rowLoc{part: part, base: base}, &st); err != nil {
			return err
		}
		s.PartFailing[last] += st.failing - s.Failing
		s.Failing, s.Total, s.Examples = st.failing, st.total, st.examples
	}
	return nil
}

// addUnique inserts the values of rec, rows local.. of part (the
// accumulator's part k); within an accumulator parts come in order, so a
// value seen before is the repeat.
func (s *RowState) addUnique(c *uniqueCheck, rec arrow.Record, part int, local int64, k, maxExamples int) {
	if s.Over {
		return
	}
	if s.Seen == nil {
		s.Seen = KeySet{}
	}
	keys, valid := c.hashes(rec)
	for i, h := range keys {
		if valid != nil && !valid[i] {
			continue
		}
		s.Total++
		pos := packRow(part, local+int64(i))
		if _, ok := s.Seen[h]; !ok {
			s.Seen[h] = pos
			if len(s.Seen) > c.maxKeys {
				s.Over, s.Seen, s.Repeats = true, nil, nil
				return
			}
			continue
		}
		s.Failing++
		s.PartFailing[k]++
		if len(s.Repeats) < maxExamples {
			s.Repeats = append(s.Repeats, Repeat{Pos: pos, Value: rowText(rec, c.cols, i, false), Known: true})
		}
	}
}
