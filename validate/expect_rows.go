package validate

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
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
// per-part states are merged in part order, so the result does not depend
// on scheduling.
func rowPass(ctx context.Context, ds *ingest.Dataset, checks []rowCheck, opts CheckOptions) ([]checkState, error) {
	parts := ds.Parts()
	index := make(map[ingest.Part]int, len(parts))
	states := make([][]checkState, len(parts))
	partRows := make([]int64, len(parts))
	for i, p := range parts {
		index[p] = i
		states[i] = make([]checkState, len(checks))
		for j := range checks {
			states[i][j].max = opts.MaxExamples
		}
	}
	var rows atomic.Int64
	err := ds.Scan(ctx, func(p ingest.Part, rec arrow.Record) error {
		pi := index[p]
		at := rowLoc{part: pi, base: partRows[pi]}
		for j, c := range checks {
			if err := c.check(rec, at, &states[pi][j]); err != nil {
				return fmt.Errorf("validate: check %s: %w", p.Path, err)
			}
		}
		partRows[pi] += rec.NumRows()
		if n := rows.Add(rec.NumRows()); opts.Progress != nil {
			opts.Progress(n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := mergeStates(checks, states, partRows, opts.MaxExamples)
	placeExamples(out, parts, partRows)
	for j := range out {
		out[j].files = fileCounts(out[j].partFailing, parts)
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

func mergeStates(checks []rowCheck, states [][]checkState, partRows []int64, maxExamples int) []checkState {
	offsets := make([]int64, len(partRows))
	var off int64
	for i, n := range partRows {
		offsets[i], off = off, off+n
	}
	out := make([]checkState, len(checks))
	for j, c := range checks {
		if f, ok := c.(finisher); ok {
			out[j] = f.finish(offsets, maxExamples)
			continue
		}
		out[j].partFailing = make([]int64, len(states))
		for pi := range states {
			st := states[pi][j]
			out[j].failing += st.failing
			out[j].partFailing[pi] = st.failing
			out[j].total += st.total
			for _, ex := range st.examples {
				if len(out[j].examples) < maxExamples {
					out[j].example(offsets[pi]+ex.Row, ex.Value)
				}
			}
		}
	}
	return out
}

// packRow packs a part index and a part-local row into one sortable key.
func packRow(part int, row int64) uint64 { return uint64(part)<<40 | uint64(row) }

func unpackRow(k uint64, offsets []int64) int64 {
	return offsets[k>>40] + int64(k&(1<<40-1))
}

// percent formats a fraction as a percentage with up to 4 significant
// digits: 0.0312 → "3.12%".
func percent(f float64) string {
	return strconv.FormatFloat(f*100, 'g', 4, 64) + "%"
}
