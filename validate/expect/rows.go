package expect

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/internal/parts"
)

// rowCheck is a check evaluated on every record of the row pass. check may
// be called for records of different parts at once, but the records of one
// part come in order on one goroutine; st is that part's own state.
type rowCheck interface {
	check(rec arrow.Record, at rowLoc, st *checkState) error
}

// finisher is a rowCheck that keeps shared state (a set of seen values)
// instead of per-part states; finish turns it into the check's state given
// each part's first row in the dataset.
type finisher interface {
	finish(offsets []int64, maxExamples int) checkState
}

// rowLoc places a record: its part's index and the part-local index of its
// first row.
type rowLoc struct {
	part int
	base int64
}

// checkState is what a check found in one part, or, merged, in all.
type checkState struct {
	failing, total int64
	examples       []Example // part-local rows until merged
	partFailing    []int64   // merged: failing rows per part
	files          []FileCount
	max            int
	incomplete     string // set when the check could not finish
}

// fail counts a failing row and reports whether an example is wanted.
func (s *checkState) fail() bool {
	s.failing++
	return len(s.examples) < s.max
}

func (s *checkState) example(row int64, value string) {
	s.examples = append(s.examples, Example{Row: row, Value: value})
}

// rowPass scans ds once, in parallel by part, evaluating every check;
// per-part states are merged in part order (parts.Scan), so the result
// does not depend on scheduling.
func rowPass(ctx context.Context, ds *ingest.Dataset, checks []rowCheck, opts CheckOptions) ([]checkState, error) {
	return parts.Scan(ctx, ds, rowPassFn{checks: checks, parts: ds.Parts(), max: opts.MaxExamples}, opts.Progress)
}

// rowPassFn evaluates the row checks as a stats.Combiner: an accumulator
// covers consecutive parts, the first one's accumulator being created for
// it alone.
type rowPassFn struct {
	checks []rowCheck
	parts  []ingest.Part
	max    int
}

// rowAcc is what the checks found in consecutive parts: the rows of each
// part and one state per check, whose examples are at rows counted from
// the first part's first row, and whose partFailing has one count per part.
type rowAcc struct {
	partRows []int64
	rows     int64
	states   []checkState
}

// CreateAccumulator returns the state of one part without rows.
func (f rowPassFn) CreateAccumulator() *rowAcc {
	a := &rowAcc{partRows: []int64{0}, states: make([]checkState, len(f.checks))}
	for j := range a.states {
		a.states[j].max = f.max
		a.states[j].partFailing = []int64{0}
	}
	return a
}

// AddInput evaluates every check on a record of a's part.
func (f rowPassFn) AddInput(a *rowAcc, in parts.Record) (*rowAcc, error) {
	at := rowLoc{part: in.Index, base: a.rows}
	for j, c := range f.checks {
		if err := c.check(in.Rec, at, &a.states[j]); err != nil {
			return a, fmt.Errorf("validate: check %s: %w", in.Part.Path, err)
		}
		a.states[j].partFailing[0] = a.states[j].failing
	}
	a.partRows[0] += in.Rec.NumRows()
	a.rows += in.Rec.NumRows()
	return a, nil
}

// MergeAccumulators appends o, the parts right after a's, to a. Checks
// that keep shared state (finisher) are left to ExtractOutput.
func (f rowPassFn) MergeAccumulators(a, o *rowAcc) (*rowAcc, error) {
	for j, c := range f.checks {
		if _, ok := c.(finisher); ok {
			continue
		}
		st, ost := &a.states[j], &o.states[j]
		st.failing += ost.failing
		st.total += ost.total
		st.partFailing = append(st.partFailing, ost.partFailing...)
		for _, ex := range ost.examples {
			if len(st.examples) < f.max {
				st.example(a.rows+ex.Row, ex.Value)
			}
		}
	}
	a.partRows = append(a.partRows, o.partRows...)
	a.rows += o.rows
	return a, nil
}

// ExtractOutput finishes the shared-state checks and places every example
// and failing count in its file.
func (f rowPassFn) ExtractOutput(a *rowAcc) ([]checkState, error) {
	offsets := make([]int64, len(a.partRows))
	var off int64
	for i, n := range a.partRows {
		offsets[i], off = off, off+n
	}
	out := a.states
	for j, c := range f.checks {
		if fin, ok := c.(finisher); ok {
			out[j] = fin.finish(offsets, f.max)
		}
	}
	placeExamples(out, f.parts, a.partRows)
	for j := range out {
		out[j].files = fileCounts(out[j].partFailing, f.parts)
	}
	return out, nil
}

// fileCounts sums failing rows per part into failing rows per file, in
// file order, leaving out files without any.
func fileCounts(partFailing []int64, parts []ingest.Part) []FileCount {
	var out []FileCount
	for i, n := range partFailing {
		if n == 0 || i >= len(parts) {
			continue
		}
		if k := len(out) - 1; k >= 0 && out[k].File == parts[i].Path {
			out[k].Failing += n
			continue
		}
		out = append(out, FileCount{File: parts[i].Path, Failing: n})
	}
	return out
}

// placeExamples sets the file and the row within it of every example,
// from the parts' row counts (parts are in file order).
func placeExamples(states []checkState, parts []ingest.Part, partRows []int64) {
	ends := make([]int64, len(parts)) // dataset row after each part
	fileStart := map[int]int64{}
	var off int64
	for i, p := range parts {
		if _, ok := fileStart[p.File]; !ok {
			fileStart[p.File] = off
		}
		off += partRows[i]
		ends[i] = off
	}
	for j := range states {
		for k, ex := range states[j].examples {
			i, _ := slices.BinarySearch(ends, ex.Row+1)
			if i < len(parts) {
				p := parts[i]
				states[j].examples[k].File, states[j].examples[k].FileRow = p.Path, ex.Row-fileStart[p.File]
			}
		}
	}
}

// packRow packs a part index and a part-local row into one sortable key.
func packRow(part int, row int64) uint64 { return uint64(part)<<40 | uint64(row) }

func unpackRow(k uint64, offsets []int64) int64 {
	return offsets[k>>40] + int64(k&(1<<40-1))
}

// percent formats a fraction as a percentage with up to 4 significant
// digits: 0.0312 → "3.12%".
func percent(f float64) string { return numfmt.Percent(f*100, 4) }
