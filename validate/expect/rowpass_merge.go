package expect

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/numfmt"
)

// MergeAccumulators appends o, which covers the parts right after a's, to
// a. Either may be empty.
func (r *RowPass) MergeAccumulators(a, o *RowAccumulator) (*RowAccumulator, error) {
	switch {
	case len(o.PartRows) == 0:
		return a, nil
	case len(a.PartRows) == 0:
		return o, nil
	case o.First != a.First+len(a.PartRows):
		return a, fmt.Errorf("validate: row pass: parts from %d merged after parts %d..%d", o.First, a.First, a.First+len(a.PartRows)-1)
	case len(a.States) != len(r.checks) || len(o.States) != len(r.checks):
		return a, fmt.Errorf("validate: row pass: accumulator of %d checks, want %d", len(o.States), len(r.checks))
	}
	var rows int64
	for _, n := range a.PartRows {
		rows += n
	}
	for j, c := range r.checks {
		if u, ok := c.(*uniqueCheck); ok {
			a.States[j].mergeUnique(&o.States[j], u.maxKeys, a.First, r.opts.MaxExamples)
			continue
		}
		st, ost := &a.States[j], &o.States[j]
		st.Failing += ost.Failing
		st.Total += ost.Total
		st.PartFailing = append(st.PartFailing, ost.PartFailing...)
		for _, ex := range ost.Examples {
			if len(st.Examples) < r.opts.MaxExamples {
				st.Examples = append(st.Examples, Example{Row: rows + ex.Row, Value: ex.Value})
			}
		}
	}
	a.PartRows = append(a.PartRows, o.PartRows...)
	return a, nil
}

// mergeUnique merges o's set, of later parts, into s's: o's first
// occurrences of values s has seen are repeats; the earliest repeats stay.
func (s *RowState) mergeUnique(o *RowState, maxKeys, first, maxExamples int) {
	s.PartFailing = append(s.PartFailing, o.PartFailing...)
	s.Failing += o.Failing
	s.Total += o.Total
	if s.Over || o.Over {
		s.Over, s.Seen, s.Repeats = true, nil, nil
		return
	}
	if s.Seen == nil {
		s.Seen = KeySet{}
	}
	later := o.Repeats
	for h, pos := range o.Seen {
		if _, ok := s.Seen[h]; !ok {
			s.Seen[h] = pos
			continue
		}
		s.Failing++
		s.PartFailing[int(pos>>40)-first]++
		if len(s.Repeats) < maxExamples {
			later = append(later, Repeat{Pos: pos})
		}
	}
	if len(s.Seen) > maxKeys {
		s.Over, s.Seen, s.Repeats = true, nil, nil
		return
	}
	slices.SortFunc(later, func(x, y Repeat) int { return cmp.Compare(x.Pos, y.Pos) })
	s.Repeats = append(s.Repeats, later[:min(len(later), maxExamples-len(s.Repeats))]...)
}

// ExtractOutput places a's findings in the dataset; a must cover every
// part. It reads the rows of repeats whose text is not known (at most
// MaxExamples per uniqueness check).
func (r *RowPass) ExtractOutput(ctx context.Context, a *RowAccumulator) (*RowOutput, error) {
	parts := r.ds.Parts()
	if len(parts) > 0 && (a.First != 0 || len(a.PartRows) != len(parts)) {
		return nil, fmt.Errorf("validate: row pass: accumulator covers %d parts from %d, want all %d", len(a.PartRows), a.First, len(parts))
	}
	if len(parts) == 0 {
		a = r.CreateAccumulator()
	}
	offsets := make([]int64, len(a.PartRows))
	var off int64
	for i, n := range a.PartRows {
		offsets[i], off = off, off+n
	}
	states := make([]checkState, len(r.checks))
	for j, c := range r.checks {
		s := &a.States[j]
		u, ok := c.(*uniqueCheck)
		if !ok {
			states[j] = checkState{failing: s.Failing, total: s.Total, examples: s.Examples, partFailing: s.PartFailing}
			continue
		}
		if s.Over {
			states[j] = checkState{incomplete: fmt.Sprintf("not checked: more than %s distinct values, over the memory cap (raise it with --max-keys)", numfmt.Count(int64(u.maxKeys)))}
			continue
		}
		if err := r.fillRepeats(ctx, u, s.Repeats); err != nil {
			return nil, err
		}
		st := checkState{failing: s.Failing, total: s.Total, partFailing: s.PartFailing}
		for _, rp := range s.Repeats {
			st.example(unpackRow(rp.Pos, offsets), rp.Value)
		}
		states[j] = st
	}
	placeExamples(states, parts, a.PartRows)
	out := &RowOutput{Results: make([]RowResult, len(states))}
	for j, st := range states {
		out.Results[j] = RowResult{Failing: st.failing, Total: st.total, Examples: st.examples,
			Files: fileCounts(st.partFailing, parts), Incomplete: st.incomplete}
	}
	return out, nil
}

// fillRepeats reads the text of the repeats not known, part by part.
func (r *RowPass) fillRepeats(ctx context.Context, u *uniqueCheck, reps []Repeat) error {
	parts := r.ds.Parts()
	for k := range reps {
		if reps[k].Known {
			continue
		}
		part, row := int(reps[k].Pos>>40), int64(reps[k].Pos&(1<<40-1))
		var local int64
		err := r.ds.ReadPart(ctx, parts[part], func(rec arrow.Record) error {
			for i := k; i < len(reps); i++ { // every unknown repeat of this part
				p, at := int(reps[i].Pos>>40), int64(reps[i].Pos&(1<<40-1))
				if !reps[i].Known && p == part && at >= local && at < local+rec.NumRows() {
					reps[i].Value, reps[i].Known = rowText(rec, u.cols, int(at-local), false), true
				}
			}
			local += rec.NumRows()
			return nil
		})
		if err != nil {
			return fmt.Errorf("validate: reading example rows of %s: %w", parts[part].Path, err)
		}
		if !reps[k].Known {
			return fmt.Errorf("validate: row %d of part %d not found", row, part)
		}
	}
	return nil
}

// Result returns what Check returns, given the row pass's output (nil or
// empty when no row pass was needed).
func (r *RowPass) Result(out *RowOutput) (*CheckResult, error) {
	if !r.Needed() {
		return r.finish(nil), nil
	}
	if out == nil || len(out.Results) != len(r.checks) {
		return nil, fmt.Errorf("validate: row pass output does not match the %d row checks", len(r.checks))
	}
	states := make([]checkState, len(out.Results))
	for j, res := range out.Results {
		states[j] = checkState{failing: res.Failing, total: res.Total, examples: res.Examples, files: res.Files, incomplete: res.Incomplete}
	}
	return r.finish(states), nil
}
